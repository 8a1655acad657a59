"""Policies: their state (current, missing, stale, draft, not approved), drafts for what is missing, and
approval of a draft by an admin."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trustgap.policies import workspace
from trustgap.web.deps import OrgAccess, form_checked, need, services, text_field
from trustgap.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/o/{org}/policies")
def policies(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    today = date.today()
    ov = workspace.overview(Path(access.org.folder), today)
    rows = [{"s": s, "title": workspace.title_of(s.key)} for s in ov.states]
    return page(request, "policies.html", {"rows": rows, "errors": ov.errors, "today": today})


@router.post("/o/{org}/policies/drafts")
def drafts(request: Request, got: tuple[OrgAccess, FormData] = Depends(form_checked("edit"))) -> Response:
    access, _form = got
    written = workspace.write_missing_drafts(Path(access.org.folder), date.today())
    svc = services(request)
    svc.record(actor=access.actor, org_id=access.org.id, action="policy.drafts", target="evidence/policies/drafts",
               after={"written": [w.path.name for w in written if not w.skipped],
                      "kept": [w.path.name for w in written if w.skipped]})
    return RedirectResponse(f"/o/{access.org.slug}/policies?ok=drafted", status_code=303)


@router.post("/o/{org}/policies/approve")
def approve(request: Request, got: tuple[OrgAccess, FormData] = Depends(form_checked("approve"))) -> Response:
    access, form = got
    relative = text_field(form, "path", required=True, max_len=500)
    today = date.today()
    workspace.approve(Path(access.org.folder), relative, approved_by=access.actor, on=today)
    services(request).record(actor=access.actor, org_id=access.org.id, action="policy.approve", target=relative,
                             before={"approved_on": None},
                             after={"approved_on": today.isoformat(), "approved_by": access.actor})
    return RedirectResponse(f"/o/{access.org.slug}/policies?ok=approved", status_code=303)
