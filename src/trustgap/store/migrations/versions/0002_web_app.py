"""The web app's tables: accounts, organisations and roles, sessions, API tokens, login attempts, work
items, comments, the audit log, background jobs and run summaries; and an index on findings by run and
control (a control's findings in one run, for the control page).

Revision ID: 0002_web
Revises: monitor01
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_web"
down_revision: str | None = "monitor01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_findings_run_id_control_id", "findings", ["run_id", "control_id"])
    op.create_table(
        "web_audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_audit_log")),
    )
    with op.batch_alter_table("web_audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_web_audit_log_org_id_at", ["org_id", "at"], unique=False)

    op.create_table(
        "web_login_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_login_attempts")),
    )
    with op.batch_alter_table("web_login_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_web_login_attempts_address_at", ["address", "at"], unique=False)
        batch_op.create_index("ix_web_login_attempts_email_at", ["email", "at"], unique=False)

    op.create_table(
        "web_organisations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_web_organisations_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_web_organisations_slug")),
    )
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("server_admin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("email", name=op.f("uq_web_users_email")),
    )
    op.create_table(
        "web_api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["web_users.id"], name=op.f("fk_web_api_tokens_user_id_web_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_api_tokens_token_hash")),
    )
    with op.batch_alter_table("web_api_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_web_api_tokens_user_id", ["user_id"], unique=False)

    op.create_table(
        "web_comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=320), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["web_organisations.id"],
            name=op.f("fk_web_comments_org_id_web_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_comments")),
    )
    with op.batch_alter_table("web_comments", schema=None) as batch_op:
        batch_op.create_index("ix_web_comments_org_id_kind_key", ["org_id", "kind", "key"], unique=False)

    op.create_table(
        "web_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("steps_total", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["web_organisations.id"], name=op.f("fk_web_jobs_org_id_web_organisations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_jobs")),
    )
    with op.batch_alter_table("web_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_web_jobs_org_id_created_at", ["org_id", "created_at"], unique=False)

    op.create_table(
        "web_memberships",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["web_organisations.id"],
            name=op.f("fk_web_memberships_org_id_web_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["web_users.id"], name=op.f("fk_web_memberships_user_id_web_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "org_id", name=op.f("pk_web_memberships")),
    )
    op.create_table(
        "web_run_summaries",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("result_sha256", sa.String(length=64), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_web_run_summaries_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_web_run_summaries")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["web_users.id"], name=op.f("fk_web_sessions_user_id_web_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_sessions")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_web_sessions_user_id", ["user_id"], unique=False)

    op.create_table(
        "web_work_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=320), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("approver", sa.String(length=320), nullable=True),
        sa.Column("accepted_until", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["web_organisations.id"],
            name=op.f("fk_web_work_items_org_id_web_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_work_items")),
        sa.UniqueConstraint("org_id", "kind", "key", name=op.f("uq_web_work_items_org_id_kind_key")),
    )


def downgrade() -> None:
    op.drop_index("ix_findings_run_id_control_id", table_name="findings")
    op.drop_table("web_work_items")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_web_sessions_user_id")

    op.drop_table("web_sessions")
    op.drop_table("web_run_summaries")
    op.drop_table("web_memberships")
    with op.batch_alter_table("web_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_web_jobs_org_id_created_at")

    op.drop_table("web_jobs")
    with op.batch_alter_table("web_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_web_comments_org_id_kind_key")

    op.drop_table("web_comments")
    with op.batch_alter_table("web_api_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_web_api_tokens_user_id")

    op.drop_table("web_api_tokens")
    op.drop_table("web_users")
    op.drop_table("web_organisations")
    with op.batch_alter_table("web_login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_web_login_attempts_email_at")
        batch_op.drop_index("ix_web_login_attempts_address_at")

    op.drop_table("web_login_attempts")
    with op.batch_alter_table("web_audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_web_audit_log_org_id_at")

    op.drop_table("web_audit_log")
