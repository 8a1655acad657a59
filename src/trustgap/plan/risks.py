"""The risk register: gaps the roadmap does not schedule, gaps the organisation decided to treat
otherwise (accept, transfer, avoid), and risks added by hand in the scope file. Each has a likelihood
and impact (1-5), a rating from the configurable matrix, an owner, a treatment with its justification,
and a review date. Accepted risks stay on the register, marked as accepted."""

from __future__ import annotations

from datetime import date
from typing import Any

from trustgap.dates import add_months
from trustgap.plan.prioritize import Scored
from trustgap.plan.settings import Decision, ManualRisk, PlanSettings, RiskMatrix
from trustgap.plan.tasks import Owner, Task, owner_of

STATUS_OF = {"accept": "accepted", "transfer": "transferred", "avoid": "avoided", "mitigate": "to mitigate"}


def to_scale(x: float) -> int:
    """A 1-5 score with one or two decimals as a whole step of the matrix (halves round up)."""
    return max(1, min(5, int(x + 0.5)))


def is_critical(scored: Scored, matrix: RiskMatrix) -> bool:
    """A gap the register rates at the matrix's most severe level (5 x 5 with the default bands)."""
    return matrix.rate(to_scale(scored.likelihood), to_scale(scored.impact)) == matrix.levels[-1]


def _entry(*, rid: str, source: str, title: str, description: str, controls: list[str], criteria: list[str],
           likelihood: int, impact: int, owner: Owner | None, treatment: str, justification: str,
           review: date, matrix: RiskMatrix) -> dict[str, Any]:
    return {
        "id": rid,
        "source": source,
        "title": title,
        "description": description,
        "controls": controls,
        "criteria": criteria,
        "likelihood": likelihood,
        "impact": impact,
        "score": likelihood * impact,
        "rating": matrix.rate(likelihood, impact),
        "owner_role": owner.role if owner else None,
        "owner": owner.label if owner else None,
        "treatment": treatment,
        "status": STATUS_OF[treatment],
        "accepted": treatment == "accept",
        "justification": justification,
        "review_date": review.isoformat(),
    }


def build_register(
    *,
    unscheduled: list[tuple[Task, str]],
    decided: list[tuple[str, str, list[str], str, Scored, Owner, Decision]],
    settings: PlanSettings,
    roles: dict[str, str],
    default_review: date,
    as_of: date,
    risk_review_months: int,
) -> dict[str, Any]:
    """``decided``: (control id, title, criteria, status, scored, owner, decision) for each gap taken off
    the roadmap by a decision in the scope file."""
    matrix = settings.risk_matrix
    risks: list[dict[str, Any]] = []
    for t, why in sorted(unscheduled, key=lambda x: (-x[0].score, x[0].control_id)):
        d = settings.decisions.get(t.control_id)  # a "mitigate" decision keeps the gap planned
        risks.append(_entry(
            rid=f"R-{t.control_id}", source="unscheduled", title=t.title,
            description=f"{t.control_id} is {t.status.replace('_', ' ')} ({t.kind.replace('_', ' ')}) and not "
                        f"scheduled in this roadmap: {why}",
            controls=[t.control_id], criteria=t.criteria, likelihood=to_scale(t.scored.likelihood),
            impact=to_scale(t.scored.impact), owner=t.owner, treatment="mitigate",
            justification=d.justification if d else f"to be planned in the next remediation cycle ({why})",
            review=d.review_date if d and d.review_date else default_review, matrix=matrix))
    for cid, title, criteria, status, scored, owner, dec in sorted(decided, key=lambda x: x[0]):
        risks.append(_entry(
            rid=f"R-{cid}", source="decision", title=title,
            description=f"{cid} is {status.replace('_', ' ')}; treatment decided in the scope file",
            controls=[cid], criteria=criteria, likelihood=to_scale(scored.likelihood),
            impact=to_scale(scored.impact), owner=owner_of(dec.owner, roles) if dec.owner else owner,
            treatment=dec.treatment, justification=dec.justification,
            review=dec.review_date or add_months(as_of, risk_review_months), matrix=matrix))
    for i, m in enumerate(settings.risks, start=1):
        risks.append(_manual(m, i, roles, matrix, add_months(as_of, risk_review_months)))
    # most severe first: rating, then likelihood x impact; ties keep their order (unscheduled, decided, manual)
    rank = {level: i for i, level in enumerate(matrix.levels)}
    risks.sort(key=lambda r: (-rank[r["rating"]], -r["score"]))
    cells = []
    for lk in range(5, 0, -1):
        for im in range(1, 6):
            ids = [r["id"] for r in risks if r["likelihood"] == lk and r["impact"] == im]
            cells.append({"likelihood": lk, "impact": im, "rating": matrix.rate(lk, im), "risks": ids})
    counts: dict[str, int] = {level: 0 for level in matrix.levels}
    for r in risks:
        counts[r["rating"]] += 1
    return {
        "levels": matrix.levels,
        "bands": dict(matrix.bands),
        "custom_grid": matrix.grid is not None,
        "cells": cells,
        "risks": risks,
        "counts": counts,
        "accepted": [r["id"] for r in risks if r["accepted"]],
    }


def _manual(m: ManualRisk, i: int, roles: dict[str, str], matrix: RiskMatrix, review: date) -> dict[str, Any]:
    owner = owner_of(m.owner, roles) if m.owner else None
    return _entry(rid=m.id or f"R-M{i:02d}", source="manual", title=m.title, description=m.description,
                  controls=list(m.controls), criteria=list(m.criteria), likelihood=m.likelihood, impact=m.impact,
                  owner=owner, treatment=m.treatment, justification=m.justification,
                  review=m.review_date or review, matrix=matrix)
