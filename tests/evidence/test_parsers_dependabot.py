"""Dependabot alerts as vulnerabilities: dated by GitHub, resolved only by a fix or a not-applicable dismissal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from trustgap.checks.base import CheckContext, load_checks
from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import FactSet, Scan, Vulnerability
from trustgap.thresholds import ResolvedThresholds

FIX = Path(__file__).parent.parent / "fixtures" / "evidence" / "github" / "dependabot-alerts.json"
EXPORTED = datetime(2026, 3, 1, tzinfo=UTC)


def run(data: bytes) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), "alerts.json", "file", EXPORTED, len(data))
    return parse_with(load_parsers()["dependabot"], data, ParseContext(ref=ref, path="alerts.json",
                                                                       as_of=date(2026, 3, 1)))


def test_alerts_become_vulnerabilities_and_scans() -> None:
    data = FIX.read_bytes()
    assert recognise(data, "export.json").name == "dependabot"  # type: ignore[union-attr]
    res = run(data)
    assert res.errors == []
    vulns = {v.vuln_id: v for v in res.facts if isinstance(v, Vulnerability)}
    lodash = vulns["CVE-2026-1001"]
    assert (lodash.target, lodash.severity, lodash.fixed_at, lodash.package, lodash.fixed_version) == (
        "acme/api", "critical", None, "lodash (package-lock.json)", "1.2.3")
    assert lodash.first_seen == datetime(2026, 1, 15, 10, tzinfo=UTC) and lodash.src.locator == "$[0]"
    assert vulns["GHSA-dddd-eeee-ffff"].fixed_at == datetime(2026, 2, 1, 10, tzinfo=UTC)  # no CVE: the GHSA id
    tolerated = vulns["CVE-2026-1003"]
    assert tolerated.fixed_at is None and "dismissed as tolerable_risk on 2026-01-06, not fixed" in (
        tolerated.title or "")
    assert vulns["CVE-2026-1004"].fixed_at == datetime(2026, 1, 7, 10, tzinfo=UTC)  # not used: resolved
    assert not [s for s in res.facts if isinstance(s, Scan)]  # continuous monitoring, not scan runs


def test_sla_checks_name_the_late_alerts() -> None:
    facts = FactSet(run(FIX.read_bytes()).facts)
    ctx = CheckContext(facts=facts, thresholds=ResolvedThresholds(), as_of=date(2026, 3, 1))
    checks = load_checks()
    crit = {e.entity: e for e in checks["vulns.critical_fixed_within_sla"].run(ctx).entities}
    assert crit["CVE-2026-1001 in lodash (package-lock.json) on acme/api"].status == "fail"  # open 45 days
    high = {e.entity: e for e in checks["vulns.high_fixed_within_sla"].run(ctx).entities}
    assert high["GHSA-dddd-eeee-ffff in requests (requirements.txt) on acme/api"].status == "pass"  # 12 days
    assert high["CVE-2026-1003 in axios (package-lock.json) on acme/web"].status == "pass"  # 55 days < 90
    later = CheckContext(facts=facts, thresholds=ResolvedThresholds(), as_of=date(2026, 6, 1))
    high = {e.entity: e for e in checks["vulns.high_fixed_within_sla"].run(later).entities}
    assert high["CVE-2026-1003 in axios (package-lock.json) on acme/web"].status == "fail"  # dismissed is not fixed


def test_bad_alerts_name_their_path_and_the_rest_is_kept() -> None:
    alerts = json.loads(FIX.read_bytes())
    del alerts[1]["security_advisory"]
    alerts[2]["created_at"] = "yesterday"
    res = run(json.dumps(alerts).encode())
    assert [e.field for e in res.errors] == ["[1].security_advisory", "[2].created_at"]
    assert len([v for v in res.facts if isinstance(v, Vulnerability)]) == 2
