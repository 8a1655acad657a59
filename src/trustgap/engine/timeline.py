"""Type II from snapshots: did each control operate through the whole audit period?

Pure: the observations of every stored snapshot (verdict per control, status per check, findings with
their entities) and the period in; per control a timeline, its lapses, the deviations an auditor would
test, the holes in the evidence and a period verdict out.

The rules, in order:

1. **A lapse** is one finding (a named entity failing a named check of a control, matched across snapshots
   by the finding's stable id) seen in consecutive snapshots that could judge it. It starts at the first
   snapshot that saw it (it began after the last one that did not) and ends at the first later snapshot
   whose check was assessed and no longer saw it. A snapshot whose check could not judge (collection
   failed, evidence missing) neither ends nor extends a lapse.
2. A lapse wholly outside the period is ignored (counted apart). One that overlaps the period counts,
   even when it was fixed before the assessment date.
3. **The deadline** to fix a lapse is the organisation's own: a check that already compares against a time
   threshold (a cadence such as quarterly access reviews, the days allowed to fix a critical vulnerability,
   the hours to revoke a leaver's access) fails only once that deadline has passed, so its lapse is a
   deviation from its first day (deadline 0). Other checks (MFA, encryption, public access) get
   ``monitor.controls[<control>]`` days, else ``monitor.remediation_days[<severity>]``.
4. A lapse fixed within its deadline is *remediated in time* (shown on the timeline, not a deviation); one
   fixed later, or still open at the period's end past its deadline, is a **deviation**, listed with the
   snapshots that prove it (last clean, first failing, last failing, the one that shows the fix) and the
   evidence hashes. One still open at the end but within its deadline is *open within deadline*.
5. **Holes**: for every check of a control that judged at least once in the period, any stretch of the
   period (including its start and end, up to the last day observed) longer than the allowed gap without
   a snapshot in which that check could judge is a hole. A hole is *insufficient evidence*, never a pass.
6. **Period verdict**: any deviation: Gap (*not operating*); else any hole: Partial (*insufficient
   evidence*); else no check ever judged in the period: the latest snapshot's verdict (answers decide such
   controls) or Not assessed; else Implemented.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, Protocol

LapseOutcome = Literal["remediated_in_time", "deviation_remediated_late", "deviation_open", "open_within_deadline"]
TIME_THRESHOLD_SUFFIXES = ("_months", "_days", "_hours")


class FindingLike(Protocol):
    finding_id: str
    control_id: str
    check_id: str | None
    severity: str
    entity_type: str | None
    entity: str | None
    reason: str
    evidence: tuple[str, ...]
    gap_kind: str | None


class ObservationLike(Protocol):
    snapshot_id: str
    run_id: str
    day: date
    manifest_sha256: str
    verdicts: dict[str, str]
    checks: dict[tuple[str, str], str]
    findings: list[Any]


@dataclass(frozen=True)
class SnapshotRef:
    snapshot_id: str
    run_id: str
    day: date
    manifest_sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"snapshot": self.snapshot_id, "run": self.run_id, "day": self.day.isoformat(),
                "manifest_sha256": self.manifest_sha256}


@dataclass
class Lapse:
    control_id: str
    check_id: str | None
    finding_id: str
    entity_type: str | None
    entity: str | None
    severity: str
    reason: str
    first_seen: SnapshotRef
    last_seen: SnapshotRef
    last_clean: SnapshotRef | None  # the last snapshot that judged it and did not see it, before it began
    fixed_in: SnapshotRef | None  # the first snapshot that judged it again and no longer saw it
    deadline_days: int
    days_open: int  # to the fix, or to the period end (or last day observed) when still open
    outcome: LapseOutcome
    evidence: tuple[str, ...] = ()

    @property
    def deviation(self) -> bool:
        return self.outcome.startswith("deviation")

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if k not in ("first_seen", "last_seen", "last_clean", "fixed_in")}
        d["evidence"] = list(self.evidence)
        for k in ("first_seen", "last_seen", "last_clean", "fixed_in"):
            ref = getattr(self, k)
            d[k] = ref.as_dict() if ref else None
        d["deviation"] = self.deviation
        return d


@dataclass(frozen=True)
class Hole:
    control_id: str
    check_id: str
    start: date  # first day without evidence
    end: date  # last day without evidence
    days: int

    def as_dict(self) -> dict[str, Any]:
        return {"control_id": self.control_id, "check_id": self.check_id, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "days": self.days}


@dataclass(frozen=True)
class Segment:
    start: date
    end: date
    status: str  # the control's verdict in the snapshots of this stretch
    snapshots: int

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "status": self.status,
                "snapshots": self.snapshots}


@dataclass
class ControlPeriod:
    control_id: str
    status: str
    gap_kind: str | None
    reason: str
    segments: list[Segment] = field(default_factory=list)
    lapses: list[Lapse] = field(default_factory=list)
    holes: list[Hole] = field(default_factory=list)
    lapses_outside: int = 0

    @property
    def deviations(self) -> list[Lapse]:
        return [x for x in self.lapses if x.deviation]

    def as_dict(self) -> dict[str, Any]:
        return {"control_id": self.control_id, "status": self.status, "gap_kind": self.gap_kind,
                "reason": self.reason, "segments": [s.as_dict() for s in self.segments],
                "lapses": [x.as_dict() for x in self.lapses], "holes": [h.as_dict() for h in self.holes],
                "lapses_outside": self.lapses_outside}


@dataclass
class PeriodResult:
    period_start: date
    period_end: date
    observed_until: date | None
    snapshots_in_period: int
    max_gap_days: float
    controls: dict[str, ControlPeriod] = field(default_factory=dict)

    @property
    def deviations(self) -> list[Lapse]:
        return [d for c in self.controls.values() for d in c.deviations]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.controls.values():
            out[c.status] = out.get(c.status, 0) + 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"period_start": self.period_start.isoformat(), "period_end": self.period_end.isoformat(),
                "observed_until": self.observed_until.isoformat() if self.observed_until else None,
                "snapshots_in_period": self.snapshots_in_period, "max_gap_days": self.max_gap_days,
                "counts": self.counts(), "deviations": [d.as_dict() for d in self.deviations],
                "controls": {k: v.as_dict() for k, v in sorted(self.controls.items())}}


def is_time_threshold(name: str) -> bool:
    return name.endswith(TIME_THRESHOLD_SUFFIXES)


Deadline = Callable[[str, str | None, str], int]  # (control, check, severity) -> days


def _ref(o: ObservationLike) -> SnapshotRef:
    return SnapshotRef(o.snapshot_id, o.run_id, o.day, o.manifest_sha256)


def _system_of(entity: str | None) -> str | None:
    """``carol@x.io (google)`` -> ``google``; ``(aws:1234)`` -> ``aws``."""
    m = re.search(r"\(([^()]+)\)$", entity or "")
    return m[1].split(":", 1)[0] if m else None


_Blind = dict[str, tuple[set[str], dict[tuple[str, str | None], set[str]]]]


def _blind(o: ObservationLike, cache: _Blind) -> tuple[set[str], dict[tuple[str, str | None], set[str]]]:
    """Systems a snapshot had no evidence from at all, and per (control, check) the entities it could not judge."""
    got = cache.get(o.snapshot_id)
    if got is None:
        systems: set[str] = set()
        per_check: dict[tuple[str, str | None], set[str]] = {}
        for f in o.findings:
            if f.gap_kind == "insufficient_evidence" and f.entity:
                per_check.setdefault((f.control_id, f.check_id), set()).add(f.entity)
                if f.entity_type == "system":
                    systems.add(f.entity)
        got = cache[o.snapshot_id] = (systems, per_check)
    return got


def _judged(o: ObservationLike, control_id: str, check_id: str | None, entity: str | None = None,
            cache: _Blind | None = None) -> bool:
    """Could this snapshot judge the check (and the entity's system) at all?"""
    if check_id is None:
        return o.verdicts.get(control_id, "not_assessed") not in ("not_assessed", "not_applicable")
    if o.checks.get((control_id, check_id), "not_assessed") not in ("pass", "fail", "partial"):
        return False
    if entity is not None:
        # a system that some check of the snapshot reported as having no evidence at all, or that this check
        # could not judge: the check ran, but saw nothing of this entity's system that day
        systems, per_check = _blind(o, cache if cache is not None else {})
        blind = systems | per_check.get((control_id, check_id), set())
        if blind and (entity in blind or _system_of(entity) in blind):
            return False
    return True


def _lapses(control_id: str, obs: Sequence[ObservationLike], deadline: Deadline, start: date, end: date,
            cache: _Blind) -> tuple[list[Lapse], int]:
    """Every lapse of one control that overlaps [start, end], and how many lay wholly outside."""
    seen: dict[str, list[int]] = {}
    info: dict[str, Any] = {}
    for i, o in enumerate(obs):
        for f in o.findings:
            if f.control_id == control_id and f.gap_kind != "insufficient_evidence":
                seen.setdefault(f.finding_id, []).append(i)
                info.setdefault(f.finding_id, f)
    out: list[Lapse] = []
    outside = 0
    last_day = min(end, obs[-1].day) if obs else end
    for fid, idxs in seen.items():
        f = info[fid]
        present = set(idxs)
        i = idxs[0]
        while i < len(obs):
            if i not in present:
                i += 1
                continue
            first = i
            last = i
            fixed: int | None = None
            j = i + 1
            while j < len(obs):
                if j in present:
                    last = j
                elif _judged(obs[j], control_id, f.check_id, f.entity, cache):
                    fixed = j
                    break
                j += 1
            clean = next((k for k in range(first - 1, -1, -1)
                          if _judged(obs[k], control_id, f.check_id, f.entity, cache)), None)
            lapse_start = obs[first].day
            lapse_end = obs[fixed].day if fixed is not None else None  # exclusive: the fix was seen on this day
            i = (fixed if fixed is not None else len(obs)) + 1
            if lapse_start > end or (lapse_end is not None and lapse_end <= start):
                outside += 1
                continue
            days_limit = deadline(control_id, f.check_id, f.severity)
            evidence = tuple(dict.fromkeys(e for k in range(first, last + 1) if k in present
                                           for g in obs[k].findings if g.finding_id == fid for e in g.evidence))
            # a deadline of 0 days: the check itself measured against the organisation's deadline (rule 3)
            if lapse_end is not None:
                days_open = (lapse_end - lapse_start).days
                late = days_open > days_limit or days_limit == 0
                outcome: LapseOutcome = "deviation_remediated_late" if late else "remediated_in_time"
            else:
                days_open = (last_day - lapse_start).days
                late = days_open > days_limit or days_limit == 0
                outcome = "deviation_open" if late else "open_within_deadline"
            out.append(Lapse(control_id, f.check_id, fid, f.entity_type, f.entity, f.severity, f.reason,
                             _ref(obs[first]), _ref(obs[last]), _ref(obs[clean]) if clean is not None else None,
                             _ref(obs[fixed]) if fixed is not None else None, days_limit, days_open, outcome,
                             evidence))
    out.sort(key=lambda x: (x.first_seen.day, x.entity or "", x.finding_id))
    return out, outside


def _holes(control_id: str, checks: set[str], obs: Sequence[ObservationLike], start: date, end: date,
           max_gap: timedelta) -> list[Hole]:
    holes: list[Hole] = []
    for check_id in sorted(checks):
        days = sorted({o.day for o in obs if _judged(o, control_id, check_id)})
        inside = [d for d in days if start <= d <= end]
        if not inside:
            continue
        before = [d for d in days if d < start]
        prev = before[-1] if before else start - timedelta(days=1)
        for d in [*inside, end + timedelta(days=1)]:
            # the days strictly between two observations went unobserved
            if d - prev > max_gap:
                holes.append(Hole(control_id, check_id, prev + timedelta(days=1), d - timedelta(days=1),
                                  (d - prev).days - 1))
            prev = d
    return holes


def _blind_spots(control_id: str, obs: Sequence[ObservationLike], start: date, end: date, max_gap: timedelta
                 ) -> list[Hole]:
    """Entities a check reported as *insufficient evidence* (an in-scope system with no evidence at all)
    for longer than the allowed gap inside the period: holes too, never lapses."""
    runs: dict[tuple[str | None, str], list[date]] = {}
    for o in obs:
        for f in o.findings:
            if f.control_id == control_id and f.gap_kind == "insufficient_evidence" and start <= o.day <= end:
                runs.setdefault((f.check_id, f.entity or f.finding_id), []).append(o.day)
    holes: list[Hole] = []
    for (check_id, entity), days in sorted(runs.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        first = prev = days[0]
        for d in [*days[1:], None]:
            if d is not None and d - prev <= max_gap:
                prev = d
                continue
            span = (prev - first).days + 1
            if timedelta(days=span) > max_gap:
                holes.append(Hole(control_id, f"{check_id or control_id} ({entity})", first, prev, span))
            if d is not None:
                first = prev = d
    return holes


def _segments(control_id: str, obs: Sequence[ObservationLike]) -> list[Segment]:
    segs: list[Segment] = []
    for o in obs:
        status = o.verdicts.get(control_id, "not_assessed")
        if segs and segs[-1].status == status:
            last = segs[-1]
            segs[-1] = Segment(last.start, o.day, status, last.snapshots + 1)
        else:
            segs.append(Segment(o.day, o.day, status, 1))
    return segs


def evaluate_period(observations: Sequence[ObservationLike], *, period_start: date, period_end: date,
                    max_gap: timedelta, deadline: Deadline, controls: Sequence[str] | None = None) -> PeriodResult:
    """The Type II verdict of every control over [period_start, period_end] from the snapshots."""
    obs = sorted(observations, key=lambda o: (o.day, o.snapshot_id))
    in_period = [o for o in obs if period_start <= o.day <= period_end]
    observed_until = in_period[-1].day if in_period else None
    # the evidence is judged up to the period end, or up to today when the period is still running
    horizon = period_end if not obs or obs[-1].day >= period_end else obs[-1].day
    ids = sorted(set(controls) if controls is not None else {c for o in obs for c in o.verdicts})
    result = PeriodResult(period_start, period_end, observed_until, len(in_period), max_gap.total_seconds() / 86400)
    window = [o for o in obs if o.day <= period_end]  # what came later cannot change the period
    # but a fix seen just after the period still tells how long a lapse lasted
    after = [o for o in obs if o.day > period_end][:1]
    cache: _Blind = {}
    checks_of: dict[str, set[str]] = {}
    for o in in_period:
        for (c, k), status in o.checks.items():
            if status in ("pass", "fail", "partial"):
                checks_of.setdefault(c, set()).add(k)
    for cid in ids:
        latest = next((o.verdicts[cid] for o in reversed(in_period) if cid in o.verdicts), None)
        if latest == "not_applicable":
            result.controls[cid] = ControlPeriod(cid, "not_applicable", None, "not applicable in the latest snapshot",
                                                 _segments(cid, in_period))
            continue
        lapses, outside = _lapses(cid, [*window, *after], deadline, period_start, period_end, cache)
        judged_checks = checks_of.get(cid, set())
        holes = (_holes(cid, judged_checks, window, period_start, horizon, max_gap)
                 + _blind_spots(cid, window, period_start, horizon, max_gap))
        cp = ControlPeriod(cid, "implemented", None, "", _segments(cid, in_period), lapses, holes, outside)
        devs = cp.deviations
        if devs:
            cp.status, cp.gap_kind = "gap", "not_operating"
            names = ", ".join(sorted({d.entity or d.check_id or cid for d in devs}))
            cp.reason = f"{len(devs)} deviation(s) in the period ({names})"
        elif holes:
            cp.status, cp.gap_kind = "partial", "insufficient_evidence"
            h = max(holes, key=lambda x: x.days)
            cp.reason = (f"no evidence for {h.days} days ({h.start}..{h.end}, {h.check_id}); the schedule allows "
                         f"{result.max_gap_days:g}: {len(holes)} hole(s) in the period")
        elif not judged_checks:
            cp.status = latest or "not_assessed"
            cp.reason = ("no automated check judged it in the period; the latest snapshot's verdict (answers) stands"
                         if latest and latest != "not_assessed" else "no snapshot in the period could judge it")
        else:
            fixed = sum(1 for x in lapses if x.outcome == "remediated_in_time")
            still = sum(1 for x in lapses if x.outcome == "open_within_deadline")
            cp.reason = (f"operated through the period in {sum(1 for o in in_period if cid in o.verdicts)} "
                         f"snapshot(s)" + (f"; {fixed} lapse(s) remediated within the deadline" if fixed else "")
                         + (f"; {still} open, still within the deadline" if still else ""))
        result.controls[cid] = cp
    return result


def threshold_deadline(time_checks: set[str], per_control: Callable[[str, str], int]) -> Deadline:
    """Rule 3: checks in ``time_checks`` (those comparing against a time threshold) get 0 days; the others
    ``per_control(control, severity)``."""

    def deadline(control_id: str, check_id: str | None, severity: str) -> int:
        if check_id is not None and check_id in time_checks:
            return 0
        return per_control(control_id, severity)

    return deadline
