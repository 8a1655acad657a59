"""The roadmap (tasks by phase, with their triage) and the risk register of the latest run."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from trustgap.store.work import open_item
from trustgap.web.deps import OrgAccess, need, services
from trustgap.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/o/{org}/roadmap")
def roadmap(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    latest = svc.queries.run(access.org.name, "latest")
    plan = svc.queries.summary(latest).plan
    work = svc.work.items(access.org.id, "task")
    tasks = {t["control_id"]: t for t in plan.get("tasks", [])}
    phases = [{"phase": p, "tasks": [(tasks[c], work.get(("task", c)) or open_item("task", c))
                                     for c in p.get("tasks", []) if c in tasks]} for p in plan.get("phases", [])]
    unscheduled = [(tasks[c], work.get(("task", c)) or open_item("task", c))
                   for c in plan.get("unscheduled", []) if c in tasks]
    return page(request, "roadmap.html", {"plan": plan, "phases": phases, "unscheduled": unscheduled, "run": latest})


@router.get("/o/{org}/risks")
def risks(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    latest = svc.queries.run(access.org.name, "latest")
    register = svc.queries.summary(latest).plan.get("risk_register") or {}
    work = svc.work.items(access.org.id, "task")
    accepted = {k: w for (_kind, k), w in work.items() if w.status == "risk_accepted"}
    rows = sorted(register.get("risks", []), key=lambda r: (-int(r.get("score") or 0), r.get("id", "")))
    return page(request, "risks.html", {"register": register, "rows": rows, "accepted": accepted, "run": latest})
