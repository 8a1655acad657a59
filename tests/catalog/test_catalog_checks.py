"""The checks name the controls they decide (the one place that mapping is kept) and agree with the catalog."""

from __future__ import annotations

import pytest

from trustgap.catalog.loader import Catalog, load_catalog
from trustgap.checks.base import Check, checks_by_control, load_checks


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def checks() -> dict[str, Check]:
    return load_checks()


def test_every_check_names_known_controls(cat: Catalog, checks: dict[str, Check]) -> None:
    for cid, chk in checks.items():
        assert chk.meta.controls, cid
        assert len(set(chk.meta.controls)) == len(chk.meta.controls), cid
        for ctl_id in chk.meta.controls:
            assert cat.has_control(ctl_id), f"{cid}: unknown control {ctl_id}"


def test_checks_by_control_is_read_from_the_checks(checks: dict[str, Check]) -> None:
    by_control = checks_by_control()
    assert by_control["AC-04"] and "idp.mfa_enforced" in by_control["AC-04"]
    assert sorted((ctl, cid) for ctl, ids in by_control.items() for cid in ids) == sorted(
        (ctl, cid) for cid, chk in checks.items() for ctl in chk.meta.controls)


def test_check_criteria_are_among_their_controls_criteria(cat: Catalog, checks: dict[str, Check]) -> None:
    known = {c.id for c in cat.criteria}
    for cid, chk in checks.items():
        assert set(chk.meta.criteria) <= known, cid
        allowed = set().union(*(cat.control(c).criteria for c in chk.meta.controls))
        assert set(chk.meta.criteria) <= allowed, f"{cid}: {set(chk.meta.criteria) - allowed}"


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
