"""End to end: an evidence folder in, verdicts out, every finding traceable to the evidence it came from."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from trustgap.assessment import resolve_inputs, run_assessment
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.engine.models import AssessmentResult


@pytest.fixture(scope="module")
def demo_result() -> AssessmentResult:
    inputs = resolve_inputs(demo_folder())
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=DEMO_AS_OF, save=False)
    return result


def test_every_demo_file_is_recognised_and_parsed(demo_result: AssessmentResult) -> None:
    files = [e for e in demo_result.evidence if e.status not in ("answers", "scope")]
    assert len(files) >= 25
    bad = [(e.name, e.status, [str(x) for x in e.errors]) for e in files if e.status != "parsed"]
    assert bad == []


def test_every_finding_links_to_stored_evidence(demo_result: AssessmentResult) -> None:
    known = {e.sha256 for e in demo_result.evidence}
    with_entities = [f for f in demo_result.findings if f.entity]
    assert len(with_entities) >= 20
    for f in with_entities:
        if f.check_id is None:
            continue
        if f.gap_kind == "insufficient_evidence" and not f.evidence:
            # a finding about evidence that was not provided has nothing to link; it must say what is missing
            assert "no " in f.reason and "evidence" in f.reason, f.reason
            continue
        assert f.evidence, f"finding {f.id} ({f.check_id} on {f.entity}) has no evidence link"
        for link in f.evidence:
            assert link.sha256 in known, f"{f.id} links to unknown evidence {link.sha256}"
            assert len(link.sha256) == 64


def test_demo_findings_name_entities_across_systems(demo_result: AssessmentResult) -> None:
    checks = {f.check_id for f in demo_result.findings if f.entity}
    # identity, offboarding, change review, vulnerabilities, vendors and cadence checks all fire on the demo
    for expected in ("offboarding.access_revoked_in_time", "change.pr_approved_by_other",
                     "access_reviews.performed_on_cadence", "vendors.assurance_current"):
        assert expected in checks, f"{expected} found nothing on the demo"
    every_status = {v.status for v in demo_result.verdicts}
    assert {"implemented", "gap", "not_applicable"} <= every_status


def test_access_reviews_name_the_missing_quarters(demo_result: AssessmentResult) -> None:
    v = demo_result.verdict("AC-08")
    assert v.status == "gap" and v.gap_kind == "not_operating"
    text = " ".join(f.reason + " " + (f.entity or "") for f in demo_result.findings_for("AC-08"))
    for quarter in ("2026-Q2", "2026-Q3"):
        assert quarter in text


def test_unknown_and_broken_files_are_listed_and_the_rest_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "org"
    shutil.copytree(demo_folder(), folder)
    ev = folder / "evidence"
    (ev / "notes.txt").write_text("lunch order: 3 pizzas\n", encoding="utf-8")
    roster = next((ev / "hr").glob("*.csv"))
    text = roster.read_text(encoding="utf-8")
    (ev / "hr" / "truncated-copy.json").write_text('{"kind": "admin#directory#users", "users": [{"primary',
                                                   encoding="utf-8")
    inputs = resolve_inputs(folder)
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=date(2026, 11, 16), save=False)
    by_name = {Path(e.name).name: e for e in result.evidence}
    assert by_name["notes.txt"].status == "not_recognised"
    broken = by_name["truncated-copy.json"]
    # recognised by its "kind" as a Google Workspace users export, and reported as broken where it breaks
    assert (broken.status, broken.format) == ("failed", "google_users")
    assert [(e.path, e.line) for e in broken.errors] == [("hr/truncated-copy.json", 1)]
    assert "not valid JSON" in broken.errors[0].message
    assert by_name[roster.name].status == "parsed" and by_name[roster.name].facts > 0
    assert text == roster.read_text(encoding="utf-8")  # nothing modified in place
    assert result.fact_counts.get("Person", 0) > 0
