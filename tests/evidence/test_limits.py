"""Every reader is bounded: a file past a limit is named with the limit it broke, and the rest is still read."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest

from trustgap.errors import InputError
from trustgap.evidence.ingest import ingest_folder
from trustgap.evidence.limits import Limits, current, yaml_refusal, zip_refusal
from trustgap.evidence.store import EvidenceStore
from trustgap.yamlfile import LocatedYaml

FIX = Path(__file__).parent.parent / "fixtures"
ROSTER = FIX / "evidence" / "hr" / "bamboohr-employees.csv"

# nine levels of nine aliases: 9**9 (387 million) strings once expanded, from a few hundred bytes
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


def _ingest(folder: Path, tmp_path: Path) -> dict[str, object]:
    out = ingest_folder(folder, store=EvidenceStore(tmp_path / "store"), as_of=date(2026, 3, 1))
    return {i.name: i for i in out.items}


def test_alias_bomb_refused_before_expansion() -> None:
    assert len(BOMB) < 600
    with pytest.raises(InputError) as exc:
        LocatedYaml("records.yaml", BOMB)
    assert exc.value.path == "records.yaml" and "YAML alias limit" in exc.value.message


@pytest.mark.parametrize("text", ["&a [*a]", "x: &x {y: [1, *x]}"])
def test_self_referring_alias_refused(text: str) -> None:
    with pytest.raises(InputError, match="alias refers to the value that contains it"):
        LocatedYaml("f.yaml", text)


def test_ordinary_aliases_still_read() -> None:
    doc = LocatedYaml("f.yaml", "base: &b {owner: ann, cadence: quarterly}\nreviews: [*b, *b]\n")
    assert doc.data["reviews"] == [{"owner": "ann", "cadence": "quarterly"}] * 2


def test_alias_limit_counts_expanded_values() -> None:
    import yaml

    node = yaml.compose("a: &a [1, 2, 3]\nb: [*a, *a, *a]\n")
    assert yaml_refusal(node, Limits(yaml_nodes=100)) is None
    assert "alias limit" in (yaml_refusal(node, Limits(yaml_nodes=10)) or "")


def test_limits_overridden_by_environment() -> None:
    lim = current({"TRUSTGAP_MAX_FILE_MB": "3", "TRUSTGAP_MAX_YAML_NODES": "many"})
    assert lim.file_bytes == 3 * 1024 * 1024 and lim.yaml_nodes == Limits().yaml_nodes


def _office_bomb(main_part: str) -> bytes:
    """A package with a legitimate content-types part and one part of 300 MB of zeros (compresses ~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open(main_part, "w", force_zip64=True) as fh:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                fh.write(block)
    return buf.getvalue()


def test_zip_bomb_office_files_refused_before_inflating(tmp_path: Path) -> None:
    xlsx = _office_bomb("xl/sharedStrings.xml")
    assert len(xlsx) < 1024 * 1024
    why = zip_refusal(xlsx) or ""
    assert "xl/sharedStrings.xml" in why and "limit" in why
    ev = tmp_path / "evidence"
    ev.mkdir()
    (ev / "bomb.xlsx").write_bytes(xlsx)
    (ev / "bomb.docx").write_bytes(_office_bomb("word/document.xml"))
    (ev / "roster.csv").write_bytes(ROSTER.read_bytes())
    items = _ingest(ev, tmp_path)
    for name in ("bomb.xlsx", "bomb.docx"):
        item = items[name]
        assert item.status == "failed" and "limit" in item.errors[0].message, item  # type: ignore[attr-defined]
    assert items["roster.csv"].status == "parsed"  # type: ignore[attr-defined]


def test_many_parts_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for i in range(60):
            zf.writestr(f"xl/p{i}.xml", "<x/>")
    assert "61 parts inside" in (zip_refusal(buf.getvalue(), Limits(zip_members=50)) or "")


def test_file_past_size_limit_named_and_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTGAP_MAX_FILE_MB", "1")
    ev = tmp_path / "evidence"
    ev.mkdir()
    header = ROSTER.read_bytes().split(b"\n", 1)[0]
    with (ev / "huge.csv").open("wb") as fh:
        fh.write(header + b"\n" + b"x" * (2 * 1024 * 1024) + b"\n")
    (ev / "roster.csv").write_bytes(ROSTER.read_bytes())
    items = _ingest(ev, tmp_path)
    huge = items["huge.csv"]
    assert huge.status == "failed" and "1 MB file-size limit" in huge.errors[0].message  # type: ignore[attr-defined]
    assert items["roster.csv"].status == "parsed"  # type: ignore[attr-defined]


def test_alias_bomb_in_evidence_named_and_run_goes_on(tmp_path: Path) -> None:
    ev = tmp_path / "evidence"
    ev.mkdir()
    (ev / "records.yaml").write_text("records:\n  - {kind: access_review, date: 2026-01-05}\n" + BOMB)
    (ev / "roster.csv").write_bytes(ROSTER.read_bytes())
    items = _ingest(ev, tmp_path)
    bomb = items["records.yaml"]
    assert bomb.status in ("failed", "not_recognised")  # type: ignore[attr-defined]
    assert items["roster.csv"].status == "parsed"  # type: ignore[attr-defined]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files_and_links_reported_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_bytes(ROSTER.read_bytes())
    ev = tmp_path / "evidence"
    (ev / "sub").mkdir(parents=True)
    (ev / "link.csv").symlink_to(outside)
    (ev / "linkdir").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(ev / "sub" / "pipe.csv")
    (ev / "roster.csv").write_bytes(ROSTER.read_bytes())
    items = _ingest(ev, tmp_path)
    assert "symbolic link" in items["link.csv"].errors[0].message  # type: ignore[attr-defined]
    assert "symbolic link" in items["linkdir"].errors[0].message  # type: ignore[attr-defined]
    assert "named pipe" in items["sub/pipe.csv"].errors[0].message  # type: ignore[attr-defined]
    assert items["roster.csv"].status == "parsed"  # type: ignore[attr-defined]
    assert not any("outside" in str(n) for n in items)


def _huge_sheet_xlsx() -> bytes:
    """A workbook whose sheet claims A1:XFD1048576 (the largest sheet Excel allows) around two real cells: a few
    hundred bytes, written part by part as ECMA-376 Part 1 (SpreadsheetML) lays a package out."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="Users" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
        f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>name</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


def test_sheet_claiming_a_huge_area_is_read_as_written(tmp_path: Path) -> None:
    """Read before as 17 billion padded cells (hours); now as its rows as written, within the cell budget."""
    from openpyxl import load_workbook

    from trustgap.evidence.limits import sheet_rows

    wb = load_workbook(io.BytesIO(_huge_sheet_xlsx()), read_only=True, data_only=True)
    budget = [Limits().sheet_cells]
    ws = wb.worksheets[0]
    rows = sum(1 for _ in sheet_rows(ws, "huge.xlsx", budget))
    wb.close()
    assert rows == 1048576 and budget[0] > Limits().sheet_cells - 1_100_000


def test_sheet_past_cell_limit_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    monkeypatch.setenv("TRUSTGAP_MAX_SHEET_CELLS", "500")
    wb = Workbook()
    ws = wb.active
    ws.append(["email", "name", "department", "title"])
    for i in range(200):
        ws.append([f"user{i}@acme.example", f"User {i}", "Engineering", "Engineer"])
    ev = tmp_path / "evidence"
    ev.mkdir()
    wb.save(ev / "people.xlsx")
    items = _ingest(ev, tmp_path)
    people = items["people.xlsx"]
    assert people.status == "failed" and "sheet-size limit" in people.errors[0].message  # type: ignore[attr-defined]
