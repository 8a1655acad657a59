"""What the access-review spec cannot say as a mapping (``access_review_decisions`` in
``trustgap/evidence/formats/``): an access review's decisions also make the dated review itself, one per system and
day."""

from __future__ import annotations

from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.facts import Record


@register_hook("access_review_decisions")
def access_review_decisions(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    """One :class:`AccessDecision` per row, and one dated ``access_review`` :class:`Record` per system and day
    reviewed (who reviewed, how many decisions, how many revocations), so that the review cadence is judged from
    the same export as the decisions."""
    decisions: list[Any] = []
    reviews: dict[tuple[str, Any], list[MappedRow]] = {}
    for row in rows:
        lacking = [f for f in ("account", "decision", "reviewed_on") if row.get(f) in (None, "")]
        if lacking:
            why = "could not be read" if lacking[0] in row.bad else "is empty"
            hc.skip(row, f"{row.header(lacking[0])} {why}: the decision is skipped", lacking[0])
            continue
        decisions.append(hc.fact(row))
        reviews.setdefault((str(row.get("system")), row.get("reviewed_on")), []).append(row)
    out: list[Any] = list(decisions)
    for (system, day), group in sorted(reviews.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        reviewers = tuple(dict.fromkeys(str(r.get("reviewer")) for r in group if r.get("reviewer")))
        names = {str(r.get("review")) for r in group if r.get("review")}
        out.append(Record(
            src=hc.ctx.src(group[0].locator), kind="access_review", performed_on=day, subject=system.lower(),
            title=names.pop() if len(names) == 1 else None, participants=reviewers,
            performed_by=reviewers[0] if len(reviewers) == 1 else None, outcome="completed",
            details={"decisions": len(group), "revoked": sum(1 for r in group if r.get("decision") == "revoke"),
                     "modified": sum(1 for r in group if r.get("decision") == "modify")},
        ))
    return out
