"""One pipeline: ``trustgap collect X`` (the findings shown after a collection) and ``trustgap assess`` judge
the same facts the same way (identity aliases, service-account owners, policy promises, MFA systems), because
both build their check context through :mod:`trustgap.assessment`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from trustgap.assessment import assess, check_sources
from trustgap.cli_collect import related_checks, summarise
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.engine.models import AssessmentResult
from trustgap.evidence.ingest import SourceOutput, ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.scope import LoadedScope, load_scope


@pytest.fixture(scope="module")
def demo() -> tuple[LoadedScope, SourceOutput, AssessmentResult]:
    folder = demo_folder()
    loaded = load_scope(folder / "scope.yaml")
    # the demo's exports stand in for what the collectors return: the same facts reach both paths
    sources = ingest_folder(folder / "evidence", store=EvidenceStore(None), as_of=DEMO_AS_OF)
    return loaded, sources, assess(loaded, sources, as_of=DEMO_AS_OF)


@pytest.mark.parametrize("name", ["okta", "google", "aws", "github"])
def test_collect_findings_equal_the_assessment_of_the_same_facts(
        name: str, demo: tuple[LoadedScope, SourceOutput, AssessmentResult]) -> None:
    loaded, sources, result = demo
    by_id = {c.check_id: c for c in result.checks}
    _, results = check_sources(loaded.scope, sources, DEMO_AS_OF, related_checks(name))
    assert results, f"no check reads what {name} collects"
    for r in results:
        a = by_id[r.check_id]
        failing = sum(1 for e in r.entities if e.status != "pass")
        assert (r.status, r.summary, len(r.entities), failing) == (a.status, a.summary, a.entities_total,
                                                                   a.entities_failing), r.check_id


def test_aliases_and_service_accounts_count_after_a_collection(
        demo: tuple[LoadedScope, SourceOutput, AssessmentResult]) -> None:
    """The scope's alias (tom.ortega -> tomas.ortega) and service-account owners (deploy-bot) decide whose
    account is whose in ``collect`` too: the orphan-account check reads the scope's identity settings."""
    loaded, sources, result = demo
    _, results = check_sources(loaded.scope, sources, DEMO_AS_OF, related_checks("okta"))
    owned = next(r for r in results if r.check_id == "accounts.owned_by_person")
    entities = {e.entity.split(" ")[0]: e for e in owned.entities}
    assert not any(e.status == "fail" for k, e in entities.items() if k.startswith("tom.ortega@"))
    assert owned.summary == next(c.summary for c in result.checks if c.check_id == owned.check_id)


def test_the_collect_command_prints_the_assessment_verdicts(
        demo: tuple[LoadedScope, SourceOutput, AssessmentResult], tmp_path: Path) -> None:
    loaded, sources, result = demo
    out = io.StringIO()
    summarise(Console(file=out, width=300, color_system=None), "okta", sources, loaded.scope, DEMO_AS_OF,
              findings=True, store_dir=str(tmp_path))
    text = out.getvalue()
    owned = next(c for c in result.checks if c.check_id == "accounts.owned_by_person")
    assert owned.status == "fail" and f"{owned.status}" in text and owned.summary in text
