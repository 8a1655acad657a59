"""Availability (A1.x): monthly uptime against the SLA, monitors kept running, major incidents restored in time,
reviewed afterwards and told to customers, restores and DR tests meeting their recovery objectives.

Facts read: :class:`Monitor` and :class:`Downtime` (uptime monitors: UptimeRobot, Pingdom, Better Stack, Datadog
synthetics ...), :class:`Incident` (status pages, on-call tools, incident registers), :class:`Record` of kind
``post_incident_review``, ``backup_restore_test`` and ``dr_test``. Events are judged inside the audit period up to
the evaluation end (Type II) or the twelve months before the as-of date (Type I); something still open is judged
against the moment its evidence was exported, never later.

Precision: a missing review is a failure only where the evidence records reviews (a post-incident review register,
or an incident source that carries review dates for some of its incidents); elsewhere it is "cannot tell".
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from trustgap.checks._util import (
    add_business_days,
    business_days_between,
    evidence_until,
    fmt_dt,
    judged_window,
    lapse_result,
    record_cadence_check,
    srcs,
    utc,
)
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Downtime, Incident, Monitor, ProcessingEvent, Record

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MONTHS = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$")


def monitor_label(m: Monitor) -> str:
    name = m.name or m.monitor_id
    return f"{name} ({m.target})" if m.target and m.target != name else name


def incident_label(i: Incident) -> str:
    return f"{i.title} ({i.incident_id})" if i.title else i.incident_id


def _months(start: date, end: date) -> list[date]:
    """First days of the calendar months wholly inside [start, end]."""
    out: list[date] = []
    day = date(start.year, start.month, 1)
    if day < start:
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    while True:
        last = date(day.year, day.month, monthrange(day.year, day.month)[1])
        if last > end:
            return out
        out.append(day)
        day = last + timedelta(days=1)


def _computed_uptime(m: Monitor, downs: list[Downtime], month: date, until: datetime) -> float | None:
    """Uptime of a month from the monitor's down periods, when the monitor watched the whole month and its log is
    in the evidence (at least one entry, none of the month before the log's first entry: a log cut short says
    nothing of earlier months). Known down time only ever lowers the figure, so a month computed below target is
    below target."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = start + timedelta(days=monthrange(month.year, month.month)[1])
    if m.created_at is None or utc(m.created_at) > start or until < end or not downs:
        return None
    if end <= min(utc(d.started_at) for d in downs):
        return None
    if m.paused_at is not None and utc(m.paused_at) < end:
        return None
    down = 0.0
    for d in downs:
        a = utc(d.started_at)
        b = utc(d.ended_at) if d.ended_at else (a + timedelta(seconds=d.duration_seconds)
                                                if d.duration_seconds is not None else until)
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            down += (hi - lo).total_seconds()
    return round(100.0 * (1 - down / (end - start).total_seconds()), 3)


@check(
    id="availability.uptime_met",
    title="Every monitored service met its uptime target each month",
    controls=("AV-07",),
    criteria=("A1.1",),
    severity="medium",
    effort="M",
    category="technical",
    remediation="Find the cause of the months below target (the outages in the monitor's log), fix it, and "
    "tell affected customers what the SLA promises (credits, a report); if the target is unrealistic, change the "
    "commitment in the policy and contracts.",
    sources=("monitoring.uptime",),
    thresholds=("uptime_target_percent",),
)
def uptime_met(ctx: CheckContext) -> CheckResult:
    monitors = ctx.facts.of(Monitor)
    if not monitors:
        return ctx.not_assessed("no uptime monitors in the evidence")
    target = float(ctx.thresholds.uptime_target_percent)
    start, end = judged_window(ctx)
    months = _months(start, end)
    downs: dict[tuple[str, str], list[Downtime]] = defaultdict(list)
    for d in ctx.facts.of(Downtime):
        downs[(d.system, d.monitor_id)].append(d)
    entities: list[EntityResult] = []
    for m in monitors:
        reported = {lbl: pct for lbl, pct in m.uptime if _MONTH.match(lbl)}
        paused_from = m.paused_at.date().replace(day=1) if m.paused_at else None
        until = evidence_until(ctx, m)
        figures: list[tuple[str, float, str]] = []
        for month in months:
            if paused_from is not None and month > paused_from:
                continue  # paused: judged by availability.monitors_active, not as downtime
            label = f"{month:%Y-%m}"
            if label in reported:
                figures.append((label, reported[label], "reported"))
                continue
            pct = _computed_uptime(m, downs.get((m.system, m.monitor_id), []), month, until)
            if pct is not None:
                figures.append((label, pct, "from the monitor's down log"))
        # a ratio over several whole months below the target means at least one of them missed it
        spans = []
        for lbl, pct in m.uptime:
            sm = _MONTHS.match(lbl)
            if sm and pct < target:
                first, last = date(int(sm[1]), int(sm[2]), 1), date(int(sm[3]), int(sm[4]), 1)
                inside = [x for x in months if first <= x <= last]
                if len(inside) == (last.year - first.year) * 12 + last.month - first.month + 1 and \
                        (paused_from is None or last <= paused_from) and \
                        not any(first <= date(int(f[0][:4]), int(f[0][5:7]), 1) <= last for f in figures):
                    spans.append((lbl, pct, "reported for the months together"))
        figures.extend(spans)
        if not figures:
            continue
        below = [(lbl, pct, how) for lbl, pct, how in figures if pct < target]
        ev = srcs(m, *downs.get((m.system, m.monitor_id), []))
        measured: dict[str, Any] = {"target": target, "months": {lbl: pct for lbl, pct, _ in figures}}
        if below:
            shown = ", ".join(f"{lbl}: {pct:g}%" for lbl, pct, _ in below)
            outages = [d for d in downs.get((m.system, m.monitor_id), [])
                       if any(f"{utc(d.started_at):%Y-%m}" == lbl for lbl, _, _ in below)]
            longest = max(outages, key=lambda d: d.duration_seconds or 0, default=None)
            extra = ""
            if longest is not None and longest.duration_seconds:
                extra = (f"; longest outage {fmt_dt(longest.started_at)} for "
                         f"{longest.duration_seconds // 3600} h {longest.duration_seconds % 3600 // 60} min")
            entities.append(EntityResult("monitor", monitor_label(m), "fail",
                                         f"uptime below the {target:g}% target in {shown}{extra}", ev,
                                         measured=measured))
        else:
            lowest = min(figures, key=lambda f: f[1])
            entities.append(EntityResult("monitor", monitor_label(m), "pass",
                                         f"{len(figures)} month(s) at or above {target:g}% (lowest {lowest[0]}: "
                                         f"{lowest[1]:g}%)", ev, measured=measured))
    return ctx.result(entities, empty="no monthly uptime figures or down logs cover the months judged")


def _host_path(target: str) -> tuple[str, str]:
    t = target.strip().lower()
    t = re.sub(r"^[a-z][a-z0-9+.-]*://", "", t)
    host, _, path = t.partition("/")
    return host.split(":", 1)[0].removeprefix("www."), "/" + path.rstrip("/") if path.strip("/") else "/"


def _covers(m: Monitor, endpoint: str) -> bool:
    if not m.target:
        return False
    mh, mp = _host_path(m.target)
    eh, ep = _host_path(endpoint)
    return mh == eh and (ep == "/" or mp == ep or mp.startswith(ep + "/"))


@check(
    id="availability.monitors_active",
    title="Uptime monitors are running, none paused, and every in-scope endpoint has one",
    controls=("AV-07",),
    criteria=("A1.1",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Resume the paused monitors (or replace them if the endpoint moved), add a monitor for every "
    "in-scope endpoint without one, and alert on monitors being paused so that an outage is never unobserved.",
    sources=("monitoring.uptime",),
    thresholds=("monitored_endpoints",),
)
def monitors_active(ctx: CheckContext) -> CheckResult:
    monitors = ctx.facts.of(Monitor)
    if not monitors:
        return ctx.not_assessed("no uptime monitors in the evidence")
    start, end = judged_window(ctx)
    entities: list[EntityResult] = []
    for m in monitors:
        label = monitor_label(m)
        paused = m.active is False or (m.status or "").lower() == "paused"
        if paused:
            since = f" since {fmt_dt(m.paused_at)}" if m.paused_at else ""
            if m.paused_at is not None and utc(m.paused_at).date() > end:
                entities.append(EntityResult("monitor", label, "pass", f"paused{since}, after the days judged",
                                             srcs(m)))
                continue
            entities.append(EntityResult("monitor", label, "fail", f"monitor paused{since}: the endpoint is not "
                                         "watched", srcs(m), measured={"paused_at": m.paused_at.isoformat()
                                                                       if m.paused_at else None}))
        elif m.active is None and m.status is None:
            continue
        else:
            lapse = lapse_result(ctx, "monitor", label, m, lambda old: old.active is False, "monitor paused")
            entities.append(lapse or EntityResult("monitor", label, "pass", f"active ({m.status or 'running'})",
                                                  srcs(m)))
    for endpoint in ctx.thresholds.monitored_endpoints or ():
        watching = [m for m in monitors if _covers(m, str(endpoint))]
        if not watching:
            entities.append(EntityResult("endpoint", str(endpoint), "fail", "in-scope endpoint with no uptime monitor "
                                         f"among the {len(monitors)} monitor(s) exported", srcs(*monitors[:5]),
                                         gap_kind="missing"))
    return ctx.result(entities)


def _is_major(i: Incident) -> bool | None:
    if i.major is not None:
        return i.major
    if i.severity in ("critical", "high"):
        return True
    if i.severity in ("medium", "low", "informational"):
        return False
    return None


def _judged_incidents(ctx: CheckContext) -> list[Incident]:
    start, end = judged_window(ctx)
    out = []
    for i in ctx.facts.of(Incident):
        when = i.started_at or i.detected_at
        breach_row = i.breach_assessed_on is not None or i.is_breach is not None or i.authority_notified_at is not None
        if i.kind in ("privacy", "breach") or (breach_row and i.resolved_at is None):
            continue  # a breach assessment (no resolution in it), judged by the privacy checks
        if when is not None and start <= utc(when).date() <= end:
            out.append(i)
    return out


def _norm(text: str | None) -> str:
    return re.sub(r"[^a-z0-9#]+", " ", (text or "").lower()).strip()


def _reviews_for(i: Incident, reviews: list[Record]) -> list[Record]:
    """Post-incident review records naming the incident (its id or number, or its title)."""
    ids = {_norm(i.incident_id), _norm(i.incident_id).lstrip("#")}
    title = _norm(i.title)
    out = []
    for r in reviews:
        names = {_norm(r.subject), _norm(r.title),
                 *(_norm(str(r.details.get(k, ""))) for k in ("incident", "incident_id", "incident_number",
                                                               "incident_key", "reference", "ticket"))}
        text = " ".join(names)
        if ids & names or any(x and re.search(rf"(?<![a-z0-9]){re.escape(x)}(?![a-z0-9])", text) for x in ids
                                 if len(x) >= 3) or (title and title in names):
            out.append(r)
    return out


@check(
    id="incidents.post_incident_review_in_time",
    title="Major incidents get a post-incident review within the promised business days",
    controls=("OPS-10",),
    criteria=("CC7.4", "CC7.5"),
    severity="medium",
    effort="S",
    category="process",
    remediation="Hold and record a post-incident review for every major incident within the promised time: "
    "timeline, root cause, customer impact and actions with owners; publish it where customers were told.",
    sources=("status_page.incidents", "pagerduty.incidents", "records.post_incident_review"),
    thresholds=("post_incident_review_business_days",),
)
def post_incident_review_in_time(ctx: CheckContext) -> CheckResult:
    incidents = [i for i in _judged_incidents(ctx) if _is_major(i)]
    if not incidents:
        return ctx.not_assessed("no major incidents in the evidence for the days judged")
    n = int(ctx.thresholds.post_incident_review_business_days)
    reviews = ctx.facts.records("post_incident_review")
    tracked_files = {i.src.sha256 for i in ctx.facts.of(Incident) if i.postmortem_on is not None}
    entities: list[EntityResult] = []
    for i in incidents:
        if i.resolved_at is None:
            continue  # still open: no review due yet
        done = utc(i.resolved_at).date()
        deadline = add_business_days(done, n)
        mine = _reviews_for(i, reviews)
        dates = [d for d in [i.postmortem_on, *(r.performed_on for r in mine)] if d is not None]
        label = incident_label(i)
        ev = srcs(i, *mine)
        if dates:
            held = min(dates)
            late = business_days_between(done, held)
            measured = {"resolved": done.isoformat(), "reviewed": held.isoformat(), "business_days": late,
                        "limit": n}
            if held <= deadline:
                entities.append(EntityResult("incident", label, "pass", f"reviewed on {held.isoformat()}, {late} "
                                             f"business day(s) after it was resolved", ev, measured=measured))
            else:
                entities.append(EntityResult("incident", label, "fail", f"major incident resolved on "
                                             f"{done.isoformat()}; its review came on {held.isoformat()}, {late} "
                                             f"business days later (limit {n})", ev, measured=measured))
            continue
        until = evidence_until(ctx, i).date()
        if until <= deadline:
            entities.append(EntityResult("incident", label, "pass", f"resolved on {done.isoformat()}; review due by "
                                         f"{deadline.isoformat()}, after the evidence was exported", ev))
            continue
        if reviews or i.src.sha256 in tracked_files:
            where = "the post-incident review records" if reviews else "its source, which dates other reviews"
            entities.append(EntityResult("incident", label, "fail", f"major incident resolved on {done.isoformat()} "
                                         f"has no post-incident review in {where} (due by {deadline.isoformat()})",
                                         ev, gap_kind="missing", measured={"due": deadline.isoformat()}))
        else:
            entities.append(EntityResult("incident", label, "partial", f"major incident resolved on "
                                         f"{done.isoformat()}: no post-incident review in the evidence, which holds "
                                         "no review records to look in", ev, gap_kind="insufficient_evidence"))
    return ctx.result(entities, empty="no resolved major incidents in the days judged")


@check(
    id="incidents.resolved_in_time",
    title="Major and high-urgency incidents are resolved within the target time",
    controls=("AV-07",),
    criteria=("A1.1",),
    severity="medium",
    effort="M",
    category="process",
    remediation="Look at why the slow incidents took long (detection, escalation, missing runbooks or access), "
    "fix the cause, and rehearse recovery of the services involved.",
    sources=("status_page.incidents", "pagerduty.incidents"),
    thresholds=("incident_resolution_hours",),
)
def resolved_in_time(ctx: CheckContext) -> CheckResult:
    limit = float(ctx.thresholds.incident_resolution_hours)
    entities: list[EntityResult] = []
    for i in _judged_incidents(ctx):
        if not (_is_major(i) or (i.urgency or "").lower() == "high"):
            continue
        started = utc(i.started_at or i.detected_at)  # type: ignore[arg-type]
        end = utc(i.resolved_at) if i.resolved_at else evidence_until(ctx, i)
        hours = round((end - started).total_seconds() / 3600, 1)
        label = incident_label(i)
        measured = {"hours": hours, "limit": limit}
        if hours <= limit:
            if i.resolved_at is not None:
                entities.append(EntityResult("incident", label, "pass", f"resolved in {hours:g} h", srcs(i),
                                             measured=measured))
            continue
        what = f"resolved after {hours:g} h" if i.resolved_at else f"still open {hours:g} h after it started"
        entities.append(EntityResult("incident", label, "fail", f"{what} (target {limit:g} h)", srcs(i),
                                     measured=measured))
    return ctx.result(entities, empty="no major or high-urgency incidents in the days judged")


@check(
    id="incidents.customers_informed",
    title="Customers are told of major incidents within the promised time",
    controls=("AV-07",),
    criteria=("CC2.3",),
    severity="low",
    effort="S",
    category="process",
    remediation="Post on the status page (or write to affected customers) as soon as a major incident is "
    "confirmed, and keep updating until it is resolved.",
    sources=("status_page.incidents",),
    thresholds=("customer_notice_hours",),
)
def customers_informed(ctx: CheckContext) -> CheckResult:
    limit = float(ctx.thresholds.customer_notice_hours)
    entities: list[EntityResult] = []
    for i in _judged_incidents(ctx):
        if not _is_major(i) or i.customer_notified_at is None or i.started_at is None:
            continue  # the evidence does not say whether or when customers were told
        hours = round((utc(i.customer_notified_at) - utc(i.started_at)).total_seconds() / 3600, 1)
        measured = {"hours": hours, "limit": limit}
        if hours <= limit:
            entities.append(EntityResult("incident", incident_label(i), "pass", f"customers told {max(hours, 0):g} h "
                                         "after it started", srcs(i), measured=measured))
        else:
            entities.append(EntityResult("incident", incident_label(i), "fail", f"customers first told "
                                         f"{fmt_dt(i.customer_notified_at)}, {hours:g} h after it started "
                                         f"(limit {limit:g} h)", srcs(i), measured=measured))
    return ctx.result(entities, empty="no major incident whose evidence says when customers were told")


def _hours(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _objective(ctx: CheckContext, r: Record, what: str) -> float | None:
    """The record's own target for ``what`` (rto / rpo), else the scope's target for the system's tier."""
    own = _hours(r.details.get(f"{what}_target") or r.details.get(what))
    if own is not None:
        return own
    tier = str(r.details.get("tier") or "").strip().lower().removeprefix("tier").strip()
    table = getattr(ctx.thresholds, f"{what}_hours_by_tier", None) or {}
    return _hours(table.get(tier)) if tier else None


def objectives_result(ctx: CheckContext, r: Record, what: str) -> EntityResult | None:
    """Whether one restore or DR test met its recovery time and point objectives, when it records them."""
    label = f"{r.subject or what} {what} {r.performed_on.isoformat()}"
    misses: list[str] = []
    met: list[str] = []
    measured: dict[str, Any] = {}
    for key, name in (("rto", "recovery time"), ("rpo", "data loss")):
        target, achieved = _objective(ctx, r, key), _hours(r.details.get(f"{key}_achieved"))
        if target is None or achieved is None:
            continue
        measured[f"{key}_target_h"], measured[f"{key}_achieved_h"] = target, achieved
        if achieved > target:
            misses.append(f"{name} {achieved:g} h against an {key.upper()} of {target:g} h")
        else:
            met.append(f"{key.upper()} met ({achieved:g} h of {target:g} h)")
    if not measured:
        return None
    if misses:
        recorded = f" (recorded as {r.outcome})" if r.outcome else ""
        return EntityResult("test", label, "fail", "; ".join(misses) + recorded, srcs(r), measured=measured)
    return EntityResult("test", label, "pass", "; ".join(met), srcs(r), measured=measured)


def _objectives_check(ctx: CheckContext, kind: str, what: str) -> CheckResult:
    start, end = judged_window(ctx)
    records = [r for r in ctx.facts.records(kind) if start <= r.performed_on <= end]
    if not records:
        return ctx.not_assessed(f"no {what}s in the days judged")
    entities = [e for r in records if (e := objectives_result(ctx, r, what)) is not None]
    return ctx.result(entities, empty=f"no {what} records its recovery time or data loss against an objective")


@check(
    id="backup.restore_meets_objectives",
    title="Restore tests met the recovery time and recovery point objectives",
    controls=("AV-03",),
    criteria=("A1.3",),
    severity="medium",
    effort="M",
    category="process",
    remediation="For each restore that took longer than its RTO (or lost more than its RPO), find what slowed it "
    "(backup size, tooling, runbook gaps), fix it and test again; record targets and times achieved every time.",
    sources=("records.backup_restore_test",),
)
def restore_meets_objectives(ctx: CheckContext) -> CheckResult:
    return _objectives_check(ctx, "backup_restore_test", "restore test")


@check(
    id="dr.meets_objectives",
    title="Disaster recovery tests met the recovery time and recovery point objectives",
    controls=("AV-05",),
    criteria=("A1.3",),
    severity="medium",
    effort="M",
    category="process",
    remediation="Where a DR test missed its RTO or RPO, fix the cause (automation, capacity in the recovery "
    "region, runbooks) and repeat the test; record targets and times achieved every time.",
    sources=("records.dr_test",),
)
def dr_meets_objectives(ctx: CheckContext) -> CheckResult:
    return _objectives_check(ctx, "dr_test", "DR test")


@check(
    id="capacity.reviewed",
    title="Capacity is reviewed against limits within the cadence",
    controls=("AV-01",),
    criteria=("A1.1",),
    severity="low",
    effort="S",
    category="process",
    remediation="Review usage of compute, storage, databases and service quotas against their limits, record the "
    "review with its date and the actions decided, and set alerts before limits are reached.",
    sources=("records.capacity_review",),
    thresholds=("capacity_review_months",),
)
def capacity_reviewed(ctx: CheckContext) -> CheckResult:
    return record_cadence_check(ctx, ("capacity_review",), int(ctx.thresholds.capacity_review_months),
                                "capacity review")


@check(
    id="backup.jobs_succeed",
    title="Failed backup jobs are followed by a completed backup of the same resource in time",
    controls=("AV-02",),
    criteria=("A1.2",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Alert on failed backup jobs, fix the cause (permissions, quotas, a changed resource) and run the "
    "backup again; a resource whose backups keep failing has no recovery point.",
    sources=("aws.backup.jobs",),
    thresholds=("backup_retry_hours",),
)
def backup_jobs_succeed(ctx: CheckContext) -> CheckResult:
    start, end = judged_window(ctx)
    jobs = [e for e in ctx.facts.of(ProcessingEvent) if e.kind == "backup_job" and e.occurred_at is not None]
    judged = [e for e in jobs if start <= utc(e.occurred_at).date() <= end]  # type: ignore[arg-type]
    if not judged:
        return ctx.not_assessed("no backup jobs in the evidence for the days judged")
    limit = float(ctx.thresholds.backup_retry_hours)
    by_resource: dict[str | None, list[ProcessingEvent]] = defaultdict(list)
    for e in jobs:
        by_resource[e.name].append(e)
    entities: list[EntityResult] = []
    for name, mine in sorted(by_resource.items(), key=lambda kv: kv[0] or ""):
        failed = [e for e in mine if e.status == "failed" and e in judged]
        ok = sorted((e for e in mine if e.status == "ok"), key=lambda e: utc(e.occurred_at))  # type: ignore[arg-type]
        label = str(name or "backup")
        if not failed:
            if any(e in judged for e in mine):
                entities.append(EntityResult("resource", label, "pass", f"{len(ok)} completed backup job(s), none "
                                             "failed", srcs(*mine[:10])))
            continue
        late: list[str] = []
        for f in failed:
            at = utc(f.occurred_at)  # type: ignore[arg-type]
            nxt = next((o for o in ok if utc(o.occurred_at) > at), None)  # type: ignore[arg-type]
            until = utc(nxt.occurred_at) if nxt else evidence_until(ctx, f)  # type: ignore[arg-type]
            hours = round((until - at).total_seconds() / 3600, 1)
            if hours > limit:
                late.append(f"failed {fmt_dt(at)}, " + (f"next completed backup {hours:g} h later" if nxt else
                                                        f"no completed backup in the {hours:g} h after"))
        if late:
            entities.append(EntityResult("resource", label, "fail", "; ".join(late[:3]) + (
                f" and {len(late) - 3} more" if len(late) > 3 else "") + f" (limit {limit:g} h)", srcs(*failed[:10]),
                measured={"failed_jobs": len(failed), "late": len(late)}))
        else:
            entities.append(EntityResult("resource", label, "pass", f"{len(failed)} failed job(s), each followed by "
                                         f"a completed backup within {limit:g} h", srcs(*failed[:10])))
    return ctx.result(entities)
