"""The lean result path gives the same bytes: check results kept compact, the facts let go before the verdicts,
the result JSON built as UTF-8 bytes and stored in pieces (demo organisation and a small synthetic one)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap import assessment
from trustgap.assessment import assess, run_assessment
from trustgap.checks import base
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.evidence.ingest import ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.scope import load_scope
from trustgap.store.runs import RunStore

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _whole_and_lean(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, int]:
    loaded = load_scope(folder / "scope.yaml")
    sources = ingest_folder(folder / "evidence", store=EvidenceStore(None), as_of=DEMO_AS_OF)
    lean = assess(loaded, sources, as_of=DEMO_AS_OF).to_json()
    left = sum(r.passed_more for r in base.run_checks(assessment.prepare(loaded.scope, sources, DEMO_AS_OF).ctx,
                                                      passing_kept=5))
    with monkeypatch.context() as m:  # every entity of every check kept whole, as before
        def whole_results(ctx: Any, checks: Any, **options: Any) -> Any:
            return base.run_checks(ctx, checks, **{k: v for k, v in options.items() if k != "passing_kept"})

        m.setattr(assessment, "run_checks", whole_results)
        whole = assess(loaded, sources, as_of=DEMO_AS_OF).to_json()
    return whole, lean, left


def test_compact_check_results_give_the_same_result_on_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    whole, lean, left = _whole_and_lean(demo_folder(), monkeypatch)
    assert left > 0  # some passing entities were left out of the check results
    assert lean == whole


def test_compact_check_results_give_the_same_result_on_a_synthetic_org(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from synthetic_org import write_org
    finally:
        sys.path.remove(str(BENCH))
    write_org(tmp_path / "org", people=120, pulls=600, vulns=200, vendors=30, docs=12)
    whole, lean, left = _whole_and_lean(tmp_path / "org", monkeypatch)
    assert left > 100
    assert lean == whole


def test_a_saved_assessment_stores_the_bytes_of_its_result(tmp_path: Path) -> None:
    folder = demo_folder()
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    result, run_id = run_assessment(folder / "scope.yaml", evidence_dir=folder / "evidence",
                                    answers=[folder / "answers.yaml"], as_of=DEMO_AS_OF,
                                    evidence_store=EvidenceStore(tmp_path / "store"), store_url=url,
                                    created_at=datetime(2026, 11, 16, 12, tzinfo=UTC))
    text = result.to_json()
    assert bytes(result.to_json_bytes()) == text.encode("utf-8")
    assert run_id is not None
    with RunStore.open(url) as rs:
        assert rs.get_json(run_id)[1] == text
    # the same files again: the kept result is stored as it was kept, byte for byte
    again, again_id = run_assessment(folder / "scope.yaml", evidence_dir=folder / "evidence",
                                     answers=[folder / "answers.yaml"], as_of=DEMO_AS_OF,
                                     evidence_store=EvidenceStore(tmp_path / "store"), store_url=url,
                                     created_at=datetime(2026, 11, 16, 13, tzinfo=UTC))
    assert again_id is not None and again_id != run_id
    with RunStore.open(url) as rs:
        assert rs.get_json(again_id)[1] == text
    assert again.to_json() == text
