"""What ``trustgap catalog`` shows: the criteria, the controls and their framework mappings as plain data,
filtered by criterion and/or framework. JSON for machines (:func:`catalog_json`), rows for the table
(:func:`catalog_rows`). Pure functions over a loaded :class:`~trustgap.catalog.loader.Catalog`."""

from __future__ import annotations

from typing import Any, Literal

from trustgap.catalog.loader import Catalog, Control, FrameworkControl
from trustgap.errors import TrustgapError

Kind = Literal["criteria", "controls", "mappings", "frameworks"]


def _frameworks(cat: Catalog, framework: str | None) -> tuple[str, ...]:
    """Every framework of the catalog, or the one named (by id or alias; KeyError when unknown)."""
    if framework is None:
        return tuple(cat.frameworks)
    return (cat.framework_info(framework).id,)


def _controls(cat: Catalog, criterion: str | None) -> list[Control]:
    return cat.controls_for_criterion(criterion) if criterion else list(cat.controls)


def framework_coverage(cat: Catalog, name: str, controls: list[Control] | None = None) -> dict[str, Any]:
    """Which ids of a framework the (given or all) controls map to: totals and, per id, the controls."""
    chosen = cat.controls if controls is None else controls
    fw = cat.framework_info(name)
    by_id: dict[str, list[str]] = {f.id: [] for f in fw.requirements}
    for ctl in chosen:
        for fid in fw.requirements_of(ctl.id):
            by_id[fid].append(ctl.id)
    mapped = sum(1 for ids in by_id.values() if ids)
    items: list[FrameworkControl] = fw.requirements
    return {
        "name": fw.name,
        "version": fw.version,
        "total": len(items),
        "mapped": mapped,
        "items": [{"id": f.id, "title": f.title, "group": f.group, "controls": by_id[f.id]} for f in items],
    }


def catalog_json(cat: Catalog, *, criterion: str | None = None, framework: str | None = None) -> dict[str, Any]:
    """The catalog as JSON-ready data. ``criterion`` keeps that criterion and the controls that satisfy it;
    ``framework`` keeps only that framework's mappings and catalog."""
    names = _frameworks(cat, framework)
    controls = _controls(cat, criterion)
    criteria = [c for c in cat.criteria if criterion is None or c.id == criterion]
    out: dict[str, Any] = {
        "version": cat.version,
        "categories": [c.model_dump() for c in cat.categories],
        "series": [s.model_dump() for s in cat.series],
        "roles": [r.model_dump() for r in cat.roles],
        "criteria": [{**c.model_dump(), "controls": [x.id for x in cat.controls_for_criterion(c.id)]}
                     for c in criteria],
        "controls": [_control_json(cat, ctl, names) for ctl in controls],
        "frameworks": {n: framework_coverage(cat, n, controls) for n in names},
    }
    return out


def _control_json(cat: Catalog, ctl: Control, names: tuple[str, ...]) -> dict[str, Any]:
    """A control with its mapping to each framework shown (``"iso27001": ["A.5.15", ...]``)."""
    return {**ctl.model_dump(), **{n: cat.mapped(n, ctl.id) for n in names}}


def catalog_rows(cat: Catalog, *, kind: Kind = "controls", criterion: str | None = None,
                 framework: str | None = None) -> list[dict[str, str | list[str]]]:
    """Rows for a table; every row of one call has the same keys."""
    names = _frameworks(cat, framework)
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
            for n in (names if framework else ()):
                row[n] = cat.mapped(n, ctl.id)
            rows.append(row)
        return rows
    if kind == "mappings":
        return [{"id": ctl.id, "title": ctl.title, "criteria": ctl.criteria,
                 **{n: cat.mapped(n, ctl.id) for n in names}} for ctl in controls]
    if kind == "frameworks":
        return [{"framework": n, "id": item["id"], "title": item["title"], "group": item["group"],
                 "controls": item["controls"]}
                for n in names for item in framework_coverage(cat, n, controls)["items"]]
    raise TrustgapError(f"unknown catalog kind {kind!r} (use criteria, controls, mappings or frameworks)")
