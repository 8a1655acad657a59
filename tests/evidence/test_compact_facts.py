"""Equal values of the facts of a run are held once: the facts stay equal to those parsed without sharing, the
fact cache keeps the sharing, and values that never repeat are not kept twice."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from trustgap.evidence import ingest
from trustgap.evidence.compact import TRIAL, Interner
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import Account, Change, Person, Src

BENCH = Path(__file__).resolve().parents[2] / "bench"
AS_OF = date(2026, 11, 16)


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(BENCH))
    try:
        from synthetic_org import write_org
    finally:
        sys.path.remove(str(BENCH))
    folder = tmp_path_factory.mktemp("org")
    write_org(folder, people=300, pulls=6000, vulns=400, vendors=50, docs=20)
    return folder


def _facts(folder: Path, store: Path | None) -> list[Any]:
    out = ingest.ingest_folder(folder / "evidence", store=EvidenceStore(store), as_of=AS_OF)
    return ingest.finalize_facts(out)


def _distinct(values: list[Any]) -> int:
    return len({id(v) for v in values})


def test_shared_values_leave_facts_equal(org: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = _facts(org, tmp_path / "store")
    with monkeypatch.context() as m:
        m.setattr(Interner, "facts", lambda self, facts: None)
        plain = _facts(org, None)
    assert len(shared) == len(plain) > 6000
    assert shared == plain and [repr(f) for f in shared] == [repr(f) for f in plain]
    changes = [f for f in shared if isinstance(f, Change)]
    authors = [c.author for c in changes]
    # 300 people give 15 logins: one string each per file, not one per pull request
    assert _distinct(authors) <= 20 * len(set(authors)) < len(changes) // 10
    states = [r.state for c in changes for r in c.reviews]
    assert _distinct(states) <= 20
    # the roster and both directories name the same e-mails: one string for each
    people = {p.email: p.email for p in shared if isinstance(p, Person)}
    accounts = [a for a in shared if isinstance(a, Account) and a.system == "google"]
    assert accounts and all(a.email is people[a.email] for a in accounts if a.email in people)


def test_cached_facts_keep_their_sharing(org: Path, tmp_path: Path) -> None:
    cold = _facts(org, tmp_path / "store")
    warm = _facts(org, tmp_path / "store")
    assert warm == cold
    changes = [f for f in warm if isinstance(f, Change)]
    assert _distinct([c.author for c in changes]) < len(changes) // 10


def test_values_that_never_repeat_are_not_kept() -> None:
    interner = Interner()
    srcs = [Src("f" * 64, f"$[{i}]") for i in range(TRIAL * 3)]
    interner.facts(srcs)
    # the locators were tried, found distinct, and left alone: the interner holds the trial's share of them only
    assert len(interner._values) <= TRIAL + 1
    again = [Src("f" * 64, f"$[{i}]") for i in range(3)]
    interner.facts(again)
    assert again == srcs[:3]
