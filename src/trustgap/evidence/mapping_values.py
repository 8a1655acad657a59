"""A cell or JSON value turned into the typed value a spec field declares (text, e-mail, date, datetime, boolean,
number, enum, list, people, severity, a date inside text), with date formats, time zones, value maps and unit
conversion. A value that does not fit raises :class:`ValueProblem` with a message for the user."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from trustgap.dates import DateParseError, is_empty, parse_date, parse_datetime
from trustgap.evidence.mapping_spec import FieldSpec

_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(.*)$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(.*)$")
_EMBEDDED_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{4}")
_DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_SPLIT = re.compile(r"\s*[;|\n]\s*|\s*,\s*")
TRUE = frozenset({"true", "yes", "y", "1", "enabled", "on", "t", "x", "✓", "✔", "checked", "enrolled", "enforced",
                  "encrypted", "active", "ja", "oui", "sí", "si"})
FALSE = frozenset({"false", "no", "n", "0", "disabled", "off", "f", "unchecked", "not enrolled", "not enforced",
                   "not encrypted", "unencrypted", "inactive", "none", "nein", "non"})
SEVERITIES = {
    "critical": "critical", "crit": "critical", "very high": "critical", "blocker": "critical", "sev1": "critical",
    "sev 1": "critical", "p1": "critical", "urgent": "critical",
    "high": "high", "important": "high", "major": "high", "severe": "high", "sev2": "high", "sev 2": "high",
    "p2": "high",
    "medium": "medium", "moderate": "medium", "med": "medium", "sev3": "medium", "sev 3": "medium", "p3": "medium",
    "low": "low", "minor": "low", "sev4": "low", "sev 4": "low", "p4": "low", "negligible": "low",
    "informational": "informational", "info": "informational", "none": "informational",
    "unknown": "unknown", "unspecified": "unknown",
}


class ValueProblem(ValueError):
    """A value that does not fit its field; the message is for the user."""


@dataclass(frozen=True)
class Defaults:
    """Spec-wide settings a field can override (``day_first``, ``timezone``)."""

    day_first: bool = False
    timezone: str | None = None


def key(value: Any) -> str:
    """A value as a map key: lower-cased, ``-`` / ``_`` as spaces, spaces folded."""
    return re.sub(r"\s+", " ", str(value).strip().lower().replace("_", " ").replace("-", " "))


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(t for v in value if (t := _text(v)) is not None) or None
    return str(value).strip()


def parse_day(value: Any, day_first: bool = False, formats: tuple[str, ...] = ()) -> date | None:
    """A calendar date from a cell: date values, the spec's own formats, dotted ``DD.MM.YYYY``, slashed dates month
    first (day first with ``day_first``), and the shapes of :mod:`trustgap.dates`. None for empty."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if is_empty(text):
        return None
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    m = _DOTTED.match(text)
    if m:
        try:
            return date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError as exc:
            raise DateParseError(f"not a valid date: {text!r}") from exc
    if day_first:
        m = _SLASHED.match(text)
        if m:
            text = f"{m[2]}/{m[1]}/{m[3]}{m[4]}"
    try:
        return parse_date(text)
    except (DateParseError, ValueError, OverflowError) as exc:
        raise DateParseError(f"not a recognised date: {value!r}") from exc


def parse_moment(value: Any, day_first: bool = False, formats: tuple[str, ...] = (), zone: str | None = None,
                 end_of_day: bool = False) -> datetime | None:
    """An aware UTC datetime. A time written without a zone is in ``zone`` (default UTC); a date alone is the start
    of that local day (its end with ``end_of_day``). Epoch seconds and milliseconds are read as such."""
    if value is None or isinstance(value, bool):
        return None
    tz = ZoneInfo(zone) if zone else UTC
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(UTC)
    if isinstance(value, date):
        return _day_moment(value, tz, end_of_day)
    if isinstance(value, int | float):
        return parse_datetime(value)
    text = str(value).strip()
    if is_empty(text):
        return None
    for fmt in formats:
        try:
            dt = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return (dt if dt.tzinfo else dt.replace(tzinfo=tz)).astimezone(UTC)
    m = _DOTTED.match(text)
    if m or (day_first and _SLASHED.match(text)):
        mm = m or _SLASHED.match(text)
        assert mm is not None
        rest = mm[4].strip()
        try:
            day = date(int(mm[3]), int(mm[2]), int(mm[1]))
        except ValueError as exc:
            raise DateParseError(f"not a valid date: {text!r}") from exc
        if not rest:
            return _day_moment(day, tz, end_of_day)
        text = f"{day.isoformat()} {rest}"
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text) or (re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text)) or \
            re.fullmatch(r"\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{4}|[A-Za-z]{3,9} \d{1,2}, \d{4}", text):
        only = parse_date(text)
        return _day_moment(only, tz, end_of_day) if only else None
    naive = not re.search(r"(Z|z|UTC|GMT|[+-]\d{2}:?\d{2})$", text)
    moment = parse_datetime(text)
    if moment is None:
        return None
    if naive and tz is not UTC:
        moment = moment.replace(tzinfo=None).replace(tzinfo=tz).astimezone(UTC)
    return moment


def _day_moment(day: date, tz: Any, end_of_day: bool) -> datetime:
    if end_of_day:
        local = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz) - timedelta(microseconds=1)
    else:
        local = datetime.combine(day, time(), tzinfo=tz)
    return local.astimezone(UTC)


def as_bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value) if value in (0, 1) else None
    k = key(value)
    if k in TRUE:
        return True
    if k in FALSE:
        return False
    return None


def date_in_text(value: Any, day_first: bool = False, formats: tuple[str, ...] = ()) -> date | None:
    """A date from a cell that may hold one inside text ("Type II - 2026-03-01"); yes / no / words without a date
    are None; something date-like that cannot be read is a problem."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, date | datetime):
        return parse_day(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return parse_day(text, day_first, formats)
    except DateParseError:
        pass
    m = _EMBEDDED_DATE.search(text)
    if m:
        try:
            return parse_day(m.group(0), day_first)
        except DateParseError:
            pass
    if not _DATE_LIKE.search(text):
        return None
    raise ValueProblem(f"not a date: {text!r}")


def _number(value: Any, integer: bool) -> float | int:
    if isinstance(value, bool):
        raise ValueProblem(f"not a number: {value!r}")
    if isinstance(value, int | float):
        return int(value) if integer and float(value).is_integer() else value
    text = str(value).strip().rstrip("%").strip()
    if not _NUMBER.match(text):
        raise ValueProblem(f"not a number: {value!r}")
    num = float(text.replace(",", ""))
    if integer:
        if not num.is_integer():
            raise ValueProblem(f"not a whole number: {value!r}")
        return int(num)
    return num


def convert(value: Any, fs: FieldSpec, defaults: Defaults = Defaults()) -> Any:
    """The typed value of one field (None when the source says nothing)."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "" or (isinstance(value, list | tuple) and not value and fs.type not in ("list",)):
        return fs.default
    if fs.map and not isinstance(value, list | tuple):
        k = key(value)
        mapped = {key(a): b for a, b in fs.map.items()}
        if k in mapped:
            return mapped[k]
        if fs.type == "enum":
            if fs.unmapped == "null":
                return fs.default
            if fs.unmapped == "error":
                raise ValueProblem(f"not one of {', '.join(map(str, fs.map))}: {value!r}")
            return k
    day_first = fs.day_first if fs.day_first is not None else defaults.day_first
    formats = tuple(fs.date_formats)
    zone = fs.timezone or defaults.timezone
    kind = fs.type
    try:
        if kind == "raw":
            return value
        if kind == "text":
            return _text(value)
        if kind == "email":
            text = _text(value)
            if text is None:
                return fs.default
            if "@" not in text or " " in text:
                raise ValueProblem(f"not an e-mail address: {text!r}")
            return text.lower()
        if kind == "date":
            if zone and isinstance(value, datetime) and value.tzinfo:
                return value.astimezone(ZoneInfo(zone)).date()
            if zone and isinstance(value, str) and re.search(r"T\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$", value):
                moment = parse_moment(value, day_first, formats, None)
                return moment.astimezone(ZoneInfo(zone)).date() if moment else fs.default
            return parse_day(value, day_first, formats)
        if kind == "datetime":
            return parse_moment(value, day_first, formats, zone, fs.end_of_day)
        if kind == "date_in_text":
            return date_in_text(value, day_first, formats)
        if kind == "bool":
            flag = as_bool(value)
            if flag is None:
                raise ValueProblem(f"not yes or no: {value!r}")
            return flag
        if kind in ("int", "float"):
            num = _number(value, kind == "int")
            if fs.convert is not None:
                num = num * fs.convert.factor
                if kind == "int":
                    num = round(num)
            return num
        if kind == "severity":
            k = key(value)
            return SEVERITIES.get(k, k)
        if kind == "enum":
            return key(value)
        if kind in ("list", "people"):
            items = list(value) if isinstance(value, list | tuple) else _SPLIT.split(str(value)) \
                if fs.split is None else re.split(fs.split, str(value))
            out: list[str] = []
            for it in items:
                t = _text(it)
                if t is None:
                    continue
                t = t.lower() if kind == "people" and "@" in t else t
                if t not in out:
                    out.append(t)
            return tuple(out)
    except (DateParseError, OverflowError) as exc:
        raise ValueProblem(f"not a date: {value!r}") from exc
    raise ValueProblem(f"unknown type {kind}")  # pragma: no cover - the spec model allows no other
