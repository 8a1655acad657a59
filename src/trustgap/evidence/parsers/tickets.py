"""What the ticketing specs cannot say as a mapping (``jira_changes`` in ``trustgap/evidence/formats/``): one
:class:`Change` of kind ``ticket`` per issue, in the issue's project, with an emergency change told by Jira Service
Management's change type (Emergency), the issue type ("Emergency Change") or an emergency / hotfix / break-glass /
expedite label. The assignee, who carries the change out, is kept as ``merged_by``."""

from __future__ import annotations

import re
from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.facts import Change

_EMERGENCY = re.compile(r"emergency|hot[-_ ]?fix|break[-_ ]?glass|expedite", re.I)


def _emergency(row: MappedRow) -> bool:
    texts = [str(row.get("change_type") or ""), str(row.get("issue_type") or ""), *map(str, row.get("labels") or ())]
    return any(_EMERGENCY.search(t) for t in texts if t)


@register_hook("jira_changes")
def jira_changes(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        key = row.get("change_id")
        if not key:
            hc.skip(row, f"{row.header('change_id')} is empty: the ticket is skipped", "change_id")
            continue
        project = row.get("project") or str(key).rsplit("-", 1)[0]
        out.append(Change(
            src=hc.ctx.src(row.locator), system="jira", kind="ticket", repository=str(project), change_id=str(key),
            title=row.get("title"), author=row.get("reporter"), merged_by=row.get("assignee"),
            created_at=row.get("created_at"),
            closed_at=row.get("closed_at"), status=row.get("status"),
            labels=tuple(row.get("labels") or ()), emergency=_emergency(row),
            approvers=tuple(a for a in (row.get("approvers") or ()) if a), approved_at=row.get("approved_at"),
            links=tuple(row.get("links") or ()),
        ))
    return out
