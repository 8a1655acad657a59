"""Okta System Log events: lifecycle, factor, password, privilege and sign-in events with their exact times.

Format reference: the System Log API's LogEvent object (https://developer.okta.com/docs/reference/api/system-log/ ,
``GET /api/v1/logs``): ``uuid``, ``published`` (ISO 8601, UTC), ``eventType``, ``displayMessage``, ``severity``,
``actor`` (``id``, ``type``, ``alternateId``, ``displayName``), ``outcome.result`` (SUCCESS, FAILURE, SKIPPED, ALLOW,
DENY, CHALLENGE, UNKNOWN) and ``outcome.reason``, ``target[]`` (each with ``id``, ``type`` such as ``User``,
``alternateId``, ``displayName``). Event types: the Okta event catalog
(https://developer.okta.com/docs/reference/api/event-types/).

Three deliveries of the same events are read:
- the API answer: an array of LogEvents (several pages back to back, as ``curl`` loops write them, are joined);
- Okta event hook requests (https://developer.okta.com/docs/concepts/event-hooks/): ``{"eventType":
  "com.okta.event_hook", ..., "data": {"events": [LogEvent, ...]}}``, one per file or one per line;
- Amazon EventBridge events from Okta log streaming (source ``aws.partner/okta.com/...``): the AWS event envelope
  with the LogEvent as ``detail``, usually archived one per line.

Facts: one :class:`AccountEvent` (system ``okta``) per event about a user. The user is the ``target`` of type
``User`` (lifecycle, factor, password, privilege events: the ``actor`` is then who did it), or the ``actor`` for
sign-ins (``user.session.start``, ``user.authentication.*``). ``account_id`` is the Okta user id (as in the Users API),
``email`` the user's ``alternateId`` when it is an e-mail. Actions (``eventType`` -> action): user.lifecycle.create ->
created, .activate -> activated, .deactivate -> deactivated, .suspend -> suspended, .unsuspend -> unsuspended,
.reactivate -> reactivated, .delete.* -> deleted; user.session.start and user.authentication.sso /
.auth_via_mfa -> login (login_failed when the outcome is FAILURE or DENY); user.mfa.factor.activate ->
mfa_enrolled, .deactivate -> mfa_removed, .reset_all -> mfa_reset; user.account.reset_password /
.update_password -> password_reset; user.account.lock -> locked; user.account.privilege.grant / .revoke ->
role_granted / role_revoked; group.user_membership.add / .remove -> group_added / group_removed. Events of other
types (policy, application, system events) are counted in a note, not turned into facts. The same event delivered
twice (same ``uuid``) counts once.
"""

from __future__ import annotations

from typing import Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import as_dict, as_list, head_text, json_field, load_json, text_or_none
from trustgap.facts import AccountEvent, norm_email

SYSTEM = "okta"
ACTIONS = {
    "user.lifecycle.create": "created",
    "user.lifecycle.activate": "activated",
    "user.lifecycle.deactivate": "deactivated",
    "user.lifecycle.suspend": "suspended",
    "user.lifecycle.unsuspend": "unsuspended",
    "user.lifecycle.reactivate": "reactivated",
    "user.lifecycle.delete.initiated": "deleted",
    "user.lifecycle.delete.completed": "deleted",
    "user.session.start": "login",
    "user.authentication.sso": "login",
    "user.authentication.auth_via_mfa": "login",
    "user.mfa.factor.activate": "mfa_enrolled",
    "user.mfa.factor.deactivate": "mfa_removed",
    "user.mfa.factor.reset_all": "mfa_reset",
    "user.account.reset_password": "password_reset",
    "user.account.update_password": "password_reset",
    "user.account.lock": "locked",
    "user.account.privilege.grant": "role_granted",
    "user.account.privilege.revoke": "role_revoked",
    "group.user_membership.add": "group_added",
    "group.user_membership.remove": "group_removed",
}
_SIGN_IN = ("user.session.", "user.authentication.")
_FAILED = frozenset({"failure", "deny"})


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 16384)
    if not head.lstrip().startswith(("{", "[")):
        return 0
    if '"com.okta.event_hook"' in head:
        return 10
    if '"eventType"' in head and '"published"' in head and ('"actor"' in head or '"target"' in head):
        return 10 if '"uuid"' in head or '"displayMessage"' in head else 8
    return 0


def _events(doc: Any, ctx: ParseContext) -> list[tuple[str, dict[str, Any]]]:
    """(JSON path, LogEvent) for every event, whichever delivery wrapped it."""
    items = doc if isinstance(doc, list) else [doc]
    out: list[tuple[str, dict[str, Any]]] = []
    for i, item in enumerate(items):
        where = f"$[{i}]" if isinstance(doc, list) else "$"
        if not isinstance(item, dict):
            ctx.error(f"{where} is not a JSON object", field=json_field(where))
            continue
        if item.get("eventType") == "com.okta.event_hook":
            events = as_dict(item.get("data")).get("events")
            if not isinstance(events, list):
                ctx.error(f"{where}.data.events is not a list", field=json_field(where, "data.events"))
                continue
            out.extend((f"{where}.data.events[{k}]", e) for k, e in enumerate(events) if isinstance(e, dict))
        elif isinstance(item.get("detail"), dict) and "detail-type" in item:
            out.append((f"{where}.detail", item["detail"]))
        else:
            out.append((where, item))
    return out


def _user(event: dict[str, Any], event_type: str) -> dict[str, Any] | None:
    users = [t for t in as_list(event.get("target")) if isinstance(t, dict) and t.get("type") == "User"]
    if users:
        return users[0]
    actor = as_dict(event.get("actor"))
    if event_type.startswith(_SIGN_IN) and actor.get("type") == "User":
        return actor
    return None


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    if not isinstance(doc, dict | list):
        raise InputError(ctx.path, "not Okta System Log events: neither an object nor an array", line=1)
    facts: list[Any] = []
    seen: set[str] = set()
    other = 0
    for where, event in _events(doc, ctx):
        event_type = text_or_none(event.get("eventType"))
        if event_type is None:
            ctx.error(f"{where} has no eventType", field=json_field(where, "eventType"))
            continue
        action = ACTIONS.get(event_type)
        if action is None:
            other += 1
            continue
        uuid = text_or_none(event.get("uuid"))
        if uuid is not None:
            if uuid in seen:
                continue
            seen.add(uuid)
        try:
            at = parse_datetime(event.get("published"))
        except DateParseError:
            at = None
        if at is None:
            ctx.error(f"{where}.published: not a time: {event.get('published')!r}",
                      field=json_field(where, "published"))
            continue
        user = _user(event, event_type)
        user_id = text_or_none(as_dict(user).get("id"))
        if user is None or user_id is None:
            ctx.error(f"{where}: {event_type} names no user (no target of type User)",
                      field=json_field(where, "target"))
            continue
        outcome = (text_or_none(as_dict(event.get("outcome")).get("result")) or "").lower() or None
        if action == "login" and outcome in _FAILED:
            action = "login_failed"
        actor = as_dict(event.get("actor"))
        alternate = text_or_none(user.get("alternateId"))
        facts.append(AccountEvent(
            src=ctx.src(where), system=SYSTEM, account_id=user_id, at=at, action=action,
            email=norm_email(alternate) if alternate and "@" in alternate else None,
            actor=None if user is actor else (text_or_none(actor.get("alternateId"))
                                              or text_or_none(actor.get("displayName"))),
            outcome=outcome, raw_type=event_type,
        ))
    notes = [f"{other} event(s) of other types (not about a user's account) left out"] if other else []
    return ParseResult(facts=facts, notes=notes)


PARSER = register(
    Parser(
        name="okta_system_log",
        title="Okta System Log events (API, event hooks, EventBridge log streaming)",
        sniff=sniff,
        parse=parse,
        sources=("okta.system_log",),
        reference="https://developer.okta.com/docs/reference/api/system-log/",
    )
)
