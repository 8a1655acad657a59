"""Members and roles of an organisation (admins), and its audit log (admins and auditors)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trustgap.web.deps import OrgAccess, PageError, choice_field, form_checked, need, services, text_field
from trustgap.web.permissions import ROLES
from trustgap.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/o/{org}/members")
def members(request: Request, access: OrgAccess = Depends(need("manage"))) -> Response:
    return page(request, "members.html", {"members": services(request).accounts.members(access.org.id),
                                          "roles": ROLES})


@router.post("/o/{org}/members")
def grant(request: Request, got: tuple[OrgAccess, FormData] = Depends(form_checked("manage"))) -> Response:
    """Give a role to an existing account, or create the account (with a first password) and give it."""
    access, form = got
    svc = services(request)
    email = text_field(form, "email", required=True, max_len=320)
    role = choice_field(form, "role", ROLES)
    user = svc.accounts.user_by_email(email)
    if user is None:
        password = text_field(form, "password", max_len=1024)
        if not password:
            raise PageError(400, f"password: {email} has no account yet; give a first password to create it")
        user = svc.accounts.add_user(email, password, actor=access.actor)
    if user.id == access.viewer.user.id and role != "admin":
        raise PageError(400, "role: you cannot lower your own role (another admin can)")
    svc.accounts.grant(user.id, access.org, role, actor=access.actor)
    return RedirectResponse(f"/o/{access.org.slug}/members?ok=granted", status_code=303)


@router.post("/o/{org}/members/{user_id}/remove")
def remove(request: Request, user_id: int,
           got: tuple[OrgAccess, FormData] = Depends(form_checked("manage"))) -> Response:
    access, _form = got
    if user_id == access.viewer.user.id:
        raise PageError(400, "you cannot remove yourself (another admin can)")
    svc = services(request)
    svc.accounts.revoke(user_id, access.org, actor=access.actor)
    return RedirectResponse(f"/o/{access.org.slug}/members?ok=removed", status_code=303)


@router.get("/o/{org}/audit")
def audit(request: Request, access: OrgAccess = Depends(need("audit_log"))) -> Response:
    return page(request, "audit.html", {"entries": services(request).audit_entries(access.org.id, limit=500)})
