"""A file that cannot be read at all must not leave its checks judging on what remains."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from trustgap.evidence.ingest import ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import CollectionIssue

FIXTURES = Path(__file__).parent.parent / "fixtures" / "evidence" / "trivy"


def test_truncated_trivy_report_becomes_a_collection_issue(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "api-2026-01-05.json", tmp_path / "good.json")
    text = (FIXTURES / "api-2026-02-05.json").read_text(encoding="utf-8")
    (tmp_path / "broken.json").write_text(text[: len(text) // 2], encoding="utf-8")
    out = ingest_folder(tmp_path, store=EvidenceStore(None), as_of=date(2026, 3, 1))
    by_name = {Path(i.name).name: i for i in out.items}
    assert by_name["good.json"].status == "parsed"
    broken = by_name["broken.json"]
    if broken.status == "not_recognised":  # too little left to tell the format: nothing to attribute
        return
    assert broken.status == "failed" and broken.errors[0].line is not None
    issues = [f for fs in out.facts_by_parser.values() for f in fs if isinstance(f, CollectionIssue)]
    assert [i.source for i in issues] == ["scans.trivy"]
    assert "broken.json could not be read" in issues[0].reason
    assert issues[0].src.sha256 == broken.sha256


def test_broken_trivy_voids_the_vulnerability_checks_but_not_the_scanner_checks(tmp_path: Path) -> None:
    from trustgap.assessment import run_assessment

    ev = tmp_path / "evidence"
    ev.mkdir()
    # a clean Checkov report (its documented JSON shape) with one passing encryption check
    passed = {"check_id": "CKV_AWS_19", "check_name": "Ensure all data stored in the S3 bucket is securely "
              "encrypted at rest", "check_result": {"result": "PASSED"}, "file_path": "/s3.tf",
              "file_line_range": [1, 12], "resource": "aws_s3_bucket.logs"}
    report = {"check_type": "terraform", "results": {"passed_checks": [passed], "failed_checks": [],
                                                     "skipped_checks": [], "parsing_errors": []},
              "summary": {"passed": 1, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 1,
                          "checkov_version": "3.2.0"}}
    (ev / "checkov.json").write_text(json.dumps(report), encoding="utf-8")
    shutil.copy(FIXTURES / "api-2026-01-05.json", ev / "good.json")
    text = (FIXTURES / "api-2026-02-05.json").read_text(encoding="utf-8")
    (ev / "broken.json").write_text(text[: len(text) // 2] + "\n", encoding="utf-8")
    (tmp_path / "scope.yaml").write_text("organisation:\n  name: Acme\n")
    result, _ = run_assessment(tmp_path / "scope.yaml", evidence_dir=ev, as_of=date(2026, 3, 1), save=False)
    status = {e.name: e.status for e in result.evidence}
    assert status["broken.json"] == "failed" and status["checkov.json"] == "parsed"
    checks = {c.check_id: c for c in result.checks}
    vuln = checks["vulns.critical_fixed_within_sla"]
    assert vuln.status in ("not_assessed", "fail") and (vuln.status == "fail" or "broken.json" in vuln.summary)
    judged = [c for cid, c in checks.items() if cid.startswith("scanners.") and c.status != "not_assessed"]
    assert any(c.status == "pass" for c in judged), "a broken Trivy file must not void checks of Checkov results"
    assert all("broken.json" not in c.summary for c in judged)
