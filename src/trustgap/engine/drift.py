"""Drift between two stored runs: what got better, what got worse, and what is new.

Pure: two results in, one :class:`Drift` out. Controls are matched by id and findings by their stable id
(check, entity type and entity), so "the same user still has no MFA" is one finding carried over, not a new
one. A control counts as regressed when its status moved down the order Implemented > Partial > Gap (Not
assessed and Not applicable are reported as changes, never as improvements or regressions, because they say
nothing about the control itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trustgap.engine.labels import STATUS_LABELS

if TYPE_CHECKING:  # the result models are not needed to hold or print a drift read from stored rows
    from trustgap.engine.models import AssessmentResult, Finding

_RANK = {"implemented": 2, "partial": 1, "gap": 0}


@dataclass(frozen=True)
class ControlChange:
    control_id: str
    title: str
    before: str | None  # None: not in the older run's catalog
    after: str
    direction: str  # "improved", "regressed" or "changed"
    reason: str


@dataclass
class Drift:
    older: dict[str, Any]  # run id, as-of date, readiness
    newer: dict[str, Any]
    readiness_delta: float | None
    changes: list[ControlChange] = field(default_factory=list)
    new_findings: list[Finding] = field(default_factory=list)
    resolved_findings: list[Finding] = field(default_factory=list)
    carried_findings: int = 0

    @property
    def regressions(self) -> list[ControlChange]:
        return [c for c in self.changes if c.direction == "regressed"]

    @property
    def improvements(self) -> list[ControlChange]:
        return [c for c in self.changes if c.direction == "improved"]

    def as_dict(self) -> dict[str, Any]:
        def finding(f: Finding) -> dict[str, Any]:
            return {"id": f.id, "control_id": f.control_id, "check_id": f.check_id, "severity": f.severity,
                    "entity": f.entity, "reason": f.reason}

        return {
            "older": self.older, "newer": self.newer, "readiness_delta": self.readiness_delta,
            "changes": [c.__dict__ for c in self.changes],
            "new_findings": [finding(f) for f in self.new_findings],
            "resolved_findings": [finding(f) for f in self.resolved_findings],
            "carried_findings": self.carried_findings,
        }


def _direction(before: str | None, after: str) -> str:
    if before in _RANK and after in _RANK:
        assert before is not None
        return "improved" if _RANK[after] > _RANK[before] else "regressed"
    return "changed"


def _head(run_id: str | None, r: AssessmentResult) -> dict[str, Any]:
    return {"run": run_id, "as_of": r.as_of.isoformat(), "readiness": r.readiness.score,
            "organisation": r.organisation}


def compare(older: AssessmentResult, newer: AssessmentResult, *, older_id: str | None = None,
            newer_id: str | None = None) -> Drift:
    """The drift from ``older`` to ``newer`` (the same organisation, two dates or two evidence sets)."""
    before = {v.control_id: v for v in older.verdicts}
    changes: list[ControlChange] = []
    for v in newer.verdicts:
        old = before.get(v.control_id)
        if old is not None and old.status == v.status:
            continue
        changes.append(ControlChange(v.control_id, v.title, old.status if old else None, v.status,
                                     _direction(old.status if old else None, v.status), v.reason))
    order = {"regressed": 0, "improved": 1, "changed": 2}
    changes.sort(key=lambda c: (order[c.direction], c.control_id))
    old_f = {f.id: f for f in older.findings}
    new_f = {f.id: f for f in newer.findings}
    delta = (None if older.readiness.score is None or newer.readiness.score is None
             else round(newer.readiness.score - older.readiness.score, 1))
    return Drift(
        older=_head(older_id, older), newer=_head(newer_id, newer), readiness_delta=delta, changes=changes,
        new_findings=[f for fid, f in new_f.items() if fid not in old_f],
        resolved_findings=[f for fid, f in old_f.items() if fid not in new_f],
        carried_findings=sum(1 for fid in new_f if fid in old_f),
    )


def drift_markdown(d: Drift) -> str:
    """The drift as Markdown, for a pull request, a ticket or a chat message."""
    o, n = d.older, d.newer
    lines = [f"# Drift: {n['organisation']}", "",
             f"From run `{o['run']}` (as of {o['as_of']}, readiness {o['readiness']}%) to run `{n['run']}` "
             f"(as of {n['as_of']}, readiness {n['readiness']}%)"
             + (f": {d.readiness_delta:+.1f} points." if d.readiness_delta is not None else "."), ""]
    for title, items in (("Regressed", d.regressions), ("Improved", d.improvements),
                         ("Changed", [c for c in d.changes if c.direction == "changed"])):
        if items:
            lines += [f"## {title} ({len(items)})", ""]
            lines += [f"- **{c.control_id}** {c.title}: {STATUS_LABELS.get(c.before or '', 'new')} → "
                      f"{STATUS_LABELS[c.after]}" for c in items]
            lines.append("")
    lines += [f"## Findings: {len(d.new_findings)} new, {len(d.resolved_findings)} resolved, "
              f"{d.carried_findings} still open", ""]
    lines += [f"- new [{f.severity}] {f.control_id} {f.entity or ''}: {f.reason}" for f in d.new_findings[:50]]
    lines += [f"- resolved {f.control_id} {f.entity or ''}" for f in d.resolved_findings[:50]]
    return "\n".join(lines).rstrip() + "\n"
