"""Microsoft Entra ID (Azure AD) users and their MFA registration: Microsoft Graph JSON.

Format references (Microsoft Graph v1.0):

- ``GET /users`` (https://learn.microsoft.com/en-us/graph/api/user-list): a collection
  ``{"@odata.context": ".../$metadata#users(...)", "value": [...], "@odata.nextLink": ...}`` of user resources
  (https://learn.microsoft.com/en-us/graph/api/resources/user). Fields read: ``id``, ``userPrincipalName``,
  ``mail``, ``displayName`` (else ``givenName`` + ``surname``), ``accountEnabled``, ``userType`` (Member or
  Guest), ``createdDateTime``, ``signInActivity.lastSuccessfulSignInDateTime`` (else ``lastSignInDateTime``;
  returned only when asked for with ``$select`` and an Entra ID P1 licence), ``employeeLeaveDateTime``;
- ``GET /reports/authenticationMethods/userRegistrationDetails``
  (https://learn.microsoft.com/en-us/graph/api/resources/userregistrationdetails): ``id``,
  ``userPrincipalName``, ``userDisplayName``, ``userType``, ``isAdmin`` (holds an admin role),
  ``isMfaRegistered``, ``isMfaCapable``, ``methodsRegistered``, ``lastUpdatedDateTime``.

Accepted shapes: one collection page as Graph returns it; a list of pages; a bare list of users or of
registration details. Pages are recognised by their ``@odata.context`` (``#users``,
``#reports/authenticationMethods/userRegistrationDetails``), bare items by their keys.

Facts: one :class:`Account` per user, ``system="azuread"``, ``account_id`` = the user principal name as
written, ``email`` = ``mail`` (else the UPN) lower-cased; ``active`` = ``accountEnabled``; ``status`` =
``enabled`` / ``disabled`` (``guest`` users keep ``groups=("guest",)``); ``last_login_at`` from
``signInActivity``. The registration details are joined in :func:`finalize` by object id or UPN:
``mfa_enabled`` = ``isMfaRegistered``, ``is_admin`` = ``isAdmin``, ``mfa_factors`` = ``methodsRegistered`` named as
:class:`~trustgap.facts.Account` names factors (``mobilePhone`` -> ``sms``, ``officePhone`` -> ``voice``,
``softwareOneTimePasscode`` -> ``totp``, ``microsoftAuthenticatorPush`` -> ``push``, FIDO2 / passkeys / Windows
Hello -> ``webauthn``, ...; see :data:`METHODS`). Registration details alone (no users
listing in the evidence) still give accounts, with ``active`` unknown; those naming a user missing from a
users listing that is present are dropped. A user without a UPN, or a value of the wrong type, is reported
with its JSON path and field; the other users are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import (
    head_text,
    json_field,
    json_flag,
    json_when,
    load_json,
    looks_like_json,
    text_or_none,
)
from trustgap.facts import Account, Src, norm_email

SYSTEM = "azuread"
_USERS_CONTEXT = "$metadata#users"
_REG_CONTEXT = "userRegistrationDetails"
_USER_KEYS = ('"accountEnabled"', '"signInActivity"', '"onPremisesSyncEnabled"', '"createdDateTime"')
_REG_KEYS = ('"isMfaRegistered"', '"isMfaCapable"', '"methodsRegistered"', '"isSsprRegistered"')


# methodsRegistered values (userRegistrationDetails, v1.0 and beta) -> Account.mfa_factors names. The mobile phone
# method sends a code by text or calls; it is named "sms" (the weaker of the two is what it allows).
METHODS: dict[str, str] = {
    "mobilephone": "sms", "alternatemobilephone": "sms", "officephone": "voice", "email": "email",
    "microsoftauthenticatorpush": "push", "microsoftauthenticatorpasswordless": "push",
    "softwareonetimepasscode": "totp", "hardwareonetimepasscode": "hardware", "securityquestion": "security_question",
    "temporaryaccesspass": "temporary_access_pass", "fido2": "webauthn", "fido2securitykey": "webauthn",
    "windowshelloforbusiness": "webauthn", "passkeydevicebound": "webauthn",
    "passkeydeviceboundauthenticator": "webauthn", "passkeydeviceboundwindowshello": "webauthn",
    "macossecureenclavekey": "webauthn", "platformcredential": "webauthn",
}


def _methods(obj: dict[str, Any]) -> tuple[str, ...] | None:
    raw = obj.get("methodsRegistered")
    if not isinstance(raw, list):
        return None
    names = [str(m).strip() for m in raw if isinstance(m, str) and m.strip()]
    return tuple(dict.fromkeys(METHODS.get(n.lower(), n.lower()) for n in names))


@dataclass(frozen=True, slots=True)
class Registration:
    """MFA registration of one user, waiting to be joined to the user's Account in finalize."""

    src: Src
    user_id: str | None
    upn: str | None
    display_name: str | None
    is_admin: bool | None
    mfa_registered: bool | None
    guest: bool
    methods: tuple[str, ...] | None = None


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 16384)
    if not looks_like_json(head) or '"userPrincipalName"' not in head:
        return 0
    if _USERS_CONTEXT in head or _REG_CONTEXT in head:
        return 10
    if sum(k in head for k in _REG_KEYS) >= 2 or sum(k in head for k in _USER_KEYS) >= 2:
        return 9
    return 0


def _items(doc: Any, path: str) -> list[tuple[str, list[Any]]]:
    """(JSON path, items) of every collection in the document."""
    if isinstance(doc, dict):
        if isinstance(doc.get("value"), list):
            return [("$.value", doc["value"])]
        if "userPrincipalName" in doc:
            return [("$", [doc])]
        raise InputError(path, f"not a Graph users collection: no 'value' (top-level keys {sorted(doc)[:8]})",
                         field="value")
    if isinstance(doc, list):
        if all(isinstance(x, dict) and isinstance(x.get("value"), list) for x in doc) and doc:
            return [(f"$[{i}].value", page["value"]) for i, page in enumerate(doc)]
        return [("$", doc)]
    raise InputError(path, "not a Graph users collection: expected an object with 'value' or a list", line=1)


def _when(obj: dict[str, Any], key: str, where: str, ctx: ParseContext) -> datetime | None:
    day = json_when(obj, key, where, ctx)
    return None if day is None or day.year <= 1601 else day  # Graph's "never": 0001-01-01 / 1601-01-01


def _is_registration(obj: dict[str, Any]) -> bool:
    return any(k in obj for k in ("isMfaRegistered", "isMfaCapable", "methodsRegistered", "userDisplayName"))


def _account(obj: dict[str, Any], where: str, ctx: ParseContext) -> Account | None:
    upn = text_or_none(obj.get("userPrincipalName"))
    if not upn:
        ctx.error(f"{where} has no userPrincipalName", field=json_field(where, "userPrincipalName"))
        return None
    enabled = json_flag(obj, "accountEnabled", where, ctx)
    activity = obj.get("signInActivity")
    last = None
    if isinstance(activity, dict):
        sub = f"{where}.signInActivity"
        last = (_when(activity, "lastSuccessfulSignInDateTime", sub, ctx)
                or _when(activity, "lastSignInDateTime", sub, ctx))
    name = text_or_none(obj.get("displayName")) or " ".join(
        p for p in (text_or_none(obj.get("givenName")), text_or_none(obj.get("surname"))) if p) or None
    guest = (text_or_none(obj.get("userType")) or "").lower() == "guest"
    return Account(
        src=ctx.src(where), system=SYSTEM, account_id=upn, email=norm_email(text_or_none(obj.get("mail")) or upn),
        display_name=name, kind="user", active=enabled,
        status=None if enabled is None else ("enabled" if enabled else "disabled"),
        created_at=_when(obj, "createdDateTime", where, ctx), last_login_at=last,
        groups=("guest",) if guest else (),
    )


def _registration(obj: dict[str, Any], where: str, ctx: ParseContext) -> Registration | None:
    upn, uid = text_or_none(obj.get("userPrincipalName")), text_or_none(obj.get("id"))
    if not upn and not uid:
        ctx.error(f"{where} names no user (no userPrincipalName or id)", field=json_field(where, "userPrincipalName"))
        return None
    return Registration(ctx.src(where), uid, upn, text_or_none(obj.get("userDisplayName")),
                        json_flag(obj, "isAdmin", where, ctx), json_flag(obj, "isMfaRegistered", where, ctx),
                        (text_or_none(obj.get("userType")) or "").lower() == "guest", _methods(obj))


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    facts: list[Any] = []
    for base, items in _items(doc, ctx.path):
        for i, obj in enumerate(items):
            where = f"{base}[{i}]"
            if not isinstance(obj, dict):
                ctx.error(f"{where} is not a user object", field=json_field(where))
                continue
            fact = _registration(obj, where, ctx) if _is_registration(obj) else _account(obj, where, ctx)
            if fact is not None:
                facts.append((fact, text_or_none(obj.get("id"))))
    # accounts carry their Graph object id only until finalize, as the join key of registrations
    return ParseResult(facts=[_Keyed(f, oid) if isinstance(f, Account) else f for f, oid in facts])


@dataclass(frozen=True, slots=True)
class _Keyed:
    account: Account
    object_id: str | None

    @property
    def src(self) -> Src:
        return self.account.src


def finalize(facts: list[Any]) -> list[Any]:
    """Join registration details to users by object id or UPN (see the module docstring)."""
    keyed = [f for f in facts if isinstance(f, _Keyed)]
    regs = [f for f in facts if isinstance(f, Registration)]
    out: list[Any] = [f for f in facts if not isinstance(f, _Keyed | Registration)]
    by_key: dict[str, Registration] = {}
    for r in regs:
        for k in (r.user_id, r.upn):
            if k:
                by_key[k.lower()] = r
    for item in keyed:
        a = item.account
        reg = next((by_key[x.lower()] for x in (item.object_id, a.account_id) if x and x.lower() in by_key), None)
        if reg is not None:
            a = replace(a, is_admin=reg.is_admin if reg.is_admin is not None else a.is_admin,
                        mfa_enabled=reg.mfa_registered if reg.mfa_registered is not None else a.mfa_enabled,
                        mfa_factors=reg.methods if reg.methods is not None else a.mfa_factors)
        out.append(a)
    if not keyed:  # registration details alone: accounts with what they tell
        out.extend(Account(src=r.src, system=SYSTEM, account_id=r.upn or r.user_id or "?",
                           email=norm_email(r.upn) if r.upn and "@" in r.upn else None, display_name=r.display_name,
                           is_admin=r.is_admin, mfa_enabled=r.mfa_registered, groups=("guest",) if r.guest else (),
                           mfa_factors=r.methods or ())
                   for r in regs)
    return out


PARSER = register(
    Parser(
        name="entra_users",
        title="Microsoft Entra ID users and MFA registration (Graph JSON)",
        sniff=sniff,
        parse=parse,
        finalize=finalize,
        sources=("azuread.users",),
        reference="https://learn.microsoft.com/en-us/graph/api/resources/userregistrationdetails",
    )
)
