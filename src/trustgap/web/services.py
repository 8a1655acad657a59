"""What one web application owns: the database engine and the stores over it, the evidence store, the
background assessments and the interview contexts. Kept on ``app.state``; nothing lives at module level, so
two applications (or two test servers) in one process share nothing."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

from trustgap.evidence.store import EvidenceStore
from trustgap.store import audit
from trustgap.store.accounts import Accounts
from trustgap.store.db import create_store_engine, upgrade_to_head
from trustgap.store.queries import RunQueries
from trustgap.store.work import Work
from trustgap.web.settings import WebSettings


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    if isinstance(dbapi_conn, sqlite3.Connection):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a background run being saved
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()


@dataclass
class Services:
    settings: WebSettings
    engine: Engine
    accounts: Accounts
    work: Work
    queries: RunQueries
    evidence: EvidenceStore
    jobs: Any = None  # trustgap.web.jobs.JobRunner, set by the app factory
    interviews: Any = None  # trustgap.web.interview.InterviewCache
    monitor_views: Any = None  # trustgap.web.monitor_views.MonitorViews
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, settings: WebSettings) -> Services:
        engine = create_store_engine(settings.database_url)
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            event.listen(engine, "connect", _sqlite_pragmas)
        upgrade_to_head(engine)
        return cls(settings=settings, engine=engine, accounts=Accounts(engine), work=Work(engine),
                   queries=RunQueries(engine, settings.database_url), evidence=EvidenceStore(settings.evidence_dir))

    def record(self, *, actor: str, org_id: int | None, action: str, target: str, before: Any = None,
               after: Any = None) -> None:
        """Write one audit log entry for a change made outside the stores (files in an organisation's folder)."""
        with self.engine.begin() as conn:
            audit.record(conn, actor=actor, org_id=org_id, action=action, target=target, before=before, after=after)

    def healthy(self) -> bool:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return conn.execute(text("SELECT 1")).scalar() == 1

    def audit_entries(self, org_id: int, limit: int = 200, offset: int = 0) -> list[audit.AuditEntry]:
        return audit.entries(self.engine, org_id, limit=limit, offset=offset)

    def close(self) -> None:
        if self.jobs is not None:
            self.jobs.shutdown()
        self.engine.dispose()
