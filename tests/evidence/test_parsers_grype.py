"""Grype JSON reports: an image series (Grype 0.79: first seen / fixed between scans, a GHSA and its CVE as one
flaw, fix states) and a directory scan of an older Grype (0.65, with VEX-ignored matches); bad input."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from trustgap.checks.base import CheckContext, load_checks, run_checks
from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import CollectionIssue, FactSet, Scan, Vulnerability
from trustgap.thresholds import ResolvedThresholds

FIX = Path(__file__).parent.parent / "fixtures" / "grype"
SERIES = ("api-1.4.0.json", "api-1.4.1.json", "api-1.5.0.json")


def run(data: bytes, path: str = "report.json", options: dict[str, Any] | None = None) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 3, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path=path, as_of=date(2026, 3, 3), options=options or {})
    return parse_with(load_parsers()["grype"], data, ctx)


def series(options: dict[str, Any] | None = None) -> list[Any]:
    facts: list[Any] = []
    for name in SERIES:
        res = run((FIX / name).read_bytes(), name, options)
        assert res.errors == []
        facts.extend(res.facts)
    return load_parsers()["grype"].finalize(facts)  # type: ignore[misc]


def test_recognised_by_content() -> None:
    for name in (*SERIES, "web-dir-0.65.json"):
        parser = recognise((FIX / name).read_bytes(), "scan-output.txt")
        assert parser is not None and parser.name == "grype", name


def test_one_report() -> None:
    res = run((FIX / "api-1.4.0.json").read_bytes())
    scans = [f for f in res.facts if isinstance(f, Scan)]
    assert len(scans) == 1 and scans[0].target == "ghcr.io/acme/api:1.4.0"
    assert scans[0].scanned_at == datetime(2026, 1, 6, 14, 14, 3, 512347, tzinfo=UTC)  # -05:00 read as UTC
    vulns = {v.vuln_id: v for v in res.facts if isinstance(v, Vulnerability)}
    assert vulns["CVE-2026-1111"].severity == "critical" and vulns["CVE-2026-1111"].fixed_version == "3.0.13-1~deb12u1"
    assert vulns["CVE-2026-1111"].fix_state == "fixed" and vulns["CVE-2026-1111"].package == "libssl3"
    assert vulns["GHSA-9wx4-h78v-vm56"].aliases == ("CVE-2026-2222",)
    assert vulns["CVE-2025-3333"].severity == "low" and vulns["CVE-2025-3333"].fix_state == "wont_fix"
    assert vulns["CVE-2026-4444"].severity == "high"  # Unknown in Debian's feed, High in the related NVD record
    assert vulns["CVE-2026-4444"].fix_state == "not_fixed" and vulns["CVE-2026-4444"].fixed_version is None


def test_series_by_repository_dates_first_seen_and_fix() -> None:
    facts = series({"target": "repository"})
    vulns = {(v.vuln_id, v.package): v for v in facts if isinstance(v, Vulnerability)}
    assert {v.target for v in vulns.values()} == {"ghcr.io/acme/api"}
    openssl = vulns[("CVE-2026-1111", "libssl3")]
    assert openssl.first_seen == datetime(2026, 1, 6, 14, 14, 3, 512347, tzinfo=UTC)
    assert openssl.last_seen.date() == date(2026, 2, 3) and openssl.fixed_at is not None
    assert openssl.fixed_at.date() == date(2026, 3, 2)
    # reported as GHSA, then as its CVE, then as the GHSA again: one flaw, open since January
    requests = [v for v in facts if isinstance(v, Vulnerability) and v.package == "requests"]
    assert len(requests) == 1 and requests[0].fixed_at is None
    assert requests[0].first_seen.date() == date(2026, 1, 6)
    assert set(requests[0].aliases) >= {"CVE-2026-2222"}
    curl = vulns[("CVE-2026-4444", "libcurl4")]
    assert curl.fixed_at is not None and curl.fixed_at.date() == date(2026, 3, 2)


def test_without_the_option_each_tag_is_its_own_target() -> None:
    facts = series()
    assert len({s.target for s in facts if isinstance(s, Scan)}) == 3


def test_sla_check_brackets_the_fix_between_scans() -> None:
    facts = FactSet(series({"target": "repository"}))
    ctx = CheckContext(facts=facts, thresholds=ResolvedThresholds({}), as_of=date(2026, 3, 3))
    crit = [load_checks()["vulns.critical_fixed_within_sla"]]
    result = run_checks(ctx, crit)[0]
    entity = next(e for e in result.entities if "CVE-2026-1111" in e.entity)
    # last reported 3 February (28 days), gone on 2 March (55 days): the fix falls somewhere between, so whether the
    # 30-day SLA was kept cannot be told
    assert entity.status == "partial" and "cannot tell" in entity.reason
    assert "scans.grype" in crit[0].meta.sources


def test_older_directory_scan_leaves_out_ignored_matches() -> None:
    res = run((FIX / "web-dir-0.65.json").read_bytes())
    assert res.errors == []
    vulns = [f for f in res.facts if isinstance(f, Vulnerability)]
    assert [(v.vuln_id, v.target, v.aliases) for v in vulns] == [("GHSA-35jh-r3h4-6jhm", "/builds/acme/web",
                                                                   ("CVE-2021-23337",))]


def test_no_timestamp_is_refused_naming_the_field() -> None:
    doc = json.loads((FIX / "api-1.4.0.json").read_text())
    doc["descriptor"]["timestamp"] = ""
    res = run(json.dumps(doc).encode(), "undated.json")
    assert res.facts == [] and res.errors[0].field == "descriptor.timestamp"
    assert "undated.json" in str(res.errors[0])


def test_unreadable_match_is_named_and_voids_the_sla_verdict() -> None:
    doc = json.loads((FIX / "api-1.4.0.json").read_text())
    doc["matches"][1]["vulnerability"].pop("id")
    res = run(json.dumps(doc).encode(), "partial.json")
    assert [e.field for e in res.errors] == ["matches[1].vulnerability.id"]
    assert len([f for f in res.facts if isinstance(f, Vulnerability)]) == 3
    issues = [f for f in res.facts if isinstance(f, CollectionIssue)]
    assert issues and issues[0].source == "scans.grype"


def test_truncated_file_names_the_line() -> None:
    data = (FIX / "api-1.4.0.json").read_bytes()[:3000]
    res = run(data, "cut.json")
    assert res.facts == [] and res.errors[0].line is not None and res.errors[0].line > 1
