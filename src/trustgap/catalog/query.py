"""What ``trustgap catalog`` shows: the criteria, the controls and their framework mappings as plain data,
filtered by criterion and/or framework. JSON for machines (:func:`catalog_json`), rows for the table
(:func:`catalog_rows`). Pure functions over a loaded :class:`~trustgap.catalog.loader.Catalog`."""

from __future__ import annotations

from typing import Any, Literal

from trustgap.catalog.loader import Catalog, Control, FrameworkControl
from trustgap.errors import TrustgapError

Kind = Literal["criteria", "controls", "mappings", "frameworks"]
FRAMEWORKS: tuple[str, ...] = ("iso27001", "nist_csf")
_LABEL = {"iso27001": "ISO/IEC 27001:2022 Annex A", "nist_csf": "NIST CSF 2.0"}


def _frameworks(framework: str | None) -> tuple[str, ...]:
    if framework is None:
        return FRAMEWORKS
    if framework not in FRAMEWORKS:
        raise KeyError(framework)
    return (framework,)


def _controls(cat: Catalog, criterion: str | None) -> list[Control]:
    return cat.controls_for_criterion(criterion) if criterion else list(cat.controls)


def framework_coverage(cat: Catalog, name: str, controls: list[Control] | None = None) -> dict[str, Any]:
    """Which ids of a framework the (given or all) controls map to: totals and, per id, the controls."""
    chosen = cat.controls if controls is None else controls
    by_id: dict[str, list[str]] = {f.id: [] for f in cat.framework(name)}
    for ctl in chosen:
        for fid in getattr(ctl, name):
            by_id[fid].append(ctl.id)
    mapped = sum(1 for ids in by_id.values() if ids)
    items: list[FrameworkControl] = cat.framework(name)
    return {
        "name": _LABEL[name],
        "total": len(items),
        "mapped": mapped,
        "items": [{"id": f.id, "title": f.title, "group": f.group, "controls": by_id[f.id]} for f in items],
    }


def catalog_json(cat: Catalog, *, criterion: str | None = None, framework: str | None = None) -> dict[str, Any]:
    """The catalog as JSON-ready data. ``criterion`` keeps that criterion and the controls that satisfy it;
    ``framework`` keeps only that framework's mappings and catalog."""
    names = _frameworks(framework)
    controls = _controls(cat, criterion)
    criteria = [c for c in cat.criteria if criterion is None or c.id == criterion]
    out: dict[str, Any] = {
        "version": cat.version,
        "categories": [c.model_dump() for c in cat.categories],
        "series": [s.model_dump() for s in cat.series],
        "roles": [r.model_dump() for r in cat.roles],
        "criteria": [{**c.model_dump(), "controls": [x.id for x in cat.controls_for_criterion(c.id)]}
                     for c in criteria],
        "controls": [_control_json(ctl, names) for ctl in controls],
        "frameworks": {n: framework_coverage(cat, n, controls) for n in names},
    }
    return out


def _control_json(ctl: Control, names: tuple[str, ...]) -> dict[str, Any]:
    data = ctl.model_dump()
    for n in FRAMEWORKS:
        if n not in names:
            data.pop(n)
    return data


def catalog_rows(cat: Catalog, *, kind: Kind = "controls", criterion: str | None = None,
                 framework: str | None = None) -> list[dict[str, str | list[str]]]:
    """Rows for a table; every row of one call has the same keys."""
    names = _frameworks(framework)
    controls = _controls(cat, criterion)
    if kind == "criteria":
        return [{"id": c.id, "category": c.category, "title": c.title,
                 "controls": [x.id for x in cat.controls_for_criterion(c.id)]}
                for c in cat.criteria if criterion is None or c.id == criterion]
    if kind == "controls":
        rows: list[dict[str, str | list[str]]] = []
        for ctl in controls:
            row: dict[str, str | list[str]] = {
                "id": ctl.id, "title": ctl.title, "category": ctl.category, "owner": ctl.owner_role,
                "effort": ctl.effort, "severity": ctl.severity, "criteria": ctl.criteria}
            if framework:
                row[framework] = getattr(ctl, framework)
            rows.append(row)
        return rows
    if kind == "mappings":
        return [{"id": ctl.id, "title": ctl.title, "criteria": ctl.criteria,
                 **{n: getattr(ctl, n) for n in names}} for ctl in controls]
    if kind == "frameworks":
        return [{"framework": n, "id": item["id"], "title": item["title"], "group": item["group"],
                 "controls": item["controls"]}
                for n in names for item in framework_coverage(cat, n, controls)["items"]]
    raise TrustgapError(f"unknown catalog kind {kind!r} (use criteria, controls, mappings or frameworks)")
