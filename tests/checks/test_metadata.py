"""Every registered check carries complete metadata that agrees with the control catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from trustgap.checks.base import Category, Effort, Severity, load_checks
from trustgap.thresholds import Thresholds

CHECKS = load_checks()


def test_enough_checks() -> None:
    assert len(CHECKS) >= 45


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_metadata_complete(check_id: str) -> None:
    m = CHECKS[check_id].meta
    assert m.title and m.remediation and len(m.remediation) > 40
    assert m.controls and m.criteria
    assert m.severity in get_args(Severity)
    assert m.effort in get_args(Effort)
    assert m.category in get_args(Category)
    assert set(m.thresholds) <= set(Thresholds.model_fields), m.thresholds
    assert check_id.count(".") >= 1 and check_id == check_id.lower()


def test_criteria_subset_of_controls_criteria() -> None:
    data = Path(__file__).resolve().parents[2] / "src/trustgap/catalog/data/controls.yaml"
    if not data.exists():
        pytest.skip("the control catalogue (catalog/data/controls.yaml) is not there yet")
    from trustgap.catalog.loader import load_catalog

    catalog = load_catalog()
    controls = {c.id: set(c.criteria) for c in catalog.controls}
    for check_id, c in CHECKS.items():
        for cid in c.meta.controls:
            assert cid in controls, f"{check_id}: unknown control {cid}"
        allowed = set().union(*(controls[cid] for cid in c.meta.controls))
        assert set(c.meta.criteria) <= allowed, f"{check_id}: {set(c.meta.criteria) - allowed}"
