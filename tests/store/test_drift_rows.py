"""Drift between stored runs is read from their rows (never their result JSON) and equals the comparison of the
two whole results; migration 0003 moves runs stored before it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, Table, insert
from tests.store.conftest import make_result

from trustgap.engine.drift import compare, drift_markdown
from trustgap.engine.models import AssessmentResult
from trustgap.store.db import alembic_config, create_store_engine
from trustgap.store.drift_rows import fast_drift, stored_drift
from trustgap.store.runs import RunStore, _finding_rows, _utc_naive, _verdict_rows, make_run_id


def _pair() -> tuple[AssessmentResult, AssessmentResult]:
    older = make_result(as_of=date(2026, 10, 1), findings=5, statuses=("gap", "implemented", "partial", "gap"))
    newer = make_result(as_of=date(2026, 11, 1), findings=8,
                        statuses=("implemented", "gap", "partial", "not_applicable", "partial"))
    # three findings resolved, six new, two carried over; one id twice in the newer run
    older.findings = older.findings[:5]
    kept = older.findings[3:5]
    fresh = [f.model_copy(update={"id": f"new-{i}", "severity": "critical" if i % 2 else "low",
                                  "reason": f"new problem {i}"}) for i, f in enumerate(newer.findings[:6])]
    dup = fresh[0].model_copy(update={"reason": "the later record of new-0"})
    newer.findings = [*fresh, *kept, dup]
    return older, newer


def _same(a: object, b: object) -> None:
    assert a is not None and b is not None
    assert a.as_dict() == b.as_dict()  # type: ignore[attr-defined]
    assert a.new_findings == b.new_findings and a.resolved_findings == b.resolved_findings  # type: ignore[attr-defined]
    assert drift_markdown(a) == drift_markdown(b)  # type: ignore[arg-type]


def test_stored_drift_equals_comparing_the_results(db_url: str) -> None:
    older, newer = _pair()
    with RunStore.open(db_url) as store:
        a = store.save(older, created_at=datetime(2026, 10, 1, tzinfo=UTC))
        b = store.save(newer, created_at=datetime(2026, 11, 1, tzinfo=UTC))
        expected = compare(older, newer, older_id=a.id, newer_id=b.id)
        got = store.drift(a.id, b.id)
        _same(got, expected)
        assert got.carried_findings == 2 and len(got.new_findings) == 6 and len(got.resolved_findings) == 3
        assert got.regressions and got.improvements
        # and back the other way
        _same(store.drift(b.id, a.id), compare(newer, older, older_id=b.id, newer_id=a.id))


def test_stored_drift_reads_no_result_json(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    older, newer = _pair()
    with RunStore.open(db_url) as store:
        a = store.save(older, created_at=datetime(2026, 10, 1, tzinfo=UTC))
        b = store.save(newer, created_at=datetime(2026, 11, 1, tzinfo=UTC))

        def refuse(*_a: object, **_k: object) -> None:
            raise AssertionError("the result JSON was read")

        monkeypatch.setattr(RunStore, "get_json", refuse)
        assert store.drift(a.id, b.id).carried_findings == 2


def test_diff_through_the_driver_equals_the_store(db_url: str) -> None:
    """``trustgap diff`` reads two stored runs through the driver alone: the same drift as the full store, for runs
    named by id, by prefix, by 'latest' or (no older run given) the one stored just before."""
    older, newer = _pair()
    with RunStore.open(db_url) as store:
        store.save(make_result("Contoso"), created_at=datetime(2026, 9, 1, tzinfo=UTC))
        a = store.save(older, created_at=datetime(2026, 10, 1, tzinfo=UTC))
        # another organisation in between: 'the run before' is the same organisation's
        store.save(make_result("Contoso", findings=1), created_at=datetime(2026, 10, 15, tzinfo=UTC))
        b = store.save(newer, created_at=datetime(2026, 11, 1, tzinfo=UTC))
        for o, n in ((a.id, b.id), (b.id, a.id), (None, b.id), (a.id[:-2], "latest"), (None, "latest")):
            got = fast_drift(db_url, o, n)
            _same(got, store.drift(o or a.id, n))
        # what the store words as an error is left to it
        assert fast_drift(db_url, None, a.id) is None  # nothing before it
        assert fast_drift(db_url, "nosuchrun", b.id) is None
        assert fast_drift(db_url, "r2026", b.id) is None  # ambiguous prefix
        assert fast_drift(db_url, " ", b.id) is None


def test_diff_through_the_driver_leaves_rows_without_records_to_the_store(db_url: str) -> None:
    older, newer = _pair()
    engine = create_store_engine(db_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002_web")
    finally:
        engine.dispose()
    a = _save_before_0003(db_url, older, datetime(2026, 10, 1, tzinfo=UTC))
    b = _save_before_0003(db_url, newer, datetime(2026, 11, 1, tzinfo=UTC))
    assert fast_drift(db_url, a, b) is None  # not migrated yet
    with RunStore.open(db_url) as store:  # migrated: titles and records filled in
        _same(fast_drift(db_url, a, b), store.drift(a, b))


def _save_before_0003(db_url: str, result: AssessmentResult, created_at: datetime) -> str:
    """A run as a trustgap release before migration 0003 stored it (no verdict titles, no finding records)."""
    engine = create_store_engine(db_url)
    try:
        text = result.to_json()
        import hashlib

        digest = hashlib.sha256(text.encode()).hexdigest()
        run_id = make_run_id(created_at, digest)
        meta = MetaData()
        runs, verdicts, findings = (Table(t, meta, autoload_with=engine) for t in ("runs", "verdicts", "findings"))
        c = result.readiness.counts
        with engine.begin() as conn:
            conn.execute(insert(runs).values(
                id=run_id, organisation=result.organisation, as_of=result.as_of, report_type=result.report_type,
                period_start=result.period_start, period_end=result.period_end, created_at=_utc_naive(created_at),
                tool_version=result.tool_version, catalog_version=result.catalog_version,
                readiness_score=result.readiness.score, readiness_assessed_score=result.readiness.assessed_score,
                implemented=c.implemented, partial=c.partial, gap=c.gap, not_applicable=c.not_applicable,
                not_assessed=c.not_assessed, source=None, result_sha256=digest, result_json=text))
            conn.execute(insert(verdicts), [{k: v for k, v in r.items() if k != "title"}
                                            for r in _verdict_rows(run_id, result)])
            conn.execute(insert(findings), [{k: v for k, v in r.items() if k != "finding_json"}
                                            for r in _finding_rows(run_id, result)])
        return run_id
    finally:
        engine.dispose()


def test_migration_0003_moves_existing_runs(db_url: str) -> None:
    older, newer = _pair()
    engine = create_store_engine(db_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002_web")
    finally:
        engine.dispose()
    a = _save_before_0003(db_url, older, datetime(2026, 10, 1, tzinfo=UTC))
    b = _save_before_0003(db_url, newer, datetime(2026, 11, 1, tzinfo=UTC))
    with RunStore.open(db_url) as store:  # migrates to head
        with store._engine.connect() as conn:
            found = stored_drift(conn, store._resolve(a), store._resolve(b))
        _same(found, compare(older, newer, older_id=a, newer_id=b))
        assert json.loads(store.get_json(b)[1])["organisation"] == newer.organisation  # the export is unchanged
