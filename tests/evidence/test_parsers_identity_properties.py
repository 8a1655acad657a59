"""Property tests: the identity parsers raise nothing but InputError, whatever the bytes.

``parser.parse`` is called directly (not through ``parse_with``, which would turn a stray ValueError into an
error message), so any exception other than InputError fails the test.
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
from trustgap.facts import Account, Credential

FIX = Path(__file__).parent.parent / "fixtures" / "evidence" / "identity"
SAMPLES = {
    "aws_iam_credential_report": (FIX / "aws-credential-report.csv").read_bytes(),
    "google_users": (FIX / "google-users.json").read_bytes(),
    "okta": (FIX / "okta-users.json").read_bytes(),
    "entra_users": (FIX / "entra-users.json").read_bytes(),
}
JSON_SAMPLES = [
    ("google_users", FIX / "google-users.json"),
    ("okta", FIX / "okta-users.json"),
    ("okta", FIX / "okta-factors.json"),
    ("okta", FIX / "okta-roles.json"),
    ("entra_users", FIX / "entra-users.json"),
    ("entra_users", FIX / "entra-registration.json"),
    ("aws_iam_credential_report", FIX / "aws-credential-report-cli.json"),
]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
cell_values = st.sampled_from(["", "N/A", "no_information", "not_supported", "true", "FALSE", "yes", "<root_account>",
                               "2026-13-45T99:00:00+00:00", "arn:aws:iam::123456789012:root", "9" * 40]) | st.text(
    max_size=12)


def _parse(name: str, data: bytes) -> list[Any]:
    parser = load_parsers()[name]
    ref = EvidenceRef(sha256_bytes(data), "fuzz", "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path="fuzz", as_of=date(2026, 3, 1))
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
            assert f.account_id and f.system
            assert f.email is None or f.email == f.email.lower()
        if isinstance(f, Credential):
            assert f.kind in ("access_key", "certificate", "password")
    return facts


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
@given(st.sampled_from(sorted(SAMPLES)), st.binary(max_size=2048))
def test_random_bytes(name: str, data: bytes) -> None:
    _parse(name, data)
    recognise(data, "fuzz")


@SETTINGS
@given(st.sampled_from(sorted(SAMPLES)), st.integers(min_value=0), st.binary(max_size=16))
def test_truncated_and_spliced_files(name: str, cut: int, junk: bytes) -> None:
    sample = SAMPLES[name]
    at = cut % len(sample)
    _parse(name, sample[:at])
    _parse(name, sample[:at] + junk + sample[at:])


@SETTINGS
@given(st.sampled_from(range(len(JSON_SAMPLES))), st.lists(st.integers(min_value=0, max_value=50), max_size=6),
       json_values)
def test_structurally_mutated_documents(which: int, path: list[int], replacement: Any) -> None:
    name, file = JSON_SAMPLES[which]
    mutated = _mutate(json.loads(file.read_bytes()), path, replacement)
    _parse(name, json.dumps(mutated).encode())


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=30),
                          cell_values), max_size=8),
       st.integers(min_value=0, max_value=8))
def test_credential_report_with_mutated_cells(edits: list[tuple[int, int, str]], drop: int) -> None:
    rows = list(csv.reader(io.StringIO(SAMPLES["aws_iam_credential_report"].decode())))
    for r, c, value in edits:
        row = rows[r % len(rows)]
        row[c % len(row)] = value
    if drop:
        rows[-1] = rows[-1][:-drop]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    facts = _parse("aws_iam_credential_report", out.getvalue().encode())
    for f in facts:
        if isinstance(f, Account):
            assert f.system.startswith("aws:")


GOOGLE_CSV = [(FIX / "google-users-gam.csv").read_bytes(), (FIX / "google-users-console.csv").read_bytes()]
google_cells = st.sampled_from(["", "True", "false", "Enrolled", "Not Enrolled", "Suspended", "Archived",
                                "Never logged in", "2026/13/45 99:00:00 UTC", "1970-01-01T00:00:00.000Z",
                                "not-an-email", '"', "\n"]) | st.text(max_size=12)


@SETTINGS
@given(st.sampled_from(range(len(GOOGLE_CSV))),
       st.lists(st.tuples(st.integers(min_value=0, max_value=5), st.integers(min_value=0, max_value=20),
                          google_cells), max_size=8),
       st.integers(min_value=0, max_value=4), st.integers(min_value=0))
def test_google_csv_with_mutated_cells_and_truncation(which: int, edits: list[tuple[int, int, str]], drop: int,
                                                      cut: int) -> None:
    rows = list(csv.reader(io.StringIO(GOOGLE_CSV[which].decode())))
    for r, c, value in edits:
        row = rows[1 + r % (len(rows) - 1)]  # data rows: the header stays, so the file is still this format
        row[c % len(row)] = value
    if drop:
        rows[-1] = rows[-1][:-drop]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    data = out.getvalue().encode()
    assert recognise(data, "users.csv").name == "google_users"  # type: ignore[union-attr]
    _parse("google_users", data)
    _parse("google_users", data[: cut % len(data)])
