"""Property tests: scanner parsers report bad input as errors naming the file and the line or field, never as a
crash, and a bad entry costs only itself."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import ScanFinding, Vulnerability

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"
SCANNERS = ("trivy", "prowler", "checkov", "dependabot")
SAMPLES = {
    "trivy": (FIX / "trivy" / "api-2026-02-05.json").read_bytes(),
    "prowler": (FIX / "prowler" / "prowler-output-123456789012-20260301.ocsf.json").read_bytes(),
    "checkov": (FIX / "checkov" / "results_json.json").read_bytes(),
    "dependabot": (FIX / "github" / "dependabot-alerts.json").read_bytes(),
}
# Where each sample keeps its list of entries (each entry becomes at most one fact, located by its JSON path).
ENTRY_LISTS: dict[str, tuple[tuple[Any, ...], str]] = {
    "trivy": (("Results", 1, "Vulnerabilities"), "$.Results[1].Vulnerabilities"),
    "prowler": ((), "$"),
    "checkov": ((0, "results", "failed_checks"), "$[0].results.failed_checks"),
    "dependabot": ((), "$"),
}
SAFETY_NET = "could not be read as"  # parse_with's wording for an exception the parser let escape
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def ctx_for(data: bytes, path: str, options: dict[str, Any] | None = None) -> ParseContext:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    return ParseContext(ref=ref, path=path, as_of=date(2026, 3, 1), options=dict(options or {}))


def is_binary_container(data: bytes) -> bool:
    """DOCX / XLSX (ZIP) and PDF files have no lines to name; their errors name the file (and part when known)."""
    return data.startswith(b"PK") or b"%PDF-" in data[:1024]


def check_parse(name: str, data: bytes, path: str = "fuzz.json") -> ParseResult:
    """Parse and assert the bad-input contract: every error is an InputError naming the file, with a line or
    field for text formats, and none comes from an exception the parser let escape."""
    parser = load_parsers()[name]
    result = parse_with(parser, data, ctx_for(data, path))
    for e in result.errors:
        assert isinstance(e, InputError)
        assert str(e).startswith(path), str(e)
        assert SAFETY_NET not in e.message, f"{name} let an exception escape: {e}"
        if not is_binary_container(data):
            assert e.line is not None or e.field, f"{name}: error names neither line nor field: {e}"
    if parser.finalize is not None:
        parser.finalize(result.facts)
    assert parser.sniff(data, path) >= 0
    return result


def _check_scanner(name: str, data: bytes) -> ParseResult:
    result = check_parse(name, data)
    for f in result.facts:
        if isinstance(f, ScanFinding):
            assert f.status in ("pass", "fail", "manual", "skipped", "error")
        if isinstance(f, Vulnerability):
            assert f.first_seen <= f.last_seen
    return result


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


def _entries(doc: Any, where: tuple[Any, ...]) -> list[Any]:
    for step in where:
        doc = doc[step]
    return doc  # type: ignore[no-any-return]


@SETTINGS
@given(st.sampled_from(SCANNERS), st.binary(max_size=2048))
def test_random_bytes(name: str, data: bytes) -> None:
    _check_scanner(name, data)
    recognise(data, "fuzz.json")


@SETTINGS
@given(st.sampled_from(SCANNERS), st.integers(min_value=0))
def test_truncated_report_is_one_error_naming_the_line(name: str, cut: int) -> None:
    sample = SAMPLES[name]
    prefix = sample[: cut % len(sample)]
    result = _check_scanner(name, prefix)
    try:
        json.loads(prefix)
    except ValueError:
        assert result.facts == []
        [err] = result.errors
        assert err.line is not None and 1 <= err.line <= prefix.count(b"\n") + 1


@SETTINGS
@given(st.sampled_from(SCANNERS), st.integers(min_value=0), st.binary(max_size=16))
def test_spliced_junk(name: str, at: int, junk: bytes) -> None:
    sample = SAMPLES[name]
    pos = at % len(sample)
    _check_scanner(name, sample[:pos] + junk + sample[pos:])


@SETTINGS
@given(st.sampled_from(SCANNERS), st.lists(st.integers(min_value=0, max_value=50), max_size=6), json_values)
def test_structurally_mutated_reports(name: str, path: list[int], replacement: Any) -> None:
    doc = json.loads(SAMPLES[name])
    _check_scanner(name, json.dumps(_mutate(doc, path, replacement)).encode())


@SETTINGS
@given(st.sampled_from(SCANNERS), st.integers(min_value=0), json_values)
def test_a_bad_entry_costs_only_itself(name: str, which: int, replacement: Any) -> None:
    where, prefix = ENTRY_LISTS[name]
    original = _check_scanner(name, SAMPLES[name])
    doc = json.loads(SAMPLES[name])
    entries = _entries(doc, where)
    i = which % len(entries)
    entries[i] = replacement
    mutated = _check_scanner(name, json.dumps(doc).encode())
    lost = f"{prefix}[{i}]"
    before = {f.src.locator for f in original.facts if isinstance(f, ScanFinding | Vulnerability)}
    after = {f.src.locator for f in mutated.facts if isinstance(f, ScanFinding | Vulnerability)}
    kept = {loc for loc in before if not (loc == lost or loc.startswith(lost + "."))}
    assert kept <= after
