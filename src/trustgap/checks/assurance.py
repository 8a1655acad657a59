"""Recurring assurance activities: risk assessment, incident response and DR tests, restores, pen tests,
management oversight, incident follow-up.

Each activity is a ``Record``; Type I needs one within the cadence before the as-of date, Type II one in
every cadence window of the audit period (``CheckContext.windows``).
"""

from __future__ import annotations

from typing import Any

from trustgap.checks._util import cadence_result, record_cadence_check, srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check

_LIKELIHOOD_KEYS = ("likelihood", "likelihood_recorded", "likelihood_impact", "likelihood_and_impact", "scored")
_IMPACT_KEYS = ("impact", "impact_recorded", "likelihood_impact", "likelihood_and_impact", "scored")
_TREATMENT_KEYS = ("treatment", "treatments", "treatment_decided", "treatment_recorded", "decisions")


def _names(ids: Any, most: int = 8) -> str:
    items = [str(i) for i in ids] if isinstance(ids, list | tuple) else [str(ids)]
    more = f" and {len(items) - most} more" if len(items) > most else ""
    return f"{len(items)} risk(s): {', '.join(items[:most])}{more}"


def _has(details: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return any(details.get(k) not in (None, False, "", 0, [], {}) for k in keys)


@check(
    id="risk.assessment_performed",
    title="A risk assessment was performed within the cadence",
    controls=("RSK-01",),
    criteria=("CC3.1", "CC3.2"),
    severity="high",
    effort="M",
    category="process",
    remediation="Run the yearly risk assessment: list threats to the in-scope systems, score likelihood and "
    "impact, decide a treatment and owner for each, and have management sign off the register.",
    thresholds=("risk_assessment_months",),
)
def assessment_performed(ctx: CheckContext) -> CheckResult:
    return record_cadence_check(ctx, ("risk_assessment",), int(ctx.thresholds.risk_assessment_months),
                                "risk assessment")


@check(
    id="risk.scored_and_treated",
    title="The latest risk assessment records likelihood, impact and a treatment decision",
    controls=("RSK-01", "RSK-02"),
    criteria=("CC3.2",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Add likelihood and impact scores and a treatment decision (accept, mitigate, transfer, avoid) "
    "with an owner to every risk in the register.",
    thresholds=("risk_assessment_months",),
    gap_kind="insufficient_evidence",
)
def scored_and_treated(ctx: CheckContext) -> CheckResult:
    records = [r for r in ctx.facts.records("risk_assessment") if r.performed_on <= ctx.evaluation_end]
    if not records:
        return ctx.not_assessed("no risk assessment records in the evidence")
    latest = max(records, key=lambda r: r.performed_on)
    missing = []
    if not _has(latest.details, _LIKELIHOOD_KEYS):
        missing.append("likelihood")
    if not _has(latest.details, _IMPACT_KEYS):
        missing.append("impact")
    if not _has(latest.details, _TREATMENT_KEYS):
        missing.append("treatment")
    label = f"risk assessment {latest.performed_on.isoformat()}"
    if not missing:  # a register tells which risks lack a score, a treatment or an owner
        gaps = [(what, latest.details.get(key)) for what, key in (
            ("likelihood and impact", "risks_unscored"), ("treatment", "risks_untreated"),
            ("owner", "risks_unowned"))]
        named = [f"no {what} for {_names(ids)}" for what, ids in gaps if ids]
        if named:
            return ctx.result([EntityResult("risk assessment", label, "partial", "; ".join(named), srcs(latest),
                                            gap_kind="insufficient_evidence",
                                            measured={"risks": latest.details.get("risks")})])
    if missing:
        return ctx.result([EntityResult("risk assessment", label, "partial", f"no {', '.join(missing)} recorded",
                                        srcs(latest), gap_kind="insufficient_evidence")])
    return ctx.result([EntityResult("risk assessment", label, "pass", "likelihood, impact and treatment recorded",
                                    srcs(latest))])


@check(
    id="incident.response_tested",
    title="Incident response was tested (tabletop) within the cadence, with participants recorded",
    controls=("OPS-09",),
    criteria=("CC7.4", "CC7.5"),
    severity="medium",
    effort="S",
    category="process",
    remediation="Hold a tabletop exercise on a realistic scenario (e.g. leaked cloud keys), record the date, "
    "participants, decisions and follow-up actions, and update the plan from what was learnt.",
    thresholds=("incident_test_months",),
)
def response_tested(ctx: CheckContext) -> CheckResult:
    return record_cadence_check(ctx, ("tabletop_exercise", "incident_response_test"),
                                int(ctx.thresholds.incident_test_months), "incident response test",
                                need_participants=True)


@check(
    id="dr.tested",
    title="Disaster recovery was tested within the cadence",
    controls=("AV-05",),
    criteria=("A1.3",),
    severity="medium",
    effort="M",
    category="process",
    remediation="Run a disaster recovery test (fail over or rebuild a critical service from backups), measure "
    "it against the RTO and RPO, and record the result and fixes.",
    thresholds=("dr_test_months",),
)
def dr_tested(ctx: CheckContext) -> CheckResult:
    return record_cadence_check(ctx, ("dr_test",), int(ctx.thresholds.dr_test_months), "disaster recovery test")


@check(
    id="backup.restore_tested",
    title="Backups were restored in a test within the cadence",
    controls=("AV-03",),
    criteria=("A1.3",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Restore a production backup into an isolated environment, check the data is complete, and "
    "record the date, the backup restored and the time it took.",
    thresholds=("backup_test_months", "backup_test_months_by_tier"),
)
def restore_tested(ctx: CheckContext) -> CheckResult:
    months = int(ctx.thresholds.backup_test_months)
    named: dict[str, list[Any]] = {}
    for r in ctx.facts.records("backup_restore_test"):
        if r.subject:
            named.setdefault(r.subject.strip().lower(), []).append(r)
    if not named:
        return record_cadence_check(ctx, ("backup_restore_test",), months, "backup restore test")
    # tests that name what they restored: every system restored at least once per cadence window (its tier's
    # cadence when the scope sets one)
    by_tier = ctx.thresholds.backup_test_months_by_tier or {}

    def cadence(recs: list[Any]) -> int:
        tier = str(recs[0].details.get("tier") or "").strip().lower().removeprefix("tier").strip()
        return int(by_tier.get(tier, months))

    return ctx.result([cadence_result(ctx, recs, cadence(recs), "backup restore test",
                                      entity=recs[0].subject or key, entity_type="system")
                       for key, recs in sorted(named.items())])


@check(
    id="pentest.performed",
    title="An independent penetration test was performed within the cadence",
    controls=("MON-02",),
    criteria=("CC4.1", "CC7.1"),
    severity="medium",
    effort="L",
    category="process",
    remediation="Commission a penetration test of the in-scope application and infrastructure from an "
    "independent firm, and track its findings to closure.",
    thresholds=("pentest_months",),
)
def pentest_performed(ctx: CheckContext) -> CheckResult:
    return record_cadence_check(ctx, ("penetration_test",), int(ctx.thresholds.pentest_months), "penetration test")


@check(
    id="governance.oversight_meetings_held",
    title="Management or the board reviewed the security programme within the last year",
    controls=("GOV-02",),
    criteria=("CC1.2",),
    severity="low",
    effort="S",
    category="process",
    remediation="Hold at least a yearly security review with management or the board (risks, incidents, "
    "control status), and keep the minutes.",
    thresholds=("risk_assessment_months",),
)
def oversight_meetings_held(ctx: CheckContext) -> CheckResult:
    records = ctx.facts.records("board_meeting")
    if not records:
        return ctx.not_assessed("no board or management meeting records in the evidence")
    months = int(ctx.thresholds.risk_assessment_months)
    return ctx.result([cadence_result(ctx, records, months, "security oversight meeting", entity="oversight")])


@check(
    id="incidents.root_cause_recorded",
    title="Incidents are tracked with a root cause",
    controls=("OPS-10",),
    criteria=("CC7.4", "CC7.5"),
    severity="low",
    effort="S",
    category="process",
    remediation="Write a short post-incident review for every incident: timeline, root cause, and the actions "
    "taken to prevent it happening again.",
    gap_kind="insufficient_evidence",
)
def root_cause_recorded(ctx: CheckContext) -> CheckResult:
    start = ctx.period_start
    records = [r for r in ctx.facts.records("incident")
               if r.performed_on <= ctx.evaluation_end and (start is None or r.performed_on >= start)]
    if not records:
        return ctx.not_assessed("no incident records in the evidence")
    entities = []
    for r in records:
        label = f"{r.title or r.subject or 'incident'} ({r.performed_on.isoformat()})"
        if _has(r.details, ("root_cause", "rca", "cause", "postmortem", "post_mortem")):
            entities.append(EntityResult("incident", label, "pass", "root cause recorded", srcs(r)))
        else:
            entities.append(EntityResult("incident", label, "partial", "no root cause recorded", srcs(r),
                                         gap_kind="insufficient_evidence"))
    return ctx.result(entities)
