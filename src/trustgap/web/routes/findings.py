"""The findings of the latest run (filters: severity, control, triage status) and one finding with its
triage and comments."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trustgap.store.queries import SEVERITIES
from trustgap.store.work import STATUSES, open_item
from trustgap.web.deps import OrgAccess, PageError, form_checked, need, services
from trustgap.web.render import page
from trustgap.web.triage import add_comment, save_work

router = APIRouter(include_in_schema=False)
PAGE = 100


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise PageError(400, f"{name}: not a page number: {raw!r}")
    return int(raw)


@router.get("/o/{org}/findings")
def findings(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    latest = svc.queries.run(access.org.name, "latest")
    severity = request.query_params.get("severity", "")
    control = request.query_params.get("control", "").strip()[:40]
    status = request.query_params.get("status", "")
    if severity and severity not in SEVERITIES:
        raise PageError(400, f"severity: use one of {', '.join(SEVERITIES)}")
    if status and status not in STATUSES:
        raise PageError(400, f"status: use one of {', '.join(STATUSES)}")
    page_no = max(_int_param(request, "page", 1), 1)
    work = svc.work.items(access.org.id, "finding")
    ids = None
    if status:  # triage status lives in the work table: filter on the findings that have that status
        ids = [k for (_kind, k), w in work.items() if w.status == status]
        if status == "open":
            ids = None  # open is the default for every untouched finding: filter after reading
    items, total = svc.queries.findings(latest, severity=severity or None, control_id=control or None, ids=ids,
                                        limit=PAGE, offset=(page_no - 1) * PAGE)
    rows = [(f, work.get(("finding", f.id)) or open_item("finding", f.id)) for f in items]
    if status == "open":
        rows = [(f, w) for f, w in rows if w.status == "open"]
    return page(request, "findings.html", {
        "rows": rows, "total": total, "run": latest, "severities": SEVERITIES, "statuses": STATUSES,
        "filters": {"severity": severity, "control": control, "status": status}, "page_no": page_no,
        "pages": max((total + PAGE - 1) // PAGE, 1)})


@router.get("/o/{org}/findings/{finding_id}")
def finding(request: Request, finding_id: str, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    latest = svc.queries.run(access.org.name, "latest")
    f = svc.queries.finding(latest, finding_id)
    summary = svc.queries.summary(latest)
    evidence, _ = svc.queries.evidence(latest, shas=f.evidence)
    return page(request, "finding.html", {
        "f": f, "v": summary.verdicts.get(f.control_id), "check": summary.checks.get(f.check_id or ""),
        "evidence": evidence, "run": latest, "work": svc.work.item(access.org.id, "finding", finding_id),
        "comments": svc.work.comments(access.org.id, "finding", finding_id), "kind": "finding", "key": finding_id,
        "action": f"/o/{access.org.slug}/findings/{finding_id}"})


def _known(request: Request, access: OrgAccess, finding_id: str) -> None:
    svc = services(request)
    svc.queries.finding(svc.queries.run(access.org.name, "latest"), finding_id)


@router.post("/o/{org}/findings/{finding_id}/work")
def finding_work(request: Request, finding_id: str,
                 got: tuple[OrgAccess, FormData] = Depends(form_checked("edit"))) -> Response:
    access, form = got
    _known(request, access, finding_id)
    save_work(services(request), access, "finding", finding_id, form)
    return RedirectResponse(f"/o/{access.org.slug}/findings/{finding_id}?ok=saved", status_code=303)


@router.post("/o/{org}/findings/{finding_id}/comments")
def finding_comment(request: Request, finding_id: str,
                    got: tuple[OrgAccess, FormData] = Depends(form_checked("comment"))) -> Response:
    access, form = got
    _known(request, access, finding_id)
    add_comment(services(request), access, "finding", finding_id, form)
    return RedirectResponse(f"/o/{access.org.slug}/findings/{finding_id}?ok=commented#comments", status_code=303)
