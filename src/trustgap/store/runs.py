"""Saving and loading assessment runs.

A run is one :class:`~trustgap.engine.models.AssessmentResult` kept as its canonical JSON (the source of
truth the reports read) plus normalised evidence / verdict / finding rows for cross-run queries. Run ids
are short and sort by time: ``r`` + the UTC creation time (``20261122T153000``) + ``-`` + the first six
hex digits of the result's SHA-256, e.g. ``r20261122T153000-3fa9c1``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    LargeBinary,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy import cast as sa_cast
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from trustgap import config
from trustgap.engine.models import AssessmentResult
from trustgap.errors import TrustgapError
from trustgap.store.db import create_store_engine, upgrade_to_head
from trustgap.store.models import EvidenceRow, FindingRow, RunRow, VerdictRow
from trustgap.store.outlines import RunOutlineRow, outline_text, outline_values
from trustgap.store.records import STATUSES, RunRecord

if TYPE_CHECKING:
    from trustgap.engine.drift import Drift

CHUNK = 5000
CHUNK_CHARS = 2_000_000
_BLOB_PIECE = 1 << 20  # bytes of the result JSON written at a time (SQLite)
_STATUSES = STATUSES
_AMBIGUOUS_SHOWN = 5


def _utc_naive(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def make_run_id(created_at: datetime, result_sha256: str) -> str:
    return f"r{_utc_naive(created_at).strftime('%Y%m%dT%H%M%S')}-{result_sha256[:6]}"


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK, chars: int = CHUNK_CHARS
            ) -> Iterator[list[dict[str, Any]]]:
    """Rows in batches of at most ``size`` rows and about ``chars`` characters of text (a finding's whole record
    can take kilobytes: a batch of them is kept small, as the driver holds an encoded copy of it)."""
    batch: list[dict[str, Any]] = []
    held = 0
    for row in rows:
        batch.append(row)
        held += sum(len(v) for v in row.values() if isinstance(v, str))
        if len(batch) >= size or held >= chars:
            yield batch
            batch = []
            held = 0
    if batch:
        yield batch


def _evidence_rows(run_id: str, result: AssessmentResult) -> Iterator[dict[str, Any]]:
    for i, e in enumerate(result.evidence):
        yield {"run_id": run_id, "position": i, "sha256": e.sha256, "name": e.name, "source": e.source,
               "collected_at": e.collected_at, "size": e.size, "format": e.format, "status": e.status,
               "errors_json": json.dumps([x.model_dump(mode="json") for x in e.errors], sort_keys=True,
                                         separators=(",", ":"), ensure_ascii=False)}


def _verdict_rows(run_id: str, result: AssessmentResult) -> Iterator[dict[str, Any]]:
    for i, v in enumerate(result.verdicts):
        yield {"run_id": run_id, "position": i, "control_id": v.control_id, "status": v.status,
               "gap_kind": v.gap_kind, "severity": v.severity, "domain": v.domain, "reason": v.reason,
               "title": v.title}


def _finding_rows(run_id: str, result: AssessmentResult) -> Iterator[dict[str, Any]]:
    for i, f in enumerate(result.findings):
        yield {"run_id": run_id, "position": i, "finding_id": f.id, "control_id": f.control_id,
               "check_id": f.check_id, "severity": f.severity, "gap_kind": f.gap_kind,
               "entity_type": f.entity_type, "entity": f.entity, "reason": f.reason,
               "evidence_sha256s": " ".join(link.sha256 for link in f.evidence), "finding_json": f.model_dump_json()}


def _json_column(conn: Connection, data: str | bytes | bytearray) -> Any:
    """The value ``runs.result_json`` is inserted with. UTF-8 bytes are not decoded into a string here: PostgreSQL
    converts them; SQLite gets a zero-filled blob of their length that :func:`_write_json` fills in place, piece by
    piece, so that the database does not copy the whole JSON twice over (its bound value and its record)."""
    if isinstance(data, str):
        return data
    dialect = conn.dialect.name
    if dialect == "sqlite":
        return func.zeroblob(len(data))
    if dialect == "postgresql":
        return func.convert_from(literal(data, LargeBinary), "UTF8")
    return bytes(data).decode("utf-8")


def _write_json(conn: Connection, run_id: str, data: str | bytes | bytearray) -> None:
    """Fill in the zero-filled blob :func:`_json_column` inserted on SQLite (a no-op elsewhere). The value stays a
    blob of UTF-8 text; it is read back cast to text (:meth:`RunStore.get_json`)."""
    if isinstance(data, str) or conn.dialect.name != "sqlite" or not data:
        return
    rowid = conn.scalar(select(literal_column("rowid")).select_from(RunRow).where(RunRow.id == run_id))
    raw = conn.connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection) and rowid is not None
    view = memoryview(data)
    with raw.blobopen("runs", "result_json", rowid) as blob:
        for start in range(0, len(view), _BLOB_PIECE):
            blob.write(view[start:start + _BLOB_PIECE])


def _identical_run(conn: Connection, digest: str, data: str | bytes | bytearray) -> str | None:
    """A stored run whose result is byte for byte ``data`` (same SHA-256, its stored JSON checked, its outline
    present), or None. A re-run over unchanged inputs gives the same result: its rows need not be rebuilt."""
    for run_id in conn.scalars(select(RunRow.id).where(RunRow.result_sha256 == digest).order_by(RunRow.id.desc())):
        if conn.scalar(select(func.count()).select_from(RunOutlineRow).where(RunOutlineRow.run_id == run_id)) != 1:
            continue
        stored = conn.scalar(select(RunRow.result_json).where(RunRow.id == run_id))
        raw = stored.encode("utf-8") if isinstance(stored, str) else stored
        if raw is not None and hashlib.sha256(raw).hexdigest() == digest:  # not damaged since it was saved
            return run_id
    return None


def _copy_run(conn: Connection, source_id: str, run_id: str, *, created_at: datetime, source: str | None) -> None:
    """Store run ``run_id`` as a copy of run ``source_id`` (its result and every row of it), made by the database
    (INSERT ... SELECT): nothing of the result passes through Python again."""
    copies: list[tuple[Any, str, dict[str, Any]]] = [
        (RunRow, "id", {"id": run_id, "created_at": created_at, "source": source}),
        *((r, "run_id", {"run_id": run_id}) for r in (EvidenceRow, VerdictRow, FindingRow, RunOutlineRow))]
    for row, key, fresh in copies:
        table = cast(Table, row.__table__)
        values = [literal(fresh[c.name], c.type).label(c.name) if c.name in fresh else c for c in table.columns]
        conn.execute(insert(table).from_select([c.name for c in table.columns],
                                               select(*values).where(table.c[key] == source_id)))


class RunStore:
    """Saved runs in one database (SQLite file or PostgreSQL). Open with :meth:`RunStore.open`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self.url = url

    @classmethod
    def open(cls, url: str | None = None) -> RunStore:
        """Connect to ``url`` (default :func:`trustgap.config.database_url`) and migrate it to the newest schema."""
        target = url or config.database_url()
        engine = create_store_engine(target)
        try:
            upgrade_to_head(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, target)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _fail(self, action: str, exc: SQLAlchemyError) -> TrustgapError:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        return TrustgapError(f"cannot {action} in {config.redact_url(self.url)}: {first}")

    # -- writing ---------------------------------------------------------------------------------

    def save(self, result: AssessmentResult, *, created_at: datetime, source: str | None = None,
             text: str | bytes | bytearray | None = None, _attempt: int = 1) -> RunRecord:
        """Store ``result`` as a new run created at ``created_at`` (the caller's clock) and return its record.
        ``text``: the result's JSON when the caller has it already (``result.to_json()``, or its UTF-8 encoding
        ``result.to_json_bytes()``, which is what is made when it is not given: handed to the database as bytes,
        the JSON of a large run is not held a second time as a string).

        Two processes saving the same result in the same second pick the same id; the second one's insert then
        fails on the primary key, and it tries again with the next free suffix (``-2``)."""
        data = text if text is not None else result.to_json_bytes()
        digest = hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
        base_id = make_run_id(created_at, digest)
        try:
            with self._engine.begin() as conn:
                taken = set(conn.scalars(select(RunRow.id).where(RunRow.id.startswith(base_id, autoescape=True))))
                run_id, n = base_id, 1
                while run_id in taken:
                    n += 1
                    run_id = f"{base_id}-{n}"
                same = _identical_run(conn, digest, data)
                if same is not None:  # a run of this very result is stored: its rows are copied inside the database
                    _copy_run(conn, same, run_id, created_at=_utc_naive(created_at), source=source)
                else:
                    self._insert(conn, result, run_id, digest, data, created_at=created_at, source=source)
        except IntegrityError as exc:  # another process took this id between our look-up and our insert
            if _attempt >= 50:  # one more attempt per process racing for the same second
                raise self._fail("save the run", exc) from None
            return self.save(result, created_at=created_at, source=source, text=data, _attempt=_attempt + 1)
        except SQLAlchemyError as exc:
            raise self._fail("save the run", exc) from None
        return self._row_record(run_id)

    def _insert(self, conn: Connection, result: AssessmentResult, run_id: str, digest: str,
                data: str | bytes | bytearray, *, created_at: datetime, source: str | None) -> None:
        """The run's row, its result JSON and every row made from the result."""
        counts = result.readiness.counts
        conn.execute(insert(RunRow).values(
            id=run_id, organisation=result.organisation, as_of=result.as_of,
            report_type=result.report_type, period_start=result.period_start, period_end=result.period_end,
            created_at=_utc_naive(created_at), tool_version=result.tool_version,
            catalog_version=result.catalog_version, readiness_score=result.readiness.score,
            readiness_assessed_score=result.readiness.assessed_score,
            **{s: getattr(counts, s) for s in _STATUSES},
            source=source, result_sha256=digest, result_json=_json_column(conn, data),
        ))
        _write_json(conn, run_id, data)
        for table, rows in ((EvidenceRow, _evidence_rows(run_id, result)),
                            (VerdictRow, _verdict_rows(run_id, result)),
                            (FindingRow, _finding_rows(run_id, result))):
            for batch in _chunks(rows):
                conn.execute(insert(cast(Table, table.__table__)), batch)
        conn.execute(insert(RunOutlineRow).values(**outline_values(run_id, digest, outline_text(result),
                                                                  result.plan)))

    def delete(self, ref: str) -> RunRecord:
        """Remove a run (and its rows) named by id, unique prefix or ``latest``; returns what was removed."""
        rec = self._resolve(ref)
        try:
            with self._engine.begin() as conn:
                for table in (FindingRow, VerdictRow, EvidenceRow):
                    conn.execute(delete(table).where(table.run_id == rec.id))
                conn.execute(delete(RunRow).where(RunRow.id == rec.id))
        except SQLAlchemyError as exc:
            raise self._fail("delete the run", exc) from None
        return rec

    # -- reading ---------------------------------------------------------------------------------

    def get(self, ref: str) -> tuple[RunRecord, AssessmentResult]:
        """The run named by ``ref``: a run id, a unique prefix of one, or ``latest``."""
        rec, text = self.get_json(ref)
        return rec, AssessmentResult.from_json(text)

    def get_json(self, ref: str) -> tuple[RunRecord, str]:
        """Like :meth:`get` but returns the stored result JSON unparsed (byte-identical to what was saved)."""
        rec = self._resolve(ref)
        try:
            with self._engine.connect() as conn:
                text = conn.scalar(select(sa_cast(RunRow.result_json, Text)).where(RunRow.id == rec.id))
        except SQLAlchemyError as exc:
            raise self._fail("read the run", exc) from None
        if text is None:
            raise TrustgapError(f"run {rec.id!r} disappeared while it was being read")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != rec.result_sha256:
            raise TrustgapError(f"run {rec.id!r} is damaged: its stored result does not match its SHA-256")
        return rec, text

    def list(self, limit: int = 50, organisation: str | None = None) -> list[RunRecord]:
        """Stored runs, newest first, optionally only one organisation's."""
        query = select(RunRow).order_by(RunRow.created_at.desc(), RunRow.id.desc()).limit(max(limit, 0))
        if organisation is not None:
            query = query.where(RunRow.organisation == organisation)
        query = query.with_only_columns(*_headline_columns())
        try:
            with self._engine.connect() as conn:
                return [_record_from_mapping(m) for m in conn.execute(query).mappings()]
        except SQLAlchemyError as exc:
            raise self._fail("list runs", exc) from None

    def previous(self, run_id: str) -> str | None:
        """The id of the run of the same organisation stored just before ``run_id`` (in ``list`` order)."""
        this = self._resolve(run_id)
        created = _utc_naive(this.created_at)
        query = (select(RunRow.id).where(RunRow.organisation == this.organisation)
                 .where(or_(RunRow.created_at < created, and_(RunRow.created_at == created, RunRow.id < this.id)))
                 .order_by(RunRow.created_at.desc(), RunRow.id.desc()).limit(1))
        try:
            with self._engine.connect() as conn:
                return conn.scalar(query)
        except SQLAlchemyError as exc:
            raise self._fail("look up the previous run", exc) from None

    def drift(self, older_ref: str, newer_ref: str) -> Drift:
        """What changed from one stored run to another, read from their verdict and finding rows (the same as
        :func:`trustgap.engine.drift.compare` over the two results, without reading either result)."""
        from trustgap.engine.drift import compare
        from trustgap.store.drift_rows import stored_drift

        older, newer = self._resolve(older_ref), self._resolve(newer_ref)
        try:
            with self._engine.connect() as conn:
                found = stored_drift(conn, older, newer)
        except SQLAlchemyError as exc:
            raise self._fail("compare the runs", exc) from None
        if found is not None:
            return found
        return compare(self.get(older.id)[1], self.get(newer.id)[1], older_id=older.id, newer_id=newer.id)

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(RunRow)) or 0)

    # -- helpers ---------------------------------------------------------------------------------

    def _row_record(self, run_id: str) -> RunRecord:
        with self._engine.connect() as conn:
            m = conn.execute(select(*_headline_columns()).where(RunRow.id == run_id)).mappings().one()
        return _record_from_mapping(m)

    def _resolve(self, ref: str) -> RunRecord:
        ref = ref.strip()
        if not ref:
            raise TrustgapError("no run given: pass a run id, a unique prefix of one, or 'latest'")
        cols = _headline_columns()
        try:
            with self._engine.connect() as conn:
                if ref == "latest":
                    m = conn.execute(select(*cols).order_by(RunRow.created_at.desc(), RunRow.id.desc())
                                     .limit(1)).mappings().first()
                    if m is None:
                        raise TrustgapError(f"no runs stored yet in {config.redact_url(self.url)}")
                    return _record_from_mapping(m)
                exact = conn.execute(select(*cols).where(RunRow.id == ref)).mappings().first()
                if exact is not None:
                    return _record_from_mapping(exact)
                matches = conn.execute(select(*cols).where(RunRow.id.startswith(ref, autoescape=True))
                                       .order_by(RunRow.id).limit(_AMBIGUOUS_SHOWN + 1)).mappings().all()
        except SQLAlchemyError as exc:
            raise self._fail("look up the run", exc) from None
        if not matches:
            raise TrustgapError(f"no stored run matches {ref!r} (see 'trustgap runs' for the run ids)")
        if len(matches) > 1:
            shown = ", ".join(m["id"] for m in matches[:_AMBIGUOUS_SHOWN])
            more = ", ..." if len(matches) > _AMBIGUOUS_SHOWN else ""
            raise TrustgapError(f"run {ref!r} is ambiguous: it matches {shown}{more}; give more of the id")
        return _record_from_mapping(matches[0])


def _headline_columns() -> list[Any]:
    """Every run column except the (possibly large) result JSON."""
    return [c for c in RunRow.__table__.columns if c.name != "result_json"]


def _record_from_mapping(m: Any) -> RunRecord:
    return RunRecord(
        id=m["id"],
        organisation=m["organisation"],
        as_of=m["as_of"],
        report_type=m["report_type"],
        created_at=m["created_at"].replace(tzinfo=UTC),
        readiness=m["readiness_score"],
        counts={s: int(m[s]) for s in _STATUSES},
        source=m["source"],
        result_sha256=m["result_sha256"],
        assessed_readiness=m["readiness_assessed_score"],
        period_start=m["period_start"],
        period_end=m["period_end"],
        tool_version=m["tool_version"],
        catalog_version=m["catalog_version"],
    )
