"""Who is asking and what they may do: the signed-in user (session cookie, or a personal API token for the
API), their role in the organisation named by the URL, CSRF checks and form parsing for every form."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from trustgap.store.accounts import Organisation, User
from trustgap.web.permissions import allowed
from trustgap.web.services import Services

SESSION_COOKIE = "tg_session"
LOGIN_CSRF_COOKIE = "tg_login_csrf"
MAX_FIELD = 20_000


class PageError(Exception):
    """A request that cannot be served: status code and a message for the person (or the API client)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class LoginRequired(Exception):
    """No valid session: pages redirect to the sign-in page, the API answers 401."""


@dataclass(frozen=True)
class Viewer:
    user: User
    csrf: str | None  # None for API-token requests (no cookies, so no CSRF)
    via_token: bool = False


@dataclass(frozen=True)
class OrgAccess:
    viewer: Viewer
    org: Organisation
    role: str

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)

    @property
    def actor(self) -> str:
        return self.viewer.user.email


def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def current_viewer(request: Request) -> Viewer | None:
    svc = services(request)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = svc.accounts.token_user(auth[7:].strip())
        return Viewer(user, None, via_token=True) if user else None
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = svc.accounts.session(token)
    return Viewer(found[0], found[1]) if found else None


def require_viewer(request: Request) -> Viewer:
    viewer = current_viewer(request)
    if viewer is None:
        raise LoginRequired()
    request.state.viewer = viewer
    return viewer


def org_access(request: Request, slug: str) -> OrgAccess:
    """The viewer's access to organisation ``slug``; an organisation they were not granted does not exist
    for them (404, the same answer as for one that does not exist)."""
    viewer = require_viewer(request)
    svc = services(request)
    org = svc.accounts.organisation(slug)
    role = svc.accounts.role_of(viewer.user.id, org.id) if org else None
    if org is None or role is None:
        raise PageError(404, f"no organisation {slug!r}")
    access = OrgAccess(viewer, org, role)
    request.state.access = access
    return access


def need(permission: str) -> Callable[[Request, str], OrgAccess]:
    """A dependency: the viewer's access to the URL's organisation, refused with 403 without ``permission``."""

    def dependency(request: Request, org: str) -> OrgAccess:
        access = org_access(request, org)
        if not access.can(permission):
            raise PageError(403, f"your role in {access.org.name} ({access.role}) does not allow this")
        return access

    return dependency


async def read_form(request: Request, *, max_files: int = 0, max_part_size: int = 1024 * 1024) -> FormData:
    """The submitted form, after its CSRF token was checked against the session's."""
    viewer: Viewer | None = getattr(request.state, "viewer", None) or current_viewer(request)
    if viewer is None:
        raise LoginRequired()
    try:
        form = await request.form(max_files=max_files, max_fields=200, max_part_size=max_part_size)
    except Exception as exc:  # malformed bodies, too many fields or parts over the size limit
        raise PageError(400, f"the form could not be read: {exc}") from None
    if not viewer.via_token:
        sent = form.get("csrf_token")
        if not isinstance(sent, str) or viewer.csrf is None or not hmac.compare_digest(sent, viewer.csrf):
            raise PageError(403, "the form expired or did not come from this site (CSRF check failed); reload the "
                                 "page and submit it again")
    return form


def form_checked(permission: str) -> Callable[[Request, str], Coroutine[Any, Any, tuple[OrgAccess, FormData]]]:
    """A dependency for organisation forms: role checked, then the form read and its CSRF token checked."""

    async def dependency(request: Request, org: str) -> tuple[OrgAccess, FormData]:
        access = need(permission)(request, org)
        return access, await read_form(request)

    return dependency


# -- reading fields: every wrong value is a 400 naming the field ---------------------------------------------
def text_field(form: FormData, name: str, *, required: bool = False, max_len: int = 2000) -> str:
    raw = form.get(name)
    if raw is None or isinstance(raw, UploadFile):
        raw = ""
    value = str(raw).strip()
    if required and not value:
        raise PageError(400, f"{name.replace('_', ' ')}: required")
    if len(value) > min(max_len, MAX_FIELD):
        raise PageError(400, f"{name.replace('_', ' ')}: at most {max_len} characters ({len(value)} given)")
    return value


def date_field(form: FormData, name: str) -> date | None:
    value = text_field(form, name, max_len=10)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PageError(400, f"{name.replace('_', ' ')}: not a date: {value!r} (use YYYY-MM-DD)") from None


def choice_field(form: FormData, name: str, choices: tuple[str, ...] | list[str]) -> str:
    value = text_field(form, name, required=True, max_len=100)
    if value not in choices:
        raise PageError(400, f"{name.replace('_', ' ')}: {value!r} is not one of {', '.join(choices)}")
    return value
