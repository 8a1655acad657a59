"""What a cell looks like: e-mail, date, datetime, boolean, number, severity, status word, URL, id, person name.

Recognition reads a sample of each column and counts the share of its non-empty values of each shape, so that
a column is judged by what it holds as well as by its header (a "Vendor" column full of company names is not the
person's e-mail, whatever its header says). Shapes are not exclusive: ``1`` is a number and a boolean,
``2026-03-01`` a date, ``2026-03-01T10:00:00Z`` a datetime.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

SHAPES = ("email", "date", "datetime", "bool", "number", "severity", "status", "url", "id", "cve", "name", "text")

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^(https?|ssh|git)://\S+$", re.I)
_CVE = re.compile(r"^(CVE-\d{4}-\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|GO-\d{4}-\d+|RUSTSEC-\d{4}-\d+|"
                  r"PYSEC-\d{4}-\d+|OSV-\d{4}-\d+|ALAS\d*-\d{4}-\d+|DSA-\d+-\d+|RHSA-\d{4}:\d+)$", re.I)
_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_ISO_DT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$", re.I)
_SLASH_DATE = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$|^\d{4}/\d{1,2}/\d{1,2}$")
_SLASH_DT = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}[ T]\d{1,2}:\d{2}(:\d{2})?\s*([AaPp][Mm])?"
                       r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$")
_WORD_DATE = re.compile(r"^(\d{1,2}[ -][A-Za-z]{3,9}\.?[ -]\d{4}|[A-Za-z]{3,9}\.? \d{1,2},? \d{4})$")
_WORD_DT = re.compile(r"^([A-Za-z]{3},? )?(\d{1,2} [A-Za-z]{3,9} \d{4}|[A-Za-z]{3,9} \d{1,2},? \d{4}),? "
                      r"\d{1,2}:\d{2}(:\d{2})?\s*([AaPp][Mm])?\s*(Z|UTC|GMT|[A-Z]{3,4}|[+-]\d{2}:?\d{2})?$")
# Jira's default export format, dd/MMM/yy h:mm a (https://support.atlassian.com/jira-software-cloud/docs/export-issues/)
_MON_SLASH_DATE = re.compile(r"^\d{1,2}/[A-Za-z]{3}/\d{2,4}$")
_MON_SLASH_DT = re.compile(r"^\d{1,2}/[A-Za-z]{3}/\d{2,4} \d{1,2}:\d{2}(:\d{2})?\s*([AaPp][Mm])?$")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")
_ID = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9._:/#-]{0,63}$")
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’.-]+|[A-ZÀ-ÖØ-Þ]\.?"
_NAME = re.compile(rf"^({_NAME_WORD})( ({_NAME_WORD}|(van|von|de|da|del|der|di|la|le|bin|al)))" + r"{1,3}$")
_NAME_COMMA = re.compile(rf"^({_NAME_WORD})( {_NAME_WORD})*, ({_NAME_WORD})( {_NAME_WORD})*$")

BOOL_WORDS = frozenset({"true", "false", "yes", "no", "y", "n", "1", "0", "enabled", "disabled", "on", "off",
                        "t", "f", "checked", "unchecked", "✓", "✔", "x", "ja", "nein", "oui", "non"})
SEVERITY_WORDS = frozenset({"critical", "high", "medium", "moderate", "low", "informational", "info", "negligible",
                            "important", "minor", "major", "severe", "none", "unknown", "p1", "p2", "p3", "p4",
                            "sev1", "sev2", "sev3", "sev4", "sev 1", "sev 2", "sev 3", "sev 4", "blocker"})
# Status words of people, accounts, checks, reviews, tickets and devices, in the exports we know of.
STATUS_WORDS = frozenset({
    "active", "inactive", "terminated", "suspended", "deprovisioned", "deactivated", "disabled", "enabled",
    "staged", "provisioned", "pending", "recovery", "locked out", "locked_out", "password_expired", "leave",
    "on leave", "onboarding", "offboarding", "former", "hired", "complete", "completed", "passed", "failed",
    "in progress", "not started", "past due", "overdue", "open", "closed", "resolved", "acknowledged",
    "triggered", "canceled", "cancelled", "dispute", "clear", "consider", "approved", "rejected",
    "revoked", "retained", "kept", "removed", "remove", "keep", "modify", "modified", "done", "draft", "signed",
    "declined", "voided", "delivered", "sent", "compliant", "noncompliant", "non-compliant", "not compliant",
    "encrypted", "not encrypted", "unencrypted", "fixed", "dismissed", "auto_dismissed", "mitigated", "accepted",
    "aktiv", "inaktiv", "full-time", "part-time", "contractor", "employee", "merged", "deployed", "abgeschlossen",
    "beantragt", "bestanden", "nicht bestanden", "offen", "erledigt",
})


def _key(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().lower())


def shapes_of(value: Any) -> frozenset[str]:
    """Every shape one cell has (empty set for an empty cell)."""
    if value is None:
        return frozenset()
    if isinstance(value, bool):
        return frozenset({"bool"})
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return frozenset({"date", "datetime"})
        return frozenset({"datetime"})
    if isinstance(value, date):
        return frozenset({"date"})
    if isinstance(value, int | float):
        out = {"number"}
        if value in (0, 1):
            out.add("bool")
        return frozenset(out)
    text = str(value).strip()
    if not text:
        return frozenset()
    low = _key(text)
    out = set()
    if _EMAIL.match(text):
        return frozenset({"email"})
    if _URL.match(text):
        return frozenset({"url"})
    if _CVE.match(text):
        return frozenset({"cve", "id"})
    if _ISO_DATE.match(text) or _SLASH_DATE.match(text) or _WORD_DATE.match(text) or _MON_SLASH_DATE.match(text):
        return frozenset({"date"})
    if _ISO_DT.match(text) or _SLASH_DT.match(text) or _WORD_DT.match(text) or _MON_SLASH_DT.match(text):
        return frozenset({"datetime"})
    if low in BOOL_WORDS:
        out.add("bool")
    if _NUMBER.match(text):
        out.add("number")
    if low in SEVERITY_WORDS:
        out.add("severity")
    if low in STATUS_WORDS or low.replace("_", " ") in STATUS_WORDS:
        out.add("status")
    if not out and _ID.match(text):
        out.add("id")
    if not out and (_NAME.match(text) or _NAME_COMMA.match(text)):
        out.add("name")
    if not out:
        out.add("text")
    return frozenset(out)


@dataclass
class ColumnProfile:
    """What the sampled values of one column look like."""

    header: str
    index: int
    values: int = 0  # non-empty values sampled
    rows: int = 0  # rows sampled
    shapes: Counter[str] = field(default_factory=Counter)
    distinct: int = 0
    samples: list[str] = field(default_factory=list)  # the first few distinct values, as text
    words: Counter[str] = field(default_factory=Counter)  # lower-cased values (for vocabulary matching)

    def share(self, *shapes: str) -> float:
        """Share of the non-empty values having any of ``shapes`` (0 when the column is empty)."""
        if not self.values:
            return 0.0
        if len(shapes) == 1:
            return self.shapes[shapes[0]] / self.values
        wanted = set(shapes)
        return sum(1 for s in self._cells if s & wanted) / self.values

    def vocabulary_share(self, words: Iterable[str]) -> float:
        """Share of the non-empty values that are one of ``words`` (compared lower-cased, spaces folded)."""
        if not self.values:
            return 0.0
        known = {_key(w).replace("_", " ") for w in words}
        hit = sum(n for w, n in self.words.items() if w in known or w.replace("_", " ") in known)
        return hit / self.values

    @property
    def fill(self) -> float:
        return self.values / self.rows if self.rows else 0.0

    # per-cell shape sets, kept to answer "any of these shapes" questions
    _cells: list[frozenset[str]] = field(default_factory=list, repr=False)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def profile_columns(headers: Sequence[str], rows: Iterable[Sequence[Any]], limit: int = 200) -> list[ColumnProfile]:
    """Profiles of every column from up to ``limit`` data rows."""
    profiles = [ColumnProfile(header=h, index=i) for i, h in enumerate(headers)]
    seen: list[set[str]] = [set() for _ in headers]
    for n, row in enumerate(rows):
        if n >= limit:
            break
        for i, p in enumerate(profiles):
            p.rows += 1
            value = row[i] if i < len(row) else None
            text = cell_text(value)
            if not text:
                continue
            shapes = shapes_of(value)
            p.values += 1
            p.shapes.update(shapes)
            p._cells.append(shapes)
            low = _key(text)
            p.words[low] += 1
            if low not in seen[i]:
                seen[i].add(low)
                if len(p.samples) < 3:
                    p.samples.append(text[:60])
    for i, p in enumerate(profiles):
        p.distinct = len(seen[i])
    return profiles
