"""The priority of a gap: how likely it is to fail the audit and how much it matters, against the effort
to close it. Every part of the score is kept so reports can show how it was reached.

- likelihood (1-5) = weighted mean of the gap kind's scale (not operating and missing highest), the
  control's severity, and how often auditors test the control (``plan/data/audit_focus.yaml``);
- impact (1-5) = the control's severity, plus half a point when it covers two or more criteria and half
  a point when five or more entities are at fault (capped at 5);
- value = weighted mean of likelihood and impact; cost = effort points (S=1, M=2, L=3) to the power
  of the effort weight; score = 20 x value / cost (100 for a certain, severe, small fix).

A quick win is a gap with likelihood 4 or more that takes little effort (S): it ranks first among
gaps of equal likelihood and impact because its cost is lowest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trustgap.plan.data import PlanData
from trustgap.plan.settings import PlanSettings


def _r(x: float, nd: int = 2) -> float:
    return float(round(x + 0.0, nd))


@dataclass(frozen=True)
class Scored:
    likelihood: float
    impact: float
    effort: str
    effort_points: int
    value: float
    score: float
    quick_win: bool
    parts: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"likelihood": self.likelihood, "impact": self.impact, "effort": self.effort,
                "effort_points": self.effort_points, "value": self.value, "score": self.score,
                "quick_win": self.quick_win, "parts": self.parts}


def audit_focus(data: PlanData, control_id: str, test_methods: list[str]) -> tuple[int, str]:
    entry = data.focus.controls.get(control_id)
    if entry:
        return entry.focus, entry.why
    if test_methods and all(m == "inquiry" for m in test_methods):
        return data.focus.inquiry_only, "tested by inquiry only"
    return data.focus.default, "tested like most controls"


def score_gap(
    data: PlanData,
    settings: PlanSettings,
    *,
    control_id: str,
    kind: str,
    severity: str,
    effort: str,
    criteria: int,
    entities_at_fault: int,
    test_methods: list[str],
) -> Scored:
    """Score one gap. ``kind`` is the gap kind, or ``not_assessed``."""
    w = settings.weights
    kind_v = data.scoring.gap_kind.get(kind, 3)  # type: ignore[call-overload]
    sev_v = data.scoring.severity.get(severity, 3)  # type: ignore[call-overload]
    focus_v, focus_why = audit_focus(data, control_id, test_methods)
    lw = w.gap_kind + w.severity + w.audit_focus
    likelihood = _r((w.gap_kind * kind_v + w.severity * sev_v + w.audit_focus * focus_v) / lw)
    breadth = 0.5 if criteria >= 2 else 0.0
    spread = 0.5 if entities_at_fault >= 5 else 0.0
    impact = _r(min(5.0, sev_v + breadth + spread))
    value = _r((w.likelihood * likelihood + w.impact * impact) / (w.likelihood + w.impact))
    points = settings.effort_points.get(effort, 2)  # type: ignore[call-overload]
    cost = points ** w.effort
    score = _r(20 * value / cost, 1)
    return Scored(
        likelihood=likelihood,
        impact=impact,
        effort=effort,
        effort_points=points,
        value=value,
        score=score,
        quick_win=likelihood >= 4 and effort == "S",
        parts={
            "gap_kind": {"value": kind_v, "of": kind, "weight": w.gap_kind},
            "severity": {"value": sev_v, "of": severity, "weight": w.severity},
            "audit_focus": {"value": focus_v, "why": focus_why, "weight": w.audit_focus},
            "impact_breadth": breadth,
            "impact_spread": spread,
            "weights": {"likelihood": w.likelihood, "impact": w.impact, "effort": w.effort},
            "cost": _r(cost),
        },
    )


def explain(s: dict[str, Any]) -> str:
    """One line a person can check: how the score was reached."""
    p = s["parts"]
    w = p["weights"]
    return (f"likelihood {s['likelihood']:g} (gap kind {p['gap_kind']['value']}, severity {p['severity']['value']}, "
            f"audit focus {p['audit_focus']['value']}); impact {s['impact']:g}; value "
            f"{w['likelihood']:g}x{s['likelihood']:g}+{w['impact']:g}x{s['impact']:g} = {s['value']:g}; "
            f"effort {s['effort']} ({s['effort_points']} pt, cost {p['cost']:g}); score 20x{s['value']:g}/"
            f"{p['cost']:g} = {s['score']:g}")
