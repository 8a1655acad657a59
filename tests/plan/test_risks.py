"""The risk register: unscheduled gaps, decisions and manual risks; the configurable matrix."""

from __future__ import annotations

import pytest
from tests.plan.conftest import make_catalog, make_result, make_scope
from tests.plan.test_dependencies import ALL_OPEN

from trustgap.errors import InputError
from trustgap.plan import build_plan
from trustgap.plan.settings import RiskMatrix


def _plan(section: dict) -> dict:
    cat = make_catalog()
    return build_plan(make_result(cat, ALL_OPEN), cat, make_scope(section), {"risk_assessment_months": 12})


ACCEPT_AC13 = {"AC-13": {"treatment": "accept", "justification": "two legacy accounts, monitored, retired in Q2",
                         "review_date": "2027-04-01", "owner": "security_lead"}}


def test_accepted_gap_leaves_the_roadmap_and_shows_as_accepted() -> None:
    plan = _plan({"decisions": ACCEPT_AC13})
    assert "AC-13" not in {t["control_id"] for t in plan["tasks"]}
    (r,) = [r for r in plan["risk_register"]["risks"] if r["id"] == "R-AC-13"]
    assert r["accepted"] and r["status"] == "accepted" and r["treatment"] == "accept"
    assert r["review_date"] == "2027-04-01" and r["owner"] == "Priya Raman"
    assert r["justification"].startswith("two legacy accounts")
    assert plan["risk_register"]["accepted"] == ["R-AC-13"]


def test_mitigate_decision_keeps_the_gap_on_the_roadmap() -> None:
    plan = _plan({"decisions": {"AC-13": {"treatment": "mitigate", "justification": "fixing in the first phase"}}})
    assert "AC-13" in {t["control_id"] for t in plan["tasks"]}
    assert not plan["risk_register"]["risks"]


def test_manual_risks_with_words_and_default_review() -> None:
    plan = _plan({"risks": [
        {"title": "Only one person can run the deployment pipeline", "likelihood": "likely", "impact": "major",
         "treatment": "transfer", "justification": "contractor on retainer for pipeline support", "owner": "cto"},
        {"id": "R-INS", "title": "Cyber insurance lapses", "likelihood": 1, "impact": 5, "treatment": "accept",
         "justification": "renewal is automatic and monitored by finance", "review_date": "2027-06-30"},
    ]})
    risks = {r["id"]: r for r in plan["risk_register"]["risks"]}
    m1 = risks["R-M01"]
    assert (m1["likelihood"], m1["impact"], m1["score"], m1["rating"]) == (4, 4, 16, "high")
    assert m1["owner"] == "cto" and m1["source"] == "manual" and m1["review_date"] == "2027-11-16"
    assert risks["R-INS"]["accepted"] and risks["R-INS"]["rating"] == "medium"


def test_matrix_bands_and_grid_are_configurable() -> None:
    m = RiskMatrix()
    assert [m.rate(1, 1), m.rate(3, 3), m.rate(4, 4), m.rate(5, 5)] == ["low", "medium", "high", "critical"]
    grid = [["green"] * 5, ["green"] * 5, ["green", "green", "amber", "amber", "red"],
            ["amber", "amber", "amber", "red", "red"], ["amber", "red", "red", "red", "red"]]
    g = RiskMatrix.model_validate({"bands": {"green": 6, "amber": 12, "red": 25}, "grid": grid})
    assert g.rate(5, 2) == "red" and g.rate(1, 5) == "green"
    plan = _plan({"risk_matrix": {"bands": {"green": 6, "amber": 12, "red": 25}, "grid": grid},
                  "decisions": ACCEPT_AC13})
    reg = plan["risk_register"]
    assert reg["levels"] == ["green", "amber", "red"] and reg["custom_grid"]
    assert len(reg["cells"]) == 25 and sum(reg["counts"].values()) == len(reg["risks"])
    assert all(c["rating"] == g.rate(c["likelihood"], c["impact"]) for c in reg["cells"])


@pytest.mark.parametrize(("section", "field", "words"), [
    ({"decisions": {"AC-13": {"treatment": "accept", "justification": "long enough text"}}}, "plan.decisions.AC-13",
     "review_date"),
    ({"decisions": {"AC-13": {"treatment": "ignore", "justification": "long enough text"}}},
     "plan.decisions.AC-13.treatment", "accept"),
    ({"risks": [{"title": "abc", "likelihood": 9, "impact": 1, "justification": "long enough text"}]},
     "plan.risks.0.likelihood", "1-5"),
    ({"risk_matrix": {"bands": {"low": 9, "high": 4}}}, "plan.risk_matrix", "increasing"),
    ({"risk_matrix": {"grid": [["low"]]}}, "plan.risk_matrix", "5 rows"),
    ({"decisions": {"XX-99": {"treatment": "avoid", "justification": "long enough text"}}}, "plan.decisions.XX-99",
     "unknown control"),
])
def test_bad_register_settings_name_the_field(section: dict, field: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        _plan(section)
    assert info.value.field == field and words in info.value.message, str(info.value)
