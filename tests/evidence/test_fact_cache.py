"""Parsed facts are cached by file content: a re-run reads them back instead of parsing, and the result is
byte-identical to a cold run."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from trustgap.assessment import run_assessment
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.evidence import ingest
from trustgap.evidence.cache import FOLDER, RESULTS, FactCache
from trustgap.evidence.detect import load_parsers
from trustgap.evidence.store import EvidenceStore

BENCH = Path(__file__).resolve().parents[2] / "bench"


class ParseCounter:
    """Records the names of the files actually parsed (the real parser still runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []
        real = ingest.explain

        def counting(data: bytes, name: str, *args: Any, **kwargs: Any) -> Any:
            self.names.append(name)
            return real(data, name, *args, **kwargs)

        monkeypatch.setattr(ingest, "explain", counting)


def _run(folder: Path, store: Path) -> str:
    result, _ = run_assessment(folder / "scope.yaml", evidence_dir=folder / "evidence", as_of=DEMO_AS_OF,
                               evidence_store=EvidenceStore(store), save=False)
    return result.to_json()


def test_demo_warm_run_is_byte_identical_and_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    org = tmp_path / "org"
    shutil.copytree(demo_folder(), org)
    counter = ParseCounter(monkeypatch)
    cold = _run(org, tmp_path / "store")
    parsed_cold = len(counter.names)
    assert parsed_cold > 20 and any((tmp_path / "store" / FOLDER).rglob("*"))
    counter.names.clear()
    warm = _run(org, tmp_path / "store")
    assert counter.names == [] and warm == cold
    # files touched (new modification time) are still read from the cache; the result follows the new time
    for p in (org / "evidence").rglob("*"):
        if p.is_file():
            p.touch()
    touched = _run(org, tmp_path / "store")
    assert counter.names == []
    assert touched == _run_uncached(org, tmp_path)


def _run_uncached(org: Path, tmp_path: Path) -> str:
    fresh = tmp_path / "fresh-store"
    shutil.rmtree(fresh, ignore_errors=True)
    return _run(org, fresh)


def test_one_changed_file_is_the_only_one_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(BENCH))
    from synthetic_org import write_org

    org = tmp_path / "org"
    write_org(org, people=120, pulls=400, vulns=80, vendors=20, docs=10)
    store = tmp_path / "store"
    cold = _run(org, store)
    counter = ParseCounter(monkeypatch)
    assert _run(org, store) == cold and counter.names == []
    roster = org / "evidence" / "hr" / "roster.csv"
    roster.write_text(roster.read_text().replace("Inactive", "Active", 1))
    changed = _run(org, store)
    assert counter.names == ["hr/roster.csv"]
    assert changed != cold
    assert changed == _run_uncached(org, tmp_path)


def test_damaged_entries_are_ignored_and_the_file_parsed_again(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    org = tmp_path / "org"
    shutil.copytree(demo_folder(), org)
    store = tmp_path / "store"
    cold = _run(org, store)
    entries = sorted(p for p in (store / FOLDER).rglob("*") if p.is_file())
    entries[0].write_bytes(b"not a cache entry")
    entries[1].write_bytes(entries[1].read_bytes()[:40])  # cut short
    (result,) = (store / RESULTS).rglob("*.json")  # the whole result kept too: damaged, it is not used
    result.write_bytes(result.read_bytes().replace(b'"as_of"', b'"as-of"', 1))
    counter = ParseCounter(monkeypatch)
    assert _run(org, store) == cold
    assert len(counter.names) == 2
    counter.names.clear()
    for p in (store / RESULTS).rglob("*.json"):
        p.unlink()
    assert _run(org, store) == cold and counter.names == []  # rewritten whole


def test_key_follows_everything_a_parse_depends_on(tmp_path: Path) -> None:
    from datetime import date

    parsers = load_parsers()
    store = EvidenceStore(tmp_path)
    base = FactCache(store, parsers, as_of=date(2026, 1, 1), options=None)
    k = base.key("ab" * 32, name="a.csv", source="file", forced=None)
    assert k == FactCache(store, dict(parsers), as_of=date(2026, 1, 1), options={}).key(
        "ab" * 32, name="a.csv", source="file", forced=None)
    others = {
        base.key("cd" * 32, name="a.csv", source="file", forced=None),
        base.key("ab" * 32, name="b.csv", source="file", forced=None),
        base.key("ab" * 32, name="a.csv", source="github:GET /x", forced=None),
        base.key("ab" * 32, name="a.csv", source="file", forced="hr_roster"),
        FactCache(store, parsers, as_of=date(2026, 1, 1), options={"hr_roster": {"files": ["*.csv"]}}).key(
            "ab" * 32, name="a.csv", source="file", forced=None),
        FactCache(store, {k: v for k, v in parsers.items() if k != "hr_roster"}, as_of=date(2026, 1, 1),
                  options=None).key("ab" * 32, name="a.csv", source="file", forced=None),
    }
    assert k not in others and len(others) == 6


def test_an_organisation_spec_edit_invalidates_its_entries(tmp_path: Path) -> None:
    from trustgap.evidence.mapping_registry import builtin_specs, spec_parser

    store = EvidenceStore(tmp_path / "store")
    spec = next(s for s in builtin_specs() if s.id == "hr_roster")
    before = {**load_parsers(), "hr_roster": spec_parser(spec)}
    after = {**load_parsers(), "hr_roster": spec_parser(spec.model_copy(update={"day_first": not spec.day_first}))}
    keys = {FactCache(store, p, as_of=DEMO_AS_OF, options=None).key("ab" * 32, name="x", source="file", forced=None)
            for p in (before, after)}
    assert len(keys) == 2


def test_memory_store_keeps_no_cache(tmp_path: Path) -> None:
    store = EvidenceStore(None)
    cache = FactCache(store, load_parsers(), as_of=DEMO_AS_OF, options=None)
    assert cache.root is None and cache.load("k", "2026-01-01T00:00:00+00:00") is None


def test_unchanged_run_reuses_the_whole_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trustgap import assessment
    from trustgap.store.runs import RunStore

    org = tmp_path / "org"
    shutil.copytree(demo_folder(), org)
    url = f"sqlite:///{tmp_path / 'runs.db'}"

    def run(as_of: Any = DEMO_AS_OF) -> tuple[str, str | None]:
        result, run_id = run_assessment(org / "scope.yaml", evidence_dir=org / "evidence", as_of=as_of,
                                        answers=[org / "answers.yaml"], evidence_store=EvidenceStore(tmp_path / "st"),
                                        store_url=url)
        return result.to_json(), run_id

    cold, first = run()
    evaluated: list[str] = []
    real = assessment.assess
    monkeypatch.setattr(assessment, "assess", lambda *a, **k: evaluated.append("x") or real(*a, **k))
    warm, second = run()
    assert warm == cold and evaluated == [] and first != second
    with RunStore.open(url) as rs:
        assert rs.get_json(first)[1] == rs.get_json(second)[1] == cold
    # anything the run reads changes: evaluated again (the answers file, a new evidence file, the as-of date)
    answers = org / "answers.yaml"
    answers.write_text(answers.read_text() + "\n# reviewed\n")
    run()
    (org / "evidence" / "notes.txt").write_text("a note\n")
    run()
    run(DEMO_AS_OF.replace(day=DEMO_AS_OF.day - 1))
    assert evaluated == ["x", "x", "x"]


def test_facts_serve_other_dates_unless_the_parser_read_the_date(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    org = tmp_path / "org"
    shutil.copytree(demo_folder(), org)
    store = tmp_path / "store"
    counter = ParseCounter(monkeypatch)
    _run(org, store)
    first = set(counter.names)
    counter.names.clear()
    later = DEMO_AS_OF + timedelta(days=1)
    result, _ = run_assessment(org / "scope.yaml", evidence_dir=org / "evidence", as_of=later,
                               evidence_store=EvidenceStore(store), save=False)
    reparsed = set(counter.names)
    assert reparsed < first  # only the files whose parser read the as-of date
    fresh, _ = run_assessment(org / "scope.yaml", evidence_dir=org / "evidence", as_of=later,
                              evidence_store=EvidenceStore(tmp_path / "fresh"), save=False)
    assert result.to_json() == fresh.to_json()


def test_reading_limits_are_part_of_every_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trustgap.evidence.cache import ResultCache

    store = EvidenceStore(tmp_path / "store")
    scope = tmp_path / "scope.yaml"
    scope.write_text("organisation: {name: X}\n")

    def keys() -> tuple[str, str]:
        fact = FactCache(store, load_parsers(), as_of=DEMO_AS_OF, options=None).key(
            "ab" * 32, name="x", source="file", forced=None)
        return fact, ResultCache.for_files(store, as_of=DEMO_AS_OF, inputs=[scope], evidence=[]).key

    before = keys()
    assert keys() == before
    monkeypatch.setenv("TRUSTGAP_MAX_YAML_NODES", "5")  # a file past a limit reads differently
    after = keys()
    assert after[0] != before[0] and after[1] != before[1]
