"""Tables of the web app: accounts, organisations and roles, sessions, API tokens, login attempts, the work
done on findings and tasks (owner, due date, status, comments), the audit log, background jobs, and a derived
summary of each stored run that the pages read instead of the whole result JSON.

All names start with ``web_``. Timestamps are naive UTC, as in :mod:`trustgap.store.models`. Any change here
needs a new migration in ``migrations/versions``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trustgap.store.models import Base, FindingRow


class UserRow(Base):
    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    server_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))


class OrganisationRow(Base):
    """An organisation assessed on this server: its scope file's organisation name and its folder."""

    __tablename__ = "web_organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    folder: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))


class MembershipRow(Base):
    __tablename__ = "web_memberships"

    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("web_organisations.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))


class SessionRow(Base):
    """A signed-in browser: the cookie holds a random token, only its SHA-256 is kept here."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))

    __table_args__ = (Index("ix_web_sessions_user_id", "user_id"),)


class ApiTokenRow(Base):
    """A personal API token; the token itself is shown once, only its SHA-256 is kept."""

    __tablename__ = "web_api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))

    __table_args__ = (Index("ix_web_api_tokens_user_id", "user_id"),)


class LoginAttemptRow(Base):
    __tablename__ = "web_login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    success: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index("ix_web_login_attempts_email_at", "email", "at"),
        Index("ix_web_login_attempts_address_at", "address", "at"),
    )


class WorkItemRow(Base):
    """Who owns a finding or a roadmap task, by when, and where it stands (kind ``finding`` keyed by the
    finding's stable id, kind ``task`` by its control id)."""

    __tablename__ = "web_work_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("web_organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(320))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32))
    justification: Mapped[str | None] = mapped_column(Text)
    approver: Mapped[str | None] = mapped_column(String(320))
    accepted_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    updated_by: Mapped[str] = mapped_column(String(320))

    __table_args__ = (UniqueConstraint("org_id", "kind", "key"),)


class CommentRow(Base):
    __tablename__ = "web_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("web_organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(320))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))

    __table_args__ = (Index("ix_web_comments_org_id_kind_key", "org_id", "kind", "key"),)


class AuditRow(Base):
    """One change: who, when, what, and the state before and after (JSON)."""

    __tablename__ = "web_audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    actor: Mapped[str] = mapped_column(String(320))
    org_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(Text)
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_web_audit_log_org_id_at", "org_id", "at"),)


class JobRow(Base):
    """A background assessment started from the web app, with its progress."""

    __tablename__ = "web_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("web_organisations.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # queued, running, done, failed
    stage: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    steps_done: Mapped[int] = mapped_column(Integer)
    steps_total: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))

    __table_args__ = (Index("ix_web_jobs_org_id_created_at", "org_id", "created_at"),)


class RunSummaryRow(Base):
    """What the pages show of a run besides its verdict and finding rows (roll-ups, verdict details, plan
    headline, risk register), derived once from the result JSON and checked against its SHA-256."""

    __tablename__ = "web_run_summaries"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    result_sha256: Mapped[str] = mapped_column(String(64))
    summary_json: Mapped[str] = mapped_column(Text)


# A page lists one control's findings in one run: (run_id, control_id) finds them without reading the run's
# other findings or the control's findings in every other run.
Index("ix_findings_run_id_control_id", FindingRow.run_id, FindingRow.control_id)
