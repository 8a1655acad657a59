"""The document and record text readers take time linear in their input.

A hand-written file may hold a line of 100,000 spaces, tabs, dashes, pipes, hashes or digits. Each reader
below gets such lines after the prefixes that put it into its interesting states (a heading, a label, a
table row, a list item, a cadence phrase). The inputs are sized so that a quadratic pattern would run for
hours (10^10 steps and more) while a linear reader finishes in milliseconds; the guard turns a run past
its generous limit into a failure naming the input, instead of a hung test suite.
"""

from __future__ import annotations

import io
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import docx
import pytest
from tests.evidence.test_parsers_documents import make_pdf

from trustgap.engine.reconcile import promises_in_text
from trustgap.evidence.detect import ParseContext, load_parsers, parse_with
from trustgap.evidence.parsers import _doc_text, _document_fields, _office, _record_fields
from trustgap.evidence.store import EvidenceRef, sha256_bytes

SIZE = 30_000
GUARD_SECONDS = 60  # a linear reader needs well under a second for all of one input's readers
RUNS = [" ", "\t", "-", "|", "#", "0", "=", ":", "*", "_", ".", "a", "\n", " \t", "- ", "| ", "#\t", "1."]
PREFIXES = ["", "a", "# Security Policy\n\n", "Owner", "| Owner ", "# ", "Security Policy\n", "policy ",
            "1. ", "every ", "within ", "TLS", "at least ", "**Status:**", "access review", "test"]


@contextmanager
def guard(what: str, seconds: int = GUARD_SECONDS) -> Iterator[None]:
    """Fail (instead of hanging) when the body runs past ``seconds``; the regex engine checks signals."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"{what}: still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def ctx_for(data: bytes, path: str) -> ParseContext:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 10, tzinfo=UTC), len(data))
    return ParseContext(ref=ref, path=path, as_of=date(2026, 3, 10))


def readers() -> list[tuple[str, Callable[[str], Any]]]:
    parsers = load_parsers()
    policy, records = parsers["policy_document"], parsers["process_records"]

    def sniff_then_parse(parser: Any, name: str) -> Callable[[str], Any]:
        def run(text: str) -> Any:
            data = text.encode()
            if parser.sniff(data, name):
                try:
                    return parser.parse(data, ctx_for(data, name))
                except Exception as exc:  # an input error is a fine outcome; only the time matters here
                    return exc
            return None
        return run

    return [
        ("policy sniff .md", lambda t: policy.sniff(t.encode(), "a.md")),
        ("policy sniff .txt", lambda t: policy.sniff(t.encode(), "a.txt")),
        ("policy parse .md", sniff_then_parse(policy, "policy.md")),
        ("policy parse .txt", lambda t: policy.parse(t.encode(), ctx_for(t.encode(), "a.txt"))),
        ("records sniff", lambda t: records.sniff(t.encode(), "records.yaml")),
        ("records parse .csv", lambda t: _swallow(records.parse, t.encode(), "access-reviews.csv")),
        ("labelled values", lambda t: _document_fields.labelled_values(t.split("\n"))),
        ("headings", lambda t: _doc_text.markdown_headings(t.split("\n"))),
        ("topic keywords", _document_fields.policy_key_from_text),
        ("participants", _record_fields.people),
        ("systems", _record_fields.systems),
        ("promises", lambda t: promises_in_text(t, source="p.md", ref=None)),
    ]


def _swallow(fn: Callable[..., Any], data: bytes, name: str) -> Any:
    try:
        return fn(data, ctx_for(data, name))
    except Exception as exc:  # an input error is a fine outcome; only the time matters here
        return exc


@pytest.mark.parametrize("run", RUNS, ids=[repr(r) for r in RUNS])
def test_pathological_lines_are_read_in_linear_time(run: str) -> None:
    body = (run * (SIZE // len(run)))[:SIZE]
    every_reader = readers()
    for prefix in PREFIXES:
        text = prefix + body + "x\n"
        for name, read in every_reader:
            with guard(f"{name} on {prefix!r} + {SIZE} x {run!r}"):
                read(text)


def test_a_long_paragraph_of_short_sentences_is_linear() -> None:
    """Many short lines in one paragraph: finding each sentence's line must not rescan the paragraph."""
    text = "Access is reviewed quarterly.\n" * 50_000
    with guard("promises over 50,000 lines"):
        found = promises_in_text(text, source="p.md", ref=None)
    assert len(found) == 50_000
    assert found[-1].locator == "line 50000"


def test_label_and_heading_readers_still_read_real_lines() -> None:
    """The linear readers keep the meaning of the patterns they replace."""
    assert _doc_text.label_value("**Status:** Draft") == ("Status", "Draft")
    assert _doc_text.label_value("| Approved on | 2026-03-01 |") == ("Approved on", "2026-03-01")
    assert _doc_text.label_value("- Document owner: Jane Roe  ") == ("Document owner", "Jane Roe")
    assert _doc_text.label_value("> Next review: March 2027") == ("Next review", "March 2027")
    assert _doc_text.label_value("See https://example.com/policy") is None
    assert _doc_text.label_value("A sentence that runs on, then: says something") is None
    assert _doc_text.atx_heading("## Scope ##") == (2, "Scope")
    assert _doc_text.atx_heading("#hashtag") is None
    assert _doc_text.atx_heading("    # code") is None
    assert _doc_text.atx_heading("# C# guidelines") == (1, "C# guidelines")
    assert _doc_text.first_heading("Backup Policy\n=============\n\ntext") == "Backup Policy"
    assert _doc_text.first_heading("intro\n\n```\n# not a heading\n```\n### Real\n") == "Real"
    assert _record_fields.people("a@x.io ;  b@x.io,\tc@x.io | Dana Lee") == ("a@x.io", "b@x.io", "c@x.io",
                                                                              "Dana Lee")
    assert _record_fields.systems("Okta ; AWS  and   GitHub") == ["Okta", "AWS", "GitHub"]


def _docx_with_part(name: str, payload_size: int) -> bytes:
    """A Word package (python-docx's default document) plus one highly compressible part."""
    buf = io.BytesIO()
    document = docx.Document()
    document.add_heading("Encryption Policy", level=0)
    document.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != name:
                dst.writestr(item, src.read(item.filename))
        with dst.open(name, "w") as part:  # streamed, so the test itself never holds the inflated part
            chunk = b" " * (1024 * 1024)
            for _ in range(payload_size // len(chunk)):
                part.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize("part", ["word/document.xml", "word/media/image1.png"])
def test_a_word_zip_bomb_is_refused_by_declared_size_without_inflating(part: str) -> None:
    data = _docx_with_part(part, 300 * 1024 * 1024)
    assert len(data) < 2 * 1024 * 1024  # 300 MiB of spaces compress to a few hundred KiB
    res = load_parsers()["policy_document"]
    ctx = ctx_for(data, "bomb.docx")
    with guard("zip bomb check", 30):
        result = parse_with(res, data, ctx)
    assert result.facts == []
    [err] = result.errors
    assert err.field == part and "bomb.docx" in str(err) and "limit" in err.message


def test_the_ratio_limit_applies_to_parts_over_one_mib() -> None:
    data = _docx_with_part("customXml/item9.xml", 2 * 1024 * 1024)  # 2 MiB at a ratio over 200 is refused
    result = parse_with(load_parsers()["policy_document"], data, ctx_for(data, "p.docx"))
    assert [e.field for e in result.errors] == ["customXml/item9.xml"]
    small = _docx_with_part("customXml/item9.xml", 1024 * 1024)  # 1 MiB: under the ratio floor
    result = parse_with(load_parsers()["policy_document"], small, ctx_for(small, "p.docx"))
    assert result.errors == [] and result.facts[0].title == "Encryption Policy"


def test_pdf_text_is_read_up_to_its_limit_and_the_cut_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_pdf(["Logging Policy", "Logs are kept for one year."], {"/Title": "Logging Policy"})
    monkeypatch.setattr(_office, "MAX_TEXT_CHARS", 10)
    result = parse_with(load_parsers()["policy_document"], data, ctx_for(data, "log.pdf"))
    [err] = result.errors
    assert err.field == "page 1" and "10 characters" in err.message
    assert result.facts[0].text == ""
