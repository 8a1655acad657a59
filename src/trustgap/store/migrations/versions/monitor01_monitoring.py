"""Continuous monitoring: snapshots, their per-check coverage, distributed collection parts, alert log.

Revision ID: monitor01
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "monitor01"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(), nullable=False),
        sa.Column("schedule", sa.String(100), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=False), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=False), nullable=True),
        sa.Column("run_id", sa.String(64), nullable=True),
        sa.Column("manifest_sha256", sa.String(64), nullable=True),
        sa.Column("evidence_count", sa.Integer(), nullable=False),
        sa.Column("issues_json", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("params_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_snapshots_run_id_runs", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_snapshots"),
    )
    op.create_index("ix_snapshots_organisation_scheduled_for", "snapshots", ["organisation", "scheduled_for"])
    op.create_table(
        "snapshot_checks",
        sa.Column("snapshot_id", sa.String(200), nullable=False),
        sa.Column("control_id", sa.String(32), nullable=False),
        sa.Column("check_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshots.id"], name="fk_snapshot_checks_snapshot_id_snapshots",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("snapshot_id", "control_id", "check_id", name="pk_snapshot_checks"),
    )
    op.create_table(
        "snapshot_parts",
        sa.Column("snapshot_id", sa.String(200), nullable=False),
        sa.Column("part_key", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("output_json", sa.Text(), nullable=True),
        sa.Column("output_sha256", sa.String(64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=False), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshots.id"], name="fk_snapshot_parts_snapshot_id_snapshots",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("snapshot_id", "part_key", name="pk_snapshot_parts"),
    )
    op.create_table(
        "alert_log",
        sa.Column("organisation", sa.String(), nullable=False),
        sa.Column("dedup_key", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("sent_count", sa.Integer(), nullable=False),
        sa.Column("last_snapshot_id", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("organisation", "dedup_key", name="pk_alert_log"),
    )


def downgrade() -> None:
    op.drop_table("alert_log")
    op.drop_table("snapshot_parts")
    op.drop_table("snapshot_checks")
    op.drop_index("ix_snapshots_organisation_scheduled_for", table_name="snapshots")
    op.drop_table("snapshots")
