"""Okta: Users API listings, each user's enrolled factors, and (when exported) each user's admin roles.

Format references (Okta Management API):
- List users, ``GET /api/v1/users``: an array of user objects, ``id``, ``status`` (``STAGED``, ``PROVISIONED``,
  ``ACTIVE``, ``RECOVERY``, ``LOCKED_OUT``, ``PASSWORD_EXPIRED``, ``SUSPENDED``, ``DEPROVISIONED``), ``created``,
  ``activated``, ``statusChanged``, ``lastLogin``, ``lastUpdated``, ``passwordChanged``, ``type.id``,
  ``profile`` (``login``, ``email``, ``firstName``, ``lastName``, ``displayName``...), ``credentials``
  (``password``, ``provider.type``) -
  https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
- List factors of a user, ``GET /api/v1/users/{userId}/factors``: an array of factors, ``id``, ``factorType``
  (``push``, ``sms``, ``call``, ``email``, ``token:software:totp``, ``token:hardware``, ``webauthn``, ``u2f``,
  ``question``...), ``provider``, ``vendorName``, ``status`` (``ACTIVE``, ``PENDING_ACTIVATION``, ``INACTIVE``,
  ``NOT_SETUP``, ``ENROLLED``, ``DISABLED``, ``EXPIRED``), ``created``, ``_links.user.href`` -
  https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/
- List roles assigned to a user, ``GET /api/v1/users/{userId}/roles``: ``id``, ``label``, ``type``
  (``SUPER_ADMIN``, ``ORG_ADMIN``, ``APP_ADMIN``, ``USER_ADMIN``, ``HELP_DESK_ADMIN``, ``READ_ONLY_ADMIN``,
  ``CUSTOM``...), ``status``, ``assignmentType``, ``_links.assignee.href`` -
  https://developer.okta.com/docs/api/openapi/okta-management/management/tag/RoleAssignmentAUser/

Accepted documents (recognised by content):
- users: one users page as the API returns it, a list of pages, or ``{"users": [...]}`` (which may also carry
  ``factors`` / ``roles`` maps keyed by user, as below). A user object may embed its factors or roles as
  ``factors`` / ``roles`` or under ``_embedded``;
- factors or roles of one user as the live collector stores them:
  ``{"trustgap_okta": "factors", "user_id": "00u...", "factors": [...]}`` (``"roles"`` alike), or a list of such;
- a plain export keyed by user: ``{"<user id or login>": [factor, ...], ...}``, optionally under a top-level
  ``factors`` or ``roles`` key, or a list of ``{"userId": ..., "factors": [...]}``;
- a raw factors (or roles) answer, each item naming its user in ``_links.user.href`` (``_links.assignee.href``).

Facts: one :class:`Account` per user, ``system="okta"``, ``account_id`` = the Okta user id, ``email`` =
``profile.email`` (else the login when it is an address), ``status`` as written, ``active`` True for ACTIVE,
PROVISIONED (an activation link is out and will give access), RECOVERY, LOCKED_OUT and PASSWORD_EXPIRED (the
account is enabled), False for STAGED, SUSPENDED and DEPROVISIONED; ``deactivated_at`` = ``statusChanged`` for
SUSPENDED and DEPROVISIONED users (the time access was removed, which offboarding checks measure);
``last_login_at`` = ``lastLogin``; ``created_at`` = ``created``; ``has_password`` from ``credentials.password``.

Factors and roles live in other documents than the users, so they are joined in :func:`finalize` by user id
(or by login / email for exports keyed that way): ``mfa_enabled`` is True when the user has at least one factor
in status ACTIVE (or ENROLLED) other than a security question (a second thing the user *knows* is not a second
factor), False when the user's factors are known and none qualifies (e.g. only PENDING_ACTIVATION), and None
when no factors document covers the user. ``is_admin`` is True when an active admin role is assigned, False
when the user's roles are known and empty, None otherwise. Factor and role documents yield no facts of their
own; those naming a user missing from every users listing are dropped at finalize.

Locators are JSON paths (``$[3]``, ``$.users[3]``, ``$[1][0]``, ``$.factors``, ``$['00u1ab']``). A user
without an ``id``, or a value of the wrong type, is reported with its path and field; the rest is kept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import chain
from typing import Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers import _api_paths as api_paths
from trustgap.evidence.parsers._json_input import as_dict, head_text, load_json, looks_like_json, text_or_none
from trustgap.evidence.parsers._json_items import array_items
from trustgap.facts import Account, Src, norm_email

SYSTEM = "okta"
WRAPPER_KEY = "trustgap_okta"
ACTIVE_STATUSES = frozenset({"ACTIVE", "PROVISIONED", "RECOVERY", "LOCKED_OUT", "PASSWORD_EXPIRED"})
INACTIVE_STATUSES = frozenset({"STAGED", "SUSPENDED", "DEPROVISIONED"})
DEACTIVATED_STATUSES = frozenset({"SUSPENDED", "DEPROVISIONED"})
ENROLLED_FACTOR_STATUSES = frozenset({"ACTIVE", "ENROLLED"})
NOT_A_SECOND_FACTOR = frozenset({"question", "password"})
_USER_KEYS = ("userId", "user_id", "user", "login", "email", "id")
_ID_IN_HREF = re.compile(r"/users/([^/?#]+)")


@dataclass(frozen=True, slots=True)
class UserDetail:
    """Factors or admin roles of one Okta user, waiting to be joined to the user's Account in finalize.

    ``items`` holds (factorType or role type, status) pairs as written.
    """

    src: Src
    what: str  # "factors" | "roles"
    user: str  # user id, login or email, as the document names the user
    items: tuple[tuple[str, str], ...]


# --------------------------------------------------------------------------- recognition


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 16384)
    if not looks_like_json(head):
        return 0
    if f'"{WRAPPER_KEY}"' in head:
        return 10
    if '"profile"' in head and '"login"' in head and ('"statusChanged"' in head or '"lastLogin"' in head):
        return 10 if head.lstrip().startswith("[") else 9
    if '"factorType"' in head:
        return 9
    if re.fullmatch(r"\s*\[\s*\]\s*", head) and api_paths.okta_factors_user(name):
        return 6  # a user's factors answer, empty: that user has no factor
    if '"assignmentType"' in head and '"label"' in head and '"type"' in head:
        return 8
    return 0


def _is_user(o: Any) -> bool:
    return isinstance(o, dict) and isinstance(o.get("profile"), dict) and "factorType" not in o


def _is_factor(o: Any) -> bool:
    return isinstance(o, dict) and "factorType" in o


def _is_role(o: Any) -> bool:
    return isinstance(o, dict) and "type" in o and ("assignmentType" in o or "label" in o) and not _is_user(o)


def _is_bundle(o: Any) -> bool:
    return isinstance(o, dict) and (WRAPPER_KEY in o or isinstance(o.get("factors"), list)
                                    or isinstance(o.get("roles"), list)) and not _is_user(o)


# --------------------------------------------------------------------------- values


def _field(where: str, key: str | None = None) -> str:
    path = where[1:].lstrip(".") if where.startswith("$") else where
    if key:
        path = f"{path}.{key}" if path else key
    return path or "$"


def _when(obj: dict[str, Any], key: str, where: str, ctx: ParseContext) -> datetime | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except (DateParseError, ValueError, OverflowError):
            pass
    ctx.error(f"{where}.{key}: not a date: {value!r}", field=_field(where, key))
    return None


def _pairs(items: Any, key: str, where: str, ctx: ParseContext) -> tuple[tuple[str, str], ...] | None:
    """(type, status) of each factor or role object; None when ``items`` is not a list."""
    if not isinstance(items, list):
        ctx.error(f"{where} is not a list", field=_field(where))
        return None
    out = []
    for i, item in enumerate(items):
        kind = text_or_none(item.get(key)) if isinstance(item, dict) else None
        if kind is None:
            ctx.error(f"{where}[{i}] has no {key}", field=_field(f"{where}[{i}]", key))
            continue
        out.append((kind, (text_or_none(item.get("status")) or "").upper()))
    return tuple(out)


# --------------------------------------------------------------------------- users


def _display_name(profile: dict[str, Any]) -> str | None:
    shown = text_or_none(profile.get("displayName"))
    if shown:
        return shown
    parts = [text_or_none(profile.get("firstName")), text_or_none(profile.get("lastName"))]
    return " ".join(p for p in parts if p) or text_or_none(profile.get("login"))


def _embedded(obj: dict[str, Any], key: str) -> Any:
    if key in obj:
        return obj[key]
    return as_dict(obj.get("_embedded")).get(key)


def _mfa(pairs: tuple[tuple[str, str], ...]) -> bool:
    return any(s in ENROLLED_FACTOR_STATUSES and t.lower() not in NOT_A_SECOND_FACTOR for t, s in pairs)


# factorType (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/) ->
# Account.mfa_factors names
FACTOR_NAMES: dict[str, str] = {
    "sms": "sms", "call": "voice", "email": "email", "push": "push", "token:software:totp": "totp",
    "token:hotp": "hardware", "token:hardware": "hardware", "token": "hardware", "webauthn": "webauthn",
    "u2f": "webauthn", "signed_nonce": "push", "question": "security_question",
}


def _factor_names(pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The enrolled second factors, named as Account.mfa_factors names them."""
    return tuple(dict.fromkeys(FACTOR_NAMES.get(t.lower(), t.lower()) for t, s in pairs
                               if s in ENROLLED_FACTOR_STATUSES and t.lower() not in NOT_A_SECOND_FACTOR))


def _admin(pairs: tuple[tuple[str, str], ...]) -> bool:
    return any(s in ("", "ACTIVE") for _, s in pairs)


def _account(obj: Any, where: str, ctx: ParseContext) -> Account | None:
    if not isinstance(obj, dict):
        ctx.error(f"{where} is not a user object", field=_field(where))
        return None
    uid = text_or_none(obj.get("id"))
    if uid is None:
        ctx.error(f"{where} has no id", field=_field(where, "id"))
        return None
    profile = obj.get("profile")
    if not isinstance(profile, dict):
        ctx.error(f"{where}.profile is not an object", field=_field(where, "profile"))
        profile = {}
    raw_status = text_or_none(obj.get("status"))
    status = raw_status.upper() if raw_status else None
    if status is not None and status not in ACTIVE_STATUSES | INACTIVE_STATUSES:
        ctx.error(f"{where}.status: unknown user status {raw_status!r}", field=_field(where, "status"))
    changed = _when(obj, "statusChanged", where, ctx)
    for key in ("activated", "lastUpdated", "passwordChanged"):
        _when(obj, key, where, ctx)
    login = text_or_none(profile.get("login"))
    email = norm_email(text_or_none(profile.get("email"))) or (norm_email(login) if login and "@" in login else None)
    creds = obj.get("credentials")
    has_password = ("password" in creds) if isinstance(creds, dict) else None
    factors = _embedded(obj, "factors")
    roles = _embedded(obj, "roles")
    factor_pairs = _pairs(factors, "factorType", f"{where}.factors", ctx) if factors is not None else None
    role_pairs = _pairs(roles, "type", f"{where}.roles", ctx) if roles is not None else None
    return Account(
        src=ctx.src(where),
        system=SYSTEM,
        account_id=uid,
        email=email,
        display_name=_display_name(profile),
        kind="user",
        is_admin=_admin(role_pairs) if role_pairs is not None else None,
        active=True if status in ACTIVE_STATUSES else False if status in INACTIVE_STATUSES else None,
        status=status,
        mfa_enabled=_mfa(factor_pairs) if factor_pairs is not None else None,
        mfa_factors=_factor_names(factor_pairs) if factor_pairs is not None else (),
        has_password=has_password,
        created_at=_when(obj, "created", where, ctx),
        last_login_at=_when(obj, "lastLogin", where, ctx),
        deactivated_at=changed if status in DEACTIVATED_STATUSES else None,
        status_changed_at=changed,
        aliases=(login,) if login and login.lower() not in (uid.lower(), email or "") else (),
    )


# --------------------------------------------------------------------------- factor and role documents


def _user_of_link(item: Any, link: str) -> str | None:
    href = as_dict(as_dict(as_dict(item).get("_links")).get(link)).get("href")
    m = _ID_IN_HREF.search(href) if isinstance(href, str) else None
    return m.group(1) if m else None


def _bundle(obj: dict[str, Any], where: str, ctx: ParseContext) -> list[UserDetail]:
    """A wrapper ``{"trustgap_okta": ..., "user_id": ..., "factors": [...]}`` or ``{"userId": ..., "factors": []}``."""
    user = next((text_or_none(obj.get(k)) for k in _USER_KEYS if text_or_none(obj.get(k))), None)
    if user is None:
        ctx.error(f"{where} does not say whose factors or roles these are (no user_id)", field=_field(where, "user_id"))
        return []
    kinds = [str(obj[WRAPPER_KEY])] if WRAPPER_KEY in obj else [k for k in ("factors", "roles") if k in obj]
    out = []
    for what in kinds:
        if what not in ("factors", "roles"):
            ctx.error(f"{where}.{WRAPPER_KEY}: unknown document kind {what!r}", field=_field(where, WRAPPER_KEY))
            continue
        pairs = _pairs(obj.get(what) or [], "factorType" if what == "factors" else "type", f"{where}.{what}", ctx)
        if pairs is not None:
            out.append(UserDetail(ctx.src(f"{where}.{what}"), what, user, pairs))
    return out


def _raw_items(items: list[Any], where: str, ctx: ParseContext) -> list[UserDetail]:
    """A raw factors or roles answer: each item names its user in its links."""
    grouped: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for i, item in enumerate(items):
        what, key, link = ("factors", "factorType", "user") if _is_factor(item) else ("roles", "type", "assignee")
        pairs = _pairs([item], key, f"{where}[{i}]", ctx) if isinstance(item, dict) else None
        user = _user_of_link(item, link)
        if user is None:
            ctx.error(f"{where}[{i}] does not name its user (_links.{link}.href)",
                      field=_field(f"{where}[{i}]", "_links"))
            continue
        grouped[(what, user)].extend(pairs or ())
    return [UserDetail(ctx.src(where), what, user, tuple(p)) for (what, user), p in grouped.items()]


def _keyed(doc: dict[str, Any], where: str, ctx: ParseContext, what: str | None = None) -> list[UserDetail]:
    """``{"<user>": [factors or roles]}``."""
    out = []
    for user, items in doc.items():
        at = f"{where}[{user!r}]"
        kind = what or ("roles" if isinstance(items, list) and items and all(_is_role(x) for x in items)
                        else "factors")
        pairs = _pairs(items, "factorType" if kind == "factors" else "type", at, ctx)
        if pairs is not None:
            out.append(UserDetail(ctx.src(at), kind, str(user), pairs))
    return out


def _is_keyed(doc: dict[str, Any]) -> bool:
    return bool(doc) and all(isinstance(v, list) and all(_is_factor(x) or _is_role(x) for x in v)
                             for v in doc.values())


# --------------------------------------------------------------------------- documents


def _from_list(doc: list[Any], where: str, ctx: ParseContext, depth: int = 0) -> list[Any]:
    if not doc:
        user = api_paths.okta_factors_user(ctx.path) if depth == 0 else None
        return [UserDetail(ctx.src(where), "factors", user, ())] if user else []
    if depth == 0 and all(isinstance(x, list) for x in doc):
        return [f for i, page in enumerate(doc) for f in _from_list(page, f"{where}[{i}]", ctx, 1)]
    first = next((x for x in doc if isinstance(x, dict)), None)
    if _is_user(first):
        return [a for i, o in enumerate(doc) if (a := _account(o, f"{where}[{i}]", ctx)) is not None]
    if _is_factor(first) or _is_role(first):
        return list(_raw_items(doc, where, ctx))
    if _is_bundle(first):
        out: list[Any] = []
        for i, o in enumerate(doc):
            if isinstance(o, dict):
                out.extend(_bundle(o, f"{where}[{i}]", ctx))
            else:
                ctx.error(f"{where}[{i}] is not an object", field=_field(f"{where}[{i}]"))
        return out
    raise InputError(ctx.path, f"{where}: not an Okta users, factors or roles listing", field=_field(where))


def _from_dict(doc: dict[str, Any], ctx: ParseContext) -> list[Any]:
    if WRAPPER_KEY in doc:
        return list(_bundle(doc, "$", ctx))
    if _is_user(doc):
        return [a] if (a := _account(doc, "$", ctx)) is not None else []
    out: list[Any] = []
    known = False
    if "users" in doc:
        known = True
        if isinstance(doc["users"], list):
            out.extend(_from_list(doc["users"], "$.users", ctx, 1))
        else:
            ctx.error("$.users is not a list", field="users")
    for what in ("factors", "roles"):
        part = doc.get(what)
        if isinstance(part, dict):
            known = True
            out.extend(_keyed(part, f"$.{what}", ctx, what))
        elif isinstance(part, list):
            known = True
            out.extend(_from_list(part, f"$.{what}", ctx, 1))
    if known:
        return out
    if _is_keyed(doc):
        return list(_keyed(doc, "$", ctx))
    raise InputError(ctx.path, f"not an Okta users, factors or roles document (top-level keys {sorted(doc)[:8]})",
                     line=1)


def _streamed_users(data: bytes, ctx: ParseContext) -> list[Any] | None:
    """The accounts of a users listing (a top-level array of users) read one user at a time, or None when the file
    is not of that shape (it is then read whole, with the facts and errors it always gave)."""
    if not head_text(data, 4096).lstrip().startswith("["):
        return None
    errors = len(ctx.errors)
    try:
        items = array_items(data, ctx.path)
        first = next(items, None)
        if not _is_user(first):
            return None
        users = chain([first], items)
        return [a for i, o in enumerate(users) if (a := _account(o, f"$[{i}]", ctx)) is not None]
    except Exception:  # noqa: BLE001 - any surprise: read whole
        del ctx.errors[errors:]
        return None


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    streamed = _streamed_users(data, ctx)
    if streamed is not None:
        return ParseResult(facts=streamed)
    doc = load_json(data, ctx.path)
    if isinstance(doc, list):
        facts = _from_list(doc, "$", ctx)
    elif isinstance(doc, dict):
        facts = _from_dict(doc, ctx)
    else:
        raise InputError(ctx.path, "not an Okta listing: the top level is neither an array nor an object", line=1)
    return ParseResult(facts=facts)


def finalize(facts: list[Any]) -> list[Any]:
    """Join factors and roles to the users they name (see the module docstring); drop the join records."""
    details: dict[tuple[str, str], list[tuple[tuple[str, str], ...]]] = defaultdict(list)
    out: list[Any] = []
    for f in facts:
        if isinstance(f, UserDetail):
            details[(f.what, f.user.strip().lower())].append(f.items)
        else:
            out.append(f)
    if not details:
        return out
    joined: list[Any] = []
    for f in out:
        if isinstance(f, Account) and f.system == SYSTEM:
            keys = [f.account_id.lower(), *([f.email] if f.email else [])]
            factors = [p for k in keys for p in details.get(("factors", k), [])]
            roles = [p for k in keys for p in details.get(("roles", k), [])]
            changes: dict[str, Any] = {}
            if factors:
                enrolled = any(_mfa(p) for p in factors)
                changes["mfa_enabled"] = bool(enrolled or f.mfa_enabled)
                changes["mfa_factors"] = tuple(dict.fromkeys(
                    [*f.mfa_factors, *(n for p in factors for n in _factor_names(p))]))
            if roles:
                admin = any(_admin(p) for p in roles)
                changes["is_admin"] = bool(admin or f.is_admin)
            f = replace(f, **changes) if changes else f
        joined.append(f)
    return joined


PARSER = register(
    Parser(
        name="okta",
        title="Okta users, factors and admin roles (Management API JSON)",
        sniff=sniff,
        parse=parse,
        finalize=finalize,
        sources=("okta.users",),
        reference="https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/",
    )
)
