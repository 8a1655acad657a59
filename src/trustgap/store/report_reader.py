"""What a report reads of a stored run, in plain SQL over a light connection (:mod:`trustgap.store.fastdb`, or the
raw connection of an engine the caller has open): the run's record, its outline (the result without findings, see
:mod:`trustgap.store.outlines`), its findings counted per control, check and severity, the first few of each of
those groups and their whole records, and for the monitoring section the organisation's newest finished snapshot,
its verdicts across runs and a run's roadmap. Every query reads an index or a handful of rows; none reads a whole
result.

SQL here uses ``?`` for parameters (:meth:`trustgap.store.fastdb.Light.rows`); values may come back as text (libpq)
and are converted here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from trustgap.errors import TrustgapError
from trustgap.store.fastdb import Light
from trustgap.store.records import RunRecord

IN_CHUNK = 500  # values per IN (...) list, well under every backend's limit on bound parameters
GroupCount = tuple[str, str | None, str, int, int]  # (control, check, severity, how many, first stored position)
FindingKey = tuple[int, str, str | None, str]  # (stored position, control, check, severity)


class EngineLight(Light):
    """:class:`Light` over the raw DB-API connection of an SQLAlchemy engine (an open store: the web app, an
    in-memory database, a backend the light drivers do not serve)."""

    def __init__(self, engine: Any) -> None:
        self._raw = engine.raw_connection()
        self._pyformat = engine.dialect.paramstyle in ("format", "pyformat")

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self._raw.cursor()
        try:
            cur.execute(sql.replace("?", "%s") if self._pyformat else sql, tuple(args))
            return [tuple(r) for r in cur.fetchall()]
        finally:
            cur.close()

    def close(self) -> None:
        self._raw.close()


class ReportReader:
    """The reads of a report over one light connection (closed with :meth:`close`)."""

    def __init__(self, conn: Light) -> None:
        self.conn = conn

    def close(self) -> None:
        self.conn.close()

    # -- the run --------------------------------------------------------------------------------------
    def resolve(self, ref: str) -> RunRecord | None:
        """The run named by an id, a unique prefix of one or 'latest'; None when that is not exactly one run (the
        full store then words the error)."""
        from trustgap.store.listing import find_run

        return find_run(self.conn, ref)

    def outline(self, run: RunRecord) -> str | None:
        """The run's outline JSON (verified), or None when it has none for its result."""
        rows = self.conn.rows("SELECT result_sha256, outline_sha256, outline_json FROM run_outlines WHERE run_id = ?",
                              [run.id])
        if not rows or rows[0][0] != run.result_sha256:
            return None
        text = str(rows[0][2])
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != rows[0][1]:
            raise TrustgapError(f"run {run.id!r} is damaged: its stored outline does not match its SHA-256")
        return text

    # -- findings -------------------------------------------------------------------------------------
    def finding_groups(self, run_id: str) -> list[GroupCount]:
        """(control, check, severity, how many, first position) of a run's findings (from an index alone)."""
        rows = self.conn.rows("SELECT control_id, check_id, severity, COUNT(*), MIN(position) FROM findings "
                              "WHERE run_id = ? GROUP BY control_id, check_id, severity", [run_id])
        return [(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in rows]

    def finding_samples(self, run_id: str, groups: list[GroupCount], per_group: int) -> list[FindingKey]:
        """The keys of the first ``per_group`` findings of each group of :meth:`finding_groups`, each read along the
        index (so the first few of any union of groups are among them: the findings a report names)."""
        out: list[FindingKey] = []
        for control_id, check_id, severity, _n, _first in groups:
            check, args = ("check_id IS NULL", []) if check_id is None else ("check_id = ?", [check_id])
            rows = self.conn.rows(f"SELECT position FROM findings WHERE run_id = ? AND control_id = ? AND {check} "  # noqa: S608
                                  "AND severity = ? ORDER BY position LIMIT ?",
                                  [run_id, control_id, *args, severity, per_group])
            out.extend((int(r[0]), control_id, check_id, severity) for r in rows)
        return out

    def finding_records(self, run_id: str, positions: list[int]) -> dict[int, str | None]:
        """The whole record (JSON) of the findings at ``positions`` (None where a row lacks it)."""
        out: dict[int, str | None] = {}
        wanted = sorted(set(positions))
        for i in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[i:i + IN_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for position, record in self.conn.rows(f"SELECT position, finding_json FROM findings WHERE run_id = ? "  # noqa: S608
                                                   f"AND position IN ({marks})", [run_id, *chunk]):
                out[int(position)] = record
        return out

    # -- monitoring -----------------------------------------------------------------------------------
    def snapshot_folder(self, organisation: str) -> str | None:
        """The organisation folder of the newest finished snapshot (None: no snapshot, or it names none)."""
        rows = self.conn.rows("SELECT params_json FROM snapshots WHERE organisation = ? AND status IN ('ok', 'issues') "
                              "ORDER BY scheduled_for DESC, id DESC LIMIT 1", [organisation])
        if not rows:
            return None
        folder = json.loads(rows[0][0] or "{}").get("folder")
        return str(folder) if folder else None

    def verdict_history(self, organisation: str, *, limit: int = 400
                        ) -> list[tuple[str, date, float | None, dict[str, str]]]:
        """(run id, as-of date, readiness, control -> status) of the organisation's runs, oldest first (as
        :meth:`trustgap.store.snapshots.SnapshotStore.verdict_history`)."""
        runs = self.conn.rows("SELECT id, as_of, readiness_score FROM runs WHERE organisation = ? "
                              "ORDER BY created_at DESC, id DESC LIMIT ?", [organisation, limit])[::-1]
        statuses: dict[str, dict[str, str]] = {r[0]: {} for r in runs}
        ids = list(statuses)
        for i in range(0, len(ids), IN_CHUNK):
            chunk = ids[i:i + IN_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for run_id, control_id, status in self.conn.rows(
                    f"SELECT run_id, control_id, status FROM verdicts WHERE run_id IN ({marks}) "  # noqa: S608
                    "ORDER BY run_id, position", chunk):
                statuses[run_id][control_id] = status
        return [(r[0], r[1] if isinstance(r[1], date) else date.fromisoformat(str(r[1])[:10]),
                 None if r[2] is None else float(r[2]), statuses[r[0]]) for r in runs]

    def plan_of(self, run_id: str) -> dict[str, Any] | None:
        """A stored run's roadmap (None when it has none, or no outline)."""
        rows = self.conn.rows("SELECT plan_json FROM run_outlines WHERE run_id = ?", [run_id])
        plan = json.loads(rows[0][0]) if rows and rows[0][0] is not None else None
        return plan or None
