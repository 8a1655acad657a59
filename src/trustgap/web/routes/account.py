"""The signed-in person's own page: personal API tokens (created, shown once, revoked)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from trustgap.web.deps import PageError, read_form, require_viewer, services, text_field
from trustgap.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/account")
def account(request: Request) -> Response:
    viewer = require_viewer(request)
    svc = services(request)
    return page(request, "account.html", {"tokens": svc.accounts.tokens(viewer.user),
                                          "memberships": svc.accounts.memberships(viewer.user.id)})


@router.post("/account/tokens")
async def create_token(request: Request) -> Response:
    viewer = require_viewer(request)
    form = await read_form(request)
    svc = services(request)
    plain, _token = svc.accounts.create_token(viewer.user, text_field(form, "name", required=True, max_len=100))
    return page(request, "account.html", {"tokens": svc.accounts.tokens(viewer.user), "new_token": plain,
                                          "memberships": svc.accounts.memberships(viewer.user.id)}, status=201)


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: int) -> Response:
    viewer = require_viewer(request)
    await read_form(request)
    svc = services(request)
    if token_id not in {t.id for t in svc.accounts.tokens(viewer.user)}:
        raise PageError(404, f"no token {token_id} of yours")
    svc.accounts.revoke_token(viewer.user, token_id)
    return RedirectResponse("/account?ok=token", status_code=303)
