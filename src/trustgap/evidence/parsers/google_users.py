"""Google Workspace users: Admin SDK Directory API ``users.list`` JSON, and the same users as CSV (GAM's
``print users`` or the Admin console download, read by :mod:`._google_csv` into the same user resources).

Format reference: https://developers.google.com/admin-sdk/directory/reference/rest/v1/users/list (the page:
``kind: "admin#directory#users"``, ``etag``, ``users[]``, ``nextPageToken``) and
https://developers.google.com/admin-sdk/directory/reference/rest/v1/users (the user resource,
``kind: "admin#directory#user"``). Fields read: ``primaryEmail``, ``name.fullName`` (else
``givenName`` + ``familyName``), ``isAdmin`` (super administrator), ``isDelegatedAdmin`` (holds an admin
role), ``isEnrolledIn2Sv``, ``isEnforcedIn2Sv``, ``suspended`` and ``suspensionReason`` (given only for
suspended users: ``ADMIN``, ``WEB_LOGIN_REQUIRED``, ``UNDER13``, ``ABUSE``..., so a reason beside an
unreadable ``suspended`` still means suspended), ``archived``,
``deletionTime`` (deleted users, listed with ``showDeleted=true``), ``creationTime``, ``lastLoginTime``
(``1970-01-01T00:00:00.000Z`` when the user never signed in), ``orgUnitPath``.

Accepted shapes: one page as the API returns it (a page with no users has no ``users`` key); a list of pages;
an object ``{"pages": [...]}``; a bare list of user resources. Recognised by the ``admin#directory#user(s)``
kinds, else by user objects carrying ``primaryEmail`` with Directory-only keys.

Facts: one :class:`Account` per user, ``system="google"``, ``account_id`` = ``primaryEmail`` as written,
``email`` lower-cased; ``is_admin`` = ``isAdmin`` or ``isDelegatedAdmin``; ``mfa_enabled`` =
``isEnrolledIn2Sv``; ``mfa_enforced`` = ``isEnforcedIn2Sv``; ``active`` is False when the user is suspended,
archived or deleted; ``status`` is ``active``, ``suspended`` (with the reason, e.g. ``suspended: ADMIN``),
``archived`` or ``deleted``; ``last_login_at`` is None for the 1970 "never" value; ``groups`` holds the
organisational unit path. ``deactivated_at`` is the ``deletionTime`` of deleted users; the Directory API does
not say when a user was suspended (that is in the Admin audit log), so for suspended users it stays None.
The user resource's ``aliases`` are not joined here: aliases that matter for matching people belong in the
scope file (``identity.aliases``).

Locators are JSON paths (``$.users[3]``, ``$[1].users[0]``, ``$.pages[1].users[0]``). A user without a
``primaryEmail`` or with a value of the wrong type is reported with its path and field; the other users are
kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers import _google_csv
from trustgap.evidence.parsers._json_input import (
    head_text,
    json_field,
    json_flag,
    load_json,
    looks_like_json,
    text_or_none,
)
from trustgap.evidence.parsers._json_items import object_items
from trustgap.facts import Account, norm_email

SYSTEM = "google"
PAGE_KIND = "admin#directory#users"
USER_KIND = "admin#directory#user"
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
_DIRECTORY_KEYS = ('"isEnrolledIn2Sv"', '"isEnforcedIn2Sv"', '"orgUnitPath"', '"isDelegatedAdmin"',
                   '"isMailboxSetup"', '"customerId"')


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 16384)
    if not looks_like_json(head):
        return 9 if _google_csv.flavour(_google_csv.headers_of(data)) else 0
    if f'"{PAGE_KIND}"' in head or f'"{USER_KIND}"' in head:
        return 10
    if '"primaryEmail"' in head and sum(k in head for k in _DIRECTORY_KEYS) >= 2:
        return 9
    return 0


def _is_user(obj: Any) -> bool:
    return isinstance(obj, dict) and ("primaryEmail" in obj or obj.get("kind") == USER_KIND)


def _is_page(obj: Any) -> bool:
    return isinstance(obj, dict) and (obj.get("kind") == PAGE_KIND or isinstance(obj.get("users"), list))


def _pages(pages: list[Any], where: str) -> list[tuple[str, Any]]:
    """Users lists of a list of pages; an entry that is not a page is passed on as a non-list (reported)."""
    out: list[tuple[str, Any]] = []
    for i, page in enumerate(pages):
        if _is_page(page):
            users = page.get("users")
            out.append((f"{where}[{i}].users", [] if users is None else users))
        else:
            out.append((f"{where}[{i}]", page))
    return out


def _user_lists(doc: Any, path: str) -> list[tuple[str, Any]]:
    """(JSON path of the list, user objects) for every users list in the document."""
    if isinstance(doc, dict):
        if isinstance(doc.get("pages"), list):
            return _pages(doc["pages"], "$.pages")
        if _is_page(doc):
            users = doc.get("users")
            if users is not None and not isinstance(users, list):
                raise InputError(path, "users is not a list", field="users")
            return [("$.users", users or [])]
        if _is_user(doc):
            return [("$", [doc])]
        raise InputError(path, f"not a Directory users listing: no users (top-level keys {sorted(doc)[:8]})",
                         field="users")
    if isinstance(doc, list):
        if not doc or any(_is_user(x) for x in doc):
            return [("$", doc)]
        if any(_is_page(x) for x in doc):
            return _pages(doc, "$")
    raise InputError(path, "not a Directory users listing: expected a users.list page, a list of pages or users",
                     line=1)


class _User:
    """Typed reads of one user object that record a bad value and go on."""

    def __init__(self, obj: dict[str, Any], where: str, ctx: ParseContext) -> None:
        self.obj = obj
        self.where = where
        self.ctx = ctx

    def flag(self, key: str) -> bool | None:
        return json_flag(self.obj, key, self.where, self.ctx)

    def when(self, key: str) -> datetime | None:
        value = self.obj.get(key)
        if value is None:
            return None
        try:
            if isinstance(value, str):
                return parse_datetime(value)
        except (DateParseError, ValueError, OverflowError):
            pass
        self.ctx.error(f"{self.where}.{key}: not a date: {value!r}", field=json_field(self.where, key))
        return None


def _display_name(obj: dict[str, Any]) -> str | None:
    name = obj.get("name")
    if not isinstance(name, dict):
        return text_or_none(name)
    full = text_or_none(name.get("fullName"))
    if full:
        return full
    parts = [text_or_none(name.get("givenName")), text_or_none(name.get("familyName"))]
    return " ".join(p for p in parts if p) or None


def _account(obj: Any, where: str, ctx: ParseContext) -> Account | None:
    if not isinstance(obj, dict):
        ctx.error(f"{where} is not a user object", field=json_field(where))
        return None
    email = obj.get("primaryEmail")
    if not isinstance(email, str) or "@" not in email:
        ctx.error(f"{where} has no primaryEmail", field=json_field(where, "primaryEmail"))
        return None
    u = _User(obj, where, ctx)
    suspended = u.flag("suspended")
    reason = text_or_none(obj.get("suspensionReason"))
    if suspended is None and reason:
        suspended = True  # the API gives a suspension reason only for suspended users
    archived = u.flag("archived")
    deleted_at = u.when("deletionTime")
    last_login = u.when("lastLoginTime")
    if last_login is not None and last_login <= NEVER:
        last_login = None
    if deleted_at is not None:
        status = "deleted"
    elif suspended:
        status = f"suspended: {reason}" if reason else "suspended"
    elif archived:
        status = "archived"
    elif suspended is False:
        status = "active"
    else:
        status = None
    active = None if status is None else status == "active"
    admin, delegated = u.flag("isAdmin"), u.flag("isDelegatedAdmin")
    is_admin = True if (admin or delegated) else (False if admin is False or delegated is False else None)
    org_unit = text_or_none(obj.get("orgUnitPath"))
    return Account(
        src=ctx.src(where),
        system=SYSTEM,
        account_id=email.strip(),
        email=norm_email(email),
        display_name=_display_name(obj),
        kind="user",
        is_admin=is_admin,
        active=active,
        status=status,
        mfa_enabled=u.flag("isEnrolledIn2Sv"),
        mfa_enforced=u.flag("isEnforcedIn2Sv"),
        created_at=u.when("creationTime"),
        last_login_at=last_login,
        deactivated_at=deleted_at,
        groups=(org_unit,) if org_unit else (),
    )


def _parse_csv(data: bytes, ctx: ParseContext) -> ParseResult:
    facts: list[Any] = []
    for line, user in _google_csv.rows(data, ctx.path):
        before = len(ctx.errors)
        account = _account(user, f"row {line}", ctx)
        for err in ctx.errors[before:]:  # name the CSV line and the column, not a JSON path
            err.line = line
            key = err.field.rsplit(".", 1)[-1] if err.field else None
            err.field = _CSV_FIELDS.get(key, key) if key else err.field
            err.args = (str(err),)
        if account is not None:
            facts.append(account)
    return ParseResult(facts=facts)


# API key -> the column names of the two CSV exports that carry it
_CSV_FIELDS = {"primaryEmail": "Email Address / primaryEmail", "lastLoginTime": "Last Sign In / lastLoginTime",
               "isEnrolledIn2Sv": "2sv Enrollment Status / isEnrolledIn2Sv",
               "isEnforcedIn2Sv": "2sv Enforcement Status / isEnforcedIn2Sv", "suspended": "Status / suspended"}


def _streamed_users(data: bytes, ctx: ParseContext) -> list[Any] | None:
    """The accounts of one users.list page whose ``users`` come last, read one user at a time, or None when the file
    is not of that shape (it is then read whole, with the facts and errors it always gave)."""
    if not head_text(data, 4096).lstrip().startswith("{"):
        return None
    errors = len(ctx.errors)
    try:
        head, users = object_items(data, ctx.path, "users")
        if "pages" in head:
            return None
        return [a for i, obj in enumerate(users) if (a := _account(obj, f"$.users[{i}]", ctx)) is not None]
    except Exception:  # noqa: BLE001 - any surprise: read whole
        del ctx.errors[errors:]
        return None


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    if not looks_like_json(head_text(data, 16384)):
        return _parse_csv(data, ctx)
    streamed = _streamed_users(data, ctx)
    if streamed is not None:
        return ParseResult(facts=streamed)
    doc = load_json(data, ctx.path)
    facts: list[Any] = []
    for list_path, users in _user_lists(doc, ctx.path):
        if not isinstance(users, list):
            ctx.error(f"{list_path} is not a users list", field=json_field(list_path))
            continue
        for i, obj in enumerate(users):
            account = _account(obj, f"{list_path}[{i}]", ctx)
            if account is not None:
                facts.append(account)
    return ParseResult(facts=facts)


PARSER = register(
    Parser(
        name="google_users",
        title="Google Workspace users (Directory API users.list, GAM or Admin console CSV)",
        sniff=sniff,
        parse=parse,
        sources=("google.users",),
        reference="https://developers.google.com/admin-sdk/directory/reference/rest/v1/users/list",
    )
)
