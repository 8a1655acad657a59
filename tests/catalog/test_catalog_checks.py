"""The catalog's `checks` of each control and the registered checks' own `controls` agree both ways."""

from __future__ import annotations

import pytest

from trustgap.catalog.loader import Catalog, load_catalog
from trustgap.checks.base import Check, load_checks


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def checks() -> dict[str, Check]:
    return load_checks()


def test_every_catalog_check_exists_and_names_its_control(cat: Catalog, checks: dict[str, Check]) -> None:
    for ctl in cat.controls:
        for cid in ctl.checks:
            assert cid in checks, f"{ctl.id}: no registered check {cid}"
            assert ctl.id in checks[cid].meta.controls, f"{ctl.id} lists {cid}, whose controls do not include it"


def test_every_check_is_listed_by_each_of_its_controls(cat: Catalog, checks: dict[str, Check]) -> None:
    for cid, chk in checks.items():
        assert chk.meta.controls, cid
        for ctl_id in chk.meta.controls:
            assert cat.has_control(ctl_id), f"{cid}: unknown control {ctl_id}"
            assert cid in cat.control(ctl_id).checks, f"{ctl_id} does not list {cid}"


def test_check_criteria_are_among_their_controls_criteria(cat: Catalog, checks: dict[str, Check]) -> None:
    known = {c.id for c in cat.criteria}
    for cid, chk in checks.items():
        assert set(chk.meta.criteria) <= known, cid
        allowed = set().union(*(cat.control(c).criteria for c in chk.meta.controls))
        assert set(chk.meta.criteria) <= allowed, f"{cid}: {set(chk.meta.criteria) - allowed}"


def test_checks_are_listed_sorted_and_once(cat: Catalog) -> None:
    for ctl in cat.controls:
        assert ctl.checks == sorted(set(ctl.checks)), ctl.id
    assert cat.controls_for_check("idp.mfa_enforced")[0].id == "AC-04"


def test_policy_checks_match_the_controls_policy_key(cat: Catalog, checks: dict[str, Check]) -> None:
    """A control decided by a single-policy check (function ``policy_<key>``) expects that policy."""
    judged = 0
    for chk in checks.values():
        key = chk.fn.__name__.removeprefix("policy_")
        if chk.fn.__name__.startswith("policy_"):
            judged += 1
            for ctl_id in chk.meta.controls:
                assert cat.control(ctl_id).policy == key, (chk.meta.id, ctl_id)
    assert judged >= 10
