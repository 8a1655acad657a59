"""Policy documents: Markdown front matter, real DOCX (python-docx) and PDF (pypdf) files."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.parsers._document_fields import policy_key_from_text
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import Document

FIX = Path(__file__).parent.parent / "fixtures" / "evidence" / "policies"


def run(data: bytes, path: str) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 10, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path=path, as_of=date(2026, 3, 10))
    return parse_with(load_parsers()["policy_document"], data, ctx)


def only_doc(res: ParseResult) -> Document:
    assert len(res.facts) == 1
    doc = res.facts[0]
    assert isinstance(doc, Document)
    return doc


def make_docx(*, custom: dict[str, str] | None = None, control_table: bool = True) -> bytes:
    d = docx.Document()
    cp = d.core_properties
    cp.title = "Access Control Policy"
    cp.author = "Priya Raman"
    cp.last_modified_by = "Marcus Bell"
    cp.revision = 7
    cp.created = datetime(2025, 1, 10, 9, 0)
    cp.modified = datetime(2026, 2, 1, 12, 0)
    d.add_heading("Access Control Policy", level=0)
    if control_table:
        table = d.add_table(rows=3, cols=2)
        for row, (label, value) in zip(table.rows, [("Version", "2.1"), ("Approved on", "03/01/2026"),
                                                     ("Last reviewed", "2026-03-01")], strict=True):
            row.cells[0].text, row.cells[1].text = label, value
    d.add_paragraph("Access to production is reviewed quarterly by each system owner.")
    d.add_paragraph("Access is revoked within 24 hours of termination.")
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    return add_custom_properties(data, custom) if custom else data


def add_custom_properties(data: bytes, props: dict[str, str]) -> bytes:
    """Add docProps/custom.xml (ECMA-376 custom file properties) the way Word writes it."""
    entries = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{name}">'
        f"<vt:lpwstr>{value}</vt:lpwstr></property>"
        for i, (name, value) in enumerate(props.items(), start=2)
    )
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' + entries + "</Properties>"
    )
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            dst.writestr(item, content)
        dst.writestr("docProps/custom.xml", custom)
    return out.getvalue()


def make_pdf(lines: list[str], info: dict[str, str]) -> bytes:
    w = PdfWriter()
    page = w.add_blank_page(612, 792)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): w._add_object(font)})}
    )
    body = " 0 -16 Td ".join(f"({ln}) Tj" for ln in lines)
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 72 720 Td {body} ET".encode("latin-1"))
    page[NameObject("/Contents")] = w._add_object(stream)
    w.add_metadata(info)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- markdown


def test_markdown_front_matter() -> None:
    doc = only_doc(run((FIX / "information-security-policy.md").read_bytes(), "policies/infosec.md"))
    assert doc.title == "Information Security Policy"
    assert doc.policy_key == "information_security"
    assert doc.doc_type == "policy"
    assert doc.owner == "Dana Whitfield (CISO)"
    assert doc.version == "3.1"
    assert doc.approved_on == date(2026, 2, 10)
    assert doc.approved_by == "Board of Directors"
    assert doc.last_reviewed == date(2026, 2, 10)  # US date in front matter
    assert doc.effective_date == date(2026, 2, 15)
    assert doc.next_review == date(2027, 2, 10)
    assert doc.status == "approved"
    assert "reviewed quarterly" in doc.text
    assert doc.path == "policies/infosec.md"


def test_markdown_draft_is_still_a_document() -> None:
    doc = only_doc(run((FIX / "vendor-risk-draft.md").read_bytes(), "vendor-risk-draft.md"))
    assert doc.status == "draft"
    assert doc.approved_on is None
    assert doc.policy_key == "vendor_management"  # "Third-Party Risk": vendor before risk


def test_markdown_without_front_matter_reads_heading_and_control_table() -> None:
    doc = only_doc(run((FIX / "incident-response-plan.md").read_bytes(), "irp.md"))
    assert doc.title == "Incident Response Plan"
    assert doc.doc_type == "plan"
    assert doc.policy_key == "incident_response"
    assert doc.owner == "Security team"
    assert doc.approved_on == date(2025, 9, 1)
    assert doc.status == "approved"


def test_markdown_without_any_metadata_has_unknown_dates_and_status() -> None:
    doc = only_doc(run(b"# Acceptable Use Policy\n\nLaptops are for work.\n", "aup.md"))
    assert doc.policy_key == "acceptable_use"
    assert doc.approved_on is None and doc.last_reviewed is None
    assert doc.status is None


def test_markdown_bad_date_names_line_and_field_and_keeps_the_document() -> None:
    res = run((FIX / "encryption-bad-date.md").read_bytes(), "enc.md")
    doc = only_doc(res)
    assert doc.doc_type == "standard"
    assert doc.policy_key == "encryption"
    assert doc.last_reviewed == date(2026, 1, 5)
    assert doc.approved_on is None
    [err] = res.errors
    assert (err.line, err.field) == (5, "approved_on")
    assert "enc.md:5" in str(err)


def test_markdown_broken_front_matter_reports_and_keeps_text() -> None:
    data = b"---\ntitle: [unclosed\nowner: x\n---\n# Risk Management Policy\n\nRisks are scored.\n"
    res = run(data, "risk.md")
    doc = only_doc(res)
    assert doc.title == "Risk Management Policy"
    assert doc.policy_key == "risk_management"
    assert res.errors and res.errors[0].line is not None


def test_policy_keywords() -> None:
    cases = {
        "Business Continuity and Disaster Recovery Plan": "business_continuity",
        "BCP": "business_continuity",
        "Secure Software Development Lifecycle (SDLC) Policy": "secure_development",
        "Data Classification and Handling Policy": "data_classification",
        "Data Retention and Disposal": "data_retention",
        "Logging and Monitoring Standard": "logging_monitoring",
        "Identity and Access Management Policy": "access_control",
        "Cryptography Policy": "encryption",
        "Change Management Procedure": "change_management",
        "Code of Conduct": "code_of_conduct",
        "Vulnerability Management Policy": "vulnerability_management",
        "Privacy Notice": "privacy",
        "supplier-security-policy": "vendor_management",
        "Quarterly newsletter": None,
    }
    for title, key in cases.items():
        assert policy_key_from_text(title) == key, title


# --------------------------------------------------------------------------- docx / pdf


def test_docx_core_properties_control_table_and_text() -> None:
    doc = only_doc(run(make_docx(), "Access Control Policy v2.docx"))
    assert doc.title == "Access Control Policy"
    assert doc.policy_key == "access_control"
    assert doc.owner == "Priya Raman"  # core author, no explicit owner
    assert doc.version == "2.1"
    assert doc.approved_on == date(2026, 3, 1)
    assert doc.last_reviewed == date(2026, 3, 1)
    assert doc.status == "approved"
    assert "reviewed quarterly" in doc.text


def test_docx_custom_properties_win() -> None:
    data = make_docx(custom={"Owner": "Security Team", "Approval Date": "2026-04-15", "Status": "Published",
                             "Next Review": "2027-04-15"}, control_table=False)
    doc = only_doc(run(data, "acp.docx"))
    assert doc.owner == "Security Team"
    assert doc.approved_on == date(2026, 4, 15)
    assert doc.next_review == date(2027, 4, 15)
    assert doc.status == "published"


def test_docx_without_approval_has_unknown_status() -> None:
    d = docx.Document()
    d.add_paragraph("Encryption Policy")
    d.add_paragraph("Data is encrypted at rest.")
    buf = io.BytesIO()
    d.save(buf)
    doc = only_doc(run(buf.getvalue(), "enc.docx"))
    assert doc.title == "Encryption Policy"
    assert doc.policy_key == "encryption"
    assert doc.status is None and doc.approved_on is None


def test_pdf_metadata_and_text() -> None:
    data = make_pdf(["Logging and Monitoring Policy", "Owner: Platform Team", "Approved on: 2026-02-01",
                     "Logs are retained for one year and reviewed weekly."],
                    {"/Title": "Logging and Monitoring Policy", "/Author": "Tomas Ortega",
                     "/LastReviewed": "2026-02-20"})
    doc = only_doc(run(data, "logging.pdf"))
    assert doc.title == "Logging and Monitoring Policy"
    assert doc.policy_key == "logging_monitoring"
    assert doc.owner == "Platform Team"  # the text's owner line beats the file author
    assert doc.approved_on == date(2026, 2, 1)
    assert doc.last_reviewed == date(2026, 2, 20)  # custom info entry
    assert "reviewed weekly" in doc.text


@pytest.mark.parametrize("name", ["broken.docx", "broken.pdf"])
def test_damaged_office_files_are_input_errors(name: str) -> None:
    good = make_docx() if name.endswith(".docx") else make_pdf(["Risk Policy"], {"/Title": "Risk Policy"})
    res = run(good[: len(good) // 3], name)
    assert res.facts == []
    assert len(res.errors) == 1 and name in str(res.errors[0])


def test_zip_without_a_main_document_part_names_the_part() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/styles.xml", "<styles/>")
    res = run(buf.getvalue(), "policy.docx")
    [err] = res.errors
    assert err.field == "word/document.xml" and "policy.docx" in str(err)


def test_markdown_with_binary_content_names_the_line() -> None:
    data = b"---\ntitle: Encryption Policy\n---\n# Encryption Policy\n\x00\x01\x02"
    res = run(data, "enc.md")
    assert res.facts == []
    [err] = res.errors
    assert err.line == 5 and "binary" in err.message


def test_front_matter_control_character_names_the_file_line() -> None:
    data = b"---\ntitle: Encryption Policy\nowner: Sec\x07urity\n---\n# Encryption Policy\n"
    res = run(data, "enc.md")
    doc = only_doc(res)
    assert doc.title == "Encryption Policy"  # from the heading: the document is kept
    [err] = res.errors
    assert err.line == 3 and "control character" in err.message


# --------------------------------------------------------------------------- recognition


def test_recognised_by_content_under_misleading_names() -> None:
    assert recognise(make_docx(), "scan-results.json").name == "policy_document"  # type: ignore[union-attr]
    pdf = make_pdf(["Privacy Policy"], {"/Title": "Privacy Policy"})
    assert recognise(pdf, "vendors.csv").name == "policy_document"  # type: ignore[union-attr]
    md = (FIX / "information-security-policy.md").read_bytes()
    assert recognise(md, "notes.txt").name == "policy_document"  # type: ignore[union-attr]


def test_plain_readme_is_not_a_policy() -> None:
    assert load_parsers()["policy_document"].sniff(b"# trustgap\n\nA tool.\n", "README.md") == 0


def test_setext_heading_metadata_lines_and_month_dates() -> None:
    """A policy with an underlined title, labelled lines and a review date given to the month."""
    md = (b"Backup and Recovery Policy\n==========================\n\nDocument owner: DevOps Lead\n"
          b"Last reviewed: 2025-08-14\nNext review: August 2026\nStatus: Approved\n\n"
          b"Backups are taken daily and restore tests are performed at least annually.\n")
    assert recognise(md, "backup.md").name == "policy_document"  # type: ignore[union-attr]
    assert recognise(md, "notes.txt").name == "policy_document"  # type: ignore[union-attr]
    res = run(md, "backup.md")
    assert res.errors == []
    (doc,) = res.facts
    assert (doc.title, doc.policy_key, doc.owner, doc.status) == ("Backup and Recovery Policy",
                                                                  "business_continuity", "DevOps Lead", "approved")
    assert doc.last_reviewed == date(2025, 8, 14) and doc.next_review == date(2026, 8, 1)
    bad = run(md.replace(b"August 2026", b"Smarch 2026"), "backup.md")  # ("Augustus" is Dutch for August)
    assert [e.field for e in bad.errors] == ["next_review"]
