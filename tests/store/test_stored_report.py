"""The report of a stored run is read from its outline (the result without its findings) and the finding rows it
shows, never from the whole result JSON, and is byte for byte the report of the whole result; migration 0004 gives
runs stored before it their outlines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, Table, delete, insert, select, update
from tests.store.conftest import make_result
from typer.testing import CliRunner

from trustgap.assessment import resolve_inputs, run_assessment
from trustgap.cli import app
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.engine.models import AssessmentResult
from trustgap.errors import TrustgapError
from trustgap.report import render
from trustgap.report.html import render_html
from trustgap.report.markdown import render_markdown
from trustgap.report.monitoring import build_monitoring
from trustgap.report.stored import StoredReports, load_stored, render_stored
from trustgap.report.view import build_view, digest_of
from trustgap.store.db import alembic_config, create_store_engine
from trustgap.store.models import RunRow
from trustgap.store.outlines import RunOutlineRow, outline_of_json, outline_text, outline_values
from trustgap.store.runs import RunStore, _evidence_rows, _finding_rows, _utc_naive, _verdict_rows, make_run_id

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo() -> AssessmentResult:
    inputs = resolve_inputs(demo_folder())
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=DEMO_AS_OF, save=False)
    return result


def _crowded(demo: AssessmentResult) -> AssessmentResult:
    """The demo with groups larger than the report shows (120 entities of one check over two controls and two
    severities), an answer-only finding, and a severity outside the usual four."""
    base = next(f for f in demo.findings if f.check_id and f.entity)
    other = next(v.control_id for v in demo.verdicts if v.control_id != base.control_id)
    found = [base.model_copy(update={"id": f"fnd-{i:05d}", "entity": f"user{i}@example.com",
                                     "severity": "critical" if i % 7 == 0 else "high",
                                     "control_id": other if i % 3 == 0 else base.control_id})
             for i in range(120)]
    answer = found[5].model_copy(update={"id": "fnd-answer", "check_id": None, "entity": None,
                                         "reason": "answered no", "severity": "medium"})
    odd = found[6].model_copy(update={"id": "fnd-odd", "severity": "informational", "check_id": "chk.other"})
    return demo.model_copy(update={"findings": [*found, answer, odd]})


def _refuse_whole_results(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("the whole result JSON was read")

    monkeypatch.setattr(RunStore, "get_json", refuse)


def test_demo_report_from_the_tables_is_the_report_of_the_result(db_url: str, demo: AssessmentResult,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with RunStore.open(db_url) as store:
        rec = store.save(demo, created_at=T0)
        expected_html = render_html(demo, run_id=rec.id)
        expected_md = render_markdown(demo, run_id=rec.id)
        _refuse_whole_results(monkeypatch)
        stored = load_stored(store, "latest")
        assert stored.findings is not None and stored.result.findings == []
        assert stored.findings.total == len(demo.findings)
        assert render_stored(stored, "html") == expected_html
        assert render_stored(stored, "md") == expected_md


def test_crowded_groups_show_the_first_entities_and_count_the_rest(db_url: str, demo: AssessmentResult,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    result = _crowded(demo)
    with RunStore.open(db_url) as store:
        rec = store.save(result, created_at=T0)
        expected = render_html(result, run_id=rec.id)
        expected_md = render_markdown(result, run_id=rec.id)
        _refuse_whole_results(monkeypatch)
        stored = load_stored(store, rec.id)
        page = render_stored(stored, "html")
        assert page == expected
        assert render_stored(stored, "md") == expected_md
    # the report names 50 entities of a group and counts the others
    view = build_view(result)
    big = max((g for cs in view.controls_by_severity.values() for c in cs for g in c.checks), key=lambda g: g.total)
    assert len(big.findings) == 50 and big.total > 50
    assert f"… and {big.hidden} more (all are in the JSON and XLSX exports)." in page
    # grouped from rows or from the findings in memory: the same groups, counts and entities
    assert stored.findings == digest_of(result.findings)


def test_outline_is_the_result_without_its_findings(demo: AssessmentResult) -> None:
    text = outline_text(demo)
    assert outline_of_json(demo.to_json()) == text
    again = AssessmentResult.model_validate_json(text)
    assert again.findings == [] and again.model_copy(update={"findings": demo.findings}) == demo


def test_report_command_reads_the_tables(demo: AssessmentResult,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with RunStore.open() as store:
        rec = store.save(demo, created_at=T0)
    _refuse_whole_results(monkeypatch)
    out = CliRunner().invoke(app, ["report", "latest", "--format", "md"])
    assert out.exit_code == 0, out.output
    assert out.output == render_markdown(demo, run_id=rec.id)


def test_reports_by_url_read_through_the_driver_alone(db_url: str, demo: AssessmentResult) -> None:
    result = _crowded(demo)
    with RunStore.open(db_url) as store:
        rec = store.save(result, created_at=T0)
    reports = StoredReports(db_url)
    try:
        assert reports.reader is not None  # the schema is current: read through the driver
        stored = reports.load(rec.id[:12])  # a prefix of the id
        assert stored.record.id == rec.id and stored.findings is not None
        monitoring = build_monitoring(stored.result, stored.record.id, store_url=db_url, reader=reports.reader)
        assert reports._store is None  # no store opened: neither the run nor the section needed one
        expected = build_monitoring(result, rec.id, store_url=db_url)
        assert render_stored(stored, "html", monitoring=monitoring) == render_html(result, run_id=rec.id,
                                                                                     monitoring=expected)
        assert render_stored(stored, "json", whole=lambda: reports.whole(stored)) == render(result, "json")
        with pytest.raises(TrustgapError, match="no stored run matches"):
            reports.load("nothing-like-it")
    finally:
        reports.close()


def test_run_without_outline_is_read_whole(db_url: str, demo: AssessmentResult) -> None:
    result = _crowded(demo)
    with RunStore.open(db_url) as store:
        rec = store.save(result, created_at=T0)
        with store._engine.begin() as conn:
            conn.execute(delete(RunOutlineRow).where(RunOutlineRow.run_id == rec.id))
        stored = load_stored(store, rec.id)
        assert stored.findings is None and stored.result == result
        assert render_stored(stored, "html") == render_html(result, run_id=rec.id)


def test_damaged_outline_is_reported(db_url: str) -> None:
    with RunStore.open(db_url) as store:
        rec = store.save(make_result(), created_at=T0)
        with store._engine.begin() as conn:
            conn.execute(update(RunOutlineRow).where(RunOutlineRow.run_id == rec.id).values(outline_json="{}"))
        with pytest.raises(TrustgapError, match="damaged"):
            load_stored(store, rec.id)


def _save_before_0004(db_url: str, result: AssessmentResult, created_at: datetime, *, as_bytes: bool = False) -> str:
    """A run as a trustgap release before migration 0004 stored it (no outline); ``as_bytes``: its JSON held as a
    UTF-8 blob, as SQLite stores it today."""
    engine = create_store_engine(db_url)
    try:
        text = result.to_json()
        import hashlib

        digest = hashlib.sha256(text.encode()).hexdigest()
        run_id = make_run_id(created_at, digest)
        meta = MetaData()
        runs, evidence, verdicts, findings = (Table(t, meta, autoload_with=engine)
                                              for t in ("runs", "evidence", "verdicts", "findings"))
        c = result.readiness.counts
        with engine.begin() as conn:
            conn.execute(insert(runs).values(
                id=run_id, organisation=result.organisation, as_of=result.as_of, report_type=result.report_type,
                period_start=result.period_start, period_end=result.period_end, created_at=_utc_naive(created_at),
                tool_version=result.tool_version, catalog_version=result.catalog_version,
                readiness_score=result.readiness.score, readiness_assessed_score=result.readiness.assessed_score,
                implemented=c.implemented, partial=c.partial, gap=c.gap, not_applicable=c.not_applicable,
                not_assessed=c.not_assessed, source=None, result_sha256=digest,
                result_json=text.encode() if as_bytes else text))
            conn.execute(insert(evidence), list(_evidence_rows(run_id, result)))
            conn.execute(insert(verdicts), list(_verdict_rows(run_id, result)))
            conn.execute(insert(findings), list(_finding_rows(run_id, result)))
        return run_id
    finally:
        engine.dispose()


def test_migration_0004_gives_existing_runs_their_outlines(db_url: str, demo: AssessmentResult,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    engine = create_store_engine(db_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003_queryable")
    finally:
        engine.dispose()
    result = _crowded(demo)
    run_id = _save_before_0004(db_url, result, T0, as_bytes=db_url.startswith("sqlite"))
    damaged = _save_before_0004(db_url, make_result(), datetime(2026, 11, 3, tzinfo=UTC))
    engine = create_store_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(update(RunRow).where(RunRow.id == damaged).values(result_json="{}"))
    finally:
        engine.dispose()
    with RunStore.open(db_url) as store:  # migrates to head
        expected = render_html(result, run_id=run_id)
        with monkeypatch.context() as m:
            _refuse_whole_results(m)
            stored = load_stored(store, run_id)
            assert stored.findings is not None
            assert render_stored(stored, "html") == expected
        # the same outline row as saving the run today would write
        with store._engine.connect() as conn:
            row = conn.execute(select(RunOutlineRow).where(RunOutlineRow.run_id == run_id)
                               .with_only_columns(*RunOutlineRow.__table__.columns)).mappings().one()
        assert dict(row) == outline_values(run_id, store._resolve(run_id).result_sha256, outline_text(result),
                                           result.plan)
        # a damaged run got no outline and still says it is damaged when read
        with pytest.raises(TrustgapError, match="damaged"):
            load_stored(store, damaged)


def test_reports_of_an_old_schema_migrate_it_first(db_url: str, demo: AssessmentResult) -> None:
    engine = create_store_engine(db_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003_queryable")
    finally:
        engine.dispose()
    run_id = _save_before_0004(db_url, demo, T0)
    reports = StoredReports(db_url)
    try:
        assert reports.reader is None  # the schema is not current: the full store migrates it and reads
        stored = reports.load("latest")
        assert stored.findings is not None
        assert render_stored(stored, "md") == render_markdown(demo, run_id=run_id)
    finally:
        reports.close()


def test_deleting_a_run_deletes_its_outline(db_url: str) -> None:
    with RunStore.open(db_url) as store:
        rec = store.save(make_result(), created_at=T0)
        store.delete(rec.id)
        with store._engine.connect() as conn:
            assert conn.execute(select(RunOutlineRow.run_id)).all() == []


def test_reader_and_full_store_agree(db_url: str) -> None:
    """The report's plain-SQL reads give what the full store's queries give (run look-up, verdict history)."""
    from trustgap.store.fastdb import open_current
    from trustgap.store.report_reader import EngineLight, ReportReader
    from trustgap.store.snapshots import SnapshotStore

    with RunStore.open(db_url) as store:
        first = store.save(make_result(), created_at=T0)
        second = store.save(make_result(statuses=("implemented", "gap", "partial")),
                            created_at=datetime(2026, 11, 3, 9, 30, tzinfo=UTC))
        store.save(make_result(organisation="Other Org"), created_at=datetime(2026, 11, 4, tzinfo=UTC))
        light = open_current(db_url)
        assert light is not None
        for reader in (ReportReader(EngineLight(store._engine)), ReportReader(light)):  # an open store, the driver
            try:
                for ref in ("latest", first.id, second.id, first.id[:12], second.id[:-2]):
                    found = reader.resolve(ref)
                    assert found is not None and found == store._resolve(ref), ref
                assert reader.resolve("r2026") is None  # three runs match: the full store says so
                with SnapshotStore.open(db_url) as snaps:
                    assert reader.verdict_history("Northwind Traders") == snaps.verdict_history("Northwind Traders")
                    assert reader.snapshot_folder("Northwind Traders") is None
            finally:
                reader.close()
