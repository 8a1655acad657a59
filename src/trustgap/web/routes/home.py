"""The organisations a person may see, and each organisation's dashboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from trustgap import config
from trustgap.web.charts import trend
from trustgap.web.deps import OrgAccess, PageError, need, read_form, require_viewer, services, text_field
from trustgap.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/")
def organisations(request: Request) -> Response:
    viewer = require_viewer(request)
    svc = services(request)
    granted = svc.accounts.memberships(viewer.user.id)
    rows = []
    for org, role in granted:
        latest = svc.queries.latest(org.name)
        rows.append({"org": org, "role": role, "latest": latest})
    return page(request, "organisations.html", {"rows": rows})


@router.post("/organisations")
async def create_organisation(request: Request) -> Response:
    """A server administrator starts a new organisation: a folder with starter files under the trustgap home."""
    from trustgap.starter import write_starter

    viewer = require_viewer(request)
    form = await read_form(request)
    if not viewer.user.server_admin:
        raise PageError(403, "only a server administrator can add organisations")
    slug = text_field(form, "slug", required=True, max_len=63)
    name = text_field(form, "name", required=True, max_len=200)
    svc = services(request)
    if svc.accounts.organisation(slug) is not None:
        raise PageError(400, f"slug: an organisation {slug!r} already exists")
    folder = Path(config.home()) / "organisations" / slug
    if folder.exists():
        raise PageError(400, f"slug: the folder {folder} already exists; register it with 'trustgap orgs add'")
    org = svc.accounts.add_organisation(slug, name, str(folder), actor=viewer.user.email)
    write_starter(folder, organisation=name)
    svc.accounts.grant(viewer.user.id, org, "admin", actor=viewer.user.email)
    return RedirectResponse(f"/o/{slug}?ok=created", status_code=303)


@router.get("/o/{org}")
def dashboard(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    q = svc.queries
    newest = q.latest(access.org.name)
    # what the page shows: the latest run and the trend of the last 40
    runs = q.runs(access.org.name, limit=40, newest=newest.id) if newest else []
    latest = runs[0] if runs else None
    ctx: dict[str, object] = {"runs": runs, "latest": latest, "job": svc.work.active_job(access.org.id),
                              "due": svc.work.due_next(access.org.id), "today": date.today()}
    if latest is not None:
        summary = q.summary(latest)
        items = svc.work.items(access.org.id, "task")
        tasks = [t for t in summary.plan.get("tasks", [])
                 if items.get(("task", t["control_id"])) is None
                 or items[("task", t["control_id"])].status in ("open", "in_progress")]
        tasks.sort(key=lambda t: (t.get("phase") or 99, t.get("rank") or 0))
        ctx.update(summary=summary, severities=q.severity_counts(latest), next_tasks=tasks[:6],
                   trend=trend([(str(r.as_of), r.readiness) for r in reversed(runs[:40])]),
                   on_track=summary.plan.get("readiness") or {})
    return page(request, "dashboard.html", ctx)
