"""Microsoft Entra ID audit logs: Microsoft Graph ``GET /auditLogs/directoryAudits`` (v1.0 and beta), the account
lifecycle events with their exact times.

Format reference: the directoryAudit resource (https://learn.microsoft.com/en-us/graph/api/resources/directoryaudit)
and the audit activity reference (https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-audit-activities).
The answer is ``{"@odata.context": ".../$metadata#auditLogs/directoryAudits", "value": [...], "@odata.nextLink"}``
(pages written back to back are joined); each entry has ``activityDateTime``, ``activityDisplayName``, ``category``,
``loggedByService``, ``operationType``, ``result`` (success, failure, timeout), ``initiatedBy`` (``user`` with
``userPrincipalName``, or ``app`` with ``displayName``) and ``targetResources[]`` (``type`` User, ``id``,
``userPrincipalName``, ``modifiedProperties[]`` with ``displayName``, ``oldValue``, ``newValue`` as JSON text).

Facts: one :class:`AccountEvent` (system ``azuread``, account = the target's user principal name, as the Entra users
reader names accounts) per event about a user: "Add user" -> created; "Delete user" / "Hard delete user" -> deleted;
"Restore user", "Enable account" -> reactivated; "Disable account" -> deactivated; "Update user" whose
``AccountEnabled`` turns from true to false -> deactivated (false to true -> reactivated); "Reset user password",
"Change user password", "Reset password (by admin)" -> password_reset; "Add member to role" / "Remove member from
role" -> role_granted / role_revoked; "User registered security info", "Admin registered security info" ->
mfa_enrolled; "User deleted security info", "Admin deleted security info" -> mfa_removed. Other activities (groups,
applications, policies) are counted in a note. A failed activity is kept with its outcome.
"""

from __future__ import annotations

import json
from typing import Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import as_dict, as_list, head_text, json_field, load_json, text_or_none
from trustgap.facts import AccountEvent, norm_email

SYSTEM = "azuread"
ACTIONS = {
    "add user": "created",
    "delete user": "deleted",
    "hard delete user": "deleted",
    "restore user": "reactivated",
    "enable account": "reactivated",
    "disable account": "deactivated",
    "reset user password": "password_reset",
    "change user password": "password_reset",
    "reset password (by admin)": "password_reset",
    "add member to role": "role_granted",
    "remove member from role": "role_revoked",
    "user registered security info": "mfa_enrolled",
    "admin registered security info": "mfa_enrolled",
    "user deleted security info": "mfa_removed",
    "admin deleted security info": "mfa_removed",
}


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 16384)
    if not head.lstrip().startswith(("{", "[")):
        return 0
    if "auditLogs/directoryAudits" in head:
        return 10
    if '"activityDisplayName"' in head and '"targetResources"' in head and '"activityDateTime"' in head:
        return 9
    return 0


def _enabled_change(target: dict[str, Any]) -> str | None:
    """deactivated / reactivated when the update turned AccountEnabled off / on."""
    for prop in as_list(target.get("modifiedProperties")):
        p = as_dict(prop)
        if str(p.get("displayName") or "").lower() != "accountenabled":
            continue

        def flag(raw: Any) -> bool | None:
            try:
                value = json.loads(raw) if isinstance(raw, str) else raw
            except ValueError:
                value = raw
            if isinstance(value, list) and value:
                value = value[0]
            return value if isinstance(value, bool) else None

        old, new = flag(p.get("oldValue")), flag(p.get("newValue"))
        if old is True and new is False:
            return "deactivated"
        if old is False and new is True:
            return "reactivated"
    return None


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    pages = doc if isinstance(doc, list) and doc and all(isinstance(d, dict) and "value" in d for d in doc) else [doc]
    entries: list[tuple[str, Any]] = []
    for p, page in enumerate(pages):
        if isinstance(page, dict) and isinstance(page.get("value"), list):
            prefix = f"$[{p}].value" if len(pages) > 1 else "$.value"
            entries.extend((f"{prefix}[{i}]", e) for i, e in enumerate(page["value"]))
        elif isinstance(page, list):
            entries.extend((f"$[{i}]", e) for i, e in enumerate(page))
        else:
            raise InputError(ctx.path, "not Entra ID directory audits: no value list", field="value")
    facts: list[Any] = []
    other = 0
    for where, entry in entries:
        if not isinstance(entry, dict):
            ctx.error(f"{where} is not an object", field=json_field(where))
            continue
        activity = (text_or_none(entry.get("activityDisplayName")) or "").strip()
        targets = [t for t in as_list(entry.get("targetResources")) if isinstance(t, dict) and t.get("type") == "User"]
        action = ACTIONS.get(activity.lower())
        if activity.lower() == "update user" and targets:
            action = _enabled_change(targets[0])
        if action is None:
            other += 1
            continue
        try:
            at = parse_datetime(entry.get("activityDateTime"))
        except DateParseError:
            at = None
        if at is None:
            ctx.error(f"{where}.activityDateTime: not a time: {entry.get('activityDateTime')!r}",
                      field=json_field(where, "activityDateTime"))
            continue
        upn = text_or_none(targets[0].get("userPrincipalName")) if targets else None
        if upn is None:
            ctx.error(f"{where}: {activity} names no user (targetResources of type User with a userPrincipalName)",
                      field=json_field(where, "targetResources"))
            continue
        by = as_dict(entry.get("initiatedBy"))
        actor = text_or_none(as_dict(by.get("user")).get("userPrincipalName")) or text_or_none(
            as_dict(by.get("app")).get("displayName"))
        facts.append(AccountEvent(
            src=ctx.src(where), system=SYSTEM, account_id=upn, at=at, action=action, email=norm_email(upn),
            actor=actor, outcome=(text_or_none(entry.get("result")) or "").lower() or None, raw_type=activity,
        ))
    notes = [f"{other} audit event(s) of other activities left out"] if other else []
    return ParseResult(facts=facts, notes=notes)


PARSER = register(
    Parser(
        name="entra_directory_audits",
        title="Microsoft Entra ID directory audits (Microsoft Graph auditLogs/directoryAudits)",
        sniff=sniff,
        parse=parse,
        sources=("azuread.audit",),
        reference="https://learn.microsoft.com/en-us/graph/api/resources/directoryaudit",
    )
)
