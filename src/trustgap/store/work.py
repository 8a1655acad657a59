"""The work done on an organisation's gaps: owner, due date and status of findings and roadmap tasks
(including accepted risks, with justification, approver and expiry), comments, and background jobs.

Every change is validated whole before anything is written, and recorded in the audit log in the same
transaction, so a rejected change leaves nothing half saved."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from trustgap.errors import TrustgapError
from trustgap.store.audit import record, utcnow
from trustgap.store.web_models import CommentRow, JobRow, WorkItemRow

KINDS = ("finding", "task")
STATUSES = ("open", "in_progress", "risk_accepted", "resolved")
STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "risk_accepted": "Risk accepted",
                 "resolved": "Resolved"}
MAX_COMMENT = 5000
MAX_TEXT = 2000


class NotPermitted(TrustgapError):
    """The change needs a role the person does not have in this organisation."""


@dataclass(frozen=True)
class WorkItem:
    kind: str
    key: str
    owner: str | None
    due_date: date | None
    status: str
    justification: str | None
    approver: str | None
    accepted_until: date | None
    updated_at: datetime | None
    updated_by: str | None

    def state(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("kind", "key", "updated_at", "updated_by"):
            d.pop(k)
        return d


def open_item(kind: str, key: str) -> WorkItem:
    return WorkItem(kind, key, None, None, "open", None, None, None, None, None)


@dataclass(frozen=True)
class Comment:
    id: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class Job:
    id: str
    org_id: int
    status: str
    stage: str
    detail: str
    steps_done: int
    steps_total: int
    run_id: str | None
    error: str | None
    created_by: str
    created_at: datetime
    finished_at: datetime | None

    @property
    def percent(self) -> int:
        return 100 if self.status == "done" else int(100 * self.steps_done / max(self.steps_total, 1))


def _item(r: WorkItemRow) -> WorkItem:
    return WorkItem(r.kind, r.key, r.owner, r.due_date, r.status, r.justification, r.approver, r.accepted_until,
                    r.updated_at.replace(tzinfo=UTC), r.updated_by)


def _job(r: JobRow) -> Job:
    return Job(r.id, r.org_id, r.status, r.stage, r.detail, r.steps_done, r.steps_total, r.run_id, r.error,
               r.created_by, r.created_at.replace(tzinfo=UTC), r.finished_at.replace(tzinfo=UTC) if r.finished_at
               else None)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise TrustgapError(f"unknown kind {kind!r}")


class Work:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- owner, due date, status ------------------------------------------------------------------
    def items(self, org_id: int, kind: str | None = None) -> dict[tuple[str, str], WorkItem]:
        q = select(WorkItemRow).where(WorkItemRow.org_id == org_id)
        if kind:
            q = q.where(WorkItemRow.kind == kind)
        with Session(self._engine, expire_on_commit=False) as conn:
            return {(r.kind, r.key): _item(r) for r in conn.scalars(q)}

    def item(self, org_id: int, kind: str, key: str) -> WorkItem:
        with Session(self._engine, expire_on_commit=False) as conn:
            r = conn.scalars(select(WorkItemRow).where(WorkItemRow.org_id == org_id, WorkItemRow.kind == kind,
                                                       WorkItemRow.key == key)).first()
        return _item(r) if r else open_item(kind, key)

    def due_next(self, org_id: int, limit: int = 10) -> list[WorkItem]:
        q = (select(WorkItemRow).where(WorkItemRow.org_id == org_id, WorkItemRow.due_date.is_not(None),
                                       WorkItemRow.status.in_(("open", "in_progress")))
             .order_by(WorkItemRow.due_date, WorkItemRow.key).limit(limit))
        with Session(self._engine, expire_on_commit=False) as conn:
            return [_item(r) for r in conn.scalars(q)]

    def update(self, org_id: int, kind: str, key: str, *, owner: str | None, due_date: date | None, status: str,
               justification: str | None, accepted_until: date | None, actor: str, actor_can_accept: bool,
               today: date) -> WorkItem:
        """Set owner, due date and status. Accepting a risk needs a justification, an expiry after ``today``
        and an actor allowed to approve it (recorded as the approver)."""
        _check_kind(kind)
        if status not in STATUSES:
            raise TrustgapError(f"status: use one of {', '.join(STATUSES)}")
        owner = (owner or "").strip() or None
        if owner and len(owner) > 320:
            raise TrustgapError("owner: at most 320 characters")
        justification = (justification or "").strip() or None
        if justification and len(justification) > MAX_TEXT:
            raise TrustgapError(f"justification: at most {MAX_TEXT} characters")
        approver = None
        if status == "risk_accepted":
            if not actor_can_accept:
                raise NotPermitted("only an organisation admin can accept a risk")
            if not justification:
                raise TrustgapError("justification: accepting a risk needs a justification")
            if accepted_until is None:
                raise TrustgapError("accepted until: accepting a risk needs an expiry date")
            if accepted_until <= today:
                raise TrustgapError(f"accepted until: the expiry {accepted_until} must be after today ({today})")
            approver = actor
        else:
            accepted_until = None
        values = {"owner": owner, "due_date": due_date, "status": status, "justification": justification,
                  "approver": approver, "accepted_until": accepted_until, "updated_at": utcnow(), "updated_by": actor}
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            row = conn.scalars(select(WorkItemRow).where(WorkItemRow.org_id == org_id, WorkItemRow.kind == kind,
                                                         WorkItemRow.key == key)).first()
            before = _item(row).state() if row else open_item(kind, key).state()
            if row is None:
                conn.execute(insert(WorkItemRow).values(org_id=org_id, kind=kind, key=key, **values))
            else:
                conn.execute(update(WorkItemRow).where(WorkItemRow.id == row.id).values(**values))
            after = WorkItem(kind, key, owner, due_date, status, justification, approver, accepted_until, None,
                             None).state()
            record(conn, actor=actor, org_id=org_id, action=f"{kind}.update", target=key, before=before, after=after)
        return self.item(org_id, kind, key)

    # -- comments ---------------------------------------------------------------------------------
    def comments(self, org_id: int, kind: str, key: str) -> list[Comment]:
        q = (select(CommentRow).where(CommentRow.org_id == org_id, CommentRow.kind == kind, CommentRow.key == key)
             .order_by(CommentRow.created_at, CommentRow.id))
        with Session(self._engine, expire_on_commit=False) as conn:
            return [Comment(r.id, r.author, r.body, r.created_at.replace(tzinfo=UTC)) for r in conn.scalars(q)]

    def add_comment(self, org_id: int, kind: str, key: str, *, author: str, body: str) -> None:
        _check_kind(kind)
        body = body.strip()
        if not body:
            raise TrustgapError("comment: write something first")
        if len(body) > MAX_COMMENT:
            raise TrustgapError(f"comment: at most {MAX_COMMENT} characters ({len(body)} given)")
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            conn.execute(insert(CommentRow).values(org_id=org_id, kind=kind, key=key, author=author, body=body,
                                                   created_at=utcnow()))
            record(conn, actor=author, org_id=org_id, action=f"{kind}.comment", target=key, after={"body": body})

    # -- background jobs --------------------------------------------------------------------------
    def create_job(self, org_id: int, *, created_by: str, detail: str, steps_total: int) -> Job:
        job_id = secrets.token_hex(8)
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            conn.execute(insert(JobRow).values(id=job_id, org_id=org_id, status="queued", stage="queued",
                                               detail=detail, steps_done=0, steps_total=steps_total,
                                               created_by=created_by, created_at=utcnow()))
            record(conn, actor=created_by, org_id=org_id, action="assessment.start", target=job_id,
                   after={"detail": detail})
        job = self.job(org_id, job_id)
        assert job is not None
        return job

    def set_job(self, job_id: str, **values: Any) -> None:
        if values.get("status") in ("done", "failed"):
            values["finished_at"] = utcnow()
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            conn.execute(update(JobRow).where(JobRow.id == job_id).values(**values))

    def job(self, org_id: int, job_id: str) -> Job | None:
        with Session(self._engine, expire_on_commit=False) as conn:
            r = conn.scalars(select(JobRow).where(JobRow.id == job_id, JobRow.org_id == org_id)).first()
        return _job(r) if r else None

    def jobs(self, org_id: int, limit: int = 20) -> list[Job]:
        q = select(JobRow).where(JobRow.org_id == org_id).order_by(JobRow.created_at.desc()).limit(limit)
        with Session(self._engine, expire_on_commit=False) as conn:
            return [_job(r) for r in conn.scalars(q)]

    def active_job(self, org_id: int) -> Job | None:
        q = (select(JobRow).where(JobRow.org_id == org_id, JobRow.status.in_(("queued", "running")))
             .order_by(JobRow.created_at.desc()).limit(1))
        with Session(self._engine, expire_on_commit=False) as conn:
            r = conn.scalars(q).first()
        return _job(r) if r else None

    def fail_interrupted_jobs(self) -> int:
        """Jobs left queued or running by a server that stopped: marked failed, with the reason."""
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            stale = list(conn.scalars(select(JobRow.id).where(JobRow.status.in_(("queued", "running")))))
            if stale:
                conn.execute(update(JobRow).where(JobRow.id.in_(stale)).values(
                    status="failed", error="the server stopped before this assessment finished; start it again",
                    finished_at=utcnow()))
            return len(stale)
