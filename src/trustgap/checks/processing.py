"""Processing integrity (PI1.x): reconciliation variances resolved in time, failed scheduled jobs re-run in time,
rejected inputs corrected in time, processing specifications documented.

Facts read: :class:`ProcessingEvent` (kinds ``reconciliation``, ``job_run``, ``input_rejection``) and
:class:`Document`. Events are judged inside the audit period up to the evaluation end (Type II) or the twelve
months before the as-of date (Type I). Something still open is judged against the moment its evidence was exported
(never later), so an item whose deadline falls after the export is not yet due and passes as such.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from trustgap.checks._util import (
    add_business_days,
    business_days_between,
    evidence_until,
    fmt_dt,
    judged_window,
    srcs,
    utc,
)
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.dates import add_months
from trustgap.facts import Document, ProcessingEvent


def _events(ctx: CheckContext, kind: str) -> list[ProcessingEvent]:
    start, end = judged_window(ctx)
    return [e for e in ctx.facts.of(ProcessingEvent)
            if e.kind == kind and e.occurred_at is not None and start <= utc(e.occurred_at).date() <= end]


_SAID_DONE = frozenset({"resolved", "closed", "corrected", "fixed", "done", "cleared", "reprocessed", "completed",
                        "complete", "rerun", "re-run"})


def _judge(ctx: CheckContext, e: ProcessingEvent, label: str, what: str, done_word: str,
           deadline: Callable[[datetime], datetime], spent: Callable[[datetime, datetime], str],
           resolved: datetime | None, extra_ev: tuple[Any, ...] = ()) -> EntityResult:
    """Pass when put right by the deadline; fail when put right late, or still open after it; pass (not yet due)
    when still open but the deadline is after the evidence was exported."""
    assert e.occurred_at is not None
    start = utc(e.occurred_at)
    due = deadline(start)
    ev = srcs(e, *extra_ev)
    measured: dict[str, Any] = {"occurred": start.isoformat(), "due": due.isoformat()}
    if resolved is not None:
        measured["resolved"] = utc(resolved).isoformat()
        if utc(resolved) <= due:
            return EntityResult("event", label, "pass", f"{what} {done_word} {spent(start, utc(resolved))} later",
                                ev, measured=measured)
        return EntityResult("event", label, "fail", f"{what} on {fmt_dt(start)}, {done_word} "
                            f"{spent(start, utc(resolved))} later (due by {fmt_dt(due)})", ev, measured=measured)
    until = evidence_until(ctx, e)
    said = str(e.details.get("status_recorded") or "").strip().lower()
    if said in _SAID_DONE:
        return EntityResult("event", label, "partial", f"{what} on {fmt_dt(start)}; recorded as {said} but with no "
                            f"date, so whether it was {done_word} by {fmt_dt(due)} cannot be told", ev,
                            gap_kind="insufficient_evidence", measured=measured)
    if until <= due:
        return EntityResult("event", label, "pass", f"{what} on {fmt_dt(start)}; not yet due (by {fmt_dt(due)})",
                            ev, measured=measured)
    return EntityResult("event", label, "fail", f"{what} on {fmt_dt(start)}, not {done_word} "
                        f"{spent(start, until)} later (due by {fmt_dt(due)})", ev, gap_kind="not_operating",
                        measured=measured)


def _business(n: int) -> Callable[[datetime], datetime]:
    def due(start: datetime) -> datetime:
        return datetime.combine(add_business_days(start.date(), n), datetime.max.time(), start.tzinfo)
    return due


def _business_spent(start: datetime, end: datetime) -> str:
    n = business_days_between(start.date(), end.date())
    return f"{n} business day{'s' if n != 1 else ''}"


def _hours_spent(start: datetime, end: datetime) -> str:
    return f"{round((end - start).total_seconds() / 3600, 1):g} h"


@check(
    id="processing.reconciliation_variances_resolved",
    title="Reconciliation variances are resolved within the promised business days",
    controls=("PI-04",),
    criteria=("PI1.4",),
    severity="medium",
    effort="M",
    category="process",
    remediation="Investigate every reconciliation variance as it appears, record its cause and resolution date, "
    "and escalate the ones that stay open past the deadline.",
    sources=("processing.reconciliations",),
    thresholds=("reconciliation_business_days",),
)
def reconciliation_variances_resolved(ctx: CheckContext) -> CheckResult:
    events = _events(ctx, "reconciliation")
    if not events:
        return ctx.not_assessed("no reconciliation runs in the evidence for the days judged")
    n = int(ctx.thresholds.reconciliation_business_days)
    entities: list[EntityResult] = []
    for e in events:
        label = f"{e.ref} ({e.name})" if e.name else e.ref
        if e.status == "ok":
            entities.append(EntityResult("reconciliation", label, "pass", "no variance", srcs(e)))
            continue
        if e.status != "variance":
            continue  # running, or a state the source does not explain
        size = e.details.get("variance")
        what = f"variance of {size:g}" if isinstance(size, int | float) else "variance"
        r = _judge(ctx, e, label, what, "resolved", _business(n), _business_spent, e.resolved_at)
        entities.append(EntityResult("reconciliation", label, r.status, r.reason, r.evidence, r.gap_kind,
                                     {**(r.measured or {}), "limit_business_days": n}))
    return ctx.result(entities, empty="no reconciliation run with a known outcome")


def _is_rerun_of(run: ProcessingEvent, failed: ProcessingEvent) -> bool:
    """A run that re-does the failed one: it says so, has the same logical date, or was started by hand (a manual
    or externally triggered run after a failure)."""
    if run.details.get("rerun_of") is not None:
        return bool(run.details.get("rerun_of") == failed.ref)
    if run.details.get("run_type") == "manual" or run.details.get("external_trigger") is True:
        return True
    logical = failed.details.get("logical_date")
    return logical is not None and run.details.get("logical_date") == logical and run.ref != failed.ref


@check(
    id="processing.failed_jobs_rerun",
    title="Failed scheduled jobs are re-run with success within the promised hours",
    controls=("PI-03",),
    criteria=("PI1.3",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Alert on failed scheduled jobs, re-run them once the cause is fixed, and record the re-run; a job "
    "that keeps failing needs a fix, not only a re-run.",
    sources=("processing.jobs",),
    thresholds=("job_rerun_hours",),
)
def failed_jobs_rerun(ctx: CheckContext) -> CheckResult:
    runs = _events(ctx, "job_run")
    if not runs:
        return ctx.not_assessed("no scheduled job runs in the evidence for the days judged")
    limit = float(ctx.thresholds.job_rerun_hours)
    by_job: dict[tuple[str, str | None], list[ProcessingEvent]] = defaultdict(list)
    for e in ctx.facts.of(ProcessingEvent):  # re-runs may fall after the days judged
        if e.kind == "job_run" and e.occurred_at is not None:
            by_job[(e.system, e.name)].append(e)
    entities: list[EntityResult] = []
    for e in runs:
        if e.status != "failed":
            continue
        assert e.occurred_at is not None
        label = f"{e.name} {e.ref}" if e.name and e.name not in e.ref else e.ref
        later = sorted((r for r in by_job[(e.system, e.name)] if r.status == "ok" and r.occurred_at is not None
                        and utc(r.occurred_at) > utc(e.occurred_at)), key=lambda r: utc(r.occurred_at))  # type: ignore[arg-type]
        scheduled = "logical_date" in e.details or "run_type" in e.details  # the source tells re-runs apart
        rerun = next((r for r in later if _is_rerun_of(r, e)), None)
        if rerun is None and not scheduled and later:
            rerun = later[0]  # runs of a plain log: the job's next success is its recovery
        if rerun is None and scheduled and later and e.resolved_at is None:
            nxt = later[0]
            assert nxt.occurred_at is not None
            entities.append(EntityResult(
                "job run", label, "partial", f"{e.name or 'job'} failed on {fmt_dt(utc(e.occurred_at))} and was not "
                f"re-run; the next scheduled run succeeded on {fmt_dt(utc(nxt.occurred_at))} (whether it made up "
                "for the failed one the evidence does not say)", srcs(e, nxt), gap_kind="insufficient_evidence"))
            continue
        resolved = e.resolved_at or (rerun.occurred_at if rerun else None)
        r = _judge(ctx, e, label, f"{e.name or 'job'} failed", "re-run with success",
                   lambda t: t + timedelta(hours=limit), _hours_spent, resolved, (rerun,) if rerun else ())
        entities.append(EntityResult("job run", label, r.status, r.reason, r.evidence, r.gap_kind,
                                     {**(r.measured or {}), "limit_hours": limit}))
    if not entities:
        return ctx.result([EntityResult("jobs", f"{len(runs)} job run(s)", "pass",
                                        "no failed run in the days judged", srcs(*runs[:20]))])
    return ctx.result(entities)


@check(
    id="processing.rejected_inputs_corrected",
    title="Rejected inputs are corrected within the promised business days",
    controls=("PI-02",),
    criteria=("PI1.2",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Work the queue of rejected inputs daily: correct and reprocess each (or return it to its sender) "
    "and record when; escalate the ones past the deadline.",
    sources=("processing.rejections",),
    thresholds=("rejected_input_business_days",),
)
def rejected_inputs_corrected(ctx: CheckContext) -> CheckResult:
    events = _events(ctx, "input_rejection")
    if not events:
        return ctx.not_assessed("no rejected inputs in the evidence for the days judged")
    n = int(ctx.thresholds.rejected_input_business_days)
    entities: list[EntityResult] = []
    for e in events:
        label = e.ref
        reason = e.details.get("reason")
        what = f"rejected ({reason})" if reason else "rejected"
        r = _judge(ctx, e, label, what, "corrected", _business(n), _business_spent, e.resolved_at)
        entities.append(EntityResult("input", label, r.status, r.reason, r.evidence, r.gap_kind,
                                     {**(r.measured or {}), "limit_business_days": n}))
    return ctx.result(entities)


_SPEC = re.compile(r"\b(processing|data|service|product|api|interface|pipeline)\s+(specifications?|specs?|"
                   r"definitions?)\b|\bspecifications? of processing\b", re.I)


@check(
    id="processing.specification_documented",
    title="Processing specifications are documented, approved and current",
    controls=("PI-01",),
    criteria=("PI1.1",),
    severity="medium",
    effort="M",
    category="policy",
    remediation="Write down what the system processes (inputs, validation, processing steps, outputs, timeliness "
    "and quality commitments), have it approved, and review it when processing changes and at least yearly.",
    thresholds=("policy_review_months",),
    gap_kind="undocumented",
)
def specification_documented(ctx: CheckContext) -> CheckResult:
    docs = [d for d in ctx.facts.of(Document)
            if d.policy_key == "processing_specification" or "processing_specification" in d.topics
            or _SPEC.search(d.title or "") or _SPEC.search(d.path.rsplit("/", 1)[-1].replace("-", " "))]
    if not docs:
        return ctx.not_assessed("no processing specification among the documents")
    months = int(ctx.thresholds.policy_review_months)
    entities: list[EntityResult] = []
    for d in docs:
        status = (d.status or "").strip().lower()
        reviewed = max((x for x in (d.last_reviewed, d.approved_on, d.effective_date) if x is not None),
                       default=None)
        if status == "draft" and d.approved_on is None:
            entities.append(EntityResult("document", d.title, "partial", "a draft, not approved", srcs(d),
                                         gap_kind="undocumented"))
        elif reviewed is not None and reviewed < add_months(ctx.evaluation_end, -months):
            entities.append(EntityResult("document", d.title, "partial", f"last reviewed {reviewed.isoformat()}, "
                                         f"older than {months} months", srcs(d), gap_kind="stale"))
        else:
            when = f" ({reviewed.isoformat()})" if reviewed else ""
            entities.append(EntityResult("document", d.title, "pass", f"documented{when}", srcs(d)))
    return ctx.result(entities)
