"""Shared pieces of the organisation generators: people, file writers, the answer key.

Every writer is deterministic: the same call writes the same bytes (ZIP members of XLSX and DOCX files get
a fixed time stamp, file modification times are set from the export date the generator states).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)

FIRST = [
    "Ada",
    "Bruno",
    "Carmen",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kwame",
    "Leila",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Aaron",
    "Beatriz",
    "Cyrus",
    "Delia",
    "Emeka",
    "Fiona",
    "Gideon",
    "Hana",
    "Ivan",
    "Jana",
    "Kofi",
    "Lucia",
    "Milan",
    "Noor",
    "Otto",
    "Paula",
    "Rafael",
    "Sina",
    "Tomas",
    "Ulla",
    "Viktor",
    "Wanda",
    "Yara",
    "Zane",
    "Amelie",
    "Bilal",
    "Clara",
    "Dario",
    "Edith",
    "Felix",
    "Gloria",
    "Henrik",
    "Isla",
    "Julian",
    "Keiko",
    "Lars",
    "Maya",
    "Nils",
    "Olga",
    "Pavel",
    "Rhea",
    "Sven",
    "Tilda",
    "Uri",
]
LAST = [
    "Abara",
    "Berger",
    "Castillo",
    "Dahl",
    "Eriksen",
    "Fontaine",
    "Gupta",
    "Haddad",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lindgren",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rossi",
    "Santos",
    "Tanaka",
    "Urquhart",
    "Vasquez",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zielinski",
    "Achebe",
    "Brandt",
    "Coelho",
    "Duarte",
    "Engel",
    "Falk",
    "Gallo",
    "Horvat",
    "Iqbal",
    "Jovanovic",
    "Keller",
    "Lopes",
    "Mendes",
    "Novak",
    "Ortiz",
    "Pereira",
    "Ruiz",
    "Schulz",
    "Toth",
    "Varga",
    "Wagner",
    "Young",
    "Zhou",
    "Alvarez",
    "Bauer",
    "Chen",
    "Diaz",
    "Ferreira",
    "Green",
    "Hoffmann",
    "Ito",
    "Kim",
    "Larsen",
    "Meyer",
    "Nilsson",
    "Olsen",
    "Park",
]


@dataclass
class Person:
    first: str
    last: str
    email: str
    department: str
    title: str
    hire: date
    term: date | None = None
    employee_id: str = ""
    kind: str = "employee"  # employee | contractor
    manager: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def active(self) -> bool:
        return self.term is None


def ascii_fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


class People:
    """Distinct fictional people drawn from fixed name lists with a seeded generator."""

    def __init__(self, rnd: random.Random, domain: str) -> None:
        self.rnd = rnd
        self.domain = domain
        self.used: set[str] = set()
        self.all: list[Person] = []

    def pick(self) -> tuple[str, str]:
        """An unused first and last name (not yet registered: ``new`` does that)."""
        for _ in range(100_000):
            f, ln = self.rnd.choice(FIRST), self.rnd.choice(LAST)
            if ascii_fold(f"{f}.{ln}").lower() not in self.used:
                return f, ln
        raise ValueError("name lists exhausted")

    def new(
        self,
        *,
        first: str | None = None,
        last: str | None = None,
        hire: date,
        term: date | None = None,
        department: str = "Engineering",
        title: str = "Engineer",
        kind: str = "employee",
        email: str | None = None,
    ) -> Person:
        for _ in range(10_000):
            f = first or self.rnd.choice(FIRST)
            ln = last or self.rnd.choice(LAST)
            local = ascii_fold(f"{f}.{ln}").lower().replace(" ", "")
            if local not in self.used:
                break
            if first and last:
                raise ValueError(f"duplicate person {f} {ln}")
        self.used.add(local)
        p = Person(
            f,
            ln,
            email or f"{local}@{self.domain}",
            department,
            title,
            hire,
            term,
            employee_id=str(1000 + len(self.all)),
            kind=kind,
        )
        self.all.append(p)
        return p


@dataclass
class KeyItem:
    id: str
    kind: str  # planted | fine
    controls: list[str]
    entity: str
    why: str
    criteria: list[str] = field(default_factory=list)
    match: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "kind": self.kind, "controls": self.controls}
        if self.criteria:
            d["criteria"] = self.criteria
        d["entity"] = self.entity
        if self.match:
            d["match"] = self.match
        d["why"] = self.why
        return d


class AnswerKey:
    def __init__(self, org: str) -> None:
        self.org = org
        self.items: list[KeyItem] = []

    def _add(
        self,
        kind: str,
        id: str,
        controls: Sequence[str],
        entity: str,
        why: str,
        criteria: Sequence[str] = (),
        match: Sequence[str] = (),
    ) -> None:
        if any(i.id == id for i in self.items):
            raise ValueError(f"duplicate key item id {id}")
        self.items.append(KeyItem(id, kind, list(controls), entity, why, list(criteria), list(match)))

    def planted(
        self,
        id: str,
        controls: Sequence[str],
        entity: str,
        why: str,
        *,
        criteria: Sequence[str] = (),
        match: Sequence[str] = (),
    ) -> None:
        self._add("planted", id, controls, entity, why, criteria, match)

    def fine(
        self,
        id: str,
        controls: Sequence[str],
        entity: str,
        why: str,
        *,
        criteria: Sequence[str] = (),
        match: Sequence[str] = (),
    ) -> None:
        self._add("fine", id, controls, entity, why, criteria, match)

    def write(self, path: Path, *, as_of: date, seed: int, small: bool, folder: str, live: str | None = None) -> None:
        """``live``: the file (beside the key) describing the stand-ins of an organisation collected live."""
        doc: dict[str, Any] = {
            "organisation": self.org,
            "folder": folder,
            "as_of": as_of.isoformat(),
            "seed": seed,
            "small": small,
        }
        if live:
            doc["live"] = live
        doc["items"] = [i.as_dict() for i in self.items]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")


# ---------------------------------------------------------------- writers


def _prep(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def set_mtime(path: Path, when: datetime | date) -> None:
    if not isinstance(when, datetime):
        when = datetime.combine(when, time(12, 0), tzinfo=UTC)
    ts = when.timestamp()
    os.utime(path, (ts, ts))


def write_text(
    path: Path, text: str, *, encoding: str = "utf-8", bom: bool = False, exported: datetime | date | None = None
) -> Path:
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    _prep(path).write_bytes(data)
    if exported is not None:
        set_mtime(path, exported)
    return path


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",", crlf: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
    crlf: bool = False,
    exported: datetime | date | None = None,
) -> Path:
    return write_text(
        path, csv_text(header, rows, delimiter=delimiter, crlf=crlf), encoding=encoding, bom=bom, exported=exported
    )


def write_json(path: Path, obj: Any, *, exported: datetime | date | None = None, indent: int | None = 2) -> Path:
    return write_text(path, json.dumps(obj, indent=indent, ensure_ascii=False) + "\n", exported=exported)


def write_yaml(path: Path, obj: Any, *, header: str = "") -> Path:
    body = yaml.safe_dump(obj, sort_keys=False, allow_unicode=True, width=110)
    return write_text(path, (header + "\n" if header else "") + body)


def _rezip(raw: bytes) -> bytes:
    """Rewrite a ZIP with fixed member times and order, so the file's bytes do not depend on the clock."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    title_rows: Sequence[Sequence[Any]] = (),
    exported: datetime | date | None = None,
) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for r in title_rows:
        ws.append(list(r))
    ws.append(list(header))
    for r in rows:
        ws.append(["" if v is None else v for v in r])
    stamp = datetime(2026, 1, 1)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "export"
    buf = io.BytesIO()
    wb.save(buf)
    _prep(path).write_bytes(_rezip(buf.getvalue()))
    if exported is not None:
        set_mtime(path, exported)
    return path


def write_docx(
    path: Path,
    paragraphs: Sequence[str | tuple[str, str]],
    *,
    title: str = "",
    table: Sequence[Sequence[str]] = (),
    exported: datetime | date | None = None,
) -> Path:
    """A minimal WordprocessingML document (ECMA-376 Part 1): paragraphs (``("Heading1", text)`` for a
    heading) and an optional table after them. Core properties carry only the title."""
    body = []
    for p in paragraphs:
        style, text = p if isinstance(p, tuple) else ("", p)
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        body.append(f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')
    if table:
        rows = []
        for r in table:
            cells = "".join(
                f'<w:tc><w:p><w:r><w:t xml:space="preserve">{escape(c)}</w:t></w:r></w:p></w:tc>' for c in r
            )
            rows.append(f"<w:tr>{cells}</w:tr>")
        body.append(f"<w:tbl>{''.join(rows)}</w:tbl><w:p/>")
    w_ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{w_ns}">'
        f"<w:body>{''.join(body)}<w:sectPr/></w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/></Relationships>'
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title></cp:coreProperties>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("word/document.xml", document),
            ("docProps/core.xml", core),
        ):
            zi = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, text.encode("utf-8"))
    _prep(path).write_bytes(out.getvalue())
    if exported is not None:
        set_mtime(path, exported)
    return path


def write_pdf(path: Path, lines: Sequence[str], *, title: str = "", exported: datetime | date | None = None) -> Path:
    """A plain PDF 1.4 file (ISO 32000-1 structure: catalog, pages, one content stream per page, Helvetica
    with WinAnsiEncoding), text only, 50 lines a page. The Info dictionary carries the title alone."""

    def pdf_str(s: str) -> bytes:
        b = s.encode("cp1252", errors="replace")
        return b"(" + b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    pages = [list(lines[i : i + 50]) for i in range(0, max(len(lines), 1), 50)] or [[]]
    objs: list[bytes] = []
    n_pages = len(pages)
    # 1 catalog, 2 pages, 3 font, 4 info, then page/content pairs
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(n_pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objs.append(b"<< /Title " + pdf_str(title) + b" /Producer (export) >>")
    for i, pl in enumerate(pages):
        content = b"BT /F1 10 Tf 14 TL 50 790 Td\n" + b"".join(pdf_str(t) + b" Tj T*\n" for t in pl) + b"ET\n"
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            f" /Contents {6 + 2 * i} 0 R >>".encode()
        )
        objs.append(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"endstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    _prep(path).write_bytes(bytes(out))
    if exported is not None:
        set_mtime(path, exported)
    return path


# ---------------------------------------------------------------- dates


def iso_z(dt: datetime) -> str:
    """RFC 3339 UTC with milliseconds, as Okta, Google and Microsoft Graph print it."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def iso_s(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def at(d: date, h: int = 12, m: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, m, tzinfo=UTC)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def scope_time_zone(scope: dict[str, Any], tz: str) -> None:
    """Put the organisation's time zone in the scope under the field trustgap documents for it. While the
    installed trustgap has no such field, the zone is stated in the description only (a scope with an
    unknown field is refused as a whole, which would hide everything else the organisation tests)."""
    try:
        from trustgap.scope import Organisation, Scope
    except ImportError:  # pragma: no cover
        return
    for name in ("time_zone", "timezone"):
        if name in Organisation.model_fields:
            scope["organisation"][name] = tz
            return
        if name in Scope.model_fields:
            scope[name] = tz
            return
    desc = scope["organisation"].get("description", "")
    scope["organisation"]["description"] = (desc + f" Local time zone of its HR dates: {tz}.").strip()
