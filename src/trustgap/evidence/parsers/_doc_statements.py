"""What the body of a document states about itself: status, version, owner, approval and review.

Read from the text, in any of the languages of :mod:`._doc_dates`:

* statement lines: ``Status: Draft``, ``**Owner:** CISO``, ``| Approved by | Dana Lee, 2 February 2026 |``,
  ``Nächste Überprüfung: 02/2027`` (a two-cell table row counts as a line); read in the first
  :data:`HEAD_LINES` and the last :data:`TAIL_LINES` lines, where document-control blocks and sign-off
  blocks sit;
* approval and review sentences anywhere: ``Approved by Dana Lee on 2 February 2026``, ``This policy was
  approved on 02/02/2026 by the Board``, ``Freigegeben von Dr. K. Vogel am 05.02.2026``, ``Approuvé par
  la direction le 2 février 2026``, ``Last reviewed in March 2026``; a sentence counts only with a date
  (``Exceptions must be approved by the CISO`` states no approval of the document);
* ``Version 2.1`` on a line of its own;
* a revision (version) history table: a table whose header names a version and a date column; its latest
  row (by date, then by version) gives the version, and its approver (or an "approved" description) the
  approval, a "review" description the review; in text without table markup (PDF), the lines under a
  "Revision history" heading that start with a version and a date;
* a sentence saying the document is not approved yet (``This policy has not yet been approved``).

Each finding is a :class:`Stated` with where it is written; the caller merges them with the metadata and
reports disagreements. A value that should be a date and is not becomes an error naming the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from trustgap.evidence.parsers._doc_dates import DateReader, DateTextError
from trustgap.evidence.parsers._doc_text import DocBody, Table, label_value, table_cells
from trustgap.evidence.parsers._document_fields import DATE_FIELDS, canonical_field, fold, status_of

HEAD_LINES = 150
TAIL_LINES = 60
MAX_SENTENCE_LINE = 2000  # a longer "line" is not prose (see _doc_text): not searched for sentences

_APPROVE_WORD = (r"(?:approved|signed[ -]off|freigegeben|genehmigt|verabschiedet|approuv[ée]e?|valid[ée]e?|"
                 r"aprobad[oa]|goedgekeurd|approvat[oa]|aprovad[oa])")
APPROVED = re.compile(r"\b(?:reviewed[ \t]+and[ \t]+)?" + _APPROVE_WORD + r"\b", re.I)
REVIEWED = re.compile(r"\b(?:last[ \t]+reviewed|reviewed|last[ \t]+updated|zuletzt[ \t]+aktualisiert|"
                      r"dernière[ \t]+mise[ \t]+à[ \t]+jour|última[ \t]+actualización|"
                      r"(?:zuletzt[ \t]+)?(?:überprüft|ueberprueft|geprüft)|"
                      r"révisée?|revisad[oa]|herzien|rivist[oa])\b", re.I)
_BY_WORDS = frozenset({"by", "von", "durch", "par", "por", "door", "da"})
_ON_WORDS = frozenset({"on", "am", "le", "el", "op", "il", "em", "in", "at", "dated", "vom", "du", "del", "en"})
# "..., by NAME" right after a date (matched at the start of the rest of the line: the space before the comma and
# after it are separate runs, so a long run of blanks is read once), and "by NAME" anywhere in a value
_BY_AFTER = re.compile(r"\A[ \t]*(?:,[ \t]*)?(?:by|von|durch|par|por|door|da)[ \t]+([^.;\n]{2,80})", re.I)
_BY_IN = re.compile(r"(?:by|von|durch|par|por|door|da)[ \t]+([^.;\n]{2,80})", re.I)
NOT_APPROVED = re.compile(
    r"\b(?:this|the)[ \t]+(?:policy|document|plan|standard|procedure|richtlinie|dokument|politique|política)"
    r"[ \t]+(?:is|has|was|ist|wurde|n'a|no[ \t]+ha)[ \t]+(?:not[ \t]+yet|not[ \t]+been|noch[ \t]+nicht|pas[ \t]+encore|"
    r"todavía[ \t]+no|still[ \t]+not|not)\b", re.I)
_VERSION_LINE = re.compile(r"(?:version|ver\.|rev\.|revision|fassung|versión|versie|versione|versão)"
                           r"(?:[ \t]*[:.])?[ \t]*v?(\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?)\b", re.I)
_CONNECTORS = {"on", "am", "le", "el", "op", "il", "em", "in", "at", "of", "dated", "datiert", "vom", "du", "del",
               "on:", ",", "-", "–"}

_REVISION_HEADINGS = ("revision history", "version history", "document history", "change history", "change log",
                      "changelog", "revision log", "versionshistorie", "anderungshistorie", "dokumenthistorie",
                      "versionsverlauf", "anderungsverlauf", "historique des versions", "historique des revisions",
                      "historial de versiones", "historial de revisiones", "control de versiones",
                      "versiegeschiedenis", "revisiegeschiedenis", "cronologia delle revisioni", "document control")
_COLUMNS: dict[str, tuple[str, ...]] = {
    "version": ("version", "ver", "rev", "revision", "fassung", "versie", "versione", "versao", "version no",
                "version number", "v"),
    "date": ("date", "datum", "fecha", "data", "revision date", "date of change", "changed on", "release date",
             "effective date", "approval date", "gultig ab", "stand"),
    "author": ("author", "authors", "autor", "auteur", "editor", "changed by", "prepared by", "modified by",
               "bearbeiter", "ersteller", "erstellt von", "geandert von", "redacteur", "autore", "owner"),
    "approver": ("approved by", "approver", "approvers", "approval", "freigegeben von", "freigabe", "genehmigt von",
                 "freigegeben durch", "approuve par", "approbateur", "aprobado por", "aprobador", "goedgekeurd door",
                 "approvato da", "aprovado por", "sign off", "signed off by"),
    "description": ("change", "changes", "description", "summary", "comment", "comments", "anderung", "anderungen",
                    "beschreibung", "kommentar", "modification", "modifications", "descripcion", "cambios",
                    "wijziging", "wijzigingen", "reason", "notes", "change description", "description of change",
                    "nature of change", "motivo", "remarks"),
    "status": ("status", "statut", "estado", "stato"),
}
_COLUMN_OF = {name: col for col, names in _COLUMNS.items() for name in names}
_REVIEW_WORDS = ("review", "reviewed", "uberprufung", "uberpruft", "gepruft", "prufung", "revue", "revision anual",
                 "revisado", "revisione", "herzien", "beoordeling", "re-approved", "reapproved")
_APPROVAL_WORDS = ("approv", "freigegeben", "freigabe", "genehmig", "approuv", "aprobad", "aprobacion",
                   "goedgekeurd", "signed off", "sign off", "verabschiedet")


@dataclass(frozen=True, slots=True)
class Stated:
    """One statement of a document field: its value (text, or a date) and where it is written."""

    field: str
    value: Any
    where: str
    line: int | None = None  # the file's line number, when the file has lines
    unit: str = "body"  # a statement found together with others (one table row) shares its unit


@dataclass
class BodyReading:
    statements: list[Stated]
    errors: list[tuple[str, int | None, str]]  # (message, line, field)


def read_body(body: DocBody, reader: DateReader) -> BodyReading:
    """Every statement the body makes about the document (see the module docstring)."""
    out = BodyReading([], [])
    n = len(body.lines)
    labelled: set[int] = set()
    for i in range(n):
        if (i < HEAD_LINES or i >= n - TAIL_LINES) and _label_statement(body, i, reader, out):
            labelled.add(i)
    for i, line in enumerate(body.lines):
        if i not in labelled and len(line) <= MAX_SENTENCE_LINE:  # emphasis marks are no words
            _sentence_statements(body, i, line.replace("*", " ").replace("_", " "), reader, out)
        if i < HEAD_LINES:
            _version_statement(body, i, line, reader, out)
    _revision_history(body, reader, out)
    return out


def _add(out: BodyReading, body: DocBody, i: int, field: str, value: Any, unit: str | None = None,
         where: str | None = None) -> None:
    out.statements.append(Stated(field, value, where or body.where(i), body.line_no(i), unit or f"line {i}"))


def _date_value(out: BodyReading, body: DocBody, i: int, field: str, label: str, value: str,
                reader: DateReader) -> date | None:
    try:
        day = reader.parse(value)
    except DateTextError as exc:
        out.errors.append((f"{label}: {exc}", body.line_no(i), field if body.unit == "line" else
                           f"{body.where(i)}: {label}"))
        return None
    if day is None and value.strip(" _.-/") and not _blank(value):
        out.errors.append((f"{label}: not a date: {value.strip()!r}", body.line_no(i), field if body.unit == "line"
                           else f"{body.where(i)}: {label}"))
    return day


def _blank(value: str) -> bool:
    """A form field left empty: ``____``, ``[date]``, ``TBD``, ``n/a``."""
    v = fold(value).strip(" _.-/[]()<>")
    return v in ("", "tbd", "tba", "n a", "na", "none", "date", "datum", "name", "yyyy mm dd", "dd mm yyyy",
                 "mm dd yyyy", "offen", "pending", "ausstehend")


def _label_statement(body: DocBody, i: int, reader: DateReader, out: BodyReading) -> bool:
    """Read a ``Label: value`` line naming a document field; True when the line is one (even if its value
    is blank or bad: it is then no sentence either)."""
    line = body.lines[i]
    cells = table_cells(line)
    if cells is not None and len([c for c in cells if c]) != 2:
        return False  # a row of a wider table is not a "Label | value" pair
    found = label_value(line)
    if found is None:
        return False
    label, value = found
    canon = canonical_field(label)
    if canon is None:
        return False
    if not value.strip() or _blank(value):
        return True
    value = value.strip()
    if canon == "status":
        status = status_of(value)
        if status is not None:
            _add(out, body, i, "status", status)
    elif canon == "approved_by":
        who, day = _who_and_date(value, reader)
        if who:
            _add(out, body, i, "approved_by", who)
        if day is not None:
            _add(out, body, i, "approved_on", day)
    elif canon in DATE_FIELDS:
        day = _date_value(out, body, i, canon, label, value, reader)
        if day is not None:
            _add(out, body, i, canon, day)
            if canon == "approved_on" and (m := _BY_IN.search(value)):
                _add(out, body, i, "approved_by", _clean_who(m.group(1)))
    elif canon in ("owner", "version"):
        _add(out, body, i, canon, value)
    return True


def _who_and_date(value: str, reader: DateReader) -> tuple[str | None, date | None]:
    """``Dr. K. Vogel (CEO), 2 February 2026`` -> ("Dr. K. Vogel (CEO)", 2026-02-02); either may be None."""
    found = reader.find(value)
    if found is None:
        return _clean_who(value), None
    day, start, end = found
    who = _clean_who(value[:start]) or _clean_who(value[end:])
    return who, day


def _clean_who(text: str) -> str | None:
    words = text.replace(",", " , ").split()
    while words and fold(words[-1]) in _CONNECTORS:
        words.pop()
    while words and fold(words[0]) in _CONNECTORS:
        words.pop(0)
    who = " ".join(words).replace(" , ", ", ").strip(" ,;:.-–")
    if not who or _blank(who) or len(who.split()) > 10:
        return None
    return who


def _between(text: str) -> list[str]:
    """The words between an approval or review word and its date; "," and "(" kept as separators."""
    return text.replace(",", " , ").replace("(", " ( ").replace(":", " ").split()


def _links(words: list[str]) -> tuple[bool, str | None]:
    """Whether the words between a verb and a date link them as one statement, and the "by" person:
    nothing, a connector ("on", "am", "le"), "by <who> on", "by <who>," or a few words ending in a connector
    ("in the board meeting on")."""
    if not words:
        return True, None
    first, last = words[0].lower(), fold(words[-1])
    ends = last in _ON_WORDS or last in (",", "(")
    if first in _BY_WORDS:
        return (ends and len(words) <= 12), _clean_who(" ".join(words[1:]))
    return (fold(first) in _ON_WORDS and (len(words) == 1 or (ends and len(words) <= 8))), None


def _sentence_statements(body: DocBody, i: int, line: str, reader: DateReader, out: BodyReading) -> None:
    """Approval and review sentences of one line: the verb, then a date linked to it (see :func:`_links`)."""
    unit = f"sentence {i}"
    lowered = line.lower()
    if any(w in lowered for w in ("approv", "approuv", "freigegeben", "genehmigt", "signed", "aprob", "goedgekeurd",
                                  "verabschiedet", "valid")):
        for m in APPROVED.finditer(line):
            rest = line[m.end():m.end() + 200]
            found = reader.find(rest)
            if found is None:
                continue
            day, start, end = found
            linked, who = _links(_between(rest[:start]))
            if not linked:
                continue
            if who is None and (by := _BY_AFTER.match(rest[end:])):
                who = _clean_who(by.group(1))
            _add(out, body, i, "approved_on", day, unit)
            if who:
                _add(out, body, i, "approved_by", who, unit)
            if m.group(0).lower().startswith("reviewed"):
                _add(out, body, i, "last_reviewed", day, unit)
        if NOT_APPROVED.search(line) and re.search(r"approv|freigegeben|genehmigt|aprob", lowered):
            _add(out, body, i, "status", "pending approval", unit)
    if any(w in lowered for w in ("review", "prüft", "geprueft", "révis", "revisad", "herzien", "rivist", "updated",
                                  "aktualisiert", "mise à jour", "actualización")):
        for m in REVIEWED.finditer(line):
            rest = line[m.end():m.end() + 120]
            found = reader.find(rest)
            if found is None:
                continue
            linked, _ = _links(_between(rest[:found[1]]))
            if linked:
                _add(out, body, i, "last_reviewed", found[0], unit)


def _version_statement(body: DocBody, i: int, line: str, reader: DateReader, out: BodyReading) -> None:
    """``Version 2.1`` (optionally followed by a date) on a line of its own."""
    stripped = line[:200].strip().lstrip("#>- \t").replace("*", "").replace("_", " ")
    if len(stripped) <= 80 and (m := _VERSION_LINE.match(stripped)) and label_value(stripped) is None:
        rest = stripped[m.end():].strip(" \t*_,-–")
        if not rest or reader.find(rest) is not None:
            _add(out, body, i, "version", m.group(1), f"line {i}")


# --------------------------------------------------------------------------- revision history


def _columns(header: tuple[str, ...]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for n, cell in enumerate(header):
        col = _COLUMN_OF.get(fold(cell).strip(" :*_.#"))
        if col and col not in cols:
            cols[col] = n
    return cols


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d{1,6}", version)[:4])


def _revision_history(body: DocBody, reader: DateReader, out: BodyReading) -> None:
    rows: list[tuple[int, dict[str, str]]] = []  # (line index, column -> cell)
    for table in body.tables:
        cols = _columns(table.rows[0])
        if "version" in cols and "date" in cols:
            rows.extend(_table_rows(table, cols))
    if not rows:
        rows = _plain_revision_lines(body, reader)
    dated: list[tuple[date, tuple[int, ...], int, dict[str, str]]] = []
    for i, row in rows:
        day = _date_value(out, body, i, "revision history", "revision history date", row.get("date", ""), reader)
        if day is not None:
            dated.append((day, _version_key(row.get("version", "")), i, row))
    if not dated:
        return
    day, _, i, row = max(dated, key=lambda d: (d[0], d[1], d[2]))
    unit = f"revision history {i}"
    where = f"revision history, {body.where(i)}"
    if row.get("version"):
        _add(out, body, i, "version", row["version"].lstrip("vV"), unit, where)
    words = fold(" ".join(row.get(k, "") for k in ("description", "status")))
    approver = _clean_who(row.get("approver", ""))
    if approver:
        _add(out, body, i, "approved_by", approver, unit, where)
    if approver or any(w in words for w in _APPROVAL_WORDS):
        _add(out, body, i, "approved_on", day, unit, where)
    if any(w in words for w in _REVIEW_WORDS):
        _add(out, body, i, "last_reviewed", day, unit, where)
    if row.get("status") and (status := status_of(row["status"])):
        _add(out, body, i, "status", status, unit, where)


def _table_rows(table: Table, cols: dict[str, int]) -> list[tuple[int, dict[str, str]]]:
    out: list[tuple[int, dict[str, str]]] = []
    for n, cells in enumerate(table.rows[1:], start=1):
        row = {col: cells[k].strip() for col, k in cols.items() if k < len(cells) and cells[k].strip()}
        if row.get("date") and not _blank(row["date"]):
            out.append((table.line_of(n), row))
    return out


_PLAIN_ROW = re.compile(r"v?(\d{1,3}(?:\.\d{1,3}){0,3})[ \t]+(\S)")


def _plain_revision_lines(body: DocBody, reader: DateReader) -> list[tuple[int, dict[str, str]]]:
    """Revision rows in text without table markup: under a revision-history heading, lines that start with
    a version and then a date (``1.1 14.01.2026 J. Weiß Annual review K. Vogel``)."""
    out: list[tuple[int, dict[str, str]]] = []
    start = next((i for i, line in enumerate(body.lines) if len(line) <= 80
                  and any(h in fold(line) for h in _REVISION_HEADINGS)), None)
    if start is None:
        return out
    for i in range(start + 1, min(start + 40, len(body.lines))):
        line = body.lines[i].strip()
        m = _PLAIN_ROW.match(line)
        if not m:
            continue
        rest = line[m.start(2):]
        found = reader.find(rest[:40])
        if found is None or found[1] != 0:
            continue
        row = {"version": m.group(1), "date": rest[:found[2]], "description": rest[found[2]:].strip()}
        out.append((i, row))
    return out
