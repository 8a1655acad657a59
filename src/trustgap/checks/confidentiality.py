"""Confidentiality (C1.1, C1.2): a retention schedule per data class, deletion jobs that keep running, and customer
data disposed of at contract end or on request within the agreed number of days.

* The retention schedule comes from a schedule file (:class:`~trustgap.facts.RetentionRule`) or from the table of a
  retention policy (a Markdown table whose header names the data class and the retention). A class with no period
  at all is a gap in the design (``undocumented``).
* A deletion job (:class:`~trustgap.facts.ProcessingEvent` of kind ``deletion_job``, or any scheduled job whose name
  says purge / delete / retention / erase) is judged on its runs: its usual interval is the median gap between
  runs; a run of failures longer than two intervals (or two failed runs in a row) means data was kept past its
  period (``not_operating``): in Type II when the lapse touches the audit period, in Type I when it is not over;
  a job whose last run is more than two intervals (and a week) before the evaluation end has stopped. A job seen
  once cannot show a cadence: a single failed run is "cannot tell".
* Disposal: the clock starts at the later of the contract end and the request; deleted more than
  ``disposal_days`` after it, or still not deleted when that many days have passed, is a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from trustgap.checks._util import srcs, utc
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Document, ProcessingEvent, Request, RetentionRule, Src

_DELETION_NAME = re.compile(r"(purg|delet|retention|erase|erasure|expir|cleanup|clean-up|clean_up|prune|shred|"
                            r"anonymi[sz]|destroy)", re.I)
_PERIOD_WORDS = re.compile(r"\b\d+\s*(day|week|month|year|yr)s?\b", re.I)


@dataclass(frozen=True)
class Rule:
    """A line of a retention schedule, from a schedule file or a policy's table."""

    data_class: str
    period: str | None
    disposal: str | None
    src: Src


def outside_period(ctx: CheckContext, opened: date, closed: date | None) -> bool:
    """Type II: the matter lies wholly outside the audit period (opened after it, or closed before it began)."""
    if not ctx.type2 or ctx.period_start is None or ctx.period_end is None:
        return False
    return opened > ctx.period_end or (closed is not None and closed < ctx.period_start)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _table_rules(doc: Document) -> list[Rule]:
    """Rows of Markdown tables in a retention document whose header names a retention column."""
    out: list[Rule] = []
    lines = doc.text.splitlines()
    m = re.match(r"line (\d+)", doc.src.locator or "")
    offset = int(m.group(1)) - 1 if m else 0  # the text starts on this line of the file (after front matter)
    i = 0
    while i < len(lines) - 1:
        head, sep = lines[i].strip(), lines[i + 1].strip()
        if head.startswith("|") and re.fullmatch(r"\|?[\s:\-|]+\|?", sep) and "-" in sep:
            header = [h.lower() for h in _cells(head)]
            ret = next((k for k, h in enumerate(header) if "retention" in h or "retain" in h or "period" in h), None)
            disp = next((k for k, h in enumerate(header) if "dispos" in h or "delet" in h or "method" in h), None)
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = _cells(lines[i])
                if ret is not None and cells and cells[0]:
                    period = cells[ret] if ret < len(cells) and cells[ret] else None
                    disposal = cells[disp] if disp is not None and disp < len(cells) and cells[disp] else None
                    out.append(Rule(cells[0], period, disposal, Src(doc.src.sha256, f"line {offset + i + 1}")))
                i += 1
            continue
        i += 1
    return out


def retention_rules(ctx: CheckContext) -> list[Rule]:
    rules = [Rule(r.data_class, r.period_text or (f"{r.period_days} days" if r.period_days else None), r.disposal,
                  r.src) for r in ctx.facts.of(RetentionRule)]
    for d in ctx.facts.of(Document):
        if "data_retention" in d.topics or d.policy_key == "data_retention":
            rules.extend(_table_rules(d))
    seen: set[tuple[str, str, str]] = set()
    out: list[Rule] = []
    for r in rules:  # one file read as several documents (or twice) states each rule once
        key = (r.src.sha256, r.src.locator, r.data_class)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


@check(
    id="confidentiality.retention_schedule_defined",
    title="Every data class in the retention schedule has a retention period",
    controls=("CNF-03", "PRV-11"),
    criteria=("C1.2", "P4.2"),
    severity="medium",
    effort="S",
    category="policy",
    remediation="Give each data class in the retention schedule a period (or the event it runs from, such as "
    "contract end) and the way it is disposed of.",
    sources=("confidentiality.retention", "policies"),
    gap_kind="undocumented",
)
def retention_schedule_defined(ctx: CheckContext) -> CheckResult:
    rules = retention_rules(ctx)
    if not rules:
        return ctx.not_assessed("no retention schedule (a schedule file or a table in a retention policy)")
    entities = []
    for r in rules:
        if r.period and (_PERIOD_WORDS.search(r.period) or re.search(r"\d", r.period)):
            how = f", disposed of by {r.disposal}" if r.disposal else ""
            entities.append(EntityResult("data_class", r.data_class, "pass", f"kept {r.period}{how}", (r.src,)))
        elif r.period:
            entities.append(EntityResult("data_class", r.data_class, "partial",
                                         f"retention written as {r.period!r}: no period or event to measure against",
                                         (r.src,), gap_kind="insufficient_evidence"))
        else:
            entities.append(EntityResult("data_class", r.data_class, "fail", "no retention period in the schedule",
                                         (r.src,), gap_kind="undocumented"))
    return ctx.result(entities)


def _is_deletion_job(e: ProcessingEvent) -> bool:
    return e.kind == "deletion_job" or (e.kind == "job_run" and bool(_DELETION_NAME.search(e.name or "")))


def _day(e: ProcessingEvent) -> date | None:
    return utc(e.occurred_at).date() if e.occurred_at else None


def _judge_job(ctx: CheckContext, name: str, runs: list[ProcessingEvent], rules: list[Rule]) -> EntityResult:
    runs = sorted((r for r in runs if _day(r) is not None and _day(r) <= ctx.as_of),  # type: ignore[operator]
                  key=lambda r: r.occurred_at)  # type: ignore[arg-type, return-value]
    ev = srcs(*runs[-3:])
    rule = next((r for r in rules if r.disposal and name.lower() in r.disposal.lower()), None)
    kept = f" ({rule.data_class}: kept {rule.period})" if rule and rule.period else ""
    if not runs:
        return EntityResult("job", name, "partial", "no run on or before the as-of date", srcs(*runs),
                            gap_kind="insufficient_evidence")
    days = sorted({d for r in runs if (d := _day(r)) is not None})
    gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    interval = median(gaps) if gaps else None
    measured: dict[str, object] = {"runs": len(runs), "interval_days": interval}
    failed = [r for r in runs if r.status == "failed"]
    ok_runs = [r for r in runs if r.status == "ok"]
    if interval is None:
        if failed:
            return EntityResult("job", name, "partial",
                                f"one run in the evidence ({days[0].isoformat()}), and it failed: no cadence to judge "
                                "whether data was kept past its period", ev, gap_kind="insufficient_evidence",
                                measured=measured)
        return EntityResult("job", name, "pass", f"ran on {days[0].isoformat()}{kept}", ev, measured=measured)
    # failure streaks: consecutive failed runs, until the next successful run (or still open)
    streaks: list[tuple[list[ProcessingEvent], ProcessingEvent | None]] = []
    current: list[ProcessingEvent] = []
    for r in runs:
        if r.status == "failed":
            current.append(r)
        elif r.status == "ok" and current:
            streaks.append((current, r))
            current = []
    if current:
        streaks.append((current, None))
    limit = timedelta(days=2 * interval)
    for streak, fixed in reversed(streaks):
        first = _day(streak[0])
        assert first is not None
        until = _day(fixed) if fixed is not None else ctx.as_of
        assert until is not None
        if outside_period(ctx, first, until):
            continue  # began after the audit period, or was over before it
        if not ctx.type2 and fixed is not None:
            continue  # Type I: the job works on the day; a past lapse put right is history
        if len(streak) >= 2 or (until - first) > limit:
            last_ok = max((d for r in ok_runs if (d := _day(r)) is not None and d < first), default=None)
            since = f"; last successful run {last_ok.isoformat()}" if last_ok else "; no successful run before it"
            if fixed is None:
                reason = (f"failed every run since {first.isoformat()} ({len(streak)} run(s)), none has succeeded "
                          f"since{since}: data is kept past its retention period{kept}")
            else:
                reason = (f"failed {len(streak)} run(s) in a row from {first.isoformat()} until "
                          f"{until.isoformat()}: data was kept past its retention period{kept}")
            return EntityResult("job", name, "fail", reason, srcs(*streak[:1], *streak[-1:], fixed),
                                gap_kind="not_operating",
                                measured={**measured, "failed_since": first.isoformat(), "failed_runs": len(streak)})
    last = days[-1]
    idle = (ctx.evaluation_end - last).days
    if idle > 2 * interval + 7:
        return EntityResult("job", name, "fail",
                            f"last run on {last.isoformat()}, {idle} days before {ctx.evaluation_end.isoformat()} "
                            f"although it usually runs every {interval:g} day(s): the job has stopped{kept}", ev,
                            gap_kind="not_operating", measured={**measured, "idle_days": idle})
    note = f"; {len(failed)} failed run(s) put right by the next run" if failed else ""
    return EntityResult("job", name, "pass", f"{len(runs)} runs about every {interval:g} day(s), latest "
                        f"{last.isoformat()}{note}{kept}", ev, measured=measured)


@check(
    id="confidentiality.deletion_jobs_operating",
    title="Deletion and purge jobs run on schedule and succeed",
    controls=("CNF-03", "PRV-06"),
    criteria=("C1.2", "P4.3"),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Fix the failing deletion job, alert on its failures, and run it until the data past its retention "
    "period is gone; record the catch-up run.",
    sources=("confidentiality.deletion", "processing.jobs"),
)
def deletion_jobs_operating(ctx: CheckContext) -> CheckResult:
    events = [e for e in ctx.facts.of(ProcessingEvent) if _is_deletion_job(e)]
    if not events:
        return ctx.not_assessed("no deletion or purge job runs in the evidence")
    by_job: dict[str, list[ProcessingEvent]] = {}
    for e in events:
        by_job.setdefault(e.name or e.ref, []).append(e)
    rules = retention_rules(ctx)
    return ctx.result([_judge_job(ctx, name, runs, rules) for name, runs in sorted(by_job.items())])


@check(
    id="confidentiality.disposal_on_time",
    title="Customer data is disposed of within the agreed days of contract end or request",
    controls=("CNF-04", "PRV-06"),
    criteria=("C1.2", "P4.3"),
    severity="medium",
    effort="S",
    category="process",
    remediation="Delete the named customers' data (production, backups past their rotation, processors), send "
    "the certificate of deletion, and track each contract end to its deletion date.",
    sources=("confidentiality.disposal",),
    thresholds=("disposal_days",),
)
def disposal_on_time(ctx: CheckContext) -> CheckResult:
    requests = [r for r in ctx.facts.of(Request) if r.kind == "disposal"]
    if not requests:
        return ctx.not_assessed("no record of customer data disposal in the evidence")
    limit = int(ctx.thresholds.disposal_days)
    entities = []
    for r in requests:
        start = utc(r.received_at).date()
        done_on = utc(r.completed_at).date() if r.completed_at else None
        if start > ctx.as_of or outside_period(ctx, start, done_on and max(done_on, start + timedelta(days=limit))):
            continue
        if r.contract_end is not None and r.contract_end < start:
            what = f"contract ended {r.contract_end.isoformat()}, deletion requested {start.isoformat()}"
        elif r.contract_end is not None:
            what = f"contract ended {r.contract_end.isoformat()}"
        else:
            what = f"deletion requested {start.isoformat()}"
        name = r.subject or r.request_id
        if r.completed_at is not None:
            done = utc(r.completed_at).date()
            took = (done - start).days
            if took <= limit:
                entities.append(EntityResult("customer", name, "pass", f"{what}; deleted {done.isoformat()}, "
                                             f"{took} days later", srcs(r), measured={"days": took}))
            else:
                entities.append(EntityResult("customer", name, "fail", f"{what}; data deleted {done.isoformat()}, "
                                             f"{took} days later (target {limit})", srcs(r), gap_kind="not_operating",
                                             measured={"days": took, "limit": limit}))
            continue
        waited = (ctx.as_of - start).days
        if (r.status or "").lower() in ("deleted", "completed", "done", "disposed"):
            entities.append(EntityResult("customer", name, "partial", f"{what}; marked {r.status} with no deletion "
                                         "date", srcs(r), gap_kind="insufficient_evidence"))
        elif waited > limit:
            entities.append(EntityResult("customer", name, "fail", f"{what}; not deleted {waited} days later "
                                         f"(target {limit})", srcs(r), gap_kind="not_operating",
                                         measured={"days": waited, "limit": limit}))
        else:
            entities.append(EntityResult("customer", name, "pass", f"{what}; deletion not yet due ({waited} of "
                                         f"{limit} days)", srcs(r), measured={"days": waited}))
    return ctx.result(entities)


@check(
    id="confidentiality.data_within_retention",
    title="No data class holds records older than its retention period",
    controls=("CNF-03", "PRV-06"),
    criteria=("C1.2", "P4.3"),
    severity="medium",
    effort="M",
    category="technical",
    remediation="Delete the records of the named classes that are past their retention period, and fix the job or "
    "lifecycle rule that should have removed them.",
    sources=("confidentiality.retention",),
    description="Classes whose schedule line gives a fixed period and the oldest record still held.",
)
def data_within_retention(ctx: CheckContext) -> CheckResult:
    rules = [r for r in ctx.facts.of(RetentionRule) if r.oldest_record is not None]
    if not rules:
        return ctx.not_assessed("no retention schedule or data inventory that gives the oldest record held")
    entities = []
    for r in rules:
        assert r.oldest_record is not None
        days = r.period_days
        age = (ctx.as_of - r.oldest_record).days
        if days is None:
            entities.append(EntityResult("data_class", r.data_class, "partial",
                                         f"oldest record {r.oldest_record.isoformat()}; the period "
                                         f"{r.period_text!r} is not a fixed number of days", srcs(r),
                                         gap_kind="insufficient_evidence"))
        elif age > days:
            entities.append(EntityResult("data_class", r.data_class, "fail",
                                         f"oldest record held is from {r.oldest_record.isoformat()}, {age} days old: "
                                         f"past its retention of {r.period_text or f'{days} days'}", srcs(r),
                                         gap_kind="not_operating", measured={"age_days": age, "limit_days": days}))
        else:
            entities.append(EntityResult("data_class", r.data_class, "pass",
                                         f"oldest record {age} days old, within {r.period_text or f'{days} days'}",
                                         srcs(r), measured={"age_days": age}))
    return ctx.result(entities)

