"""Google Workspace audit log: the Admin SDK Reports API ``activities.list`` answer, as account events with times.

The Directory API (users.list) says *that* a user is suspended or gone, not *when*; the audit log does. The answer
(https://developers.google.com/workspace/admin/reports/v1/reference/activities/list) is
``{"kind": "admin#reports#activities", "items": [activity...], "nextPageToken": ...}``; an activity has
``id.time`` (RFC 3339), ``id.applicationName``, ``actor.email`` and ``events[]`` of ``{type, name,
parameters[{name, value | boolValue | intValue | multiValue}]}``. Pages written back to back, a bare list of
activities and JSON lines are read too.

What is read (event names as the Reports API documents them):

- ``admin`` application, ``USER_SETTINGS`` events about the user named by the ``USER_EMAIL`` parameter
  (https://developers.google.com/workspace/admin/reports/v1/appendix/activity/admin-user-settings):
  ``CREATE_USER`` -> created, ``DELETE_USER`` -> deleted, ``SUSPEND_USER`` -> suspended, ``UNSUSPEND_USER`` ->
  unsuspended, ``UNDELETE_USER`` -> reactivated, ``GRANT_ADMIN_PRIVILEGE`` / ``ASSIGN_ROLE`` -> role_granted,
  ``REVOKE_ADMIN_PRIVILEGE`` / ``UNASSIGN_ROLE`` -> role_revoked, ``CHANGE_PASSWORD`` -> password_reset,
  ``TURN_OFF_2_STEP_VERIFICATION`` -> mfa_removed; the administrator is the actor.
- ``login`` application (https://developers.google.com/workspace/admin/reports/v1/appendix/activity/login),
  events about the actor: ``login_success`` -> login, ``login_failure`` -> login_failed, ``2sv_enroll`` ->
  mfa_enrolled, ``2sv_disable`` -> mfa_removed, ``account_disabled_*`` -> suspended (Google disabled it).

Other events are kept with their own name lower-cased, so nothing is silently dropped. Each event is one
:class:`~trustgap.facts.AccountEvent` of system ``google`` whose account id is the user's primary e-mail (the id
``users.list`` gives Google accounts).
"""

from __future__ import annotations

from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import (
    as_dict,
    as_list,
    head_text,
    json_field,
    json_when,
    load_json,
    looks_like_json,
    text_or_none,
)
from trustgap.facts import AccountEvent, norm_email

SYSTEM = "google"
_ADMIN_ACTIONS = {
    "CREATE_USER": "created", "DELETE_USER": "deleted", "SUSPEND_USER": "suspended",
    "UNSUSPEND_USER": "unsuspended", "UNDELETE_USER": "reactivated", "GRANT_ADMIN_PRIVILEGE": "role_granted",
    "ASSIGN_ROLE": "role_granted", "REVOKE_ADMIN_PRIVILEGE": "role_revoked", "UNASSIGN_ROLE": "role_revoked",
    "CHANGE_PASSWORD": "password_reset", "TURN_OFF_2_STEP_VERIFICATION": "mfa_removed",
}
_LOGIN_ACTIONS = {"login_success": "login", "login_failure": "login_failed", "2sv_enroll": "mfa_enrolled",
                  "2sv_disable": "mfa_removed", "logout": "logout"}


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 16384)
    if not looks_like_json(head):
        return 0
    if '"admin#reports#activities"' in head or '"admin#reports#activity"' in head:
        return 10
    if '"applicationName"' in head and '"uniqueQualifier"' in head and '"events"' in head:
        return 9
    return 0


def _activities(doc: Any, path: str) -> list[tuple[str, Any]]:
    if isinstance(doc, dict) and ("items" in doc or doc.get("kind") == "admin#reports#activities"):
        return [(f"$.items[{i}]", a) for i, a in enumerate(as_list(doc.get("items")))]
    if isinstance(doc, dict) and "events" in doc:
        return [("$", doc)]
    if isinstance(doc, list):
        out: list[tuple[str, Any]] = []
        for i, x in enumerate(doc):
            if isinstance(x, dict) and isinstance(x.get("items"), list):  # pages back to back
                out.extend((f"$[{i}].items[{j}]", a) for j, a in enumerate(x["items"]))
            elif isinstance(x, dict) and "items" in x:
                continue  # an empty page: no activities in it
            else:
                out.append((f"$[{i}]", x))
        return out
    raise InputError(path, "not a Reports API activities answer: expected an object with 'items' or a list", line=1)


def _param(event: dict[str, Any], name: str) -> str | None:
    for p in as_list(event.get("parameters")):
        p = as_dict(p)
        if p.get("name") == name:
            return text_or_none(p.get("value"))
    return None


def _events(activity: Any, where: str, ctx: ParseContext) -> list[AccountEvent]:
    if not isinstance(activity, dict):
        ctx.error(f"{where} is not an activity object", field=json_field(where))
        return []
    ident = as_dict(activity.get("id"))
    at = json_when(ident, "time", f"{where}.id", ctx)
    if at is None:
        if "time" not in ident:
            ctx.error(f"{where}.id.time: missing", field=json_field(where, "id.time"))
        return []
    app = (text_or_none(ident.get("applicationName")) or "").lower()
    actor = norm_email(text_or_none(as_dict(activity.get("actor")).get("email")))
    out: list[AccountEvent] = []
    for j, event in enumerate(as_list(activity.get("events"))):
        event = as_dict(event)
        name = text_or_none(event.get("name"))
        if name is None:
            ctx.error(f"{where}.events[{j}].name: missing", field=json_field(where, f"events[{j}].name"))
            continue
        if app == "login" or name in _LOGIN_ACTIONS or name.startswith("account_disabled"):
            subject, action = actor, _LOGIN_ACTIONS.get(name, "suspended" if name.startswith("account_disabled")
                                                        else name.lower())
            by = None
            outcome = "failure" if name == "login_failure" else "success"
        else:
            subject = norm_email(_param(event, "USER_EMAIL"))
            action, by, outcome = _ADMIN_ACTIONS.get(name, name.lower()), actor, "success"
        if subject is None:
            continue  # an event about a setting, not about an account
        out.append(AccountEvent(src=ctx.src(f"{where}.events[{j}]"), system=SYSTEM, account_id=subject,
                                email=subject, at=at, action=action, actor=by, outcome=outcome, raw_type=name))
    return out


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    facts: list[Any] = []
    for where, activity in _activities(doc, ctx.path):
        facts.extend(_events(activity, where, ctx))
    return ParseResult(facts=facts)


PARSER = register(
    Parser(
        name="google_reports_activities",
        title="Google Workspace audit log (Reports API activities)",
        sniff=sniff,
        parse=parse,
        sources=("google.audit",),
        reference="https://developers.google.com/workspace/admin/reports/v1/reference/activities/list",
    )
)
