"""The bundled catalog loads, holds exactly the SOC 2 criteria and both framework catalogs, and every
criterion and control is covered and mapped."""

from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest
import yaml

from trustgap.catalog.loader import EXPECTED_CRITERIA, POLICY_KEYS, Catalog, load_catalog


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def test_counts(cat: Catalog) -> None:
    assert len(cat.criteria) == 61
    assert len(cat.controls) >= 90
    assert len(cat.iso27001) == 93
    assert len(cat.nist_csf) == 106
    assert cat.version


def test_criteria_are_the_tsc_ids_in_order_with_own_summaries(cat: Catalog) -> None:
    assert tuple(c.id for c in cat.criteria) == EXPECTED_CRITERIA
    for c in cat.criteria:
        assert c.title and len(c.summary) > 60, c.id
        assert c.id.startswith(c.series + "."), c.id
    assert len({c.summary for c in cat.criteria}) == 61


def test_categories_and_series(cat: Catalog) -> None:
    assert [c.id for c in cat.categories] == [
        "security", "availability", "confidentiality", "processing_integrity", "privacy"]
    series = [s.id for s in cat.series]
    assert series == [*(f"CC{i}" for i in range(1, 10)), "A1", "C1", "PI1", *(f"P{i}" for i in range(1, 9))]
    per_category = Counter(c.category for c in cat.criteria)
    assert per_category == {"security": 33, "availability": 3, "confidentiality": 2, "processing_integrity": 5,
                            "privacy": 18}


def test_every_criterion_covered_and_every_control_mapped(cat: Catalog) -> None:
    for crit in cat.criteria:
        assert cat.controls_for_criterion(crit.id), crit.id
    for ctl in cat.controls:
        assert cat.mapped("iso27001", ctl.id) and cat.mapped("nist_csf", ctl.id), ctl.id
        assert ctl.evidence and ctl.test_methods and ctl.requirement, ctl.id


def test_control_ids_are_the_fixed_list(cat: Catalog) -> None:
    ids = [c.id for c in cat.controls]
    assert len(ids) == len(set(ids)) == 123
    prefixes = Counter(i.split("-")[0] for i in ids)
    assert prefixes == {"GOV": 14, "HR": 9, "RSK": 6, "MON": 4, "AC": 25, "OPS": 13, "CHG": 10, "VND": 6,
                        "AV": 8, "CNF": 5, "PI": 5, "PRV": 18}


def test_iso_annex_a_ids_are_complete() -> None:
    cat = load_catalog()
    expected = ([f"A.5.{i}" for i in range(1, 38)] + [f"A.6.{i}" for i in range(1, 9)]
                + [f"A.7.{i}" for i in range(1, 15)] + [f"A.8.{i}" for i in range(1, 35)])
    assert [f.id for f in cat.iso27001] == expected
    assert Counter(f.group for f in cat.iso27001) == {"Organizational": 37, "People": 8, "Physical": 14,
                                                      "Technological": 34}


# CSF 2.0 categories and the subcategory numbers that exist in each (the gaps were withdrawn from 1.1).
CSF2 = {
    "GV.OC": range(1, 6), "GV.RM": range(1, 8), "GV.RR": range(1, 5), "GV.PO": range(1, 3),
    "GV.OV": range(1, 4), "GV.SC": range(1, 11),
    "ID.AM": (1, 2, 3, 4, 5, 7, 8), "ID.RA": range(1, 11), "ID.IM": range(1, 5),
    "PR.AA": range(1, 7), "PR.AT": (1, 2), "PR.DS": (1, 2, 10, 11), "PR.PS": range(1, 7), "PR.IR": range(1, 5),
    "DE.CM": (1, 2, 3, 6, 9), "DE.AE": (2, 3, 4, 6, 7, 8),
    "RS.MA": range(1, 6), "RS.AN": (3, 6, 7, 8), "RS.CO": (2, 3), "RS.MI": (1, 2),
    "RC.RP": range(1, 7), "RC.CO": (3, 4),
}


def test_nist_csf_subcategories_are_exactly_csf_2() -> None:
    cat = load_catalog()
    expected = [f"{group}-{n:02d}" for group, nums in CSF2.items() for n in nums]
    assert len(expected) == 106
    assert [f.id for f in cat.nist_csf] == expected
    assert all(f.id.split("-")[0] == f.group for f in cat.nist_csf)


def test_framework_coverage_is_computable(cat: Catalog) -> None:
    for name in ("iso27001", "nist_csf"):
        ids = {f.id for f in cat.framework(name)}
        mapped = {x for ctl in cat.controls for x in cat.mapped(name, ctl.id)}
        assert mapped <= ids
        assert len(mapped) / len(ids) > 0.5, name
        some = sorted(mapped)[0]
        assert all(some in cat.mapped(name, c.id) for c in cat.controls_for_framework(name, some))
    assert {c.id for c in cat.controls_for_framework("iso", "A.8.5")} >= {"AC-04", "AC-05"}
    assert {c.id for c in cat.controls_for_framework("nist", "PR.DS-11")} >= {"AV-02", "AV-03"}


def test_cadences_where_they_recur(cat: Catalog) -> None:
    cadence = {c.id: c.cadence_months for c in cat.controls}
    assert cadence["AC-08"] == 3 and cadence["OPS-05"] == 3
    for cid in ("HR-03", "RSK-01", "GOV-05", "MON-02", "AV-03", "AV-05", "VND-03", "VND-05", "OPS-09"):
        assert cadence[cid] == 12, cid
    assert cadence["AC-02"] is None


def test_policy_keys_match_the_policy_library(cat: Catalog) -> None:
    from trustgap.policies.library import BY_KEY

    assert set(POLICY_KEYS) == set(BY_KEY)
    used = {c.policy for c in cat.controls if c.policy}
    assert used <= set(POLICY_KEYS)
    # each policy the checks judge is named by at least one control
    assert {"information_security", "access_control", "change_management", "incident_response",
            "vendor_management", "business_continuity", "data_classification", "data_retention", "privacy",
            "code_of_conduct", "risk_management", "secure_development"} <= used


def _roles_in(text: str) -> set[str]:
    return set((yaml.safe_load(text) or {}).get("roles") or {})


def test_roles_cover_the_demo_scope_starter_and_policy_owners(cat: Catalog) -> None:
    from trustgap.policies.library import POLICIES

    roles = {r.id for r in cat.roles}
    demo = resources.files("trustgap.demo") / "northwind" / "scope.yaml"
    assert _roles_in(demo.read_text(encoding="utf-8")) <= roles
    assert {p.owner_role for p in POLICIES} <= roles
    assert {"security_lead", "cto", "people_ops", "engineering_lead", "ceo"} <= roles
    assert {c.owner_role for c in cat.controls} <= roles
