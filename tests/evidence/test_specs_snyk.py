"""Snyk REST issues (an organisation's pages written back to back; one project's listing from an older API version
with an ignored issue): vulnerabilities with Snyk's dates, CVE ids, packages and fix state."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import CollectionIssue, Vulnerability

FIX = Path(__file__).parent.parent / "fixtures" / "snyk"


def run(data: bytes, path: str) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    return parse_with(load_parsers()["snyk_issues"], data, ParseContext(ref=ref, path=path, as_of=date(2026, 3, 1)))


@pytest.mark.parametrize("name", ["issues-org-pages.json", "issues-project-ignored.json"])
def test_recognised_by_content(name: str) -> None:
    parser = recognise((FIX / name).read_bytes(), "export.json")
    assert parser is not None and parser.name == "snyk_issues"


def test_organisation_pages() -> None:
    res = run((FIX / "issues-org-pages.json").read_bytes(), "snyk.json")
    assert res.errors == []
    vulns = {v.vuln_id: v for v in res.facts if isinstance(v, Vulnerability)}
    assert set(vulns) == {"CVE-2026-42001", "3c2f1a0e-code-finding", "CVE-2024-22195"}  # the license issue left out
    axios = vulns["CVE-2026-42001"]
    assert (axios.tool, axios.severity, axios.package, axios.installed_version, axios.fix_state) == (
        "snyk", "critical", "axios", "1.6.2", "fixed")
    assert axios.first_seen == datetime(2026, 1, 10, 8, 12, 44, 127000, tzinfo=UTC) and axios.fixed_at is None
    assert "SNYK-JS-AXIOS-7361793" in axios.aliases and axios.target == "1f3c5e7a-9b0d-4c2e-8f1a-3b5d7f9a1c2e"
    jinja = vulns["CVE-2024-22195"]
    assert jinja.fixed_at == datetime(2026, 1, 5, 12, tzinfo=UTC) and jinja.severity == "medium"
    assert vulns["3c2f1a0e-code-finding"].package is None and vulns["3c2f1a0e-code-finding"].fix_state is None


def test_an_ignored_issue_stays_open() -> None:
    (v,) = [f for f in run((FIX / "issues-project-ignored.json").read_bytes(), "p.json").facts
            if isinstance(f, Vulnerability)]
    assert v.fixed_at is None and v.fix_state == "not_fixed" and v.package == "openssl/libssl3"


def test_issue_without_creation_time_is_lost_evidence() -> None:
    doc = json.loads((FIX / "issues-project-ignored.json").read_text())
    doc["data"][0]["attributes"].pop("created_at")
    res = run(json.dumps(doc).encode(), "p.json")
    assert not [f for f in res.facts if isinstance(f, Vulnerability)]
    assert res.errors and "p.json" in str(res.errors[0])
    assert [i.source for i in res.facts if isinstance(i, CollectionIssue)] == ["scans.snyk"]
