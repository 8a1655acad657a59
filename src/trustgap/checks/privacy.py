"""Privacy (P1-P8): data subject requests answered within the legal deadline, records of processing complete,
consent and disclosures recorded, processors under a DPA / BAA, and a current privacy notice (breaches: see
:mod:`trustgap.checks.breaches`).

Deadlines of data subject requests (:class:`~trustgap.facts.Request`), by regime (the request's own, else the
scope's ``dsr_default_regime``):

* GDPR (Art. 12(3)): ``dsr_response_months`` calendar months from receipt, extendable by ``dsr_extension_months``
  when the data subject is told within the first term. An extension noticed after the first deadline does not
  count; one marked without a notice date cannot be verified ("cannot tell" when the answer fell in the extension).
* CCPA (Cal. Civ. Code 1798.130) and the US state laws like it: ``ccpa_response_days`` days, extendable by
  ``ccpa_extension_days`` on the same terms; HIPAA access (45 CFR 164.524): 30 + 30 days; another regime: the
  deadline the log records.

Open requests are judged on the as-of date: past the deadline and still open is a failure; not yet due passes. In
Type II a request received after the audit period, or answered and due before it, is not judged.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from trustgap.checks._util import srcs, utc
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.checks.confidentiality import outside_period
from trustgap.checks.vendors import dpa_result
from trustgap.dates import add_months
from trustgap.facts import Document, ProcessingActivity, Request, Vendor

_DONE = frozenset({"completed", "complete", "closed", "done", "fulfilled", "answered", "resolved"})
_REFUSED = frozenset({"rejected", "denied", "refused", "withdrawn", "revoked", "cancelled", "canceled", "spam",
                      "unverified", "closed unverified", "nonresponsive"})
_NO_TRANSFER = frozenset({"yes", "unspecified"})
# the rights with a legal answer deadline (rectification has its own check); other entries of a request log
# (complaints, inquiries) are not judged against it
_RIGHTS = frozenset({"access", "erasure", "portability", "objection", "restriction", "opt_out"})


# US state privacy laws with the CCPA's 45 + 45 days (Virginia, Colorado, Connecticut, Utah, Texas, Oregon, ...)
_US_STATE_45 = frozenset({"ccpa", "cpra", "vcdpa", "cpa", "ctdpa", "ucpa", "tdpsa", "ocpa", "mcdpa", "icdpa",
                          "dpdpa", "njdpa", "tipa", "us state"})


def _deadlines(ctx: CheckContext, r: Request) -> tuple[str, date, date]:
    """(regime, first deadline, extended deadline) of a request. GDPR by calendar months; the CCPA and the US state
    laws that copy it 45 + 45 days; HIPAA's right of access (45 CFR 164.524) 30 + 30 days; another regime by the
    deadline the log records, else by the scope's default regime."""
    regime = (r.jurisdiction or ctx.thresholds.dsr_default_regime or "gdpr").lower()
    received = utc(r.received_at).date()
    if regime in _US_STATE_45:
        first = received + timedelta(days=int(ctx.thresholds.ccpa_response_days))
        return regime, first, first + timedelta(days=int(ctx.thresholds.ccpa_extension_days))
    if regime == "hipaa":
        first = received + timedelta(days=30)
        return regime, first, first + timedelta(days=30)
    if regime != "gdpr" and r.due_at is not None:
        due = utc(r.due_at).date()
        return regime, due, due
    months = int(ctx.thresholds.dsr_response_months)
    return (regime, add_months(received, months),
            add_months(received, months + int(ctx.thresholds.dsr_extension_months)))


def _judge_request(ctx: CheckContext, r: Request) -> EntityResult | None:
    received = utc(r.received_at).date()
    if received > ctx.as_of:
        return None
    regime, first, extended_to = _deadlines(ctx, r)
    done_on = utc(r.completed_at).date() if r.completed_at else None
    if outside_period(ctx, received, done_on and max(done_on, first)):
        return None
    label = f"{r.kind} request received {received.isoformat()} ({regime.upper()})"
    ev = srcs(r)
    status = (r.status or "").lower()
    notice = utc(r.extension_notified_at).date() if r.extension_notified_at else None
    valid_ext = notice is not None and notice <= first
    deadline = extended_to if valid_ext else first
    # a platform that moves its recorded deadline past the first term (DataGrail's extension button) says the
    # request was extended, even when the log has no extension column
    due = utc(r.due_at).date() if r.due_at is not None else None
    claimed = bool(r.extended) or (due is not None and due > first and regime in ("gdpr", *_US_STATE_45))
    ext_note = ""
    if notice is not None and not valid_ext:
        ext_note = (f"; the extension notice went out on {notice.isoformat()}, after that deadline: the "
                    "extension does not count")
    elif notice is not None:
        ext_note = f"; extended with notice on {notice.isoformat()} (deadline {extended_to.isoformat()})"
    if status in _REFUSED and r.completed_at is None:
        return EntityResult("request", r.request_id, "pass", f"{label}; closed as {status}", ev)
    if r.completed_at is not None:
        done = utc(r.completed_at).date()
        took = (done - received).days
        measured = {"days": took, "deadline": deadline.isoformat()}
        if done <= first or (valid_ext and done <= extended_to):
            return EntityResult("request", r.request_id, "pass",
                                f"{label}; answered {done.isoformat()}, {took} days later{ext_note}", ev,
                                measured=measured)
        if claimed and notice is None and done <= extended_to:
            return EntityResult("request", r.request_id, "partial",
                                f"{label}; answered {done.isoformat()}, after the first deadline of "
                                f"{first.isoformat()}; marked extended (or its deadline moved), but no date of the "
                                "notice to the data subject is recorded", ev, gap_kind="insufficient_evidence",
                                measured=measured)
        no_ext = "" if ext_note or claimed else ", no extension"
        return EntityResult("request", r.request_id, "fail",
                            f"{label}; answered {done.isoformat()}, {took} days later, after the deadline of "
                            f"{deadline.isoformat()}{no_ext}{ext_note}", ev, gap_kind="not_operating",
                            measured=measured)
    if status in _DONE:
        return EntityResult("request", r.request_id, "partial",
                            f"{label}; marked {status} with no date answered", ev, gap_kind="insufficient_evidence")
    waited = (ctx.as_of - received).days
    if ctx.as_of > deadline:
        if claimed and notice is None and ctx.as_of <= extended_to:
            return EntityResult("request", r.request_id, "partial",
                                f"{label}; still open after {waited} days, past the first deadline of "
                                f"{first.isoformat()}; marked extended with no notice date recorded", ev,
                                gap_kind="insufficient_evidence", measured={"days_open": waited})
        no_ext = "" if ext_note or claimed else ", no extension"
        return EntityResult("request", r.request_id, "fail",
                            f"{label}; still open after {waited} days, past the deadline of "
                            f"{deadline.isoformat()}{no_ext}{ext_note}", ev, gap_kind="not_operating",
                            measured={"days_open": waited, "deadline": deadline.isoformat()})
    return EntityResult("request", r.request_id, "pass",
                        f"{label}; open {waited} days, due {deadline.isoformat()}{ext_note}", ev,
                        measured={"days_open": waited})


def _requests_check(ctx: CheckContext, kinds: frozenset[str] | set[str] | None, exclude: set[str],
                    what: str) -> CheckResult:
    requests = [r for r in ctx.facts.of(Request) if r.kind != "disposal"]
    if not requests:
        return ctx.not_assessed("no data subject request log in the evidence")
    chosen = [r for r in requests if (kinds is None or r.kind in kinds) and r.kind not in exclude]
    if not chosen:
        return ctx.not_assessed(f"the request log holds no {what}")
    entities = [e for r in chosen if (e := _judge_request(ctx, r)) is not None]
    return ctx.result(entities, empty=f"no {what} received by the as-of date")


@check(
    id="privacy.requests_answered_on_time",
    title="Data subject requests are answered within the legal deadline",
    controls=("PRV-07",),
    criteria=("P5.1",),
    severity="high",
    effort="M",
    category="process",
    remediation="Answer the named requests now; track every request's deadline from receipt (GDPR one month, CCPA "
    "45 days) and send any extension notice, with its reasons, before the first deadline.",
    sources=("privacy.requests",),
    thresholds=("dsr_response_months", "dsr_extension_months", "ccpa_response_days", "ccpa_extension_days",
                "dsr_default_regime"),
)
def requests_answered_on_time(ctx: CheckContext) -> CheckResult:
    return _requests_check(ctx, _RIGHTS, set(), "access, erasure or other requests")


@check(
    id="privacy.corrections_on_time",
    title="Requests to correct personal information are handled within the legal deadline",
    controls=("PRV-08",),
    criteria=("P5.2",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Correct the data of the named requests, tell those who received it, and answer within the "
    "deadline.",
    sources=("privacy.requests",),
    thresholds=("dsr_response_months", "dsr_extension_months", "ccpa_response_days", "ccpa_extension_days",
                "dsr_default_regime"),
)
def corrections_on_time(ctx: CheckContext) -> CheckResult:
    return _requests_check(ctx, {"rectification"}, set(), "rectification requests")


def _activities(ctx: CheckContext) -> list[ProcessingActivity]:
    return ctx.facts.of(ProcessingActivity)


@check(
    id="privacy.processing_lawful_basis",
    title="Every processing activity in the records of processing has a purpose and a lawful basis",
    controls=("PRV-03", "PRV-05"),
    criteria=("P3.1", "P4.1"),
    severity="high",
    effort="S",
    category="process",
    remediation="Record the purpose and the lawful basis (GDPR Art. 6, and Art. 9 for special categories) of the "
    "named activities; stop any processing that has none.",
    sources=("privacy.ropa",),
    gap_kind="undocumented",
)
def processing_lawful_basis(ctx: CheckContext) -> CheckResult:
    acts = _activities(ctx)
    if not acts:
        return ctx.not_assessed("no records of processing activities in the evidence")
    entities = []
    for a in acts:
        missing = [w for w, v in (("lawful basis", a.lawful_basis), ("purpose", a.purpose)) if not v]
        if missing:
            entities.append(EntityResult("processing_activity", a.name, "fail", f"no {' and no '.join(missing)} "
                                         "recorded", srcs(a), gap_kind="undocumented"))
        else:
            entities.append(EntityResult("processing_activity", a.name, "pass",
                                         f"purpose {a.purpose!r}, lawful basis {a.lawful_basis!r}", srcs(a)))
    return ctx.result(entities)


@check(
    id="privacy.transfers_safeguarded",
    title="Transfers of personal data to third countries have a safeguard",
    controls=("PRV-09", "PRV-13"),
    criteria=("P6.1", "P6.4"),
    severity="high",
    effort="M",
    category="process",
    remediation="Put a transfer mechanism in place for the named transfers (adequacy decision, standard "
    "contractual clauses with a transfer impact assessment, binding corporate rules) and record it.",
    sources=("privacy.ropa",),
)
def transfers_safeguarded(ctx: CheckContext) -> CheckResult:
    acts = _activities(ctx)
    if not acts:
        return ctx.not_assessed("no records of processing activities in the evidence")
    entities = []
    for a in acts:
        named = [t for t in a.transfers if t.lower() not in _NO_TRANSFER]
        where = f" to {', '.join(named)}" if named else ""
        if not a.transfers:
            entities.append(EntityResult("processing_activity", a.name, "pass", "no transfer outside the origin "
                                         "recorded", srcs(a)))
        elif a.transfer_safeguard:
            entities.append(EntityResult("processing_activity", a.name, "pass",
                                         f"transfer{where} under {a.transfer_safeguard}", srcs(a)))
        else:
            entities.append(EntityResult("processing_activity", a.name, "fail",
                                         f"transfer{where} with no safeguard recorded", srcs(a),
                                         gap_kind="not_operating"))
    return ctx.result(entities)


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", (text or "").lower())}


@check(
    id="privacy.consent_recorded",
    title="Processing based on consent has consent records",
    controls=("PRV-02",),
    criteria=("P2.1",),
    severity="medium",
    effort="M",
    category="process",
    remediation="Keep a record of each consent (who, when, what they were told, how) for the named activities, and "
    "of each withdrawal.",
    sources=("privacy.ropa", "privacy.consent"),
)
def consent_recorded(ctx: CheckContext) -> CheckResult:
    acts = [a for a in _activities(ctx) if a.lawful_basis and "consent" in a.lawful_basis.lower()]
    consents = ctx.facts.records("consent")
    if not acts:
        if consents:
            return ctx.result([EntityResult("consent_log", "consent records", "pass",
                                            f"{len(consents)} consent record(s) kept", srcs(*consents[:3]))])
        return ctx.not_assessed("no processing based on consent in the evidence")
    entities = []
    for a in acts:
        wanted = _words(a.name) | _words(a.purpose)
        matched = [c for c in consents if _words(c.title) & wanted]
        if a.consent_recorded is True or matched:
            how = f"{len(matched)} consent record(s)" if matched else "consent records kept, per the record"
            entities.append(EntityResult("processing_activity", a.name, "pass", how, srcs(a, *matched[:2])))
        elif a.consent_recorded is False:
            entities.append(EntityResult("processing_activity", a.name, "fail",
                                         "based on consent, and the record says no consent records are kept",
                                         srcs(a), gap_kind="not_operating"))
        else:
            entities.append(EntityResult("processing_activity", a.name, "partial",
                                         "based on consent; no consent record in the evidence for it", srcs(a),
                                         gap_kind="insufficient_evidence"))
    return ctx.result(entities)


@check(
    id="privacy.disclosures_recorded",
    title="Disclosures of personal information to third parties are recorded with their purpose and basis",
    controls=("PRV-10",),
    criteria=("P6.2",),
    severity="low",
    effort="S",
    category="process",
    remediation="Record, for each disclosure to a third party, the recipient, date, data, purpose and basis.",
    sources=("privacy.disclosures", "privacy.ropa"),
)
def disclosures_recorded(ctx: CheckContext) -> CheckResult:
    log = ctx.facts.records("disclosure")
    entities = []
    for d in log:
        who = d.subject or "?"
        if d.title and d.details.get("basis"):
            entities.append(EntityResult("disclosure", f"{who} {d.performed_on.isoformat()}", "pass",
                                         f"purpose {d.title!r}, basis {d.details['basis']!r}", srcs(d)))
        else:
            lacking = " and ".join(w for w, v in (("purpose", d.title), ("basis", d.details.get("basis"))) if not v)
            entities.append(EntityResult("disclosure", f"{who} {d.performed_on.isoformat()}", "fail",
                                         f"disclosure recorded with no {lacking}", srcs(d), gap_kind="undocumented"))
    if not log:
        for a in _activities(ctx):
            if a.recipients:
                entities.append(EntityResult("processing_activity", a.name, "pass",
                                             f"recipients recorded: {', '.join(a.recipients)}", srcs(a)))
    return ctx.result(entities, empty="no disclosure log and no recipients in the records of processing")


def _vendors(ctx: CheckContext) -> list[Vendor]:
    return ctx.facts.of(Vendor)


@check(
    id="privacy.processors_dpa",
    title="Processors of personal data are bound by a data processing agreement",
    controls=("PRV-13",),
    criteria=("P6.4",),
    severity="high",
    effort="S",
    category="policy",
    remediation="Sign a DPA (GDPR Art. 28 terms: instructions, confidentiality, security, subprocessors, deletion, "
    "audits, breach notice) with each named processor.",
    sources=("vendors",),
)
def processors_dpa(ctx: CheckContext) -> CheckResult:
    if not _vendors(ctx):
        return ctx.not_assessed("no vendor inventory in the evidence")
    procs = [v for v in _vendors(ctx) if v.processes_personal_data is True or v.processes_health_data is True]
    if not procs:
        return ctx.not_assessed("the inventory marks no vendor as processing personal data")
    return ctx.result([dpa_result(v, "personal data") for v in procs])


@check(
    id="privacy.health_data_processors_baa",
    title="Vendors that handle health data (PHI) have a business associate agreement",
    controls=("VND-04", "PRV-13"),
    criteria=("CC9.2", "P6.4"),
    severity="high",
    effort="S",
    category="policy",
    remediation="Sign a business associate agreement (45 CFR 164.504(e)) with each named vendor before it handles "
    "more protected health information, or stop sending it any.",
    sources=("vendors",),
)
def health_data_processors_baa(ctx: CheckContext) -> CheckResult:
    if not _vendors(ctx):
        return ctx.not_assessed("no vendor inventory in the evidence")
    phi = [v for v in _vendors(ctx) if v.processes_health_data is True]
    if not phi:
        return ctx.not_assessed("the inventory marks no vendor as handling health data")
    entities = []
    for v in phi:
        if v.baa_signed is True:
            entities.append(EntityResult("vendor", v.name, "pass", "BAA in place", srcs(v)))
        elif v.baa_signed is False:
            entities.append(EntityResult("vendor", v.name, "fail", "processes health data without a BAA", srcs(v),
                                         gap_kind="missing"))
        else:
            entities.append(EntityResult("vendor", v.name, "partial", "processes health data; no BAA status recorded",
                                         srcs(v), gap_kind="insufficient_evidence"))
    return ctx.result(entities)


def _is_notice(d: Document) -> bool:
    return bool(re.search(r"privacy (notice|statement)", d.title, re.I)) or "privacy-notice" in d.path.lower()


@check(
    id="privacy.notice_current",
    title="The privacy notice is reviewed within its cadence",
    controls=("PRV-01",),
    criteria=("P1.1",),
    severity="medium",
    effort="S",
    category="policy",
    remediation="Review the privacy notice against the records of processing (purposes, recipients, transfers, "
    "retention, rights), publish the update and record its date.",
    sources=("policies",),
    thresholds=("privacy_notice_months",),
)
def notice_current(ctx: CheckContext) -> CheckResult:
    notices = [d for d in ctx.facts.of(Document) if _is_notice(d)]
    if not notices:
        return ctx.not_assessed("no privacy notice among the documents")
    months = int(ctx.thresholds.privacy_notice_months)
    d = max(notices, key=lambda x: max((v for v in (x.last_reviewed, x.approved_on, x.effective_date) if v),
                                       default=date.min))
    day = max((v for v in (d.last_reviewed, d.approved_on, d.effective_date) if v), default=None)
    records = sorted(ctx.facts.records("privacy_notice_review"), key=lambda r: r.performed_on)
    if records and (day is None or records[-1].performed_on > day):
        day = records[-1].performed_on
    if day is None:
        return ctx.result([EntityResult("document", d.title, "partial", "no review, approval or effective date",
                                        srcs(d), gap_kind="insufficient_evidence")])
    if ctx.within(day, months):
        return ctx.result([EntityResult("document", d.title, "pass", f"reviewed {day.isoformat()}", srcs(d))])
    return ctx.result([EntityResult("document", d.title, "fail", f"last reviewed {day.isoformat()}, over {months} "
                                    "months ago", srcs(d), gap_kind="stale")])

