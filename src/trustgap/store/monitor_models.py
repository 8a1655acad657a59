"""Tables of continuous monitoring (migration ``monitor01``).

- ``snapshots``: one scheduled collection and its assessment. Its id is the job key (organisation, schedule,
  scheduled time), so running the same job twice (a retried Celery task, a restarted monitor) finds the
  snapshot instead of making a second one. A finished snapshot is never changed: it points at its stored
  run and carries the SHA-256 of its manifest (the evidence it read, by name and hash, and the run's
  result hash).
- ``snapshot_checks``: the status of every check of every control in a snapshot, the coverage the Type II
  timeline needs ("was this check able to judge on that day?") without reading result blobs.
- ``snapshot_parts``: the pieces of a distributed collection (one AWS account and region, one organisation
  of another system): each stored once, by key, with its output, so a job that died resumes where it was.
- ``alert_log``: what has been notified, for deduplication.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trustgap.store.models import Base


class SnapshotRow(Base):
    __tablename__ = "snapshots"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    organisation: Mapped[str] = mapped_column(String)
    schedule: Mapped[str] = mapped_column(String(100))
    scheduled_for: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    as_of: Mapped[date] = mapped_column(Date)
    sources: Mapped[str] = mapped_column(Text)  # comma-separated: files,aws,...
    status: Mapped[str] = mapped_column(String(32))  # running, collecting, assessing, ok, issues, failed
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    run_id: Mapped[str | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_count: Mapped[int] = mapped_column(Integer, default=0)
    issues_json: Mapped[str] = mapped_column(Text, default="[]")
    error: Mapped[str | None] = mapped_column(Text)
    params_json: Mapped[str] = mapped_column(Text, default="{}")

    __table_args__ = (Index("ix_snapshots_organisation_scheduled_for", "organisation", "scheduled_for"),)


class SnapshotCheckRow(Base):
    __tablename__ = "snapshot_checks"

    snapshot_id: Mapped[str] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True)
    control_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    check_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(32))


class SnapshotPartRow(Base):
    __tablename__ = "snapshot_parts"

    snapshot_id: Mapped[str] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True)
    part_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # pending, running, done, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    output_json: Mapped[str | None] = mapped_column(Text)
    output_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))


class AlertLogRow(Base):
    __tablename__ = "alert_log"

    organisation: Mapped[str] = mapped_column(String, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    last_sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    sent_count: Mapped[int] = mapped_column(Integer, default=1)
    last_snapshot_id: Mapped[str | None] = mapped_column(String(200))
