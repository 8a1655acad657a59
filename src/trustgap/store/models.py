"""Database tables for stored assessment runs.

``runs.result_json`` holds the full :class:`~trustgap.engine.models.AssessmentResult` JSON, the source of
truth and the export; reports read the run's outline (that JSON without its findings,
:mod:`trustgap.store.outlines`) and the finding rows they show. The ``evidence``, ``verdicts`` and
``findings`` tables repeat the parts that later queries need without parsing JSON: drift between runs of one
organisation, the web app's per-control views. Their rows are keyed by ``(run_id, position)`` where ``position`` is the
item's place in the result's list, so the primary key also serves as the per-run index and keeps the
original order.

Timestamps are stored as naive UTC (the same on SQLite and PostgreSQL); :mod:`trustgap.store.runs`
converts at the edges. Any schema change here needs a new migration in ``migrations/versions``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RunRow(Base):
    """One saved assessment: identifying columns, headline numbers and the full result JSON."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation: Mapped[str] = mapped_column(String)
    as_of: Mapped[date] = mapped_column(Date)
    report_type: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    tool_version: Mapped[str] = mapped_column(String)
    catalog_version: Mapped[str] = mapped_column(String)
    readiness_score: Mapped[float | None] = mapped_column(Float)
    readiness_assessed_score: Mapped[float | None] = mapped_column(Float)
    implemented: Mapped[int] = mapped_column(Integer)
    partial: Mapped[int] = mapped_column(Integer)
    gap: Mapped[int] = mapped_column(Integer)
    not_applicable: Mapped[int] = mapped_column(Integer)
    not_assessed: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Text)
    result_sha256: Mapped[str] = mapped_column(String(64))
    result_json: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_runs_organisation_created_at", "organisation", "created_at"),)


class EvidenceRow(Base):
    """One evidence item the run read (content address, where it came from, how parsing went)."""

    __tablename__ = "evidence"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    collected_at: Mapped[str] = mapped_column(String)
    size: Mapped[int] = mapped_column(Integer)
    format: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String(32))
    errors_json: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_evidence_sha256", "sha256"),)


class VerdictRow(Base):
    """The decided status of one control in one run."""

    __tablename__ = "verdicts"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    control_id: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String(32))
    gap_kind: Mapped[str | None] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(32))
    domain: Mapped[str] = mapped_column(String)
    reason: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)  # the control's title as the run's catalog gave it

    __table_args__ = (Index("ix_verdicts_control_id", "control_id"),)


class FindingRow(Base):
    """One finding of one run; ``evidence_sha256s`` is the space-separated list of linked evidence."""

    __tablename__ = "findings"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    finding_id: Mapped[str] = mapped_column(String)
    control_id: Mapped[str] = mapped_column(String)
    check_id: Mapped[str | None] = mapped_column(String)
    severity: Mapped[str] = mapped_column(String(32))
    gap_kind: Mapped[str | None] = mapped_column(String(32))
    entity_type: Mapped[str | None] = mapped_column(String)
    entity: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    evidence_sha256s: Mapped[str] = mapped_column(Text)
    finding_json: Mapped[str | None] = mapped_column(Text)  # the whole finding (drift reads it without the run)

    __table_args__ = (
        Index("ix_findings_control_id", "control_id"),
        Index("ix_findings_finding_id", "finding_id"),
        Index("ix_findings_run_id_finding_id", "run_id", "finding_id"),
    )


# tables of continuous monitoring live in their own module; imported here so that Base.metadata holds them
from trustgap.store import monitor_models as _monitor_models  # noqa: E402,F401

# each run's result without its findings, what reports read (migration 0004)
from trustgap.store import outlines as _outlines  # noqa: E402,F401

# the web app's tables share this metadata (migrations compare against all of it)
from trustgap.store import web_models as _web_models  # noqa: E402,F401
