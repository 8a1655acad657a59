"""Dependencies as data: never scheduled before a prerequisite; a cycle is an error naming the cycle."""

from __future__ import annotations

from datetime import date

import pytest
from tests.plan.conftest import make_catalog, make_result, make_scope

from trustgap.plan import build_plan
from trustgap.plan.data import Edge, load_plan_data
from trustgap.plan.graph import DependencyCycleError, collect_edges, find_cycle, priority_order
from trustgap.plan.settings import PlanSettings

ALL_OPEN = {
    "GOV-01": ("gap", "missing"), "GOV-04": ("gap", "missing"), "GOV-06": ("gap", "missing"),
    "HR-03": ("gap", "stale"), "AC-01": ("partial", "undocumented"), "AC-03": ("gap", "missing"),
    "AC-04": ("partial", "not_operating"), "AC-08": ("gap", "stale"), "AC-13": ("partial", "not_operating"),
    "RSK-06": ("not_assessed", None), "RSK-01": ("gap", "stale"), "RSK-02": ("gap", "missing"),
    "VND-01": ("partial", "missing"), "VND-02": ("gap", "missing"), "VND-03": ("gap", "missing"),
    "OPS-05": ("partial", "stale"), "OPS-06": ("gap", "not_operating"), "OPS-08": ("partial", "stale"),
    "OPS-09": ("gap", "stale"), "CHG-01": ("partial", "stale"), "CHG-02": ("partial", "not_operating"),
}


def assert_respects_dependencies(plan: dict) -> int:
    """Every scheduled task is due strictly after, and in no earlier phase than, each prerequisite; a task
    whose prerequisite is not scheduled is not scheduled either. Returns how many edges were checked."""
    tasks = {t["control_id"]: t for t in plan["tasks"]}
    checked = 0
    for e in plan["dependencies"]:
        task, pre = tasks[e["task"]], tasks[e["after"]]
        assert e["after"] in task["depends_on"]
        if not pre["scheduled"]:
            assert not task["scheduled"], f"{e['task']} scheduled although {e['after']} is not"
            continue
        if task["scheduled"]:
            assert pre["phase"] <= task["phase"], e
            assert date.fromisoformat(pre["due"]) < date.fromisoformat(task["due"]), e
            assert date.fromisoformat(pre["due"]) <= date.fromisoformat(task["start"]), e
            checked += 1
    return checked


def test_order_respects_the_dependency_data() -> None:
    cat = make_catalog()
    plan = build_plan(make_result(cat, ALL_OPEN, findings={"AC-04": 8, "CHG-02": 3}), cat,
                      make_scope({"start_date": "2026-11-23"}), {})
    edges = {(d["task"], d["after"]) for d in plan["dependencies"]}
    # the examples of the issue: policy before acknowledgement, vendor inventory before reviews, IdP before
    # MFA everywhere, risk assessment before the register
    assert {("GOV-06", "GOV-04"), ("VND-03", "VND-02"), ("AC-04", "AC-03"), ("RSK-02", "RSK-01")} <= edges
    assert ("AC-08", "AC-01") in edges  # derived: AC-08 is documented in the access control policy
    assert assert_respects_dependencies(plan) >= 10


def test_prerequisite_inherits_the_urgency_of_what_waits_for_it() -> None:
    tasks = {"A": 10.0, "B": 90.0, "C": 50.0}
    edges = [Edge("B", "A", "B needs A", "test")]
    order, prereq, effective = priority_order(tasks, edges)
    assert order == ["A", "B", "C"]
    assert prereq["B"] == ["A"] and effective["A"] == 90.0


def test_prerequisites_already_in_place_do_not_hold_a_task() -> None:
    cat = make_catalog()
    plan = build_plan(make_result(cat, {"AC-04": ("gap", "missing")}), cat, make_scope(), {})
    (t,) = plan["tasks"]
    assert t["depends_on"] == [] and t["phase"] == 1


def test_cycle_in_scope_dependencies_is_an_error_naming_the_cycle() -> None:
    cat = make_catalog()
    scope = make_scope({"dependencies": [{"task": "AC-03", "after": ["AC-04"], "why": "backwards"}]})
    with pytest.raises(DependencyCycleError) as info:
        build_plan(make_result(cat, ALL_OPEN), cat, scope, {})
    err = info.value
    assert err.cycle in (["AC-03", "AC-04", "AC-03"], ["AC-04", "AC-03", "AC-04"])
    assert "AC-03 -> AC-04 -> AC-03" in str(err) or "AC-04 -> AC-03 -> AC-04" in str(err)
    assert "plan/data/dependencies.yaml" in str(err) and "scope:plan.dependencies.0" in str(err)


def test_find_cycle_returns_the_cycle_in_working_order() -> None:
    edges = [Edge("B", "A", "", "x"), Edge("C", "B", "", "x"), Edge("A", "C", "", "x"), Edge("D", "A", "", "x")]
    cycle, via = find_cycle(edges)  # type: ignore[misc]
    assert cycle == ["A", "B", "C", "A"]
    assert [(e.task, e.after) for e in via] == [("B", "A"), ("C", "B"), ("A", "C")]
    assert find_cycle([Edge("B", "A", "", "x"), Edge("C", "A", "", "x")]) is None


def test_bundled_dependency_data_is_acyclic_and_well_formed() -> None:
    data = load_plan_data()
    edges = collect_edges(data, make_catalog(), PlanSettings())
    assert find_cycle(edges) is None
    assert all(e.origin.startswith("plan/data/dependencies.yaml:") and int(e.origin.rsplit(":", 1)[1]) > 0
               for e in edges if e.origin.startswith("plan/"))
    assert len(data.dependencies.dependencies) >= 40


def test_unknown_control_in_scope_dependencies_names_the_field() -> None:
    cat = make_catalog()
    scope = make_scope({"dependencies": [{"task": "AC-04", "after": ["ZZ-99"]}]})
    with pytest.raises(Exception) as info:
        build_plan(make_result(cat, ALL_OPEN), cat, scope, {})
    assert "plan.dependencies.0" in str(info.value) and "ZZ-99" in str(info.value)


def test_plan_data_names_only_catalog_controls_and_the_real_catalog_adds_no_cycle() -> None:
    import re
    from importlib import resources

    from trustgap.catalog.loader import load_catalog

    cat = load_catalog()
    known = {c.id for c in cat.controls}
    for name in ("dependencies.yaml", "phases.yaml", "audit_focus.yaml"):
        text = (resources.files("trustgap.plan") / "data" / name).read_text(encoding="utf-8")
        unknown = set(re.findall(r"\b[A-Z]{2,4}-\d{2}\b", text)) - known
        assert not unknown, (name, sorted(unknown))
    edges = collect_edges(load_plan_data(), cat, PlanSettings())
    assert find_cycle(edges) is None
    assert any(e.origin == "catalog policy" for e in edges) or not any(c.policy for c in cat.controls)
