"""Dates as people write them in documents, in English, German, French, Spanish, Dutch, Italian and Portuguese.

Shapes read: ``2026-02-02``; ``2 February 2026``, ``2nd of February 2026``, ``2. Februar 2026``,
``2 février 2026``, ``2 de febrero de 2026``; ``February 2, 2026``, ``Feb 2, 2026``, ``Feb. 2nd 2026``;
``02.02.2026`` (always day first); ``02/02/2026`` and ``02-02-2026`` (day or month first: see
:class:`DateReader`); ``02-Feb-2026``; to the month: ``March 2027``, ``März 2027``, ``03/2027``,
``2027-03`` (the first day of that month: the conservative reading for staleness). A two-digit year is not
read (``02/02/26`` could be 1926 or 2026 in some templates; such a value is reported, not guessed).

Whether ``02/03/2026`` is 2 March or 3 February is decided once per document by :func:`day_first_signal`:
an explicit option wins; else a numeric date in the document that only reads one way (``25/03/2026``), a
dotted date (``02.03.2026``), a day-month written date (``2 March 2026``) or a document written in a
European language says day first, and a month-day written date (``March 2, 2026``) says month first; with
no signal, month first (the US reading the rest of trustgap uses for ``MM/DD/YYYY``).

Every pattern here is anchored or bounded, so reading is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    ("january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "januari", "gennaio", "gen", "janeiro"),
    ("february", "feb", "februar", "février", "fevrier", "févr", "fevr", "febrero", "februari", "febbraio", "fevereiro",
     "fev"),
    ("march", "mar", "märz", "maerz", "mars", "marzo", "maart", "mrt", "março", "marco", "mär"),
    ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    ("may", "mai", "mayo", "mei", "maggio", "mag", "maio"),
    ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"),
    ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho"),
    ("august", "aug", "août", "aout", "agosto", "ago", "augustus"),
    ("september", "sep", "sept", "septembre", "septiembre", "set", "settembre", "setembro"),
    ("october", "oct", "oktober", "okt", "octobre", "octubre", "oktober", "ottobre", "ott", "outubro", "out"),
    ("november", "nov", "novembre", "noviembre", "novembro"),
    ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre",
     "dezembro"),
), start=1):
    for _name in _names:
        MONTHS[_name] = _number

_MONTH = r"([^\W\d_]{3,10})\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th|er|e|º|°)?\.?"
_YEAR = r"(\d{4})"
# one date inside a text (searched): each alternative starts with a digit or a letter run of bounded length
DATE_IN_TEXT = re.compile(
    r"(?<![\w./-])(?:"
    r"(?P<iso>(\d{4})-(\d{1,2})-(\d{1,2}))"
    r"|(?P<num>(\d{1,2})([./-])(\d{1,2})\7(\d{4}))"
    r"|(?P<dmy>" + _DAY + r"(?:[ \t]+of|[ \t]+de)?[ \t]*-?" + _MONTH + r"(?:[ \t]+de|,)?[ \t]*-?" + _YEAR + r")"
    r"|(?P<mdy>" + _MONTH + r"[ \t]+" + _DAY + r",?[ \t]+" + _YEAR + r")"
    r"|(?P<my>" + _MONTH + r",?[ \t]+" + _YEAR + r"|(\d{1,2})/(\d{4})|(\d{4})-(\d{1,2})(?![\d-]))"
    r")(?![\d])",
    re.IGNORECASE,
)
_EUROPEAN_WORDS = frozenset({
    # German, French, Spanish, Dutch, Italian, Portuguese function words that English text does not use
    "und", "der", "die", "das", "ist", "wird", "werden", "nicht", "mit", "für", "von", "zur", "eine", "einer",
    "les", "des", "est", "une", "pour", "dans", "avec", "sont", "aux", "par", "que", "del", "los", "las",
    "con", "para", "por", "una", "het", "een", "van", "zijn", "wordt", "voor", "met", "niet", "della", "sono",
    "per", "dos", "uma", "não", "são", "ao",
})
_ENGLISH_WORDS = frozenset({"the", "and", "is", "are", "of", "to", "for", "with", "be", "by", "on", "this", "will"})


class DateTextError(ValueError):
    """A value that looks like a date but cannot be one (``31/02/2026``, ``Augustus 2026``)."""


@dataclass(frozen=True, slots=True)
class DateReader:
    """Reads dates of one document; ``day_first`` settles ``02/03/2026``."""

    day_first: bool = False

    def find(self, text: str, full_only: bool = False) -> tuple[date, int, int] | None:
        """The first date in ``text`` with its span, or None; month-only dates ("March 2027") count unless
        ``full_only``."""
        for m in DATE_IN_TEXT.finditer(text[:2000]):
            if full_only and m.group("my"):
                continue
            try:
                day = self._from_match(m)
            except DateTextError:
                continue
            if day is not None:
                return day, m.start(), m.end()
        return None

    def find_all(self, text: str) -> list[date]:
        out: list[date] = []
        for m in DATE_IN_TEXT.finditer(text):
            try:
                day = self._from_match(m)
            except DateTextError:
                continue
            if day is not None:
                out.append(day)
        return out

    def is_month_only(self, value: str) -> bool:
        """The value states a month, not a day ("March 2026", "03/2026")."""
        m = DATE_IN_TEXT.search(value.strip()[:200])
        return m is not None and bool(m.group("my"))

    def parse(self, value: str) -> date | None:
        """The date a whole value states (``"2 February 2026"``, ``"02.02.2026 (CEST)"``); None when the
        value holds no date; :class:`DateTextError` when it holds an impossible one."""
        text = value.strip()[:200]
        m = DATE_IN_TEXT.search(text)
        if m is None:
            if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2}", text):
                raise DateTextError(f"two-digit year: {value!r} (write the year in full)")
            return None
        day = self._from_match(m)
        if day is None:
            raise DateTextError(f"not a date: {value!r}")
        return day

    def _from_match(self, m: re.Match[str]) -> date | None:
        g = m.group
        try:
            if g("iso"):
                return date(int(g(2)), int(g(3)), int(g(4)))
            if g("num"):
                a, b, year = int(g(6)), int(g(8)), int(g(9))
                day_first = self.day_first or g(7) == "." or a > 12
                if b > 12 and g(7) != ".":
                    day_first = False
                return date(year, b, a) if day_first else date(year, a, b)
            if g("dmy"):
                month = _month(g(12))
                return date(int(g(13)), month, int(g(11))) if month else None
            if g("mdy"):
                month = _month(g(15))
                return date(int(g(17)), month, int(g(16))) if month else None
            if g("my"):
                if g(19):
                    month = _month(g(19))
                    return date(int(g(20)), month, 1) if month else None
                if g(21):
                    return date(int(g(22)), int(g(21)), 1)
                return date(int(g(23)), int(g(24)), 1)
        except ValueError as exc:
            raise DateTextError(f"not a valid date: {m.group(0)!r}") from exc
        return None


def _month(word: str) -> int | None:
    return MONTHS.get(word.lower().rstrip("."))


def day_first_signal(text: str, option: object = None) -> bool:
    """Whether ``NN/NN/YYYY`` dates of this document are day first (see the module docstring)."""
    if isinstance(option, bool):
        return option
    votes_day = votes_month = 0
    for m in DATE_IN_TEXT.finditer(text[:200_000]):
        g = m.group
        if g("num"):
            a, b = int(g(6)), int(g(8))
            if g(7) == "." or a > 12:
                votes_day += 1
            elif b > 12:
                votes_month += 1
        elif g("dmy") and _month(g(12)):
            votes_day += 1
        elif g("mdy") and _month(g(15)):
            votes_month += 1
    if votes_day != votes_month:
        return votes_day > votes_month
    return is_european(text)


def is_european(text: str) -> bool:
    """The text reads as German, French, Spanish, Dutch, Italian or Portuguese rather than English."""
    words = re.findall(r"[^\W\d_]{2,12}", text[:20_000].lower())
    european = sum(1 for w in words if w in _EUROPEAN_WORDS)
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    return european > english
