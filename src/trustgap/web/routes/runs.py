"""Stored runs: the list, one run (with its full report), drift between two runs, the evidence package."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from trustgap.web.deps import OrgAccess, PageError, need, services
from trustgap.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/o/{org}/runs")
def runs(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    return page(request, "runs.html", {"runs": svc.queries.runs(access.org.name, limit=200),
                                       "jobs": svc.work.jobs(access.org.id, limit=5)})


@router.get("/o/{org}/runs/{run_id}")
def run(request: Request, run_id: str, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    rec = svc.queries.run(access.org.name, run_id)
    previous = svc.queries.previous(rec)
    return page(request, "run.html", {"run": rec, "summary": svc.queries.summary(rec), "previous": previous,
                                      "severities": svc.queries.severity_counts(rec)})


@router.get("/o/{org}/runs/{run_id}/report")
def report(request: Request, run_id: str, access: OrgAccess = Depends(need("read"))) -> Response:
    from trustgap.report.html import render_html

    svc = services(request)
    rec = svc.queries.run(access.org.name, run_id)
    stored = svc.queries.report_run(rec)  # the outline and the findings shown, not the whole result
    return HTMLResponse(render_html(stored.result, run_id=rec.id, findings=stored.findings,
                                    monitoring=svc.monitor_views.report_section(stored.result, rec.id)),
                        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                                            "img-src data:; frame-ancestors 'none'"})


@router.get("/o/{org}/drift")
def drift(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    q = svc.queries
    runs = q.runs(access.org.name, limit=200)
    newer_id = request.query_params.get("newer") or (runs[0].id if runs else "latest")
    newer = q.run(access.org.name, newer_id)
    older_id = request.query_params.get("older")
    older = q.run(access.org.name, older_id) if older_id else q.previous(newer)
    if older is None:
        return page(request, "drift.html", {"runs": runs, "newer": newer, "older": None, "d": None})
    if older.id == newer.id:
        raise PageError(400, "older and newer: choose two different runs")
    d = q.drift(older, newer)
    return page(request, "drift.html", {"runs": runs, "newer": newer, "older": older, "d": d})


@router.get("/o/{org}/runs/{run_id}/package")
def package(request: Request, run_id: str, access: OrgAccess = Depends(need("package"))) -> Response:
    from trustgap.report.package import build_package

    svc = services(request)
    rec = svc.queries.run(access.org.name, run_id)
    data, _missing = build_package(svc.queries.result(rec), svc.evidence.read_verified, run_id=rec.id)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="trustgap-package-{rec.id}.zip"'})
