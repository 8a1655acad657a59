"""Property tests: document, vendor and record parsers report bad input as errors naming the file and the line
or field, never as a crash, and a bad row costs only itself."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustgap.evidence.detect import recognise
from trustgap.facts import Record, Vendor

from .test_parsers_documents import make_docx, make_pdf
from .test_parsers_documents_tables import make_xlsx
from .test_parsers_scanners_properties import check_parse

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"
SAMPLES: dict[str, list[tuple[bytes, str]]] = {
    "policy_document": [
        ((FIX / "policies" / "information-security-policy.md").read_bytes(), "p.md"),
        ((FIX / "policies" / "incident-response-plan.md").read_bytes(), "p.md"),
        (make_docx(), "p.docx"),
        (make_pdf(["Access Control Policy", "Owner: IT"], {"/Title": "Access Control Policy"}), "p.pdf"),
    ],
    "vendor_inventory": [
        ((FIX / "vendors" / "vendor-inventory.csv").read_bytes(), "v.csv"),
        (make_xlsx(), "v.xlsx"),
    ],
    "process_records": [
        ((FIX / "records" / "process-records.csv").read_bytes(), "r.csv"),
        ((FIX / "records" / "records.yaml").read_bytes(), "r.yaml"),
        ((FIX / "records" / "checkr-reports.csv").read_bytes(), "r.csv"),
        ((FIX / "records" / "tabletop-single.yaml").read_bytes(), "r.yaml"),
    ],
    "risk_register": [
        ((FIX / "risk" / "risk-register.csv").read_bytes(), "risks.csv"),
    ],
}
# CSV samples whose rows each become facts located "row N" (N = the row's line)
CSV_SAMPLES = {
    "vendor_inventory": (FIX / "vendors" / "vendor-inventory.csv").read_bytes(),
    "process_records": (FIX / "records" / "process-records.csv").read_bytes(),
}
PARSERS = tuple(SAMPLES)
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# cells that cannot open a quoted field or end a line, so the other rows stay where they were
plain_cells = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='",\r\n'),
                      max_size=12)


@SETTINGS
@given(st.sampled_from(PARSERS), st.binary(max_size=2048), st.sampled_from(["f.md", "f.csv", "f.yaml", "f.xlsx"]))
def test_random_bytes(name: str, data: bytes, path: str) -> None:
    check_parse(name, data, path)
    recognise(data, path)


@SETTINGS
@given(st.sampled_from(PARSERS), st.integers(min_value=0), st.integers(min_value=0), st.binary(min_size=1, max_size=8))
def test_mutated_valid_files(name: str, which: int, at: int, junk: bytes) -> None:
    sample, path = SAMPLES[name][which % len(SAMPLES[name])]
    pos = at % len(sample)
    check_parse(name, sample[:pos], path)  # truncated
    check_parse(name, sample[:pos] + junk + sample[pos + len(junk):], path)  # overwritten bytes


@SETTINGS
@given(st.sampled_from(["process_records", "vendor_inventory", "policy_document"]),
       st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12), min_size=1, max_size=6),
       st.lists(st.lists(st.text(max_size=12), max_size=7), max_size=5))
def test_text_tables_with_random_cells(name: str, header: list[str], rows: list[list[str]]) -> None:
    lines = [",".join(header), *(",".join(r) for r in rows)]
    data = "\n".join(lines).encode("utf-8", errors="replace")
    check_parse(name, data, "t.csv")
    check_parse(name, b"records:\n" + b"\n".join(b"  - " + ln.encode("utf-8", "replace") for ln in lines), "t.yaml")


@SETTINGS
@given(st.sampled_from(sorted(CSV_SAMPLES)), st.integers(min_value=0), st.lists(plain_cells, min_size=1, max_size=12))
def test_a_bad_row_costs_only_itself(name: str, which: int, cells: list[str]) -> None:
    sample = CSV_SAMPLES[name]
    original = check_parse(name, sample, "t.csv")
    lines = sample.split(b"\n")
    data_lines = [i for i, ln in enumerate(lines) if i > 0 and ln.strip()]
    bad = data_lines[which % len(data_lines)]
    lines[bad] = ",".join(cells).encode()
    mutated = check_parse(name, b"\n".join(lines), "t.csv")
    bad_row = f"row {bad + 1}"
    before = {f.src.locator for f in original.facts if isinstance(f, Record | Vendor)}
    after = {f.src.locator for f in mutated.facts if isinstance(f, Record | Vendor)}
    assert {loc for loc in before if loc != bad_row} <= after
    # every error of the mutated file is about the replaced row or was already there
    before_errors = {(e.line, e.field) for e in original.errors}
    assert all(e.line == bad + 1 or (e.line, e.field) in before_errors for e in mutated.errors)


def test_error_locations_are_real_lines() -> None:
    """A line named by an error exists in the file (checked on every sample cut at every newline)."""
    for name, samples in SAMPLES.items():
        for sample, path in samples:
            if sample.startswith(b"PK") or sample.startswith(b"%PDF"):
                continue
            for m in re.finditer(rb"\n", sample):
                cut = sample[: m.start()]
                for e in check_parse(name, cut, path).errors:
                    assert e.line is None or 1 <= e.line <= cut.count(b"\n") + 1, (name, str(e))
