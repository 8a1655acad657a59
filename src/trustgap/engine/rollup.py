"""Roll control verdicts up to criteria, Trust Services categories, ISO/IEC 27001 and NIST CSF, and overall.

Readiness = (Implemented + Partial / 2) / in-scope controls. Not assessed controls count in the
denominator of ``score`` (they are not ready until shown to be) and are reported apart; ``assessed_score``
leaves them out. Not applicable controls count nowhere. Partial and Gap controls that rest only on "cannot
tell" findings (insufficient evidence, no proven breach) are counted apart in ``counts.cannot_tell``. Assessed
controls are counted by what decided them: ``counts.from_evidence`` (an automated check had data) and
``counts.from_interview`` (an answer alone), so each category says how much of it the evidence settled.

Status of a group of controls: Not assessed when none was assessed; Implemented when every in-scope
control is Implemented; Gap when none is Implemented or Partial; otherwise Partial.
"""

from __future__ import annotations

from collections.abc import Iterable

from trustgap.catalog.loader import Catalog
from trustgap.engine.models import Counts, Readiness, Rollup, Verdict


def counts_of(verdicts: Iterable[Verdict]) -> Counts:
    c = Counts()
    for v in verdicts:
        setattr(c, v.status, getattr(c, v.status) + 1)
        if v.status in ("gap", "partial") and v.certainty == "cannot_tell":
            c.cannot_tell += 1
        if v.status in ("implemented", "partial", "gap"):
            if v.basis == "evidence":
                c.from_evidence += 1
            elif v.basis == "interview":
                c.from_interview += 1
    return c


def readiness_of(verdicts: Iterable[Verdict]) -> Readiness:
    c = counts_of(verdicts)
    points = c.implemented + 0.5 * c.partial
    score = round(100 * points / c.in_scope, 1) if c.in_scope else None
    assessed = round(100 * points / c.assessed, 1) if c.assessed else None
    return Readiness(score=score, assessed_score=assessed, counts=c)


def status_of(c: Counts) -> str:
    if c.in_scope == 0:
        return "not_applicable"
    if c.assessed == 0:
        return "not_assessed"
    if c.implemented == c.in_scope:
        return "implemented"
    if c.implemented == 0 and c.partial == 0:
        return "gap"
    return "partial"


def _rollup(id_: str, title: str, group: str, verdicts: list[Verdict]) -> Rollup:
    r = readiness_of(verdicts)
    return Rollup(id=id_, title=title, group=group, status=status_of(r.counts), readiness=r,  # type: ignore[arg-type]
                  controls=sorted(v.control_id for v in verdicts))


def rollup_criteria(cat: Catalog, verdicts: list[Verdict], categories: list[str]) -> list[Rollup]:
    by_control = {v.control_id: v for v in verdicts}
    out = []
    for crit in cat.criteria:
        vs = [by_control[c.id] for c in cat.controls_for_criterion(crit.id) if c.id in by_control]
        if crit.category not in categories:
            vs = [v.model_copy(update={"status": "not_applicable"}) for v in vs]
        out.append(_rollup(crit.id, crit.title, crit.category, vs))
    return out


def rollup_categories(cat: Catalog, verdicts: list[Verdict], categories: list[str]) -> list[Rollup]:
    by_control = {v.control_id: v for v in verdicts}
    out = []
    for category in cat.categories:
        if category.id not in categories:
            continue
        crit_ids = {c.id for c in cat.criteria if c.category == category.id}
        vs = [by_control[c.id] for c in cat.controls if crit_ids & set(c.criteria) and c.id in by_control]
        out.append(_rollup(category.id, category.title, "tsc", vs))
    return out


def rollup_frameworks(cat: Catalog, verdicts: list[Verdict]) -> dict[str, list[Rollup]]:
    """The rollups of every framework of the catalog, by framework id."""
    return {f: rollup_framework(cat, verdicts, f) for f in cat.frameworks}


def rollup_framework(cat: Catalog, verdicts: list[Verdict], framework: str) -> list[Rollup]:
    """One rollup per requirement of a framework (any in ``cat.frameworks``) that at least one of our controls
    maps to."""
    by_control = {v.control_id: v for v in verdicts}
    fw = cat.framework_info(framework)
    mapped: dict[str, list[Verdict]] = {}
    for c in cat.controls:
        for fid in fw.requirements_of(c.id):
            if c.id in by_control:
                mapped.setdefault(fid, []).append(by_control[c.id])
    out = []
    for fc in fw.requirements:
        if fc.id in mapped:
            out.append(_rollup(fc.id, fc.title, fc.group, mapped[fc.id]))
    return out
