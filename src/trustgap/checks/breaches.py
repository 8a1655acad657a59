"""Breaches of personal data (P6.3, P6.6): incidents involving personal data assessed for a notifiable breach, and
notifiable breaches reported within the legal window.

A breach assessment (:class:`~trustgap.facts.Incident` with ``is_breach`` / ``personal_data`` / assessment date, from
a breach log or an incident register) is judged from detection: a notifiable breach is reported to the supervisory
authority within ``breach_notification_hours`` (GDPR Art. 33: 72 hours), or, when the assessment names HIPAA, the
individuals are told within ``hipaa_breach_notification_days`` (45 CFR 164.404: 60 days). No conclusion recorded,
or no detection time, is "cannot tell". In Type II a breach detected and notified wholly outside the audit period is
not judged.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from trustgap.checks._util import fmt_dt, srcs, utc
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.checks.confidentiality import outside_period
from trustgap.dates import to_utc_start
from trustgap.facts import Incident


def _breach_candidates(ctx: CheckContext) -> list[Incident]:
    return [i for i in ctx.facts.of(Incident)
            if i.is_breach is not None or i.personal_data is not None or i.breach_assessed_on is not None
            or i.authority_notified_at is not None or (i.kind or "") == "privacy"]


@check(
    id="privacy.incidents_assessed_for_breach",
    title="Incidents involving personal data are assessed for a notifiable breach",
    controls=("PRV-12",),
    criteria=("P6.3",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Assess each named incident for a personal data breach (risk to individuals, notifiable or not), "
    "record the conclusion and date, and keep the register current.",
    sources=("privacy.breaches", "incidents"),
)
def incidents_assessed_for_breach(ctx: CheckContext) -> CheckResult:
    cands = _breach_candidates(ctx)
    if not cands:
        return ctx.not_assessed("no incident with a breach assessment or personal data flag in the evidence")
    entities = []
    for i in cands:
        if i.is_breach is not None:
            when = f" on {i.breach_assessed_on.isoformat()}" if i.breach_assessed_on else ""
            verdict = "notifiable" if i.is_breach else "not notifiable"
            entities.append(EntityResult("incident", i.incident_id, "pass", f"assessed{when}: {verdict}", srcs(i)))
        elif i.breach_assessed_on is not None:
            entities.append(EntityResult("incident", i.incident_id, "partial",
                                         f"assessed on {i.breach_assessed_on.isoformat()}, but whether it is a "
                                         "notifiable breach is not recorded", srcs(i),
                                         gap_kind="insufficient_evidence"))
        elif i.personal_data is False:
            entities.append(EntityResult("incident", i.incident_id, "pass", "no personal data involved", srcs(i)))
        elif i.personal_data is True:
            entities.append(EntityResult("incident", i.incident_id, "fail", "personal data involved; no breach "
                                         "assessment recorded", srcs(i), gap_kind="not_operating"))
        else:
            entities.append(EntityResult("incident", i.incident_id, "partial", "no breach assessment and no word on "
                                         "whether personal data was involved", srcs(i),
                                         gap_kind="insufficient_evidence"))
    return ctx.result(entities)


def _detected(i: Incident) -> datetime | None:
    t = i.detected_at or i.started_at
    return utc(t) if t else None


def _judge_breach(ctx: CheckContext, i: Incident, now: datetime) -> EntityResult | None:
    ev = srcs(i)
    if i.is_breach is False or (i.is_breach is None and i.personal_data is False):
        why = "not notifiable" if i.is_breach is False else "no personal data involved"
        return EntityResult("incident", i.incident_id, "pass", f"assessed: {why}", ev)
    if i.is_breach is None:
        return EntityResult("incident", i.incident_id, "partial", "personal data involved; whether the breach is "
                            "notifiable is not recorded", ev, gap_kind="insufficient_evidence")
    detected = _detected(i)
    told_at = i.subjects_notified_at if (i.regime or "") == "hipaa" else i.authority_notified_at
    if detected is not None and outside_period(ctx, detected.date(), utc(told_at).date() if told_at else None):
        return None
    if detected is None:
        return EntityResult("incident", i.incident_id, "partial", "notifiable breach with no detection time: the "
                            "notification window cannot be measured", ev, gap_kind="insufficient_evidence")
    if (i.regime or "") == "hipaa":
        limit_h = float(ctx.thresholds.hipaa_breach_notification_days) * 24
        told, whom = i.subjects_notified_at, "individuals"
    else:
        limit_h = float(ctx.thresholds.breach_notification_hours)
        told, whom = i.authority_notified_at, "authority"
    if told is not None:
        hours = (utc(told) - detected).total_seconds() / 3600
        measured = {"hours": round(hours, 1), "limit_hours": limit_h}
        if hours <= limit_h:
            return EntityResult("incident", i.incident_id, "pass", f"notifiable breach detected {fmt_dt(detected)}; "
                                f"{whom} notified {hours:.0f} hours later", ev, measured=measured)
        return EntityResult("incident", i.incident_id, "fail", f"notifiable breach detected {fmt_dt(detected)}; "
                            f"{whom} notified {hours:.0f} hours later (limit {limit_h:g} h)", ev,
                            gap_kind="not_operating", measured=measured)
    hours = (now - detected).total_seconds() / 3600
    if hours > limit_h:
        return EntityResult("incident", i.incident_id, "fail", f"notifiable breach detected {fmt_dt(detected)}; no "
                            f"notification to the {whom} recorded {hours:.0f} hours later (limit {limit_h:g} h)", ev,
                            gap_kind="not_operating", measured={"hours": round(hours, 1), "limit_hours": limit_h})
    return EntityResult("incident", i.incident_id, "pass", f"notifiable breach detected {fmt_dt(detected)}; "
                        f"notification not yet due ({hours:.0f} of {limit_h:g} h)", ev)


@check(
    id="privacy.breaches_notified_on_time",
    title="Notifiable breaches are reported within the legal window",
    controls=("PRV-15", "OPS-13"),
    criteria=("P6.6", "CC7.4"),
    severity="high",
    effort="S",
    category="process",
    remediation="Report notifiable breaches to the supervisory authority within 72 hours of becoming aware (GDPR) "
    "and to individuals within 60 days (HIPAA); rehearse who decides and who files, and record each step's time.",
    sources=("privacy.breaches", "incidents"),
    thresholds=("breach_notification_hours", "hipaa_breach_notification_days"),
)
def breaches_notified_on_time(ctx: CheckContext) -> CheckResult:
    cands = [i for i in _breach_candidates(ctx) if i.is_breach is not None or i.personal_data is not None]
    if not cands:
        return ctx.not_assessed("no breach assessment in the evidence")
    now = to_utc_start(ctx.as_of + timedelta(days=1))
    return ctx.result([e for i in cands if (e := _judge_breach(ctx, i, now)) is not None],
                      empty="no breach assessed inside the audit period")
