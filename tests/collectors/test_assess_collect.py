"""``trustgap assess FOLDER --collect aws,github``: live collection inside the assessment pipeline, only the
services the scope needs, and no planted credential anywhere the run wrote (evidence, database, reports)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from tests.collectors.conftest import ACCOUNT, PLANTED_AWS_SECRET, PLANTED_AWS_TOKEN, REGIONS
from tests.collectors.github_api import ORG, PLANTED_GITHUB_TOKEN, GithubApi
from typer.testing import CliRunner

from trustgap.assessment import sources_needed
from trustgap.cli import app
from trustgap.collectors.base import parse_collect_config
from trustgap.collectors.runner import narrow, split_names
from trustgap.scope import Organisation, Scope

WIDE = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def _scope(folder: Path, moto_url: str, github_url: str, categories: list[str]) -> Path:
    doc = {
        "organisation": {"name": "Acme"},
        "categories": categories,
        "report": {"type": "type2", "period": {"start": "2026-08-01", "end": "2026-10-31"}},
        "systems": [{"name": "AWS", "kind": "aws", "role": "cloud"},
                    {"name": "GitHub", "kind": "github", "role": "source_control"}],
        "collect": {
            "aws": {"endpoint_url": moto_url, "accounts": [{"regions": list(REGIONS)}]},
            "github": {"org": ORG, "base_url": github_url},
        },
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scope.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_assess_collect_end_to_end_without_leaking(moto_url: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    api = GithubApi().start()
    folder = tmp_path / "acme"
    _scope(folder, moto_url, api.base_url, ["security"])
    report = tmp_path / "out" / "report.html"
    result_json = tmp_path / "out" / "result.json"
    monkeypatch.setenv("GITHUB_TOKEN", PLANTED_GITHUB_TOKEN)
    try:
        result = CliRunner().invoke(app, ["assess", str(folder), "--collect", "aws,github", "--as-of", "2026-11-01",
                                          "--report", str(report), "--json", str(result_json)], env=WIDE)
    finally:
        api.stop()
    assert result.exit_code == 0, result.output
    doc = json.loads(result_json.read_text())
    checks = {c["check_id"]: c for c in doc["checks"]}
    assert checks["aws.rds_encrypted"]["status"] == "fail"
    assert checks["aws.cloudtrail_log_file_validation"]["status"] == "fail"
    assert checks["change.pr_approved_by_other"]["status"] in ("fail", "partial")
    assert checks["branch_protection.default_branch_protected"]["status"] == "fail"  # acme/web
    sources = {e["source"] for e in doc["evidence"]}
    assert "aws:rds.DescribeDBInstances" in sources and f"github:GET /orgs/{ORG}" in sources
    # Security only: AWS Backup serves Availability (A1.2) alone, so it is never called
    assert not any(s.startswith("aws:backup.") for s in sources)
    assert "aws:guardduty.ListDetectors" in sources
    # every byte written: evidence store and database under TRUSTGAP_HOME, the report, the JSON, the output
    home = Path(__import__("os").environ["TRUSTGAP_HOME"])
    files = [p for p in home.rglob("*") if p.is_file()] + [report, result_json]
    assert any(p.suffix == ".db" for p in files) and len(files) > 30
    blob = b"".join(p.read_bytes() for p in files) + result.output.encode()
    for secret in (PLANTED_AWS_SECRET, PLANTED_AWS_TOKEN, PLANTED_GITHUB_TOKEN):
        assert secret.encode() not in blob, secret
    assert ACCOUNT.encode() in blob  # the collection really is in there


# services whose facts no check judges yet: never called by an assessment, whatever the categories
UNJUDGED = {"aws.elbv2"}


def test_services_follow_the_scope() -> None:
    security = Scope(organisation=Organisation(name="Acme"))
    cfg, skipped = narrow(parse_collect_config({"aws": {}, "github": {"org": "acme"}}), sources_needed(security))
    assert cfg.aws is not None and "backup" not in cfg.aws.services and "rds" in cfg.aws.services
    assert set(skipped) - UNJUDGED == {"aws.backup"} and cfg.github is not None
    assert cfg.github.parts == ["org", "members", "protection", "pulls", "dependabot"]
    with_availability = Scope(organisation=Organisation(name="Acme"), categories=["security", "availability"])
    cfg, skipped = narrow(parse_collect_config({}), sources_needed(with_availability))
    assert cfg.aws is not None and "backup" in cfg.aws.services and set(skipped) <= UNJUDGED
    # change management marked not applicable: no pull requests, no branch protection are asked for
    no_change = Scope(organisation=Organisation(name="Acme"), not_applicable=[
        {"control": c, "justification": "no software is developed in house"} for c in
        ("CHG-01", "CHG-02", "CHG-03", "CHG-04", "CHG-05", "CHG-06")])
    cfg, skipped = narrow(parse_collect_config({"github": {"org": "acme"}}), sources_needed(no_change))
    assert cfg.github is not None and cfg.github.parts == ["org", "members", "dependabot"]
    assert [s for s in skipped if s not in UNJUDGED] == ["aws.backup", "github.protection", "github.pulls"]
    # what the scope file lists itself is collected as listed
    cfg, _ = narrow(parse_collect_config({"aws": {"services": ["backup"]}}), sources_needed(security))
    assert cfg.aws is not None and cfg.aws.services == ["backup"]


def test_collector_names_may_be_comma_separated() -> None:
    assert split_names(["aws,github", " Okta ", "aws", ""]) == ["aws", "github", "okta"]
