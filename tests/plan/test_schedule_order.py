"""The order of priority holds in the schedule, on random plans (hypothesis):

- no lower-scored task lands in an earlier phase than a higher-scored one of the same owner when neither
  depends on the other and the higher one could start as early;
- a critical task (rated at the matrix's top level, 5 x 5) is never left unscheduled for lack of capacity
  while a task of lower priority got that owner's capacity in a phase the critical task could have used;
- the risk register lists the most severe risks first.

"Scored" is the order the schedule takes: critical first, then the effective score (a prerequisite is as urgent
as the most urgent task waiting for it)."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.plan.conftest import make_catalog, make_result, make_scope
from tests.plan.test_dependencies import ALL_OPEN

from trustgap.plan import build_plan
from trustgap.plan.data import Edge
from trustgap.plan.graph import priority_order
from trustgap.plan.prioritize import Scored
from trustgap.plan.risks import is_critical, to_scale
from trustgap.plan.roadmap import schedule
from trustgap.plan.settings import PHASES, PlanSettings, RiskMatrix
from trustgap.plan.tasks import Owner, Task

ROLES = ("ops", "sec", "eng")


def _task(i: int, role: str, likelihood: int, impact: int, points: int, phase: int) -> Task:
    value = (likelihood + impact) / 2
    scored = Scored(likelihood=float(likelihood), impact=float(impact), effort="SML"[points - 1],
                    effort_points=points, value=value, score=round(20 * value / points, 1),
                    quick_win=False, parts={})
    return Task(control_id=f"T{i:02d}", title=f"task {i}", status="gap", kind="missing", severity="high",
                effort="SML"[points - 1], category="process", domain="d", criteria=["CC1.1"],
                owner=Owner(role, role, None), action="", success_measure="", findings=0, readiness_added=1.0,
                scored=scored, preferred_phase=phase)


task_spec = st.tuples(st.sampled_from(ROLES), st.integers(1, 5), st.integers(1, 5), st.integers(1, 3),
                      st.integers(1, PHASES))


@st.composite
def plans(draw: st.DrawFn) -> tuple[dict[str, Task], list[Edge], PlanSettings]:
    specs = draw(st.lists(task_spec, min_size=2, max_size=14))
    tasks = {t.control_id: t for t in (_task(i, *s) for i, s in enumerate(specs))}
    ids = sorted(tasks)
    pairs = draw(st.lists(st.tuples(st.integers(0, len(ids) - 1), st.integers(0, len(ids) - 1)), max_size=8))
    edges = [Edge(task=ids[b], after=ids[a], why="test", origin="test") for a, b in pairs if a < b]
    capacity = draw(st.dictionaries(st.sampled_from(ROLES), st.lists(st.integers(0, 6), min_size=PHASES,
                                                                      max_size=PHASES)))
    days = draw(st.sampled_from([7, 14, 30]))
    return tasks, edges, PlanSettings(capacity=capacity, phase_days=days, days_per_point=draw(st.integers(1, 8)))


def _ancestors(edges: list[Edge]) -> dict[str, set[str]]:
    before: dict[str, set[str]] = {}
    for e in edges:
        before.setdefault(e.task, set()).add(e.after)
    changed = True
    while changed:
        changed = False
        for deps in before.values():
            more = set().union(*(before.get(d, set()) for d in deps)) - deps
            if more:
                deps |= more
                changed = True
    return before


def _run(tasks: dict[str, Task], edges: list[Edge], cfg: PlanSettings) -> tuple[dict[str, tuple[int, float]],
                                                                                 frozenset[str], dict[str, str]]:
    critical = frozenset(c for c, t in tasks.items() if is_critical(t.scored, cfg.risk_matrix))
    order, prereq, effective = priority_order({c: t.score for c, t in tasks.items()}, edges,
                                              {c: 1 for c in critical})
    for c, deps in prereq.items():
        tasks[c].depends_on = deps
    sched = schedule(order, tasks, cfg, date(2026, 11, 23), critical)
    tier = {c: 1 if c in critical else 0 for c in tasks}
    for c in reversed(order):  # the tier a prerequisite takes from what waits for it
        for d in prereq[c]:
            tier[d] = max(tier[d], tier[c])
    return {c: (tier[c], effective[c]) for c in tasks}, critical, sched.unscheduled


def _earliest(t: Task, tasks: dict[str, Task]) -> int:
    return max([t.preferred_phase, *((tasks[d].phase or 1) for d in t.depends_on)])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_no_lower_scored_task_of_an_owner_is_scheduled_before_a_higher_one(plan) -> None:  # type: ignore[no-untyped-def]
    tasks, edges, cfg = plan
    key, _, _ = _run(tasks, edges, cfg)
    related = _ancestors(edges)
    for a in tasks.values():
        for b in tasks.values():
            if a is b or a.owner.role != b.owner.role or a.phase is None or b.phase is None:
                continue
            if a.control_id in related.get(b.control_id, ()) or b.control_id in related.get(a.control_id, ()):
                continue
            if key[a.control_id] > key[b.control_id] and _earliest(a, tasks) <= _earliest(b, tasks):
                assert b.phase >= a.phase, (a.control_id, a.phase, b.control_id, b.phase)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_a_critical_task_is_never_starved_by_lower_ones(plan) -> None:  # type: ignore[no-untyped-def]
    tasks, edges, cfg = plan
    key, critical, unscheduled = _run(tasks, edges, cfg)
    for cid in critical & set(unscheduled):
        if "capacity points left" not in unscheduled[cid]:
            continue  # not for lack of capacity (waits for a task that fits nowhere, or no days left)
        t = tasks[cid]
        earliest = max([t.preferred_phase, *((tasks[d].phase or 1) for d in t.depends_on if tasks[d].phase)])
        for other in tasks.values():
            if other.owner.role == t.owner.role and other.phase and other.phase >= earliest \
                    and cfg.capacity_of(t.owner.role, other.phase) is not None:
                assert key[other.control_id] >= key[cid], (cid, other.control_id, other.phase)


def test_a_critical_task_is_scheduled_before_lower_ones_take_the_capacity() -> None:
    # sec has 3 points a phase; the critical 5x5 task needs 3 (L); five quick 1-point tasks score higher
    tasks = {t.control_id: t for t in [_task(0, "sec", 5, 5, 3, 1), *(_task(i, "sec", 4, 3, 1, 1)
                                                                       for i in range(1, 6))]}
    assert tasks["T01"].score > tasks["T00"].score  # by score alone the small ones come first
    cfg = PlanSettings(capacity={"sec": [3, 3, 3]})
    _, critical, unscheduled = _run(tasks, [], cfg)
    assert critical == {"T00"}
    assert tasks["T00"].phase == 1 and "T00" not in unscheduled


def test_capacity_is_held_for_a_critical_task_that_does_not_fit() -> None:
    # the critical task needs 3 points, sec has 2 a phase: it fits nowhere, and no lower task takes the points
    tasks = {t.control_id: t for t in [_task(0, "sec", 5, 5, 3, 1), _task(1, "sec", 2, 2, 1, 1)]}
    _, _, unscheduled = _run(tasks, [], PlanSettings(capacity={"sec": [2, 2, 2]}))
    assert "T00" in unscheduled and "T01" in unscheduled
    assert "held for the critical task T00" in unscheduled["T01"]


def test_risk_register_lists_critical_before_medium() -> None:
    cat = make_catalog()
    plan = build_plan(make_result(cat, ALL_OPEN), cat, make_scope({"capacity": {"security_lead": 1, "it_admin": 1}}),
                      {})
    risks = plan["risk_register"]["risks"]
    levels = RiskMatrix().levels
    ranks = [levels.index(r["rating"]) for r in risks]
    assert len(set(ranks)) > 1 and ranks == sorted(ranks, reverse=True)
    scores = [(levels.index(r["rating"]), r["score"]) for r in risks]
    assert scores == sorted(scores, reverse=True)


def test_to_scale_and_the_critical_level_agree() -> None:
    assert is_critical(Scored(4.6, 4.5, "M", 2, 4.5, 45.0, False, {}), RiskMatrix())
    assert to_scale(4.5) == 5
    assert not is_critical(Scored(3.4, 5, "M", 2, 4.2, 42.0, False, {}), RiskMatrix())  # 3 x 5: high
