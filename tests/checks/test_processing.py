"""Processing-integrity checks: reconciliation variances, failed job re-runs, rejected inputs (business days and
hours, items still open judged at the export), processing specifications."""

from __future__ import annotations

from datetime import UTC, date, datetime

from trustgap.facts import Document, ProcessingEvent, Src

PERIOD = (date(2026, 1, 1), date(2026, 9, 30))
AS_OF = date(2026, 10, 31)
SHA = "c" * 64
EXPORT = {SHA: datetime(2026, 10, 28, 10, tzinfo=UTC)}


def _day(m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(2026, m, d, h, mi, tzinfo=UTC)


def _event(kind: str, ref: str, when: datetime, status: str, resolved: datetime | None = None,
           **kw: object) -> ProcessingEvent:
    base: dict[str, object] = {"src": Src(SHA, ref), "system": "log", "kind": kind, "ref": ref,
                               "occurred_at": when, "status": status, "resolved_at": resolved}
    base.update(kw)
    return ProcessingEvent(**base)  # type: ignore[arg-type]


def by_entity(res):  # noqa: ANN001, ANN201
    return {e.entity: e for e in res.entities}


def test_reconciliation_variances_in_business_days(run) -> None:  # noqa: ANN001
    facts = [
        _event("reconciliation", "RC-1", _day(7, 14), "variance", _day(7, 24), name="claims"),
        _event("reconciliation", "RC-2", _day(9, 11), "variance", name="claims"),
        _event("reconciliation", "RC-3", _day(9, 18), "variance", _day(9, 22), name="payments"),  # Fri -> Tue
        _event("reconciliation", "RC-4", _day(1, 14), "ok", name="claims"),
    ]
    ents = by_entity(run("processing.reconciliation_variances_resolved", facts, as_of=AS_OF, period=PERIOD,
                         observed=EXPORT))
    assert ents["RC-1 (claims)"].status == "fail" and "8 business days" in ents["RC-1 (claims)"].reason
    assert ents["RC-2 (claims)"].status == "fail" and "not resolved" in ents["RC-2 (claims)"].reason
    assert ents["RC-3 (payments)"].status == "pass"
    assert ents["RC-4 (claims)"].status == "pass"


def test_open_variance_not_yet_due_at_the_export(run) -> None:  # noqa: ANN001
    fresh = _event("reconciliation", "RC-9", _day(10, 27), "variance", name="claims")
    res = run("processing.reconciliation_variances_resolved", [fresh], as_of=AS_OF, observed=EXPORT)
    assert res.status == "pass" and "not yet due" in res.entities[0].reason


def test_failed_jobs_rerun_late_never_and_in_time(run) -> None:  # noqa: ANN001
    facts = [
        _event("job_run", "scheduled__0803", _day(8, 3, 2, 40), "failed", name="claims_load",
               details={"logical_date": "2026-08-03T02:00:00+00:00"}),
        _event("job_run", "manual__0805", _day(8, 5, 10), "ok", name="claims_load", details={"run_type": "manual"}),
        _event("job_run", "scheduled__0910", _day(9, 10, 2, 30), "failed", name="claims_load"),
        _event("job_run", "manual__0910", _day(9, 10, 7), "ok", name="claims_load",
               details={"rerun_of": "scheduled__0910"}),
        _event("job_run", "scheduled__0921", _day(9, 21, 4, 10), "failed", name="eligibility_sync"),
    ]
    ents = by_entity(run("processing.failed_jobs_rerun", facts, as_of=AS_OF, period=PERIOD, observed=EXPORT))
    late = ents["claims_load scheduled__0803"]
    assert late.status == "fail" and "55.3 h" in late.reason
    assert ents["claims_load scheduled__0910"].status == "pass"
    assert ents["eligibility_sync scheduled__0921"].status == "fail"
    assert "not re-run" in ents["eligibility_sync scheduled__0921"].reason


def test_no_failed_job_passes(run) -> None:  # noqa: ANN001
    ok = _event("job_run", "r1", _day(5, 1, 2), "ok", name="nightly")
    res = run("processing.failed_jobs_rerun", [ok], as_of=AS_OF, period=PERIOD)
    assert res.status == "pass"


def test_rejected_inputs_corrected(run) -> None:  # noqa: ANN001
    facts = [
        _event("input_rejection", "RJ-1042", _day(6, 2), "rejected", _day(6, 19), details={"reason": "bad id"}),
        _event("input_rejection", "RJ-1050", _day(6, 10), "rejected", _day(6, 12)),
        _event("input_rejection", "RJ-1077", _day(8, 12), "rejected"),
    ]
    ents = by_entity(run("processing.rejected_inputs_corrected", facts, as_of=AS_OF, period=PERIOD,
                         observed=EXPORT))
    assert ents["RJ-1042"].status == "fail" and "13 business days" in ents["RJ-1042"].reason
    assert ents["RJ-1050"].status == "pass"
    assert ents["RJ-1077"].status == "fail"
    # a promise of 15 business days makes RJ-1042 fine
    ents = by_entity(run("processing.rejected_inputs_corrected", facts, as_of=AS_OF, period=PERIOD,
                         observed=EXPORT, thresholds={"rejected_input_business_days": 15}))
    assert ents["RJ-1042"].status == "pass"


def _doc(title: str, **kw: object) -> Document:
    base: dict[str, object] = {"src": Src("d" * 64, title), "path": f"docs/{title}.md", "title": title,
                               "doc_type": "procedure"}
    base.update(kw)
    return Document(**base)  # type: ignore[arg-type]


def test_processing_specification_documented(run) -> None:  # noqa: ANN001
    ok = _doc("Claims Processing Specification", status="approved", approved_on=date(2026, 2, 2))
    draft = _doc("Billing Data Specification", status="draft")
    other = _doc("Access Control Policy", status="approved", approved_on=date(2026, 2, 2))
    ents = by_entity(run("processing.specification_documented", [ok, draft, other], as_of=AS_OF))
    assert ents["Claims Processing Specification"].status == "pass"
    assert ents["Billing Data Specification"].status == "partial"
    assert "Access Control Policy" not in ents
    assert run("processing.specification_documented", [other], as_of=AS_OF).status == "not_assessed"


def test_failed_scheduled_run_followed_only_by_the_next_scheduled_success_is_cannot_tell(run) -> None:  # noqa: ANN001
    failed = _event("job_run", "scheduled__0601", _day(6, 1, 2, 10), "failed", name="sync",
                    details={"logical_date": "2026-06-01T02:00:00+00:00", "run_type": "scheduled"})
    nxt = _event("job_run", "scheduled__0602", _day(6, 2, 2, 30), "ok", name="sync",
                 details={"logical_date": "2026-06-02T02:00:00+00:00", "run_type": "scheduled"})
    (e,) = run("processing.failed_jobs_rerun", [failed, nxt], as_of=AS_OF, period=PERIOD, observed=EXPORT).entities
    assert e.status == "partial" and e.gap_kind == "insufficient_evidence"


def test_resolved_without_a_date_is_cannot_tell(run) -> None:  # noqa: ANN001
    e = _event("reconciliation", "RC-5", _day(3, 2), "variance", name="claims",
               details={"variance": 3, "status_recorded": "Resolved"})
    (r,) = run("processing.reconciliation_variances_resolved", [e], as_of=AS_OF, period=PERIOD,
               observed=EXPORT).entities
    assert r.status == "partial" and r.gap_kind == "insufficient_evidence"
