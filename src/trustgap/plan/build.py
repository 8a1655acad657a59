"""The plan of an assessment: priorities, the three-phase roadmap, projected readiness and the risk
register, computed from the verdicts, the catalog and the scope file alone (no clock, no I/O besides the
bundled data), so the same inputs give the same plan."""

from __future__ import annotations

from typing import Any

from trustgap.catalog.loader import Catalog
from trustgap.engine.models import AssessmentResult
from trustgap.errors import InputError
from trustgap.plan.data import PHASE_KEYS, load_plan_data
from trustgap.plan.graph import check_acyclic, collect_edges, priority_order
from trustgap.plan.prioritize import Scored, explain, score_gap
from trustgap.plan.risks import build_register, is_critical
from trustgap.plan.roadmap import readiness_projection, schedule
from trustgap.plan.settings import PHASES, Decision, parse_plan_settings
from trustgap.plan.tasks import Owner, Task, build_tasks, owner_of
from trustgap.scope import Scope

PLAN_VERSION = 1


def _task_dict(t: Task, rank: int, unscheduled: dict[str, str], effective: float, critical: bool) -> dict[str, Any]:
    s = t.scored.as_dict()
    return {
        "rank": rank,
        "control_id": t.control_id,
        "title": t.title,
        "status": t.status,
        "gap_kind": t.kind,
        "severity": t.severity,
        "effort": t.effort,
        "category": t.category,
        "domain": t.domain,
        "criteria": t.criteria,
        "owner_role": t.owner.role,
        "owner": t.owner.label,
        "owner_email": t.owner.email,
        "action": t.action,
        "success_measure": t.success_measure,
        "findings": t.findings,
        "readiness_added": t.readiness_added,
        "priority": s,
        "score": t.score,
        "effective_score": effective,
        "critical": critical,
        "quick_win": t.scored.quick_win,
        "score_explained": explain(s),
        "depends_on": t.depends_on,
        "preferred_phase": t.preferred_phase,
        "phase": t.phase,
        "phase_key": PHASE_KEYS[t.phase - 1] if t.phase else None,
        "phase_reason": t.phase_reason,
        "start": t.start.isoformat() if t.start else None,
        "due": t.due.isoformat() if t.due else None,
        "scheduled": t.phase is not None,
        "not_scheduled_because": unscheduled.get(t.control_id),
    }


def build_plan(result: AssessmentResult, cat: Catalog, scope: Scope, thresholds: dict[str, Any]) -> dict[str, Any]:
    """Prioritised tasks, their schedule in three phases, projected readiness and the risk register."""
    data = load_plan_data()
    roles = dict(scope.roles)
    known_roles = set(roles) | {r.id for r in cat.roles}
    settings = parse_plan_settings(scope.plan, known_roles=known_roles, known_controls={c.id for c in cat.controls})
    edges = collect_edges(data, cat, settings)
    check_acyclic(edges)

    tasks, decided = build_tasks(result, cat, settings, data, roles)
    by_id = {t.control_id: t for t in tasks}
    critical = frozenset(t.control_id for t in tasks if is_critical(t.scored, settings.risk_matrix))
    order, prereq, effective = priority_order({t.control_id: t.score for t in tasks}, edges,
                                              {c: 1 for c in critical})
    for cid, deps in prereq.items():
        by_id[cid].depends_on = deps
    start = settings.start_date or result.as_of
    sched = schedule(order, by_id, settings, start, critical)
    ranked = sorted(tasks, key=lambda t: (-t.score, -t.scored.likelihood, t.control_id))
    rank = {t.control_id: i for i, t in enumerate(ranked, start=1)}

    period = (result.period_start, result.period_end) if result.period_start and result.period_end else None
    readiness = readiness_projection(tasks, result.readiness.score, settings.audit_ready_at, sched,
                                     result.target_audit_date, result.as_of, period)
    review_months = int(thresholds.get("risk_assessment_months", 12))
    decided_rows: list[tuple[str, str, list[str], str, Scored, Owner, Decision]] = []
    for v in decided:
        dec = settings.decisions[v.control_id]
        scored = score_gap(data, settings, control_id=v.control_id,
                           kind="not_assessed" if v.status == "not_assessed" else (v.gap_kind or "missing"),
                           severity=v.severity, effort=v.effort, criteria=len(v.criteria),
                           entities_at_fault=len(result.findings_for(v.control_id)), test_methods=v.test_methods)
        decided_rows.append((v.control_id, v.title, list(v.criteria), v.status, scored,
                             owner_of(settings.owners.get(v.control_id, v.owner_role), roles), dec))
    register = build_register(
        unscheduled=[(by_id[c], why) for c, why in sched.unscheduled.items()],
        decided=decided_rows, settings=settings, roles=roles, default_review=sched.end, as_of=result.as_of,
        risk_review_months=review_months)
    ids = [r["id"] for r in register["risks"]]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError("scope", f"risk id used twice: {', '.join(dupes)}", field="plan.risks")

    phases = []
    for n, info in enumerate(data.phases.phases, start=1):
        first, last = sched.phase_bounds(n)
        in_phase = sorted((t for t in tasks if t.phase == n), key=lambda t: (t.due, rank[t.control_id]))
        points: dict[str, int] = {}
        for t in in_phase:
            points[t.owner.role] = points.get(t.owner.role, 0) + t.scored.effort_points
        phases.append({
            "number": n, "key": info.key, "title": info.title, "summary": info.summary,
            "start": first.isoformat(), "end": last.isoformat(),
            "tasks": [t.control_id for t in in_phase],
            "points_by_owner": dict(sorted(points.items())),
            "capacity": {role: settings.capacity_of(role, n) for role in sorted(settings.capacity)},
            "readiness_added": round(sum(t.readiness_added for t in in_phase), 2),
            "projected_readiness": readiness["after_phase"][n - 1],
        })
    task_rows = [_task_dict(t, rank[t.control_id], sched.unscheduled, effective[t.control_id],
                            t.control_id in critical) for t in ranked]
    return {
        "version": PLAN_VERSION,
        "as_of": result.as_of.isoformat(),
        "start_date": start.isoformat(),
        "end_date": sched.end.isoformat(),
        "phase_days": settings.phase_days,
        "settings": {
            "weights": settings.weights.model_dump(),
            "effort_points": dict(settings.effort_points),
            "capacity": {k: list(v) for k, v in sorted(settings.capacity.items())},
            "days_per_point": settings.days_per_point,
            "audit_ready_at": settings.audit_ready_at,
            "include_not_assessed": settings.include_not_assessed,
            "github_logins": dict(sorted(settings.github_logins.items())),
        },
        "phases": phases,
        "tasks": task_rows,
        "quick_wins": [t.control_id for t in ranked if t.scored.quick_win],
        "dependencies": [{"task": e.task, "after": e.after, "why": e.why, "origin": e.origin} for e in edges
                         if e.task in by_id and e.after in by_id],
        "spills": [s.as_dict() for s in sched.spills],
        "unscheduled": sorted(sched.unscheduled),
        "readiness": readiness,
        "risk_register": register,
        "counts": {"tasks": len(tasks), "scheduled": sum(1 for t in tasks if t.phase),
                   "unscheduled": len(sched.unscheduled), "spilled": len(sched.spills),
                   "quick_wins": sum(1 for t in tasks if t.scored.quick_win), "risks": len(register["risks"]),
                   "phases": PHASES},
    }
