"""Credentials that must never be kept as evidence.

Evidence folders collect whatever people drop into them, and now and then that includes a file with a live
credential in it (an ``.env``, a Terraform variables file, a copied CLI config, an access-key export, a token
pasted into a Word document). Before a file is stored, it is searched for credentials; a file that holds one is
not stored or read, and the run records an error naming the file, the line and the kind of credential (never
the value).

What is searched: the raw bytes, and the text a reader would see inside them: UTF-16 text, the XML parts of a
DOCX or XLSX (text split over several runs is joined first), the text of a PDF.

Tokens of a documented shape, chosen to be specific enough not to fire on ordinary text: PEM private keys
(RFC 7468 labels), AWS secret access keys next to their usual names, GitHub tokens (``ghp_`` / ``gho_`` /
``ghu_`` / ``ghs_`` / ``ghr_`` prefixes and fine-grained ``github_pat_`` tokens, see
https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/), Slack
tokens (``xoxb-`` / ``xoxp-`` ...), Stripe live secret keys (``sk_live_`` / ``rk_live_``), Google API keys
(``AIza`` + 35 characters) and Okta API tokens written next to their header name (``SSWS``).

Credential files known by their shape:

- environment files: ``NAME_PASSWORD=value``, ``API_TOKEN=value``, ``CLIENT_SECRET=value`` (a variable
  reference such as ``${DB_PASSWORD}`` is not a value);
- the access-key CSV the AWS console offers for download, whose header holds ``Access key ID`` and
  ``Secret access key`` (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html);
- the JSON that ``aws sts assume-role`` / ``get-session-token`` and ``aws iam create-access-key`` print, with
  ``SecretAccessKey`` and ``SessionToken`` (https://docs.aws.amazon.com/cli/latest/reference/sts/assume-role.html);
- a table with a password column (``password``, ``initial password`` ...) holding a value; the masked ``****``
  of a Google Workspace user download is not a password.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile

# (kind, literals one of which must occur, pattern): the literal search is a fast byte scan, so the regular
# expression runs only on the rare file that could hold that kind of credential
_PATTERNS: tuple[tuple[str, tuple[bytes, ...], re.Pattern[bytes]], ...] = (
    ("private key", (b"PRIVATE KEY",),
     re.compile(rb"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----")),
    ("AWS secret access key", (b"ecret", b"ECRET"), re.compile(
        rb"(?i)aws_?secret_?(?:access_?)?key[\"']?[ \t]{0,20}[:=][ \t]{0,20}[\"']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])")),
    ("AWS secret access key", (b"SecretAccessKey",),
     re.compile(rb"\"SecretAccessKey\"[ \t\r\n]{0,20}:[ \t\r\n]{0,20}\"[A-Za-z0-9/+]{30,}")),
    ("AWS session token", (b"SessionToken",),
     re.compile(rb"\"SessionToken\"[ \t\r\n]{0,20}:[ \t\r\n]{0,20}\"[A-Za-z0-9/+=]{60,}")),
    ("GitHub token", (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_"),
     re.compile(rb"\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{50,}\b")),
    ("Slack token", (b"xox",), re.compile(rb"\bxox[abposr]-[0-9A-Za-z-]{10,}")),
    ("Stripe secret key", (b"_live_",), re.compile(rb"\b[sr]k_live_[0-9A-Za-z]{20,}\b")),
    ("Google API key", (b"AIza",), re.compile(rb"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("Okta API token", (b"SSWS",), re.compile(rb"\bSSWS[ \t]{1,5}00[0-9A-Za-z_-]{40}\b")),
    # NAME=value lines of an environment file; the name is upper case and ends in a credential word
    ("password or secret in an environment file", (b"PASS", b"SECRET", b"TOKEN", b"API_KEY", b"PRIVATE_KEY"),
     re.compile(rb"(?m)^(?:export[ \t])?(?:[A-Z][A-Z0-9_]{0,60})?(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_KEY|"
                rb"PRIVATE_KEY)=[\"']?[^\s\"'$<{#*][^\s\"']{3,}")),
)

_PASSWORD_HEADERS = frozenset({"password", "passwd", "pwd", "initial password", "temporary password",
                               "new password", "user password", "pass word"})
_NOT_A_PASSWORD = frozenset({"", "n/a", "na", "none", "null", "-", "redacted", "hidden", "masked", "set", "not set",
                             "true", "false", "yes", "no"})
_MAX_TABLE_ROWS = 200_000  # rows of a table with a password column looked at (the first value decides)


def _scan(data: bytes) -> tuple[int, str] | None:
    """(offset, kind) of the first credential of a known shape in ``data``, or None."""
    first: tuple[int, str] | None = None
    for kind, literals, pattern in _PATTERNS:
        if not any(lit in data for lit in literals):
            continue
        m = pattern.search(data)
        if m and (first is None or m.start() < first[0]):
            first = (m.start(), kind)
    return first


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _table_secret(text: str) -> tuple[int, str] | None:
    """(line, kind) for an AWS access-key CSV or a filled password column in a CSV, else None."""
    head = text[:4096].split("\n", 1)[0].lower()
    if "secret access key" in head and "access key id" in head:
        return 2, "AWS access key (console access-key export)"
    if "pass" not in head and "pwd" not in head:
        return None
    delimiter = max(",;\t|", key=head.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return None
    cols = [i for i, h in enumerate(header) if re.sub(r"\[[^\]]*\]", "", h).strip().lower() in _PASSWORD_HEADERS]
    if not cols:
        return None
    try:
        for n, row in enumerate(reader, start=2):
            if n > _MAX_TABLE_ROWS:
                break
            for i in cols:
                value = row[i].strip() if i < len(row) else ""
                if value.lower() not in _NOT_A_PASSWORD and set(value) != {"*"}:
                    return reader.line_num, "password (a filled password column)"
    except csv.Error:
        return None
    return None


def _find_in_text(data: bytes) -> tuple[int, str] | None:
    hit = _scan(data)
    if hit is not None:
        return _line(data, hit[0]), hit[1]
    if b"\n" in data[:65536] and (b"ass" in data[:4096].lower() or b"pwd" in data[:4096].lower()
                                   or b"secret access key" in data[:4096].lower()):
        try:
            return _table_secret(data.decode("utf-8-sig", "replace"))
        except (ValueError, OverflowError):
            return None
    return None


def _is_utf16(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:512]
    return len(head) >= 8 and (head[1::2].count(0) > len(head) * 0.4 or head[0::2].count(0) > len(head) * 0.4)


_TAG = re.compile(rb"<[^<>]{0,4096}>")
_BREAK = re.compile(rb"</w:p>|<w:br/>|</row>|</si>|</a:p>|<w:tab/>|</c>")


def _xml_text(xml: bytes) -> bytes:
    """The text of an Office XML part, one paragraph / row / shared string a line (runs joined)."""
    flat = xml.replace(b"\r", b" ").replace(b"\n", b" ")  # layout of the XML, not of the text
    text = _TAG.sub(b"", _BREAK.sub(b"\n", flat))
    return html.unescape(text.decode("utf-8", "replace")).encode("utf-8")


def _office_secret(data: bytes) -> tuple[int, str] | None:
    from trustgap.evidence.limits import zip_refusal

    if zip_refusal(data) is not None:  # not opened at all: the ingest reports the limit
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = [i for i in zf.infolist() if i.filename.endswith((".xml", ".rels")) or "." not in i.filename]
            texts = [(i.filename, _xml_text(zf.read(i))) for i in parts]
    except Exception:  # zipfile raises many types on damaged input; the parsers name the problem
        return None
    # the document body first, so its line numbers are the ones reported
    texts.sort(key=lambda t: (t[0] not in ("word/document.xml", "xl/sharedStrings.xml"), t[0]))
    for name, text in texts:
        hit = _find_in_text(text)
        if hit is not None:
            if name.startswith("xl/"):
                return _xlsx_cell(data, hit[1])
            return hit
    return None


def _xlsx_cell(data: bytes, kind: str) -> tuple[int, str]:
    """(row, kind) of the first workbook cell holding a credential (the workbook is read only when its XML
    showed one); the row is 1 when no single cell does (a token split over cells)."""
    from trustgap.evidence.limits import current, sheet_rows

    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        budget = [current().sheet_cells]
        try:
            for ws in wb.worksheets:
                for n, row in enumerate(sheet_rows(ws, "", budget), start=1):
                    for cell in row:
                        if cell is not None and _scan(str(cell).encode("utf-8")) is not None:
                            return n, f"{kind} (sheet {ws.title!r})"
        finally:
            wb.close()
    except Exception:  # openpyxl raises many types on damaged input
        pass
    return 1, kind


def _pdf_secret(data: bytes) -> tuple[int, str] | None:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        for page_no, page in enumerate(reader.pages[:300], start=1):
            text = (page.extract_text() or "").encode("utf-8")
            hit = _find_in_text(text)
            if hit is not None:
                return hit[0], f"{hit[1]} (page {page_no})"
    except Exception:  # pypdf raises many types on damaged input; the parsers name the problem
        return None
    return None


def find_secret(data: bytes, name: str = "") -> tuple[int, str] | None:
    """(line, kind of credential) of the first credential in ``data`` (or in the text inside it), or None.

    ``name`` is the file's name: files known by name (``.netrc``, ``.pgpass``) are screened for their own
    format's password field; every other check goes by the content alone (a renamed file is screened the same)."""
    by_name = _credential_file(data, name.rsplit("/", 1)[-1].rsplit("!", 1)[-1].lower())
    if by_name is not None:
        return by_name
    if data.startswith(b"%PDF-"):
        return _scan_raw(data) or _pdf_secret(data)
    if data.startswith(b"PK\x03\x04"):
        return _scan_raw(data) or _office_secret(data)
    if _is_utf16(data):
        try:
            return _find_in_text(data.decode("utf-16").encode("utf-8"))
        except UnicodeDecodeError:
            pass
    return _find_in_text(data)


def _credential_file(data: bytes, base: str) -> tuple[int, str] | None:
    """A password in a file known by its name: ``.netrc`` / ``_netrc`` (``machine HOST login USER password
    SECRET``, see the GNU Inetutils manual, "The .netrc file") or ``.pgpass`` (``host:port:database:user:password``
    lines, see the PostgreSQL manual, "The Password File")."""
    if base in ("netrc", ".netrc", "_netrc") or base.endswith(".netrc"):
        for n, line in enumerate(data.splitlines(), start=1):
            words = line.split()
            if b"password" in words and words.index(b"password") + 1 < len(words):
                return n, "password in a .netrc file"
    if base in ("pgpass", ".pgpass") or base.endswith(".pgpass"):
        for n, line in enumerate(data.splitlines(), start=1):
            fields = line.split(b":")
            if not line.startswith(b"#") and len(fields) >= 5 and fields[4].strip():
                return n, "password in a .pgpass file"
    return None


def _scan_raw(data: bytes) -> tuple[int, str] | None:
    hit = _scan(data)
    return (_line(data, hit[0]), hit[1]) if hit is not None else None
