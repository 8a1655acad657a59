"""Scheduling tasks into three phases from a start date, respecting dependencies and owner capacity.

Tasks are taken in priority order among those whose prerequisites are placed. A task starts in its
control's phase, or later when a prerequisite is in a later phase. In a phase:

- an owner with a capacity (effort points per phase) works through their tasks one after another, each
  taking its share of the phase (points / capacity x phase length); a task that does not fit the points
  left, or the days left after its prerequisites finish, moves to the next phase and the move is
  reported as a spill;
- an owner without a capacity is not limited; a task takes ``days_per_point`` days per effort point and
  starts when its prerequisites in the same phase are done.

A task that fits no phase, or waits for one that fits none, is not scheduled: it goes to the risk
register. Every task is due strictly after each of its prerequisites.

Two rules keep the order of priority true per owner (a property test checks them on random plans):

- no overtaking: a task never lands in an earlier phase than a task of the same owner taken before it (higher
  priority) that could start as early (its earliest phase is not later);
- critical first: the caller orders critical risks first (``critical``); when one of them fits no phase for
  lack of its owner's capacity, the owner's capacity left from its earliest phase on is held for it, so no
  lower task takes it (they spill, saying why), and the critical task heads the risk register.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from trustgap.plan.settings import PHASES, PlanSettings
from trustgap.plan.tasks import Task


@dataclass(frozen=True)
class Spill:
    control_id: str
    owner_role: str
    from_phase: int
    to_phase: int | None  # None: beyond the roadmap (not scheduled)
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"control_id": self.control_id, "owner_role": self.owner_role, "from_phase": self.from_phase,
                "to_phase": self.to_phase, "reason": self.reason}


@dataclass
class Schedule:
    start: date
    phase_days: int
    spills: list[Spill]
    unscheduled: dict[str, str]  # control id -> why
    used: dict[str, list[int]]  # role -> points used per phase

    def phase_bounds(self, phase: int) -> tuple[date, date]:
        first = self.start + timedelta(days=self.phase_days * (phase - 1))
        return first, first + timedelta(days=self.phase_days - 1)

    @property
    def end(self) -> date:
        return self.phase_bounds(PHASES)[1]


def schedule(order: list[str], tasks: dict[str, Task], settings: PlanSettings, start: date,
             critical: frozenset[str] = frozenset()) -> Schedule:
    """Place ``tasks`` (taken in ``order``, prerequisites first) into phases; fills phase/start/due."""
    days = settings.phase_days
    finish: dict[str, float] = {}  # control id -> finishing day within its phase
    cursor: dict[tuple[str, int], float] = {}  # (role, phase) -> day the owner is free again
    used: dict[str, list[int]] = {}
    spills: list[Spill] = []
    unscheduled: dict[str, str] = {}
    sched = Schedule(start, days, spills, unscheduled, used)
    landed: dict[str, list[tuple[int, int, str]]] = {}  # role -> (earliest, phase, id) of tasks placed so far
    held: dict[tuple[str, int], str] = {}  # (role, phase) -> the critical task its capacity is held for
    for cid in order:
        t = tasks[cid]
        role = t.owner.role
        blocked = [d for d in t.depends_on if d in unscheduled]
        if blocked:
            unscheduled[cid] = f"waits for {', '.join(blocked)}, not scheduled in this roadmap"
            spills.append(Spill(cid, role, t.preferred_phase, None, unscheduled[cid]))
            continue
        dep_phase = max((tasks[d].phase or 1 for d in t.depends_on), default=1)
        earliest = max(t.preferred_phase, dep_phase)
        t.phase_reason = (f"after {', '.join(d for d in t.depends_on if tasks[d].phase == dep_phase)}"
                          if dep_phase > t.preferred_phase else "")
        points = t.scored.effort_points
        reasons: list[str] = []
        placed = False
        ahead = [(ph, other) for e, ph, other in landed.get(role, []) if e <= earliest and ph > earliest]
        first = max((ph for ph, _ in ahead), default=earliest)
        if first > earliest:
            ph_ahead, other = max(ahead)
            reasons.append(f"phases {earliest}-{first - 1}: {role}'s higher-priority task {other} is in phase "
                           f"{ph_ahead}; a lower one does not overtake it")
        for phase in range(first, PHASES + 1):
            cap = settings.capacity_of(role, phase)
            if (role, phase) in held:
                reasons.append(f"phase {phase}: {role}'s capacity is held for the critical task "
                               f"{held[(role, phase)]}, which does not fit")
                continue
            ready = max((finish[d] for d in t.depends_on if tasks[d].phase == phase), default=0.0)
            if cap is not None:
                spent = used.get(role, [0] * PHASES)[phase - 1]
                if spent + points > cap:
                    reasons.append(f"phase {phase}: {role} has {max(cap - spent, 0)} of {cap} capacity points "
                                   f"left, the task needs {points}")
                    continue
                length = max(1.0, points / cap * days)
                begin = max(cursor.get((role, phase), 0.0), ready)
            else:
                length = float(max(1, points * settings.days_per_point))
                begin = ready
            if begin + length > days:
                after = "its prerequisites finish" if begin == ready and ready else f"{role}'s earlier tasks"
                reasons.append(f"phase {phase}: not enough days left after {after}")
                continue
            finish[cid] = begin + length
            if cap is not None:
                cursor[(role, phase)] = begin + length
                used.setdefault(role, [0] * PHASES)[phase - 1] += points
            t.phase = phase
            landed.setdefault(role, []).append((earliest, phase, cid))
            phase_start, _ = sched.phase_bounds(phase)
            t.start = phase_start + timedelta(days=math.floor(begin))
            t.due = phase_start + timedelta(days=math.ceil(begin + length) - 1)
            if phase > earliest:
                spills.append(Spill(cid, role, earliest, phase, "; ".join(reasons)))
            placed = True
            break
        if not placed:
            if cid in critical and any("capacity points left" in r for r in reasons):
                for phase in range(earliest, PHASES + 1):
                    if settings.capacity_of(role, phase) is not None:
                        held.setdefault((role, phase), cid)
            unscheduled[cid] = "; ".join(reasons) or "does not fit any phase"
            spills.append(Spill(cid, role, earliest, None, unscheduled[cid]))
    return sched


def readiness_projection(tasks: list[Task], current: float | None, threshold: float, sched: Schedule,
                         target: date | None, as_of: date, period: tuple[date, date] | None) -> dict[str, Any]:
    """Readiness after each phase and the date readiness first reaches ``threshold``."""
    base = current or 0.0
    after: list[float] = []
    total = base
    for phase in range(1, PHASES + 1):
        total += sum(t.readiness_added for t in tasks if t.phase == phase)
        after.append(round(min(100.0, total), 1))
    ready_on: date | None = None
    if base >= threshold:
        ready_on = as_of
    else:
        running = base
        for t in sorted((t for t in tasks if t.phase), key=lambda t: (t.due, t.control_id)):
            running += t.readiness_added
            if running >= threshold - 1e-9:
                ready_on = t.due
                break
    out: dict[str, Any] = {
        "current": current,
        "after_phase": after,
        "audit_ready_at": threshold,
        "projected_ready_date": ready_on.isoformat() if ready_on else None,
        "target_audit_date": target.isoformat() if target else None,
        "margin_days": None,
        "status": "no_target",
    }
    if ready_on is None:
        out["status"] = "not_reached"
        out["note"] = (f"readiness reaches {after[-1]:g}% by {sched.end.isoformat()}, short of {threshold:g}%: "
                       "the tasks not scheduled (see the risk register) have to be planned too")
    elif target is not None:
        margin = (target - ready_on).days
        out["margin_days"] = margin
        out["status"] = "on_track" if margin >= 0 else "late"
        out["note"] = (f"audit-ready {ready_on.isoformat()}, {margin} days before the target audit date"
                       if margin >= 0 else
                       f"audit-ready {ready_on.isoformat()}, {-margin} days after the target audit date "
                       f"{target.isoformat()}")
    else:
        out["note"] = f"audit-ready {ready_on.isoformat()}; no target audit date in the scope file"
    if period is not None:
        late = sorted(t.control_id for t in tasks if t.due and t.due > period[0])
        if late:
            out["type2_note"] = (f"{len(late)} controls are closed after the audit period started "
                                 f"({period[0].isoformat()}); they will not have operated for the whole period "
                                 f"{period[0].isoformat()} to {period[1].isoformat()}, so expect exceptions for "
                                 "them or move the period")
    return out
