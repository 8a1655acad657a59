"""Signing in and out, and the health check: the only routes open without a session."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from trustgap.store.accounts import LoginThrottled
from trustgap.web.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, current_viewer, read_form, services
from trustgap.web.render import page

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme) is followed after signing in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _secure(request: Request) -> bool:
    setting = services(request).settings.cookie_secure
    return request.url.scheme == "https" if setting is None else setting


def _login_page(request: Request, *, error: str | None = None, status: int = 200, email: str = "",
                next_target: str | None = None) -> Response:
    token = secrets.token_urlsafe(32)
    target = _safe_next(next_target or request.query_params.get("next"))
    resp = page(request, "login.html", {"login_csrf": token, "error": error, "email": email, "next": target},
                status=status)
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/login")
    return resp


@router.get("/health")
def health(request: Request) -> JSONResponse:
    services(request).healthy()
    return JSONResponse({"status": "ok"})


@router.get("/login")
def login_form(request: Request) -> Response:
    if current_viewer(request) is not None:
        return RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    try:
        form = await request.form(max_files=0, max_fields=10, max_part_size=16 * 1024)
    except Exception:
        return _login_page(request, error="the form could not be read", status=400)
    sent, cookie = form.get("login_csrf"), request.cookies.get(LOGIN_CSRF_COOKIE)
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent, cookie):
        return _login_page(request, error="the sign-in form expired; please try again", status=403)
    email, password = str(form.get("email") or "")[:320], str(form.get("password") or "")[:1024]
    target = _safe_next(str(form.get("next") or "/"))
    address = request.client.host if request.client else "unknown"
    svc = services(request)
    try:
        user = svc.accounts.authenticate(email, password, address=address)
    except LoginThrottled as exc:
        return _login_page(request, error=str(exc), status=429, email=email, next_target=target)
    if user is None:
        return _login_page(request, error="wrong email or password", status=401, email=email, next_target=target)
    token, _csrf = svc.accounts.start_session(user, hours=svc.settings.session_hours)
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request), path="/",
                    max_age=svc.settings.session_hours * 3600)
    resp.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return resp


@router.post("/logout")
async def logout(request: Request) -> Response:
    viewer = current_viewer(request)
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    request.state.viewer = viewer
    await read_form(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        services(request).accounts.end_session(token)
    resp = RedirectResponse("/login?ok=signed_out", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


