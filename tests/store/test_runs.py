"""Saving, finding, listing and deleting runs, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, select
from tests.store.conftest import SHA_A, SHA_B, make_result

from trustgap.errors import TrustgapError
from trustgap.store.db import normalise_url
from trustgap.store.models import EvidenceRow, FindingRow, RunRow, VerdictRow
from trustgap.store.runs import RunRecord, RunStore

T0 = datetime(2026, 11, 22, 15, 30, 0, tzinfo=UTC)


def _rows(url: str, table: type, run_id: str) -> list[dict]:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            q = select(table.__table__).where(table.run_id == run_id).order_by(table.position)
            return [dict(m) for m in conn.execute(q).mappings()]
    finally:
        engine.dispose()


def test_save_then_get_round_trips_the_exact_json(db_url: str) -> None:
    result = make_result()
    with RunStore.open(db_url) as store:
        rec = store.save(result, created_at=T0, source="/data/northwind/evidence")
        got_rec, got = store.get(rec.id)
        _, raw = store.get_json(rec.id)
    assert raw == result.to_json()
    assert got.to_json() == result.to_json()
    assert got == result
    assert got_rec == rec
    assert rec.organisation == "Northwind Traders"
    assert rec.as_of == result.as_of
    assert rec.report_type == "type2"
    assert rec.period_start == result.period_start and rec.period_end == result.period_end
    assert rec.source == "/data/northwind/evidence"
    assert rec.created_at == T0 and rec.created_at.tzinfo is not None
    assert rec.readiness == result.readiness.score
    assert rec.counts == {"implemented": 1, "partial": 1, "gap": 1, "not_applicable": 1, "not_assessed": 0}
    assert rec.tool_version == "0.1.0" and rec.catalog_version == "2026.1"


def test_run_id_is_time_then_hash_and_sha_matches(db_url: str) -> None:
    result = make_result()
    digest = hashlib.sha256(result.to_json().encode("utf-8")).hexdigest()
    with RunStore.open(db_url) as store:
        rec = store.save(result, created_at=datetime(2026, 11, 22, 16, 30, tzinfo=timezone(timedelta(hours=1))))
        again = store.save(result, created_at=datetime(2026, 11, 22, 15, 30, tzinfo=UTC))
    assert rec.result_sha256 == digest
    assert rec.id == f"r20261122T153000-{digest[:6]}"  # converted to UTC
    assert again.id == f"{rec.id}-2"  # same second, same result: still a distinct run
    assert again.result_sha256 == digest


def test_normalised_rows_match_the_result(db_url: str) -> None:
    result = make_result(findings=7)
    with RunStore.open(db_url) as store:
        rec = store.save(result, created_at=T0)
    verdicts = _rows(db_url, VerdictRow, rec.id)
    findings = _rows(db_url, FindingRow, rec.id)
    evidence = _rows(db_url, EvidenceRow, rec.id)
    assert len(verdicts) == len(result.verdicts) == 4
    assert len(findings) == len(result.findings) == 7
    assert len(evidence) == len(result.evidence) == 2
    assert [v["control_id"] for v in verdicts] == [v.control_id for v in result.verdicts]
    assert verdicts[0]["status"] == "gap" and verdicts[0]["gap_kind"] == "not_operating"
    assert verdicts[0]["reason"] == result.verdicts[0].reason
    assert findings[3]["finding_id"] == "fnd-00003"
    assert findings[3]["entity"] == "user3@example.com"
    assert findings[3]["evidence_sha256s"].split() == [SHA_A, SHA_B]
    assert evidence[1]["status"] == "parsed_with_errors"
    assert json.loads(evidence[1]["errors_json"])[0]["line"] == 3


def test_list_is_newest_first_with_limit_and_organisation(db_url: str) -> None:
    with RunStore.open(db_url) as store:
        a = store.save(make_result("Acme"), created_at=T0)
        b = store.save(make_result("Northwind Traders", findings=1), created_at=T0 + timedelta(hours=1))
        c = store.save(make_result("Acme", findings=2), created_at=T0 + timedelta(hours=2))
        assert [r.id for r in store.list()] == [c.id, b.id, a.id]
        assert [r.id for r in store.list(limit=2)] == [c.id, b.id]
        assert [r.id for r in store.list(organisation="Acme")] == [c.id, a.id]
        assert store.list(organisation="Nobody") == []
        assert all(isinstance(r, RunRecord) for r in store.list())


def test_previous_run_of_the_same_organisation(db_url: str) -> None:
    with RunStore.open(db_url) as store:
        a = store.save(make_result("Acme"), created_at=T0)
        b = store.save(make_result("Northwind Traders", findings=1), created_at=T0 + timedelta(hours=1))
        c = store.save(make_result("Acme", findings=2), created_at=T0 + timedelta(hours=2))
        d = store.save(make_result("Acme", findings=3), created_at=T0 + timedelta(hours=2))  # same second as c
        order = [r.id for r in store.list(organisation="Acme")]  # newest first; ties broken by id
        assert set(order[:2]) == {c.id, d.id} and order[2] == a.id
        assert [store.previous(i) for i in order] == [order[1], order[2], None]
        assert store.previous(b.id) is None


def test_latest_and_prefix_refs(db_url: str) -> None:
    with RunStore.open(db_url) as store:
        old = store.save(make_result(findings=1), created_at=T0)
        new = store.save(make_result(findings=2), created_at=T0 + timedelta(days=1))
        assert store.get("latest")[0].id == new.id
        assert store.get(old.id[:12])[0].id == old.id  # "r20261122T15" only matches the older run
        assert store.get(new.id[:-2])[0].id == new.id
        with pytest.raises(TrustgapError, match="ambiguous"):
            store.get("r2026")


def test_unknown_and_empty_refs_are_clear_errors(db_url: str) -> None:
    with RunStore.open(db_url) as store:
        with pytest.raises(TrustgapError, match="no runs stored yet"):
            store.get("latest")
        store.save(make_result(), created_at=T0)
        with pytest.raises(TrustgapError, match="no stored run matches 'r1999'"):
            store.get("r1999")
        with pytest.raises(TrustgapError, match="no stored run matches"):
            store.get("r2026%")  # LIKE wildcards in a ref are literal
        with pytest.raises(TrustgapError, match="no run given"):
            store.get("  ")


def test_delete_removes_the_run_and_its_rows(db_url: str) -> None:
    with RunStore.open(db_url) as store:
        keep = store.save(make_result("Keep"), created_at=T0)
        gone = store.save(make_result("Gone", findings=5), created_at=T0 + timedelta(minutes=1))
        removed = store.delete("latest")
        assert removed.id == gone.id
        assert [r.id for r in store.list()] == [keep.id]
        assert store.count() == 1
        with pytest.raises(TrustgapError):
            store.get(gone.id)
    assert _rows(db_url, FindingRow, gone.id) == []
    assert _rows(db_url, VerdictRow, gone.id) == []
    assert _rows(db_url, EvidenceRow, gone.id) == []
    assert len(_rows(db_url, FindingRow, keep.id)) == 3


def test_reopening_keeps_saved_runs(db_url: str) -> None:
    result = make_result()
    with RunStore.open(db_url) as store:
        rec = store.save(result, created_at=T0)
    for _ in range(2):
        with RunStore.open(db_url) as store:
            assert [r.id for r in store.list()] == [rec.id]
            assert store.get(rec.id)[1].to_json() == result.to_json()
    engine = create_engine(normalise_url(db_url))
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(RunRow)) == 1
    engine.dispose()


def test_damaged_result_is_reported(db_url: str) -> None:
    with RunStore.open(db_url) as store:
        rec = store.save(make_result(), created_at=T0)
    engine = create_engine(normalise_url(db_url))
    with engine.begin() as conn:
        conn.execute(RunRow.__table__.update().where(RunRow.id == rec.id).values(result_json="{}"))
    engine.dispose()
    with RunStore.open(db_url) as store, pytest.raises(TrustgapError, match="damaged"):
        store.get(rec.id)


def test_result_without_readiness_score(db_url: str) -> None:
    result = make_result(statuses=("not_applicable",), findings=0)
    assert result.readiness.score is None
    with RunStore.open(db_url) as store:
        rec = store.save(result, created_at=T0)
        assert rec.readiness is None
        assert store.get(rec.id)[1] == result


def test_many_findings_save_quickly(db_url: str) -> None:
    """50,000 findings are written with batched inserts, not one statement per row."""
    import time

    result = make_result(findings=20_000)
    with RunStore.open(db_url) as store:
        started = time.perf_counter()
        rec = store.save(result, created_at=T0)
        elapsed = time.perf_counter() - started
        count = len(store.get(rec.id)[1].findings)
    assert count == 20_000
    assert elapsed < 15, f"saving 20,000 findings took {elapsed:.1f}s"



def test_a_run_saved_from_its_utf8_encoding_reads_back_as_the_same_text(db_url: str) -> None:
    # more findings than are dumped in one piece, and characters outside Latin-1 and outside the BMP
    result = make_result("Nørthwind \u201cTraders\u201d \U0001f680", findings=100)
    data = result.to_json_bytes()
    assert bytes(data) == result.to_json().encode("utf-8")
    with RunStore.open(db_url) as store:
        rec = store.save(result, created_at=T0, text=data)
        _, raw = store.get_json(rec.id)
        again = store.save(result, created_at=T0 + timedelta(seconds=1))  # made by the store itself
        _, raw_again = store.get_json(again.id)
    assert raw == raw_again == result.to_json()
    assert rec.result_sha256 == hashlib.sha256(raw.encode("utf-8")).hexdigest() == again.result_sha256


def _without(rows: list[dict], *keys: str) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in keys} for r in rows]


def test_a_result_stored_before_is_copied_by_the_database_not_rebuilt(db_url: str, monkeypatch) -> None:  # noqa: ANN001
    from trustgap.store import runs as runs_module
    from trustgap.store.outlines import RunOutlineRow

    result = make_result()
    with RunStore.open(db_url) as store:
        first = store.save(result, created_at=T0, source="/a")
        built: list[str] = []
        real = runs_module._finding_rows
        monkeypatch.setattr(runs_module, "_finding_rows", lambda rid, res: built.append(rid) or real(rid, res))
        second = store.save(result, created_at=T0 + timedelta(days=1), source="/b")
        assert built == []  # no row of the second run was made in Python
        assert second.id != first.id and second.source == "/b" and second.created_at == T0 + timedelta(days=1)
        same = ("organisation", "as_of", "report_type", "readiness", "counts", "result_sha256", "assessed_readiness",
                "period_start", "period_end", "tool_version", "catalog_version")
        assert [getattr(second, k) for k in same] == [getattr(first, k) for k in same]
        assert store.get_json(second.id)[1] == result.to_json()
        assert store.get(second.id)[1] == result
        assert [r.id for r in store.list()][:2] == [second.id, first.id]
    for table in (EvidenceRow, VerdictRow, FindingRow):
        a, b = _rows(db_url, table, first.id), _rows(db_url, table, second.id)
        assert a and _without(a, "run_id") == _without(b, "run_id")
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.connect() as conn:
            outlines = {r.run_id: (r.outline_json, r.plan_json, r.result_sha256)
                        for r in conn.execute(select(RunOutlineRow))}
    finally:
        engine.dispose()
    assert outlines[first.id] == outlines[second.id]


def test_a_damaged_earlier_copy_is_not_copied(db_url: str) -> None:
    result = make_result()
    with RunStore.open(db_url) as store:
        first = store.save(result, created_at=T0)
        with store._engine.begin() as conn:  # the stored JSON altered after the save
            conn.execute(RunRow.__table__.update().where(RunRow.id == first.id).values(result_json="{}"))
        second = store.save(result, created_at=T0 + timedelta(hours=1))
        assert store.get_json(second.id)[1] == result.to_json()  # rebuilt from the result, not from the damage
        with pytest.raises(TrustgapError, match="damaged"):
            store.get(first.id)
    assert len(_rows(db_url, FindingRow, second.id)) == len(result.findings)
