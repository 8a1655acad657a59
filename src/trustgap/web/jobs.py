"""Background assessments started from the web app (an upload, the end of an interview, a button).

Each job runs :func:`trustgap.assessment.run_assessment` on a worker thread of this application's pool, with
its own progress callback writing the stage to ``web_jobs`` (the page polls it). Jobs of one organisation
run one after another (a lock per organisation); jobs of different organisations run side by side, so
nothing here assumes a single assessment per process.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from trustgap.errors import TrustgapError
from trustgap.store.accounts import Organisation
from trustgap.store.work import Job

if TYPE_CHECKING:
    from trustgap.web.services import Services

log = logging.getLogger("trustgap.web.jobs")
STAGES = ("evidence", "collect", "facts", "reconcile", "checks", "verdicts", "plan", "save", "summary")


class JobRunner:
    def __init__(self, services: Services) -> None:
        self._svc = services
        self._pool: ThreadPoolExecutor | None = None  # started on the first job, again after a shutdown
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock_for(self, org_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(org_id, threading.Lock())

    def start(self, org: Organisation, *, actor: str, as_of: date, why: str) -> Job:
        job = self._svc.work.create_job(org.id, created_by=actor, detail=why, steps_total=len(STAGES))
        if self._svc.settings.run_jobs:
            with self._guard:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(max_workers=self._svc.settings.assessment_workers,
                                                    thread_name_prefix="trustgap-assess")
                self._pool.submit(self._run, job.id, org, as_of)
        return job

    def _run(self, job_id: str, org: Organisation, as_of: date) -> None:
        from trustgap.assessment import resolve_inputs, run_assessment

        work = self._svc.work
        with self._lock_for(org.id):
            work.set_job(job_id, status="running", stage="evidence", detail="reading the evidence folder")
            last_at, last_stage = 0.0, ""

            def progress(stage: str, detail: str) -> None:
                nonlocal last_at, last_stage
                now = time.monotonic()
                if stage == last_stage and now - last_at < 0.5:
                    return
                last_at, last_stage = now, stage
                done = STAGES.index(stage) if stage in STAGES else 0
                work.set_job(job_id, stage=stage, detail=detail[:300], steps_done=done)

            try:
                inputs = resolve_inputs(Path(org.folder))
                result, run_id = run_assessment(
                    inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers, as_of=as_of,
                    store_url=self._svc.settings.database_url, evidence_store=self._svc.evidence,
                    progress=progress, created_at=datetime.now(UTC))
                if run_id is None:
                    raise TrustgapError("the run was not stored")
                if result.organisation != org.name:
                    raise TrustgapError(f"the scope file now names the organisation {result.organisation!r}, not "
                                        f"{org.name!r}: the run {run_id} was stored under that name")
                work.set_job(job_id, stage="summary", detail="preparing the pages", steps_done=len(STAGES) - 1)
                self._svc.queries.build_summary(self._svc.queries.run(org.name, run_id))
                work.set_job(job_id, status="done", stage="done", detail=f"run {run_id} stored", run_id=run_id,
                             steps_done=len(STAGES))
            except TrustgapError as exc:
                work.set_job(job_id, status="failed", stage="failed", error=str(exc))
            except Exception as exc:  # a defect: the job fails visibly, the server goes on
                log.exception("assessment job %s failed", job_id)
                work.set_job(job_id, status="failed", stage="failed",
                             error=f"internal error: {exc.__class__.__name__}: {exc}")

    def shutdown(self) -> None:
        """Stop taking jobs (the application is stopping); queued ones are cancelled, running ones finish."""
        with self._guard:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
