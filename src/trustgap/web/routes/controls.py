"""The control matrix (filters: category, criterion, status, owner) and the page of one control."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trustgap.catalog.loader import load_catalog
from trustgap.store.queries import NotFound
from trustgap.web.deps import OrgAccess, PageError, form_checked, need, services
from trustgap.web.render import page
from trustgap.web.triage import add_comment, save_work

router = APIRouter(include_in_schema=False)
STATUS_CHOICES = ("gap", "partial", "not_assessed", "implemented", "not_applicable")
CONTROL_FINDINGS = 50  # the most severe first; the findings list pages through all of them
CONTROL_HISTORY = 30  # the latest runs; the Type II page follows the control over the whole period


def _owner(task: dict | None, item_owner: str | None, role: str) -> str:  # type: ignore[type-arg]
    return item_owner or (task or {}).get("owner") or role


@router.get("/o/{org}/controls")
def matrix(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    cat = load_catalog()
    latest = svc.queries.run(access.org.name, "latest")
    summary = svc.queries.summary(latest)
    tasks = {t["control_id"]: t for t in summary.plan.get("tasks", [])}
    work = svc.work.items(access.org.id, "task")
    counts = svc.queries.finding_counts_by_control(latest)
    f = {k: request.query_params.get(k, "").strip() for k in ("category", "criterion", "status", "owner")}
    rows: list[dict[str, Any]] = []
    owners: set[str] = set()
    for cid, v in summary.verdicts.items():
        control = cat.control(cid) if cat.has_control(cid) else None
        categories = sorted(cat.categories_of(control)) if control else []
        item = work.get(("task", cid))
        owner = _owner(tasks.get(cid), item.owner if item else None, v.get("owner_role", ""))
        owners.add(owner)
        if f["category"] and f["category"] not in categories:
            continue
        if f["criterion"] and f["criterion"] not in v.get("criteria", []):
            continue
        if f["status"] and v["status"] != f["status"]:
            continue
        if f["owner"] and owner != f["owner"]:
            continue
        rows.append({"v": v, "owner": owner, "findings": counts.get(cid, 0), "work": item,
                     "categories": categories})
    order = {s: i for i, s in enumerate(STATUS_CHOICES)}
    rows.sort(key=lambda r: (order.get(r["v"]["status"], 9), r["v"]["control_id"]))
    return page(request, "controls.html", {
        "rows": rows, "filters": f, "run": latest, "categories": summary["categories"] or [],
        "criteria": [c.id for c in cat.criteria], "statuses": STATUS_CHOICES, "owners": sorted(owners),
        "total": len(summary.verdicts)})


def _control_or_404(control_id: str):  # type: ignore[no-untyped-def]
    cat = load_catalog()
    if not cat.has_control(control_id):
        raise PageError(404, f"no control {control_id!r} in the catalog")
    return cat, cat.control(control_id)


@router.get("/o/{org}/controls/{control_id}")
def control_page(request: Request, control_id: str, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    cat, control = _control_or_404(control_id)
    latest = svc.queries.run(access.org.name, "latest")
    summary = svc.queries.summary(latest)
    verdict = summary.verdicts.get(control_id)
    if verdict is None:
        raise NotFound(f"control {control_id} was not assessed in run {latest.id}")
    findings, total = svc.queries.findings(latest, control_id=control_id, limit=CONTROL_FINDINGS)
    shas = sorted({e["sha256"] for e in verdict.get("evidence", [])} | {s for f in findings for s in f.evidence})
    evidence, _ = svc.queries.evidence(latest, shas=shas, limit=500)
    task = next((t for t in summary.plan.get("tasks", []) if t["control_id"] == control_id), None)
    return page(request, "control.html", {
        "control": control, "criteria": [cat.criterion(c) for c in control.criteria], "v": verdict,
        "mappings": [(fw.name, fw.requirements_of(control_id)) for fw in cat.frameworks.values()],
        "checks": [summary.checks[c] for c in verdict.get("checks", []) if c in summary.checks],
        "findings": findings, "findings_total": total, "evidence": evidence,
        "understood": summary["evidence_understood"] or {}, "run": latest,
        "history": svc.queries.control_history(access.org.name, control_id, limit=CONTROL_HISTORY, newest=latest.id),
        "requests": [r for r in summary["evidence_requests"] or [] if r["control_id"] == control_id],
        "task": task, "work": svc.work.item(access.org.id, "task", control_id),
        "comments": svc.work.comments(access.org.id, "task", control_id), "kind": "task", "key": control_id,
        "action": f"/o/{access.org.slug}/controls/{control_id}"})


@router.post("/o/{org}/controls/{control_id}/work")
def control_work(request: Request, control_id: str,
                 got: tuple[OrgAccess, FormData] = Depends(form_checked("edit"))) -> Response:
    access, form = got
    _control_or_404(control_id)
    save_work(services(request), access, "task", control_id, form)
    return RedirectResponse(f"/o/{access.org.slug}/controls/{control_id}?ok=saved", status_code=303)


@router.post("/o/{org}/controls/{control_id}/comments")
def control_comment(request: Request, control_id: str,
                    got: tuple[OrgAccess, FormData] = Depends(form_checked("comment"))) -> Response:
    access, form = got
    _control_or_404(control_id)
    add_comment(services(request), access, "task", control_id, form)
    return RedirectResponse(f"/o/{access.org.slug}/controls/{control_id}?ok=commented#comments", status_code=303)
