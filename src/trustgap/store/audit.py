"""The audit log: every change made through the web app (or ``trustgap users``), who made it, when, and the
state before and after. Written in the same transaction as the change it records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.orm import Session

from trustgap.store.web_models import AuditRow


def utcnow() -> datetime:
    """Naive UTC, as the tables keep it."""
    return datetime.now(UTC).replace(tzinfo=None)


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def record(conn: Connection | Session, *, actor: str, org_id: int | None, action: str, target: str,
           before: Any = None, after: Any = None) -> None:
    conn.execute(insert(AuditRow).values(at=utcnow(), actor=actor, org_id=org_id, action=action, target=target,
                                         before_json=_dump(before), after_json=_dump(after)))


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    before: Any
    after: Any


def entries(engine: Engine, org_id: int, *, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    """An organisation's audit log, newest first."""
    cols = (AuditRow.id, AuditRow.at, AuditRow.actor, AuditRow.action, AuditRow.target, AuditRow.before_json,
            AuditRow.after_json)
    q = (select(*cols).where(AuditRow.org_id == org_id).order_by(AuditRow.at.desc(), AuditRow.id.desc())
         .limit(limit).offset(offset))
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return [AuditEntry(r[0], r[1].replace(tzinfo=UTC), r[2], r[3], r[4],
                       json.loads(r[5]) if r[5] else None, json.loads(r[6]) if r[6] else None) for r in rows]
