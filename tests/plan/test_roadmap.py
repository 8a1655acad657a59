"""Three phases from a start date, owner capacity with spill-over, projected readiness, determinism."""

from __future__ import annotations

import json
from datetime import date

import pytest
from tests.plan.conftest import make_catalog, make_result, make_scope
from tests.plan.test_dependencies import ALL_OPEN, assert_respects_dependencies

from trustgap.errors import InputError
from trustgap.plan import build_plan


def _plan(plan_section: dict | None = None, statuses: dict | None = None, **kw: object) -> dict:
    cat = make_catalog()
    return build_plan(make_result(cat, statuses or ALL_OPEN, **kw), cat, make_scope(plan_section or {}), {})  # type: ignore[arg-type]


def test_three_thirty_day_phases_from_the_start_date() -> None:
    plan = _plan({"start_date": "2026-11-23"})
    assert [p["key"] for p in plan["phases"]] == ["foundation", "controls", "evidence_testing"]
    assert [(p["start"], p["end"]) for p in plan["phases"]] == [
        ("2026-11-23", "2026-12-22"), ("2026-12-23", "2027-01-21"), ("2027-01-22", "2027-02-20")]
    for t in plan["tasks"]:
        if t["scheduled"]:
            ph = plan["phases"][t["phase"] - 1]
            assert ph["start"] <= t["start"] <= t["due"] <= ph["end"]
            assert t["control_id"] in ph["tasks"]


def test_every_task_has_owner_due_date_category_success_measure_and_criteria() -> None:
    plan = _plan({"owners": {"AC-04": "devops_lead"}})
    by_id = {t["control_id"]: t for t in plan["tasks"]}
    assert by_id["AC-04"]["owner"] == "Tomás Ortega"
    assert by_id["AC-04"]["owner_email"] == "tomas.ortega@northwind.example"
    assert by_id["GOV-04"]["owner"] == "Priya Raman"  # the control's default owner role, from the scope's roles
    for t in plan["tasks"]:
        assert t["due"] and t["category"] in ("policy", "process", "technical")
        assert t["success_measure"].startswith(t["control_id"]) and "Implemented" in t["success_measure"]
        assert t["criteria"] and t["readiness_added"] > 0


def test_owner_without_a_person_in_the_scope_is_shown_by_role() -> None:
    cat = make_catalog()
    roles = {"security_lead": "Priya Raman <priya.raman@northwind.example>"}
    plan = build_plan(make_result(cat, {"AC-03": ("gap", "missing")}), cat, make_scope(roles=roles), {})
    assert plan["tasks"][0]["owner"] == "it admin" and plan["tasks"][0]["owner_email"] is None


def test_capacity_spills_tasks_to_the_next_phase_and_says_which() -> None:
    free = _plan({"start_date": "2026-11-23"})
    tight = _plan({"start_date": "2026-11-23", "capacity": {"security_lead": 3}})
    assert not free["spills"] and not free["unscheduled"]
    assert tight["spills"]
    for ph in tight["phases"]:
        assert ph["points_by_owner"].get("security_lead", 0) <= 3
        assert ph["capacity"]["security_lead"] == 3
    moved = [s for s in tight["spills"] if s["to_phase"]]
    dropped = [s for s in tight["spills"] if s["to_phase"] is None]
    assert moved and dropped
    for s in moved:
        assert s["owner_role"] == "security_lead" and s["to_phase"] > s["from_phase"]
        assert "security_lead has" in s["reason"] and "capacity points left" in s["reason"]
    # not scheduled -> on the risk register, with the reason
    risks = {r["id"]: r for r in tight["risk_register"]["risks"]}
    for s in dropped:
        assert f"R-{s['control_id']}" in risks
        assert risks[f"R-{s['control_id']}"]["source"] == "unscheduled"
    assert tight["counts"]["unscheduled"] == len(dropped) == len(tight["unscheduled"])
    assert_respects_dependencies(tight)


def test_capacity_per_phase_list() -> None:
    plan = _plan({"capacity": {"security_lead": [0, 20, 20]}})
    assert all(t["phase"] != 1 for t in plan["tasks"] if t["owner_role"] == "security_lead")
    assert any(s["from_phase"] == 1 and s["to_phase"] == 2 for s in plan["spills"])


def test_task_larger_than_any_capacity_is_not_scheduled() -> None:
    plan = _plan({"capacity": {"it_admin": 1}}, {"AC-03": ("gap", "missing"), "AC-04": ("gap", "missing")})
    by_id = {t["control_id"]: t for t in plan["tasks"]}
    assert not by_id["AC-03"]["scheduled"] and "needs 3" in by_id["AC-03"]["not_scheduled_because"]
    assert not by_id["AC-04"]["scheduled"]  # waits for AC-03
    assert "waits for AC-03" in by_id["AC-04"]["not_scheduled_because"]


def test_projected_readiness_per_phase_and_audit_ready_date() -> None:
    plan = _plan({"start_date": "2026-11-23", "audit_ready_at": 95})
    r = plan["readiness"]
    assert r["current"] < r["after_phase"][0] <= r["after_phase"][1] <= r["after_phase"][2] == 100.0
    assert [p["projected_readiness"] for p in plan["phases"]] == r["after_phase"]
    assert r["projected_ready_date"] is not None
    assert r["target_audit_date"] == "2027-02-15"
    ready = date.fromisoformat(r["projected_ready_date"])
    assert r["margin_days"] == (date(2027, 2, 15) - ready).days
    assert r["status"] == ("on_track" if r["margin_days"] >= 0 else "late")


def test_late_when_the_target_audit_date_comes_first() -> None:
    plan = _plan({"start_date": "2026-11-23"}, target=date(2026, 12, 1))
    assert plan["readiness"]["status"] == "late" and plan["readiness"]["margin_days"] < 0
    assert "after the target audit date" in plan["readiness"]["note"]


def test_not_reached_when_tasks_are_left_out() -> None:
    plan = _plan({"capacity": {"security_lead": 1, "it_admin": 1}, "audit_ready_at": 100})
    assert plan["readiness"]["status"] == "not_reached"
    assert plan["readiness"]["projected_ready_date"] is None


def test_type2_warns_about_controls_closed_after_the_period_start() -> None:
    plan = _plan(period=(date(2026, 1, 1), date(2026, 12, 31)))
    assert "operated for the whole period" in plan["readiness"]["type2_note"]


def test_not_assessed_can_be_left_out() -> None:
    with_na = _plan()
    without = _plan({"include_not_assessed": False})
    assert "RSK-06" in {t["control_id"] for t in with_na["tasks"]}
    assert "RSK-06" not in {t["control_id"] for t in without["tasks"]}


def test_plan_is_json_and_deterministic() -> None:
    a = json.dumps(_plan({"capacity": {"security_lead": 4}}), sort_keys=True)
    b = json.dumps(_plan({"capacity": {"security_lead": 4}}), sort_keys=True)
    assert a == b
    assert json.loads(a)["start_date"] == "2026-11-16"  # no start date: the as-of date


@pytest.mark.parametrize(("section", "field"), [
    ({"capacity": {"janitor": 3}}, "plan.capacity.janitor"),
    ({"capacity": {"security_lead": [1, 2]}}, "plan.capacity"),
    ({"weights": {"likelihood": -1}}, "plan.weights.likelihood"),
    ({"phase_days": 3}, "plan.phase_days"),
    ({"owners": {"AC-04": "nobody"}}, "plan.owners.AC-04"),
    ({"start": "2026-11-23"}, "plan.start"),
])
def test_bad_plan_settings_name_the_field(section: dict, field: str) -> None:
    with pytest.raises(InputError) as info:
        _plan(section)
    assert info.value.field == field, str(info.value)


def test_plan_errors_can_name_the_scope_file_and_line() -> None:
    from trustgap.plan.settings import parse_plan_settings
    from trustgap.yamlfile import LocatedYaml

    doc = LocatedYaml("acme/scope.yaml", "organisation: {name: Acme}\nplan:\n  start_date: 2026-11-23\n"
                                         "  weights:\n    effort: 9\n")
    with pytest.raises(InputError) as info:
        parse_plan_settings(doc.data["plan"], doc=doc)
    assert str(info.value).startswith("acme/scope.yaml:5: field 'plan.weights.effort'")
