"""The evidence browser (what each run read, raw files to download), uploads into the organisation's evidence
folder, and the background assessments they start."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from trustgap.web.deps import OrgAccess, PageError, date_field, need, read_form, services
from trustgap.web.render import page
from trustgap.web.uploads import save_uploads

router = APIRouter(include_in_schema=False)
UPLOAD_FOLDER = "uploads"


@router.get("/o/{org}/evidence")
def evidence(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    latest = svc.queries.run(access.org.name, "latest")
    items, total = svc.queries.evidence(latest, limit=2000)
    summary = svc.queries.summary(latest)
    return page(request, "evidence.html", {"items": items, "total": total, "run": latest,
                                           "understood": summary["evidence_understood"] or {}})


def _sha(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise PageError(404, f"not an evidence id: {sha256[:80]!r} (a SHA-256 in hex)")
    return sha256


@router.get("/o/{org}/evidence/{sha256}")
def evidence_item(request: Request, sha256: str, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    item = svc.queries.evidence_item(access.org.name, _sha(sha256))
    return page(request, "evidence_item.html", {"e": item, "stored": svc.evidence.has(sha256)})


@router.get("/o/{org}/evidence/{sha256}/raw")
def evidence_raw(request: Request, sha256: str, access: OrgAccess = Depends(need("download"))) -> Response:
    svc = services(request)
    item = svc.queries.evidence_item(access.org.name, _sha(sha256))
    data = svc.evidence.read_verified(sha256)
    if data is None:
        raise PageError(404, f"{item.name}: the stored copy is missing or no longer matches its SHA-256")
    filename = Path(item.name).name.replace('"', "_") or sha256
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-SHA256": sha256})


@router.get("/o/{org}/upload")
def upload_form(request: Request, access: OrgAccess = Depends(need("edit"))) -> Response:
    svc = services(request)
    return page(request, "upload.html", {"jobs": svc.work.jobs(access.org.id, limit=10),
                                         "max_mb": svc.settings.max_upload_bytes // (1024 * 1024),
                                         "today": date.today()})


@router.post("/o/{org}/upload")
async def upload(request: Request, access: OrgAccess = Depends(need("edit"))) -> Response:
    svc = services(request)
    limit = svc.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise PageError(413, f"file: the upload is larger than the limit of {limit // (1024 * 1024)} MiB; "
                             "nothing was saved")
    form = await read_form(request, max_files=svc.settings.max_upload_files, max_part_size=limit + 1)
    as_of = date_field(form, "as_of") or date.today()
    files = [f for f in form.getlist("file") if isinstance(f, UploadFile) and (f.filename or f.size)]
    target = Path(access.org.folder) / "evidence" / UPLOAD_FOLDER
    saved = await save_uploads(files, target, max_total=limit, max_files=svc.settings.max_upload_files)
    svc.record(actor=access.actor, org_id=access.org.id, action="evidence.upload", target=f"evidence/{UPLOAD_FOLDER}",
               after={"files": [{"name": s.name, "size": s.size, "sha256": s.sha256} for s in saved]})
    names = ", ".join(s.name for s in saved)
    job = svc.jobs.start(access.org, actor=access.actor, as_of=as_of, why=f"uploaded {names}"[:300])
    return RedirectResponse(f"/o/{access.org.slug}/jobs/{job.id}?ok=uploaded", status_code=303)


@router.post("/o/{org}/assess")
async def assess(request: Request, access: OrgAccess = Depends(need("edit"))) -> Response:
    form = await read_form(request)
    as_of = date_field(form, "as_of") or date.today()
    job = services(request).jobs.start(access.org, actor=access.actor, as_of=as_of, why="assessment requested")
    return RedirectResponse(f"/o/{access.org.slug}/jobs/{job.id}?ok=started", status_code=303)


@router.get("/o/{org}/jobs/{job_id}")
def job_page(request: Request, job_id: str, access: OrgAccess = Depends(need("read"))) -> Response:
    job = services(request).work.job(access.org.id, job_id[:32])
    if job is None:
        raise PageError(404, f"no assessment job {job_id[:40]!r} in {access.org.name}")
    return page(request, "job.html", {"job": job, "refresh": job.status in ("queued", "running")})
