"""Collectors by registry: a collector is one module declaring ``COLLECTOR``; the scope file's ``collect``
section, the runner and ``trustgap collect source NAME`` find it without any other edit."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import trustgap.collectors as collectors_pkg
from trustgap.cli import app
from trustgap.collectors import registry
from trustgap.collectors.base import parse_collect_config
from trustgap.collectors.runner import collect_sources
from trustgap.errors import InputError
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import CollectionIssue
from trustgap.scope import Organisation, Scope

TICKETS = '''
from pydantic import BaseModel, ConfigDict

from trustgap.collectors.base import CollectConfig, Recorder
from trustgap.collectors.registry import CollectRun, Collector
from trustgap.evidence.ingest import SourceOutput


class TicketsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str
    token_env: str = "TICKETS_TOKEN"


def _fetch(cfg: CollectConfig, run: CollectRun) -> SourceOutput:
    section = cfg.section("tickets")
    rec = Recorder(run.store, as_of=run.as_of, collector="tickets", options=run.options)
    rec.issue("tickets.changes", f"no token in ${section.token_env}", call=f"GET {section.url}", name="tickets")
    return rec.output


COLLECTOR = Collector(name="tickets", description="A ticketing system", options=TicketsConfig, fetch=_fetch,
                      topic="tickets")
'''


def test_the_built_in_collectors_are_found_with_their_topics() -> None:
    found = registry.collectors()
    assert {n: c.topic for n, c in found.items()} == {
        "aws": "aws", "entra": "azuread", "github": "github", "gitlab": "gitlab", "google": "google",
        "iac": "scans", "okta": "okta"}
    assert [n for n, c in found.items() if not c.needs_section] == ["aws"]
    with pytest.raises(TypeError):
        found["x"] = found["aws"]  # type: ignore[index]


def test_a_collector_checks_its_own_section() -> None:
    with pytest.raises(InputError) as err:
        parse_collect_config({"okta": {"token_env": "X"}})
    assert err.value.field == "collect.okta" and "domain" in err.value.message
    with pytest.raises(InputError) as err:
        parse_collect_config({"bitbucket": {}})
    assert err.value.field == "collect.bitbucket" and "unknown collector" in err.value.message


@pytest.fixture
def tickets_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new collector module, dropped into the collectors package (as a file added to it would be)."""
    folder = tmp_path / "more_collectors"
    folder.mkdir()
    (folder / "tickets.py").write_text(TICKETS, encoding="utf-8")
    monkeypatch.setattr(collectors_pkg, "__path__", [*collectors_pkg.__path__, str(folder)])
    monkeypatch.setattr(registry, "_LOADED", [])  # discovered afresh, and forgotten after the test
    monkeypatch.delitem(sys.modules, "trustgap.collectors.tickets", raising=False)
    yield "tickets"
    sys.modules.pop("trustgap.collectors.tickets", None)


def test_a_new_collector_module_is_found_everywhere(tickets_module: str, tmp_path: Path) -> None:
    assert tickets_module in registry.collectors()
    cfg = parse_collect_config({"tickets": {"url": "https://tickets.example"}})
    assert cfg.section("tickets").url == "https://tickets.example"
    with pytest.raises(InputError) as err:
        parse_collect_config({"tickets": {"url": "u", "colour": "red"}})
    assert err.value.field == "collect.tickets.colour"

    scope = Scope(organisation=Organisation(name="Acme"), collect={"tickets": {"url": "https://tickets.example"}})
    out = collect_sources(scope, ["tickets"], store=EvidenceStore(None), as_of=date(2026, 11, 1))
    assert [(f.source, f.reason) for f in out.facts if isinstance(f, CollectionIssue)] == [
        ("tickets.changes", "no token in $TICKETS_TOKEN")]
    with pytest.raises(InputError) as err:
        collect_sources(Scope(organisation=Organisation(name="Acme")), ["tickets"], store=EvidenceStore(None),
                        as_of=date(2026, 11, 1))
    assert err.value.field == "collect.tickets"

    scope_file = tmp_path / "scope.yaml"
    scope_file.write_text("organisation: {name: Acme}\ncollect:\n  tickets: {url: 'https://tickets.example'}\n",
                          encoding="utf-8")
    r = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["collect", "source", "tickets", "--scope", str(scope_file),
                                                      "--as-of", "2026-11-01"])
    assert "tickets.changes" in r.output and "no token in $TICKETS_TOKEN" in r.output, r.output
