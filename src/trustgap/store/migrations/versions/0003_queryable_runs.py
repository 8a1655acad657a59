"""Stored runs queryable without their result JSON: each verdict keeps its control's title and each finding its
whole record (``finding_json``), with an index on (run, finding id), so drift between two runs reads only the
verdicts and the findings that differ. Existing runs are moved: their verdict titles and findings are filled in
from their result JSON.

Revision ID: 0003_queryable
Revises: 0002_web
Create Date: 2026-12-03
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_queryable"
down_revision: str | None = "0002_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _dump(finding: dict[str, object]) -> str:
    return json.dumps(finding, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def upgrade() -> None:
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.Text(), nullable=True))
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("finding_json", sa.Text(), nullable=True))
        batch_op.create_index("ix_findings_run_id_finding_id", ["run_id", "finding_id"], unique=False)

    conn = op.get_bind()
    runs = sa.table("runs", sa.column("id", sa.String), sa.column("result_json", sa.Text))
    verdicts = sa.table("verdicts", sa.column("run_id", sa.String), sa.column("position", sa.Integer),
                        sa.column("title", sa.Text))
    findings = sa.table("findings", sa.column("run_id", sa.String), sa.column("position", sa.Integer),
                        sa.column("finding_json", sa.Text))
    ids = list(conn.scalars(sa.select(runs.c.id).order_by(runs.c.id)))
    for run_id in ids:  # one run's JSON in memory at a time
        result = json.loads(conn.scalar(sa.select(runs.c.result_json).where(runs.c.id == run_id)) or "{}")
        titles = [{"r": run_id, "p": i, "v": v.get("title")} for i, v in enumerate(result.get("verdicts", []))]
        records = [{"r": run_id, "p": i, "v": _dump(f)} for i, f in enumerate(result.get("findings", []))]
        for table, column, rows in ((verdicts, "title", titles), (findings, "finding_json", records)):
            if rows:
                conn.execute(table.update().where(table.c.run_id == sa.bindparam("r"),
                                                  table.c.position == sa.bindparam("p"))
                             .values({column: sa.bindparam("v")}), rows)


def downgrade() -> None:
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index("ix_findings_run_id_finding_id")
        batch_op.drop_column("finding_json")
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.drop_column("title")
