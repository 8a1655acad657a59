"""Date and time parsing for the shapes exports really use.

Accepted: ISO 8601 with or without zone (``2026-03-01``, ``2026-03-01T10:00:00Z``,
``2026-03-01T10:00:00.123+02:00``), ``YYYY-MM-DD HH:MM:SS`` (with optional zone / ``UTC``),
US ``MM/DD/YYYY`` (optionally with ``HH:MM[:SS] [AM|PM]``), ``YYYY/MM/DD``, ``DD-Mon-YYYY`` and
``Mon DD, YYYY``. Naive times are taken as UTC. Values that mean "nothing" (empty, ``N/A``, ``null``,
``-``, ``no_information``, ``not_supported``, ``never``) parse to ``None``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EMPTY_VALUES = frozenset({"", "n/a", "na", "null", "none", "-", "--", "no_information", "not_supported", "never"})

_US = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_FORMATS = ("%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%Y%m%d")


class DateParseError(ValueError):
    pass


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY_VALUES)


def parse_datetime(value: object) -> datetime | None:
    """Parse to an aware UTC datetime; ``None`` for empty markers; :class:`DateParseError` otherwise."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float):
        # epoch seconds (or milliseconds when large)
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    s = str(value).strip()
    if s.endswith(" UTC"):
        s = s[:-4] + "Z"
    iso = s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        dt = None
    if dt is None:
        m = _US.match(s)
        if m:
            mo, d, y, hh, mm, ss, ampm = m.groups()
            hour = int(hh or 0)
            if ampm:
                hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
            try:
                dt = datetime(int(y), int(mo), int(d), hour, int(mm or 0), int(ss or 0))
            except ValueError as exc:
                raise DateParseError(f"not a valid date: {value!r}") from exc
    if dt is None:
        m = _YMD_SLASH.match(s)
        if m:
            dt = datetime(int(m[1]), int(m[2]), int(m[3]))
    if dt is None:
        for fmt in _FORMATS:
            try:
                dt = datetime.strptime(s, fmt)
                break
            except ValueError:
                continue
    if dt is None:
        raise DateParseError(f"not a recognised date or time: {value!r}")
    return dt.astimezone(UTC) if dt.tzinfo else dt.replace(tzinfo=UTC)


def parse_date(value: object) -> date | None:
    """Parse to a calendar date (the date part as written, before any zone conversion)."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    try:
        return date.fromisoformat(s[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", s) else parse_datetime(s).date()  # type: ignore[union-attr]
    except ValueError as exc:
        raise DateParseError(f"not a recognised date: {value!r}") from exc


def to_utc_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def to_utc_end(day: date) -> datetime:
    return to_utc_start(day) + timedelta(days=1) - timedelta(microseconds=1)


def add_months(day: date, months: int) -> date:
    """Calendar month arithmetic clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_between(earlier: date, later: date) -> float:
    return (later - earlier).days / 30.4375


def zone(name: str | None) -> tzinfo:
    """The IANA time zone ``name`` (``Europe/Berlin``); UTC when empty. Raises :class:`DateParseError`."""
    if not name or name.strip().upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DateParseError(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from exc


def local_day_start(day: date, tz: tzinfo = UTC) -> datetime:
    """00:00 of ``day`` in ``tz``, as an aware UTC datetime (daylight saving handled by the zone)."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def local_day_end(day: date, tz: tzinfo = UTC) -> datetime:
    """The instant ``day`` ends in ``tz`` (00:00 of the next local day), as an aware UTC datetime: an event dated
    by day only (a termination on 15 May) takes effect at the end of that local day."""
    return local_day_start(day + timedelta(days=1), tz)
