"""Run outlines: each stored run's result without its findings (``run_outlines``), so a report reads the parts it
shows in whole and only a sample of the findings (from their rows) instead of the whole result JSON; and an index
on the findings by run, control, check and severity, from which the report counts them and picks the sample.
Existing runs are moved: their outlines are derived from their result JSON, one run at a time.

Revision ID: 0004_outlines
Revises: 0003_queryable
Create Date: 2026-12-03
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_outlines"
down_revision: str | None = "0003_queryable"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def upgrade() -> None:
    op.create_table(
        "run_outlines",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("result_sha256", sa.String(length=64), nullable=False),
        sa.Column("outline_sha256", sa.String(length=64), nullable=False),
        sa.Column("outline_json", sa.Text(), nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_outlines_run_id_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_outlines")),
    )
    op.create_index("ix_findings_run_id_report", "findings",
                    ["run_id", "control_id", "check_id", "severity", "position"])
    conn = op.get_bind()
    runs = sa.table("runs", sa.column("id", sa.String), sa.column("result_sha256", sa.String),
                    sa.column("result_json", sa.Text))
    outlines = sa.table("run_outlines", sa.column("run_id", sa.String), sa.column("result_sha256", sa.String),
                        sa.column("outline_sha256", sa.String), sa.column("outline_json", sa.Text),
                        sa.column("plan_json", sa.Text))
    for run_id, digest in conn.execute(sa.select(runs.c.id, runs.c.result_sha256).order_by(runs.c.id)).all():
        text = conn.scalar(sa.select(runs.c.result_json).where(runs.c.id == run_id))  # one run in memory at a time
        if not text or hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
            continue  # a damaged run gets no outline: reading it still says it is damaged
        data = json.loads(text)
        del text
        data["findings"] = []
        outline = _canonical(data)
        plan = None if data.get("plan") is None else _canonical(data["plan"])
        del data
        conn.execute(outlines.insert().values(run_id=run_id, result_sha256=digest, outline_json=outline,
                                              outline_sha256=hashlib.sha256(outline.encode("utf-8")).hexdigest(),
                                              plan_json=plan))


def downgrade() -> None:
    op.drop_table("run_outlines")
    op.drop_index("ix_findings_run_id_report", table_name="findings")
