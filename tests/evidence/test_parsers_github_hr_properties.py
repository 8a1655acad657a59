"""Property tests: the GitHub, HR roster and training parsers raise nothing but InputError, whatever the bytes.

``parser.parse`` is called directly (not through ``parse_with``, which would turn a stray ValueError into an
error message), so any exception other than InputError fails the test; ``finalize`` runs on what was read.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, load_parsers, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import Account, BranchProtection, Change, Person, Record

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"
GITHUB = sorted((FIX / "github").glob("*.json"))
TABLES = [("hr_roster", p) for p in sorted((FIX / "hr").glob("*.csv"))] + [
    ("lms_training", p) for p in sorted((FIX / "training").glob("*.csv"))]
SAMPLES = [("github", p) for p in GITHUB] + TABLES
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OPTIONS = {"github": {"emails": {"alice-ng": "alice.ng@acme.example"}}, "hr_roster": {"day_first": True},
           "lms_training": {"courses": ["security", "phishing"]}}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["2026-13-45T99:00:00Z", "main", "acme/api", "APPROVED", "Branch not protected", "admin",
                       "2fa_disabled", "pull_request", "https://api.github.com/repos/a/b/pulls/7"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
cell_values = st.sampled_from(["", "N/A", "13/45/2022", "31.02.2026", "02/30/2026", "2026-02-27T25:00:00Z", "Yes",
                               "no", "Terminated", "Contingent Worker", "Past Due", "Passed", "not-an-email",
                               "a@b", "9" * 40, "=SUM(A1)", "\x00"]) | st.text(max_size=12)


def _parse(name: str, data: bytes, options: bool = False) -> list[Any]:
    parser = load_parsers()[name]
    ref = EvidenceRef(sha256_bytes(data), "fuzz", "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path="fuzz", as_of=date(2026, 3, 1), options=OPTIONS[name] if options else {})
    parser.sniff(data, "fuzz")
    try:
        result = parser.parse(data, ctx)
    except InputError as exc:
        assert exc.path == "fuzz"
        return []
    assert all(isinstance(e, InputError) and e.path == "fuzz" for e in [*ctx.errors, *result.errors])
    facts = parser.finalize(result.facts) if parser.finalize else result.facts
    for f in facts:
        if isinstance(f, Account):
            assert f.system == "github" and f.account_id
        if isinstance(f, Change):
            assert f.change_id.isdigit() and "/" in f.repository
        if isinstance(f, BranchProtection):
            assert f.branch and "/" in f.repository
        if isinstance(f, Person | Record):
            email = f.email if isinstance(f, Person) else f.subject
            assert email is None or email == email.lower()
    return facts


@SETTINGS
@given(st.sampled_from(["github", "hr_roster", "lms_training"]), st.binary(max_size=2048), st.booleans())
def test_random_bytes(name: str, data: bytes, options: bool) -> None:
    _parse(name, data, options)
    recognise(data, "fuzz")


@SETTINGS
@given(st.sampled_from(range(len(SAMPLES))), st.integers(min_value=0), st.binary(max_size=16))
def test_truncated_and_spliced_files(which: int, cut: int, junk: bytes) -> None:
    name, path = SAMPLES[which]
    sample = path.read_bytes()
    at = cut % len(sample)
    _parse(name, sample[:at])
    _parse(name, sample[:at] + junk + sample[at:], options=True)


def _mutate(value: Any, path: list[int], replacement: Any) -> Any:
    """Replace the node reached by following ``path`` (indexes modulo each container's size)."""
    if not path or not isinstance(value, dict | list) or not value:
        return replacement
    if isinstance(value, dict):
        keys = list(value)
        key = keys[path[0] % len(keys)]
        return {**value, key: _mutate(value[key], path[1:], replacement)}
    i = path[0] % len(value)
    return [*value[:i], _mutate(value[i], path[1:], replacement), *value[i + 1:]]


@SETTINGS
@given(st.sampled_from(range(len(GITHUB))), st.lists(st.integers(min_value=0, max_value=50), max_size=6),
       json_values, st.booleans())
def test_structurally_mutated_github_answers(which: int, path: list[int], replacement: Any, options: bool) -> None:
    mutated = _mutate(json.loads(GITHUB[which].read_bytes()), path, replacement)
    _parse("github", json.dumps(mutated).encode(), options)


@SETTINGS
@given(st.sampled_from(range(len(TABLES))),
       st.lists(st.tuples(st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=30),
                          cell_values), max_size=8),
       st.integers(min_value=0, max_value=8), st.booleans())
def test_tables_with_mutated_cells(which: int, edits: list[tuple[int, int, str]], drop: int, options: bool) -> None:
    name, path = TABLES[which]
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    for r, c, value in edits:
        row = rows[r % len(rows)]
        row[c % len(row)] = value
    if drop:
        rows[-1] = rows[-1][:-drop]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    _parse(name, out.getvalue().encode(), options)
