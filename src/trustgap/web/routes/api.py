"""The JSON API: runs, verdicts, findings (with their triage) and evidence of the organisations a person was
granted. Authenticated by a personal API token (``Authorization: Bearer tgp_...``) or the browser session for
reading; changes need a token (no cookies, so no cross-site request can make them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from trustgap.store.queries import EvidenceEntry, FindingEntry
from trustgap.store.runs import RunRecord
from trustgap.store.work import WorkItem
from trustgap.web.deps import OrgAccess, PageError, org_access, require_viewer, services

ERRORS: dict[int | str, dict[str, object]] = {
    400: {"description": "a change that is refused (e.g. accepting a risk without a justification)",
          "model": "Problem"},
    401: {"description": "no valid session or API token", "model": "Problem"},
    403: {"description": "the role does not allow this (e.g. accepting a risk is for admins)", "model": "Problem"},
    404: {"description": "no such organisation, run or item (or not granted)", "model": "Problem"},
}


class Problem(BaseModel):
    detail: str


for _v in ERRORS.values():
    _v["model"] = Problem

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)


class OrgOut(BaseModel):
    slug: str
    name: str
    role: Literal["admin", "editor", "auditor", "viewer"]


class CountsOut(BaseModel):
    implemented: int
    partial: int
    gap: int
    not_applicable: int
    not_assessed: int


class RunOut(BaseModel):
    id: str
    organisation: str
    as_of: date
    report_type: str
    created_at: datetime
    readiness: float | None
    assessed_readiness: float | None
    counts: CountsOut
    result_sha256: str


class VerdictOut(BaseModel):
    control_id: str
    title: str
    status: Literal["implemented", "partial", "gap", "not_applicable", "not_assessed"]
    gap_kind: str | None
    severity: str
    criteria: list[str]
    reason: str


class WorkOut(BaseModel):
    status: Literal["open", "in_progress", "risk_accepted", "resolved"]
    owner: str | None
    due_date: date | None
    justification: str | None
    approver: str | None
    accepted_until: date | None


class FindingOut(BaseModel):
    id: str
    control_id: str
    check_id: str | None
    severity: str
    gap_kind: str | None
    entity_type: str | None
    entity: str | None
    reason: str
    evidence: list[str]
    work: WorkOut


class FindingsPage(BaseModel):
    total: int
    items: list[FindingOut]


class EvidenceOut(BaseModel):
    sha256: str
    name: str
    source: str
    collected_at: str
    size: int
    format: str | None
    status: str
    errors: list[dict[str, object]]


class EvidencePage(BaseModel):
    total: int
    items: list[EvidenceOut]


class WorkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["open", "in_progress", "risk_accepted", "resolved"]
    owner: str | None = Field(None, max_length=320)
    due_date: date | None = None
    justification: str | None = Field(None, max_length=2000)
    accepted_until: date | None = None


def _access(request: Request, org: str) -> OrgAccess:
    return org_access(request, org)


def _run(request: Request, access: OrgAccess, run_id: str) -> RunRecord:
    return services(request).queries.run(access.org.name, run_id)


def _run_out(r: RunRecord) -> RunOut:
    return RunOut(id=r.id, organisation=r.organisation, as_of=r.as_of, report_type=r.report_type,
                  created_at=r.created_at, readiness=r.readiness, assessed_readiness=r.assessed_readiness,
                  counts=CountsOut(**r.counts), result_sha256=r.result_sha256)


def _work_out(w: WorkItem) -> WorkOut:
    return WorkOut(status=w.status, owner=w.owner, due_date=w.due_date,  # type: ignore[arg-type]
                   justification=w.justification, approver=w.approver, accepted_until=w.accepted_until)


def _finding_out(f: FindingEntry, w: WorkItem) -> FindingOut:
    return FindingOut(id=f.id, control_id=f.control_id, check_id=f.check_id, severity=f.severity,
                      gap_kind=f.gap_kind, entity_type=f.entity_type, entity=f.entity, reason=f.reason,
                      evidence=f.evidence, work=_work_out(w))


def _evidence_out(e: EvidenceEntry) -> EvidenceOut:
    return EvidenceOut(sha256=e.sha256, name=e.name, source=e.source, collected_at=e.collected_at, size=e.size,
                       format=e.format, status=e.status, errors=e.errors)


@router.get("/orgs", response_model=list[OrgOut], summary="Organisations you were granted, with your role")
def orgs(request: Request) -> list[OrgOut]:
    viewer = require_viewer(request)
    return [OrgOut(slug=o.slug, name=o.name, role=role)  # type: ignore[arg-type]
            for o, role in services(request).accounts.memberships(viewer.user.id)]


@router.get("/orgs/{org}/runs", response_model=list[RunOut], summary="Stored runs, newest first")
def runs(request: Request, org: str, limit: int = Query(50, ge=1, le=500)) -> list[RunOut]:
    access = _access(request, org)
    return [_run_out(r) for r in services(request).queries.runs(access.org.name, limit=limit)]


@router.get("/orgs/{org}/runs/{run_id}", response_model=RunOut, summary="One run ('latest' for the newest)")
def run(request: Request, org: str, run_id: str) -> RunOut:
    return _run_out(_run(request, _access(request, org), run_id))


@router.get("/orgs/{org}/runs/{run_id}/verdicts", response_model=list[VerdictOut],
            summary="Every control's verdict in a run")
def verdicts(request: Request, org: str, run_id: str) -> list[VerdictOut]:
    access = _access(request, org)
    summary = services(request).queries.summary(_run(request, access, run_id))
    return [VerdictOut(control_id=v["control_id"], title=v["title"], status=v["status"], gap_kind=v.get("gap_kind"),
                       severity=v["severity"], criteria=v.get("criteria", []), reason=v["reason"])
            for v in summary["verdicts"] or []]


@router.get("/orgs/{org}/runs/{run_id}/findings", response_model=FindingsPage,
            summary="A run's findings, most severe first, with owner, due date and status")
def findings(request: Request, org: str, run_id: str, control_id: str | None = Query(None, max_length=40),
             severity: Literal["critical", "high", "medium", "low"] | None = None,
             limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10_000_000)) -> FindingsPage:
    access = _access(request, org)
    svc = services(request)
    items, total = svc.queries.findings(_run(request, access, run_id), control_id=control_id, severity=severity,
                                        limit=limit, offset=offset)
    work = svc.work.items(access.org.id, "finding")
    return FindingsPage(total=total, items=[
        _finding_out(f, work.get(("finding", f.id)) or svc.work.item(access.org.id, "finding", f.id))
        for f in items])


@router.get("/orgs/{org}/runs/{run_id}/evidence", response_model=EvidencePage,
            summary="The evidence a run read (sha256, source, parser, errors)")
def evidence(request: Request, org: str, run_id: str, limit: int = Query(500, ge=1, le=5000),
             offset: int = Query(0, ge=0, le=10_000_000)) -> EvidencePage:
    access = _access(request, org)
    items, total = services(request).queries.evidence(_run(request, access, run_id), limit=limit, offset=offset)
    return EvidencePage(total=total, items=[_evidence_out(e) for e in items])


@router.get("/orgs/{org}/findings/{finding_id}/work", response_model=WorkOut,
            summary="Owner, due date and status of a finding")
def finding_work(request: Request, org: str, finding_id: str) -> WorkOut:
    access = _access(request, org)
    svc = services(request)
    latest = svc.queries.run(access.org.name, "latest")
    svc.queries.finding(latest, finding_id)
    return _work_out(svc.work.item(access.org.id, "finding", finding_id))


@router.put("/orgs/{org}/findings/{finding_id}/work", response_model=WorkOut,
            summary="Set owner, due date and status of a finding of the latest run (API token, editor or admin)")
def set_finding_work(request: Request, org: str, finding_id: str, body: WorkIn) -> WorkOut:
    access = _access(request, org)
    if not access.viewer.via_token:
        raise PageError(403, "changes through the API need a personal API token")
    if not access.can("edit"):
        raise PageError(403, f"your role in {access.org.name} ({access.role}) does not allow this")
    svc = services(request)
    latest = svc.queries.run(access.org.name, "latest")
    svc.queries.finding(latest, finding_id)
    item = svc.work.update(access.org.id, "finding", finding_id, owner=body.owner, due_date=body.due_date,
                           status=body.status, justification=body.justification,
                           accepted_until=body.accepted_until, actor=access.actor,
                           actor_can_accept=access.can("approve"), today=date.today())
    return _work_out(item)


