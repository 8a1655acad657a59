"""Every registered check carries complete metadata that agrees with the control catalogue."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest

from trustgap.checks.base import Category, Effort, Severity, load_checks
from trustgap.thresholds import Thresholds

CHECKS = load_checks()


CHECKS_DIR = Path(__file__).resolve().parents[2] / "src/trustgap/checks"


def _decorated_ids() -> list[str]:
    """The id of every ``@check(id="...")`` written literally in the check modules, read from their source."""
    ids: list[str] = []
    for path in sorted(CHECKS_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for deco in node.decorator_list:
                    if isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "check":
                        ids.extend(k.value.value for k in deco.keywords
                                   if k.arg == "id" and isinstance(k.value, ast.Constant))
    return ids


def test_every_check_module_registers_its_checks() -> None:
    """The registry is exactly what the check modules declare: every module of trustgap/checks contributes,
    nothing comes from elsewhere, and every check written with a literal id is registered, once."""
    modules = {p.stem for p in CHECKS_DIR.glob("*.py") if not p.stem.startswith("_") and p.stem != "base"}
    by_module = Counter(c.fn.__module__ for c in CHECKS.values())
    assert set(by_module) == {f"trustgap.checks.{m}" for m in modules}
    assert all(CHECKS[cid].meta.id == cid for cid in CHECKS)
    written = _decorated_ids()
    assert len(written) == len(set(written)), sorted({i for i in written if written.count(i) > 1})
    assert set(written) <= set(CHECKS) and len(written) > len(CHECKS) / 2


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
