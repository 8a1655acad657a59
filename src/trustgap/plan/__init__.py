"""Remediation planning: prioritised tasks, a three-phase roadmap, projected readiness and the risk
register (:func:`build_plan`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trustgap.catalog.loader import Catalog
    from trustgap.engine.models import AssessmentResult
    from trustgap.scope import Scope


def build_plan(result: AssessmentResult, cat: Catalog, scope: Scope, thresholds: dict[str, Any]) -> dict[str, Any]:
    """See :func:`trustgap.plan.build.build_plan`."""
    from trustgap.plan.build import build_plan as _build

    return _build(result, cat, scope, thresholds)


__all__ = ["build_plan"]
