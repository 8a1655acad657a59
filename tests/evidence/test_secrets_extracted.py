"""Credentials are found in the text a reader sees (DOCX, XLSX, PDF, UTF-16), and known credential files are
recognised by their shape; a withheld file's value reaches no output, and `verify` stays clean."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from typer.testing import CliRunner

from trustgap import config
from trustgap.cli import app
from trustgap.evidence.secrets import find_secret
from trustgap.starter import write_starter

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"
# built from parts so that this test file itself holds no credential-shaped string
GITHUB = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
SESSION = "FwoGZXIvYXdzE" + "BAaDNbZ2ZmMjY0NmI4ZTQ0IiLAAXl1dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
PASSWORD = "Tr0ub4dor&3-" + "horse"


def _docx(*runs: str) -> bytes:
    d = docx.Document()
    d.add_heading("Deployment runbook", 1)
    d.add_paragraph("Owner: Platform team")
    p = d.add_paragraph()
    for r in runs:  # Word splits a pasted token over runs when spelling or formatting changes inside it
        p.add_run(r)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose content stream is Flate-compressed (as every PDF writer does), so the token is not
    in the raw bytes."""
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


def test_docx_token_split_over_runs() -> None:
    data = _docx("Deploy with ", GITHUB[:10], GITHUB[10:])
    assert GITHUB.encode() not in data  # compressed: the old byte screen could not see it
    assert find_secret(data) == (3, "GitHub token")


def test_xlsx_cell_named_by_row_and_sheet() -> None:
    data = _xlsx([["system", "note"], ["ci", "ok"], ["deploy", f"token {GITHUB}"]])
    assert GITHUB.encode() not in data
    assert find_secret(data) == (3, "GitHub token (sheet 'Sheet')")


def test_pdf_text() -> None:
    data = _pdf(["Break-glass procedure", f"aws_secret_access_key = {AWS_SECRET}"])
    assert AWS_SECRET.encode() not in data
    hit = find_secret(data)
    assert hit is not None and hit[1] == "AWS secret access key (page 1)"


def test_utf16_text() -> None:
    data = ("\ufeffname,value\nci,ok\ndeploy," + GITHUB + "\n").encode("utf-16-le")
    assert find_secret(b"\xff\xfe" + data[2:]) == (3, "GitHub token")


@pytest.mark.parametrize(("text", "line", "kind"), [
    ("APP_ENV=production\nDB_HOST=db.internal\nDB_PASSWORD=" + PASSWORD + "\n", 3, "environment file"),
    ("export SMTP_PASSWORD='" + PASSWORD + "'\n", 1, "environment file"),
    ("PASSWORD=" + PASSWORD + "\n", 1, "environment file"),
    # the AWS console's "Download .csv file" of a new access key (IAM user guide, access keys)
    ("Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE," + AWS_SECRET + "\n", 2, "AWS access key"),
    ("User name,Password,Access key ID,Secret access key,Console login link\n"
     "ann," + PASSWORD + ",AKIAIOSFODNN7EXAMPLE," + AWS_SECRET + ",https://acme.signin.aws.amazon.com/console\n",
     2, "AWS access key"),
    # `aws sts assume-role` output (AWS CLI reference, sts assume-role, Output)
    ('{\n    "Credentials": {\n        "AccessKeyId": "ASIAJEXAMPLEXEG2JICEA",\n        "SecretAccessKey": "'
     + AWS_SECRET + '",\n        "SessionToken": "' + SESSION + '",\n'
     '        "Expiration": "2026-03-01T20:56:47+00:00"\n    }\n}\n', 4, "AWS secret access key"),
    ('{"Credentials": {"SessionToken": "' + SESSION + '"}}', 1, "AWS session token"),
    ("email,name,initial password\nann@acme.example,Ann,\nbob@acme.example,Bob," + PASSWORD + "\n", 3,
     "password column"),
])
def test_credential_files_by_shape(text: str, line: int, kind: str) -> None:
    hit = find_secret(text.encode())
    assert hit is not None and hit[0] == line and kind in hit[1], hit


@pytest.mark.parametrize(("name", "text", "line", "kind"), [
    ("backup.netrc", "machine ftp.acme.example\n  login backup\n  password " + PASSWORD + "\n", 3, ".netrc"),
    ("ops/pgpass", "# prod\ndb.internal:5432:app:app_rw:" + PASSWORD + "\n", 2, ".pgpass"),
])
def test_credential_files_by_name(name: str, text: str, line: int, kind: str) -> None:
    hit = find_secret(text.encode(), name)
    assert hit is not None and hit[0] == line and kind in hit[1], hit
    assert find_secret(b"machine ftp.acme.example login backup\n", name) is None


@pytest.mark.parametrize("text", [
    "DB_PASSWORD=${DB_PASSWORD}\nAPI_TOKEN=<your token>\nSECRET=\n",
    "PASSWORD_MIN_LENGTH=12\nPASSWORD_MAX_AGE_DAYS=90\n",
    "The password policy requires a password of 12 characters.\nPassword = at least 12 characters\n",
    "email,password\nann@acme.example,****\nbob@acme.example,\n",
    "user,password_enabled,password_last_used\nann,true,2026-01-01\n",
])
def test_no_false_alarm_on_ordinary_text(text: str) -> None:
    assert find_secret(text.encode()) is None


def test_withheld_value_reaches_no_output_and_verify_is_clean(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write_starter(org, organisation="Acme")
    ev = org / "evidence"
    shutil.copy(FIX / "hr" / "bamboohr-employees.csv", ev / "roster.csv")
    (ev / "runbook.docx").write_bytes(_docx("token ", GITHUB))
    (ev / "prod.env").write_text("DB_PASSWORD=" + PASSWORD + "\n")
    (ev / "new_user_credentials.csv").write_text("Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE,"
                                                 + AWS_SECRET + "\n")
    (ev / "sts.json").write_text('{"Credentials": {"SecretAccessKey": "' + AWS_SECRET + '", "SessionToken": "'
                                 + SESSION + '"}}')
    (ev / "notes.txt").write_bytes(("\ufeffslack: " + GITHUB + "\n").encode("utf-16"))
    runner = CliRunner(env={"COLUMNS": "200"})
    md, js, pkg = tmp_path / "r.md", tmp_path / "r.json", tmp_path / "pkg.zip"
    r = runner.invoke(app, ["assess", str(org), "--as-of", "2026-03-01", "--report", str(md), "--format", "md",
                            "--json", str(js)])
    assert r.exit_code == 0, r.output
    for name in ("runbook.docx", "prod.env", "new_user_credentials.csv", "sts.json", "notes.txt"):
        assert name in r.output  # named, with line and kind, in the terminal
    v = runner.invoke(app, ["verify", "latest"])
    assert v.exit_code == 0, v.output
    p = runner.invoke(app, ["package", "latest", "-o", str(pkg)])
    assert p.exit_code == 0, p.output
    outputs = [md.read_bytes(), js.read_bytes(), r.output.encode(), (config.home() / "trustgap.db").read_bytes()]
    outputs += [zipfile.ZipFile(pkg).read(n) for n in zipfile.ZipFile(pkg).namelist()]
    outputs += [p.read_bytes() for p in config.evidence_dir().rglob("*") if p.is_file()]
    for value in (GITHUB, AWS_SECRET, SESSION, PASSWORD):
        assert not any(value.encode() in o or value.encode("utf-16-le") in o for o in outputs), value
