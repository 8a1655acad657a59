"""Scoring: likelihood from gap kind, severity and audit focus; impact; effort; quick wins first."""

from __future__ import annotations

import pytest
from tests.plan.conftest import make_catalog, make_result, make_scope

from trustgap.plan import build_plan
from trustgap.plan.data import load_plan_data
from trustgap.plan.prioritize import score_gap
from trustgap.plan.settings import PlanSettings


def _score(kind: str = "missing", severity: str = "high", effort: str = "S", control: str = "XX-01",
           settings: PlanSettings | None = None, **kw: object):
    return score_gap(load_plan_data(), settings or PlanSettings(), control_id=control, kind=kind, severity=severity,
                     effort=effort, criteria=kw.get("criteria", 1), entities_at_fault=kw.get("entities", 0),  # type: ignore[arg-type]
                     test_methods=["inspection"])


def test_quick_win_outranks_high_effort_gap_of_equal_likelihood() -> None:
    quick = _score(effort="S")
    heavy = _score(effort="L")
    assert quick.likelihood == heavy.likelihood
    assert quick.impact == heavy.impact
    assert quick.quick_win and not heavy.quick_win
    assert quick.score > heavy.score
    assert quick.score == pytest.approx(heavy.score * 3, abs=0.2)  # cost: 1 point against 3


def test_quick_win_ranks_first_in_the_plan() -> None:
    # VND-02 (S) and AC-08 (M) have the same severity and audit focus; as equal gaps the small one leads.
    cat = make_catalog()
    result = make_result(cat, {"VND-02": ("gap", "missing"), "AC-08": ("gap", "missing")})
    plan = build_plan(result, cat, make_scope(), {})
    by_id = {t["control_id"]: t for t in plan["tasks"]}
    assert by_id["VND-02"]["priority"]["likelihood"] == by_id["AC-08"]["priority"]["likelihood"]
    assert by_id["VND-02"]["rank"] < by_id["AC-08"]["rank"]
    assert by_id["VND-02"]["quick_win"] and "VND-02" in plan["quick_wins"]
    assert "AC-08" not in plan["quick_wins"]


def test_gap_kind_drives_likelihood() -> None:
    order = ["not_operating", "stale", "insufficient_evidence", "undocumented"]
    likelihoods = [_score(kind=k).likelihood for k in order]
    assert likelihoods == sorted(likelihoods, reverse=True)
    assert likelihoods[0] > likelihoods[-1]


def test_audit_focus_raises_likelihood_of_commonly_tested_controls() -> None:
    assert _score(control="AC-08").likelihood > _score(control="XX-01").likelihood
    assert _score(control="AC-08").parts["audit_focus"]["value"] == 5


def test_impact_grows_with_breadth_and_entities() -> None:
    base = _score(severity="medium")
    wide = _score(severity="medium", criteria=3, entities=12)
    assert wide.impact == base.impact + 1
    assert _score(severity="critical", criteria=3, entities=12).impact == 5  # capped


def test_weights_from_the_scope_change_the_score() -> None:
    no_effort = PlanSettings.model_validate({"weights": {"effort": 0}})
    assert _score(effort="S", settings=no_effort).score == _score(effort="L", settings=no_effort).score
    kind_only = PlanSettings.model_validate({"weights": {"gap_kind": 1, "severity": 0, "audit_focus": 0}})
    assert _score(kind="undocumented", settings=kind_only).likelihood == 2


def test_score_and_its_parts_are_in_the_plan() -> None:
    cat = make_catalog()
    plan = build_plan(make_result(cat, {"AC-04": ("partial", "not_operating")}, findings={"AC-04": 6}), cat,
                      make_scope(), {})
    t = plan["tasks"][0]
    p = t["priority"]
    assert set(p) >= {"likelihood", "impact", "effort", "effort_points", "value", "score", "parts"}
    assert p["parts"]["gap_kind"] == {"value": 5, "of": "not_operating", "weight": 0.5}
    assert p["parts"]["impact_spread"] == 0.5  # six entities at fault
    assert f"= {t['score']:g}" in t["score_explained"]
    assert plan["settings"]["weights"]["likelihood"] == 0.6
