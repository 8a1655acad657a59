"""Confidentiality and privacy checks: each judged on a passing and a failing entity, with the reasons named."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from trustgap.facts import (
    Document,
    Incident,
    ProcessingActivity,
    ProcessingEvent,
    Record,
    Request,
    RetentionRule,
    Src,
    Vendor,
)

S = Src("0" * 64, "row 2")
AS_OF = date(2026, 10, 31)


def at(y: int, m: int, d: int, h: int = 0) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def by_entity(res):  # type: ignore[no-untyped-def]
    return {e.entity: e for e in res.entities}


# ---------------------------------------------------------------- retention schedule


def test_retention_schedule_from_file_and_policy_table(run) -> None:  # type: ignore[no-untyped-def]
    doc = Document(src=S, path="policies/retention.md", title="Data Retention Schedule", policy_key="data_retention",
                   topics=("data_retention",),
                   text="# Schedule\n\n| Data class | Retention | Disposal |\n|---|---|---|\n"
                        "| Claims records | 7 years | purge job |\n| Chat transcripts |  | manual |\n")
    rules = [RetentionRule(src=S, data_class="Invoices", period_days=3653, period_text="10 years"),
             RetentionRule(src=S, data_class="Leads", period_days=None, period_text="as needed")]
    res = run("confidentiality.retention_schedule_defined", [doc, *rules], as_of=AS_OF)
    got = by_entity(res)
    assert got["Claims records"].status == "pass" and "7 years" in got["Claims records"].reason
    assert got["Invoices"].status == "pass"
    assert got["Chat transcripts"].status == "fail" and got["Chat transcripts"].gap_kind == "undocumented"
    assert got["Leads"].status == "partial" and got["Leads"].gap_kind == "insufficient_evidence"
    assert got["Chat transcripts"].evidence[0].locator == "line 6"
    twice = run("confidentiality.retention_schedule_defined", [doc, doc], as_of=AS_OF)
    assert len(twice.entities) == 2


# ---------------------------------------------------------------- deletion jobs


def _runs(name: str, days: list[date], failing_from: date | None = None, kind: str = "deletion_job"):  # type: ignore[no-untyped-def]
    return [ProcessingEvent(src=S, system="cron", kind=kind, ref=f"{name}-{d}", name=name,
                            occurred_at=at(d.year, d.month, d.day, 2),
                            status="failed" if failing_from and d >= failing_from else "ok") for d in days]


def test_deletion_job_failing_every_run_since_a_date_fails_and_healthy_job_passes(run) -> None:  # type: ignore[no-untyped-def]
    monthly = [date(2026, m, 1) for m in range(1, 10)]
    events = _runs("purge-tickets", monthly, failing_from=date(2026, 4, 1))
    events += _runs("purge-logs", [date(2026, m, 15) for m in range(1, 10)])
    # a scheduler's generic job run named like a purge counts too; one failure put right by the next run passes
    events += _runs("nightly-expire-sessions", [date(2026, 9, d) for d in range(1, 31)], kind="job_run")
    events[-10] = ProcessingEvent(src=S, system="cron", kind="job_run", ref="x", name="nightly-expire-sessions",
                                  occurred_at=at(2026, 9, 21, 2), status="failed")
    events += _runs("nightly-claims-load", [date(2026, 9, d) for d in range(1, 31)], date(2026, 9, 2), "job_run")
    doc = Document(src=S, path="r.md", title="Retention", policy_key="data_retention", topics=("data_retention",),
                   text="| Data | Retention | Disposal |\n|---|---|---|\n| Tickets | 2 years | purge-tickets job |\n")
    res = run("confidentiality.deletion_jobs_operating", [*events, doc], as_of=AS_OF,
              period=(date(2026, 1, 1), date(2026, 9, 30)))
    got = by_entity(res)
    assert "nightly-claims-load" not in got  # not a deletion job
    bad = got["purge-tickets"]
    assert bad.status == "fail" and bad.gap_kind == "not_operating"
    assert "since 2026-04-01" in bad.reason and "last successful run 2026-03-01" in bad.reason
    assert "Tickets: kept 2 years" in bad.reason
    assert got["purge-logs"].status == "pass"
    assert got["nightly-expire-sessions"].status == "pass" and "put right" in got["nightly-expire-sessions"].reason


def test_deletion_job_that_stopped_running_fails_and_single_failed_run_cannot_tell(run) -> None:  # type: ignore[no-untyped-def]
    events = _runs("purge-exports", [date(2026, 3, d) for d in (1, 8, 15, 22)])
    events += _runs("erase-audio", [date(2026, 10, 1)], failing_from=date(2026, 10, 1))
    got = by_entity(run("confidentiality.deletion_jobs_operating", events, as_of=AS_OF))
    assert got["purge-exports"].status == "fail" and "stopped" in got["purge-exports"].reason
    assert got["erase-audio"].status == "partial" and got["erase-audio"].gap_kind == "insufficient_evidence"


# ---------------------------------------------------------------- disposal at contract end


def _disposal(customer: str, end: date, deleted: date | None, status: str | None = None) -> Request:
    return Request(src=S, system="offboarding", request_id=customer, subject=customer, kind="disposal",
                   received_at=at(end.year, end.month, end.day), contract_end=end, status=status,
                   completed_at=at(deleted.year, deleted.month, deleted.day) if deleted else None)


def test_disposal_late_missing_on_time_and_not_yet_due(run) -> None:  # type: ignore[no-untyped-def]
    facts = [_disposal("Acme", date(2026, 6, 30), date(2026, 9, 15)),
             _disposal("Birch", date(2026, 8, 31), None),
             _disposal("Cedar", date(2026, 5, 31), date(2026, 6, 12)),
             _disposal("Dover", date(2026, 10, 20), None),
             _disposal("Elm", date(2026, 7, 1), None, status="Deleted")]
    got = by_entity(run("confidentiality.disposal_on_time", facts, as_of=AS_OF))
    assert got["Acme"].status == "fail" and "77 days later (target 30)" in got["Acme"].reason
    assert got["Birch"].status == "fail" and "not deleted 61 days later" in got["Birch"].reason
    assert got["Cedar"].status == "pass" and got["Dover"].status == "pass"
    assert got["Elm"].status == "partial" and got["Elm"].gap_kind == "insufficient_evidence"


def test_disposal_days_from_the_scope(run) -> None:  # type: ignore[no-untyped-def]
    res = run("confidentiality.disposal_on_time", [_disposal("Acme", date(2026, 6, 30), date(2026, 9, 15))],
              as_of=AS_OF, thresholds={"disposal_days": 90})
    assert res.status == "pass"


# ---------------------------------------------------------------- data subject requests


def _dsr(rid: str, kind: str, received: date, done: date | None = None, *, extended: bool | None = None,
         notice: date | None = None, regime: str | None = "gdpr") -> Request:
    def d2(d: date | None) -> datetime | None:
        return at(d.year, d.month, d.day) if d else None

    return Request(src=S, system="dsr", request_id=rid, kind=kind, received_at=d2(received),  # type: ignore[arg-type]
                   completed_at=d2(done), extended=extended, extension_notified_at=d2(notice), jurisdiction=regime)


def test_requests_late_open_extended_and_late_extension(run) -> None:  # type: ignore[no-untyped-def]
    facts = [
        _dsr("R-14", "access", date(2026, 3, 2), date(2026, 4, 20)),
        _dsr("R-21", "access", date(2026, 5, 4), date(2026, 7, 15), extended=True, notice=date(2026, 5, 28)),
        _dsr("R-26", "access", date(2026, 4, 13), date(2026, 6, 30), extended=True, notice=date(2026, 5, 27)),
        _dsr("R-30", "erasure", date(2026, 6, 8), date(2026, 6, 17)),
        _dsr("R-33", "access", date(2026, 8, 1)),
        _dsr("R-40", "access", date(2026, 10, 20)),
        _dsr("R-41", "access", date(2026, 6, 1), date(2026, 7, 20), extended=True),
        _dsr("C-01", "erasure", date(2026, 8, 1), date(2026, 9, 10), regime="ccpa"),
        _dsr("R-37", "rectification", date(2026, 9, 14)),
    ]
    got = by_entity(run("privacy.requests_answered_on_time", facts, as_of=AS_OF))
    assert "R-37" not in got  # rectification has its own check
    assert got["R-14"].status == "fail" and "49 days later" in got["R-14"].reason
    assert "no extension" in got["R-14"].reason
    assert got["R-21"].status == "pass" and "extended with notice" in got["R-21"].reason
    assert got["R-26"].status == "fail" and "does not count" in got["R-26"].reason
    assert got["R-30"].status == "pass" and got["R-40"].status == "pass"
    assert got["R-33"].status == "fail" and "still open after 91 days" in got["R-33"].reason
    assert got["R-41"].status == "partial" and got["R-41"].gap_kind == "insufficient_evidence"
    assert got["C-01"].status == "pass"  # CCPA: 45 days


def test_corrections_on_time(run) -> None:  # type: ignore[no-untyped-def]
    facts = [_dsr("R-37", "rectification", date(2026, 9, 14)), _dsr("R-38", "rectification", date(2026, 9, 1),
                                                                    date(2026, 9, 3)),
             _dsr("R-39", "access", date(2026, 1, 1))]
    got = by_entity(run("privacy.corrections_on_time", facts, as_of=AS_OF))
    assert set(got) == {"R-37", "R-38"}
    assert got["R-37"].status == "fail" and "47 days" in got["R-37"].reason
    assert got["R-38"].status == "pass"


def test_ccpa_default_regime_from_the_scope(run) -> None:  # type: ignore[no-untyped-def]
    late_for_gdpr = _dsr("R-1", "access", date(2026, 3, 1), date(2026, 4, 10), regime=None)
    assert run("privacy.requests_answered_on_time", [late_for_gdpr], as_of=AS_OF).status == "fail"
    res = run("privacy.requests_answered_on_time", [late_for_gdpr], as_of=AS_OF,
              thresholds={"dsr_default_regime": "ccpa"})
    assert res.status == "pass"


# ---------------------------------------------------------------- records of processing


def _act(name: str, **kw) -> ProcessingActivity:  # type: ignore[no-untyped-def]
    return ProcessingActivity(src=S, name=name, **kw)


def test_lawful_basis_and_transfers(run) -> None:  # type: ignore[no-untyped-def]
    acts = [_act("Claims", purpose="Adjudicate claims", lawful_basis="Contract"),
            _act("Marketing", purpose="Analytics"),
            _act("Support", purpose="Answer", lawful_basis="Legitimate interests", transfers=("United States",)),
            _act("Hosting", purpose="Run the service", lawful_basis="Contract", transfers=("United States",),
                 transfer_safeguard="SCCs 2021/914")]
    basis = by_entity(run("privacy.processing_lawful_basis", acts, as_of=AS_OF))
    assert basis["Marketing"].status == "fail" and "no lawful basis" in basis["Marketing"].reason
    assert basis["Claims"].status == "pass"
    transfers = by_entity(run("privacy.transfers_safeguarded", acts, as_of=AS_OF))
    assert transfers["Support"].status == "fail" and "United States" in transfers["Support"].reason
    assert transfers["Hosting"].status == "pass" and transfers["Claims"].status == "pass"


def test_consent_recorded(run) -> None:  # type: ignore[no-untyped-def]
    acts = [_act("Newsletter", purpose="Product newsletter", lawful_basis="Consent"),
            _act("Research panel", purpose="User research", lawful_basis="Consent (Art. 6(1)(a))",
                 consent_recorded=False),
            _act("Webinar follow-up", purpose="Event marketing", lawful_basis="consent"),
            _act("Billing", purpose="Invoices", lawful_basis="Contract")]
    consents = [Record(src=S, kind="consent", performed_on=date(2026, 5, 1), title="Newsletter")]
    got = by_entity(run("privacy.consent_recorded", [*acts, *consents], as_of=AS_OF))
    assert got["Newsletter"].status == "pass" and "Billing" not in got
    assert got["Research panel"].status == "fail"
    assert got["Webinar follow-up"].status == "partial" and got["Webinar follow-up"].gap_kind == "insufficient_evidence"


def test_disclosures_recorded(run) -> None:  # type: ignore[no-untyped-def]
    log = [Record(src=S, kind="disclosure", performed_on=date(2026, 4, 2), subject="Tax office", title="Audit",
                  details={"basis": "legal obligation"}),
           Record(src=S, kind="disclosure", performed_on=date(2026, 5, 2), subject="Partner Ltd")]
    got = by_entity(run("privacy.disclosures_recorded", log, as_of=AS_OF))
    assert got["Tax office 2026-04-02"].status == "pass"
    partner = got["Partner Ltd 2026-05-02"]
    assert partner.status == "fail" and "purpose and basis" in partner.reason
    ropa = by_entity(run("privacy.disclosures_recorded", [_act("Claims", recipients=("Claimbridge",))], as_of=AS_OF))
    assert ropa["Claims"].status == "pass"


# ---------------------------------------------------------------- breaches


def _inc(iid: str, **kw) -> Incident:  # type: ignore[no-untyped-def]
    return Incident(src=S, system="breach-log", incident_id=iid, kind="privacy", **kw)


def test_breach_notified_late_on_time_not_notifiable_and_unknown(run) -> None:  # type: ignore[no-untyped-def]
    facts = [_inc("INC-4", detected_at=at(2026, 4, 2, 10), personal_data=False, is_breach=False),
             _inc("INC-7", detected_at=at(2026, 7, 10, 9), personal_data=True, is_breach=True,
                  authority_notified_at=at(2026, 7, 15, 16)),
             _inc("INC-9", detected_at=at(2026, 9, 5, 8), personal_data=True, is_breach=True,
                  authority_notified_at=at(2026, 9, 6, 17)),
             _inc("INC-10", detected_at=at(2026, 10, 1), personal_data=True, is_breach=True),
             _inc("INC-11", detected_at=at(2026, 10, 2), personal_data=True),
             _inc("HIP-1", detected_at=at(2026, 6, 1), is_breach=True, regime="hipaa",
                  subjects_notified_at=at(2026, 7, 15))]
    got = by_entity(run("privacy.breaches_notified_on_time", facts, as_of=AS_OF))
    assert got["INC-7"].status == "fail" and "127 hours later" in got["INC-7"].reason
    assert got["INC-9"].status == "pass" and got["INC-4"].status == "pass"
    assert got["INC-10"].status == "fail" and "no notification" in got["INC-10"].reason
    assert got["INC-11"].status == "partial" and got["INC-11"].gap_kind == "insufficient_evidence"
    assert got["HIP-1"].status == "pass"  # 44 days, HIPAA allows 60
    res = run("privacy.breaches_notified_on_time", facts[1:2], as_of=AS_OF,
              thresholds={"breach_notification_hours": 168})
    assert res.status == "pass"


def test_incidents_assessed_for_breach(run) -> None:  # type: ignore[no-untyped-def]
    facts = [_inc("INC-1", is_breach=False, breach_assessed_on=date(2026, 4, 2)),
             Incident(src=S, system="pagerduty", incident_id="PD-9", kind="security", personal_data=True),
             Incident(src=S, system="pagerduty", incident_id="PD-10", kind="availability")]
    got = by_entity(run("privacy.incidents_assessed_for_breach", facts, as_of=AS_OF))
    assert "PD-10" not in got
    assert got["INC-1"].status == "pass"
    assert got["PD-9"].status == "fail" and "no breach assessment" in got["PD-9"].reason


# ---------------------------------------------------------------- processors


def _vendor(name: str, **kw) -> Vendor:  # type: ignore[no-untyped-def]
    return Vendor(src=S, name=name, **kw)


def test_processors_dpa_and_baa(run) -> None:  # type: ignore[no-untyped-def]
    vendors = [_vendor("Claimbridge", processes_personal_data=True, processes_health_data=True, dpa_signed=True,
                       baa_signed=True),
               _vendor("ScribeAI", processes_personal_data=True, processes_health_data=True, dpa_signed=True,
                       baa_signed=False),
               _vendor("MailBlast", processes_personal_data=True, dpa_signed=False),
               _vendor("HelpHive", processes_personal_data=True),
               _vendor("Figstack", processes_personal_data=False)]
    dpa = by_entity(run("privacy.processors_dpa", vendors, as_of=AS_OF))
    assert dpa["Claimbridge"].status == "pass" and dpa["MailBlast"].status == "fail" and "Figstack" not in dpa
    assert dpa["HelpHive"].status == "partial" and dpa["HelpHive"].gap_kind == "insufficient_evidence"
    baa = by_entity(run("privacy.health_data_processors_baa", vendors, as_of=AS_OF))
    assert set(baa) == {"Claimbridge", "ScribeAI"}
    assert baa["ScribeAI"].status == "fail" and "without a BAA" in baa["ScribeAI"].reason
    assert baa["Claimbridge"].status == "pass"


# ---------------------------------------------------------------- privacy notice


def test_privacy_notice_current_and_stale(run) -> None:  # type: ignore[no-untyped-def]
    fresh = Document(src=S, path="privacy/privacy-notice.md", title="Privacy Notice", last_reviewed=date(2026, 2, 16))
    assert run("privacy.notice_current", [fresh], as_of=AS_OF).status == "pass"
    old = Document(src=S, path="legal/notice.md", title="Privacy Statement", approved_on=date(2025, 1, 10))
    res = run("privacy.notice_current", [old], as_of=AS_OF)
    assert res.status == "fail" and res.entities[0].gap_kind == "stale"
    assert run("privacy.notice_current", [old], as_of=AS_OF, thresholds={"privacy_notice_months": 24}).status == "pass"
    assert run("privacy.notice_current", [], as_of=AS_OF).status == "not_assessed"
    review = Record(src=S, kind="privacy_notice_review", performed_on=date(2026, 5, 1))
    assert run("privacy.notice_current", [old, review], as_of=AS_OF).status == "pass"
    assert (AS_OF - timedelta(days=1)).year == 2026


def test_type2_lapses_wholly_outside_the_period_are_not_judged(run) -> None:  # type: ignore[no-untyped-def]
    period = (date(2026, 1, 1), date(2026, 9, 30))
    facts = [_dsr("OLD", "access", date(2025, 10, 1), date(2025, 12, 20)),   # late, but all in 2025
             _dsr("AFTER", "access", date(2026, 10, 5)),                        # received after the period
             _dsr("SPAN", "access", date(2025, 12, 20), date(2026, 2, 10))]     # late into the period
    got = by_entity(run("privacy.requests_answered_on_time", facts, as_of=AS_OF, period=period))
    assert set(got) == {"SPAN"} and got["SPAN"].status == "fail"
    old_breach = _inc("INC-2025", detected_at=at(2025, 11, 1), is_breach=True, authority_notified_at=at(2025, 11, 9))
    res = run("privacy.breaches_notified_on_time", [old_breach], as_of=AS_OF, period=period)
    assert res.status == "not_assessed"
    late = [_disposal("Old Co", date(2025, 6, 30), date(2025, 11, 1)), _disposal("New Co", date(2026, 1, 5),
                                                                                date(2026, 3, 1))]
    got = by_entity(run("confidentiality.disposal_on_time", late, as_of=AS_OF, period=period))
    assert set(got) == {"New Co"} and got["New Co"].status == "fail"


def test_data_held_past_its_retention(run) -> None:  # type: ignore[no-untyped-def]
    rules = [RetentionRule(src=S, data_class="Support tickets", period_days=730, period_text="2 years",
                           oldest_record=date(2023, 6, 1)),
             RetentionRule(src=S, data_class="Invoices", period_days=3652, period_text="10 years",
                           oldest_record=date(2019, 1, 1)),
             RetentionRule(src=S, data_class="Content", period_days=None, period_text="Contract term + 30 days",
                           oldest_record=date(2020, 1, 1))]
    got = by_entity(run("confidentiality.data_within_retention", rules, as_of=AS_OF))
    assert got["Support tickets"].status == "fail" and "past its retention of 2 years" in got["Support tickets"].reason
    assert got["Invoices"].status == "pass"
    assert got["Content"].status == "partial" and got["Content"].gap_kind == "insufficient_evidence"


def test_deadlines_of_other_regimes(run) -> None:  # type: ignore[no-untyped-def]
    facts = [_dsr("VA-1", "access", date(2026, 8, 1), date(2026, 9, 10), regime="vcdpa"),     # 40 days: 45 allowed
             _dsr("HI-1", "access", date(2026, 8, 1), date(2026, 9, 10), regime="hipaa"),     # 40 days: 30 allowed
             Request(src=S, system="dsr", request_id="BR-1", kind="access", received_at=at(2026, 8, 1),
                     due_at=at(2026, 8, 16), completed_at=at(2026, 8, 20), jurisdiction="lgpd")]
    got = by_entity(run("privacy.requests_answered_on_time", facts, as_of=AS_OF))
    assert got["VA-1"].status == "pass" and got["HI-1"].status == "fail" and got["BR-1"].status == "fail"


def test_type2_deletion_failures_fixed_before_the_period_are_not_deviations(run) -> None:  # type: ignore[no-untyped-def]
    days = [date(2025, m, 1) for m in range(6, 13)] + [date(2026, m, 1) for m in range(1, 10)]
    events = _runs("purge-old", days, failing_from=date(2025, 8, 1))
    events = [e if e.occurred_at and e.occurred_at.date() < date(2025, 11, 1) else
              ProcessingEvent(src=S, system="cron", kind="deletion_job", ref=e.ref, name=e.name,
                              occurred_at=e.occurred_at, status="ok") for e in events]
    res = run("confidentiality.deletion_jobs_operating", events, as_of=AS_OF,
              period=(date(2026, 1, 1), date(2026, 9, 30)))
    assert res.status == "pass"
    assert run("confidentiality.deletion_jobs_operating", events, as_of=AS_OF).status == "pass"  # Type I: works now


def test_a_moved_deadline_is_an_extension_without_a_notice_date(run) -> None:  # type: ignore[no-untyped-def]
    moved = Request(src=S, system="datagrail", request_id="DG-1", kind="access", received_at=at(2026, 5, 1),
                    due_at=at(2026, 7, 30), completed_at=at(2026, 7, 10), jurisdiction="gdpr")
    kept = Request(src=S, system="datagrail", request_id="DG-2", kind="access", received_at=at(2026, 5, 1),
                   due_at=at(2026, 6, 1), completed_at=at(2026, 7, 10), jurisdiction="gdpr")
    got = by_entity(run("privacy.requests_answered_on_time", [moved, kept], as_of=AS_OF))
    assert got["DG-1"].status == "partial" and got["DG-1"].gap_kind == "insufficient_evidence"
    assert got["DG-2"].status == "fail"


def test_log_entries_that_are_not_rights_requests_are_not_judged(run) -> None:  # type: ignore[no-untyped-def]
    facts = [_dsr("Q-1", "complaint", date(2026, 1, 5)), _dsr("R-1", "portability", date(2026, 1, 5),
                                                               date(2026, 1, 20))]
    got = by_entity(run("privacy.requests_answered_on_time", facts, as_of=AS_OF))
    assert set(got) == {"R-1"} and got["R-1"].status == "pass"
    assert run("privacy.requests_answered_on_time", facts[:1], as_of=AS_OF).status == "not_assessed"
