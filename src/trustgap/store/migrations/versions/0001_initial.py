"""Initial schema: runs with their full result JSON, plus evidence, verdicts and findings rows.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _child_keys(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=f"fk_{table}_run_id_runs", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "position", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("report_type", sa.String(16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("tool_version", sa.String(), nullable=False),
        sa.Column("catalog_version", sa.String(), nullable=False),
        sa.Column("readiness_score", sa.Float(), nullable=True),
        sa.Column("readiness_assessed_score", sa.Float(), nullable=True),
        sa.Column("implemented", sa.Integer(), nullable=False),
        sa.Column("partial", sa.Integer(), nullable=False),
        sa.Column("gap", sa.Integer(), nullable=False),
        sa.Column("not_applicable", sa.Integer(), nullable=False),
        sa.Column("not_assessed", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("result_sha256", sa.String(64), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_index("ix_runs_organisation_created_at", "runs", ["organisation", "created_at"])

    op.create_table(
        "evidence",
        *_child_keys("evidence"),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("collected_at", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("errors_json", sa.Text(), nullable=False),
    )
    op.create_index("ix_evidence_sha256", "evidence", ["sha256"])

    op.create_table(
        "verdicts",
        *_child_keys("verdicts"),
        sa.Column("control_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("gap_kind", sa.String(32), nullable=True),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("domain", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_verdicts_control_id", "verdicts", ["control_id"])

    op.create_table(
        "findings",
        *_child_keys("findings"),
        sa.Column("finding_id", sa.String(), nullable=False),
        sa.Column("control_id", sa.String(), nullable=False),
        sa.Column("check_id", sa.String(), nullable=True),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("gap_kind", sa.String(32), nullable=True),
        sa.Column("entity_type", sa.String(), nullable=True),
        sa.Column("entity", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence_sha256s", sa.Text(), nullable=False),
    )
    op.create_index("ix_findings_control_id", "findings", ["control_id"])
    op.create_index("ix_findings_finding_id", "findings", ["finding_id"])


def downgrade() -> None:
    op.drop_table("findings")
    op.drop_table("verdicts")
    op.drop_table("evidence")
    op.drop_index("ix_runs_organisation_created_at", table_name="runs")
    op.drop_table("runs")
