"""When two pieces of evidence describe the same thing differently, the one closest to the as-of date wins, and
the disagreement is kept.

An account (the same system and id), a device, a resource or a setting can be described by several sources: a
live API call and an export, or two exports of different dates. Each description is dated by its own
``observed_at`` when the source gives one, else by the date in its file name (``okta-users-2026-10-01.json``),
else by the time it was collected. For each thing:

- the description closest to the as-of date decides every field it states (an earlier one on a tie: the state
  *on* the as-of date is what a later export cannot show);
- fields it leaves unknown are filled from the next closest description;
- the latest sign-in seen anywhere is kept (a sign-in is a fact whenever it was seen);
- every field on which two descriptions disagree becomes a :class:`~trustgap.identity.SourceConflict`, shown
  with the findings that rest on the winning description and in the report.

Descriptions from one evidence file are never merged with each other (a parser that emits one account twice
means two accounts).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from trustgap.facts import Account, Device, Monitor, Resource, Setting, Src, system_kind
from trustgap.identity import SourceConflict

_NAME_DATE = re.compile(r"(?<!\d)(20\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")

# fields compared and merged per fact type; the rest (src, ids) identify the thing
_STATE_FIELDS: dict[type, tuple[str, ...]] = {
    Account: ("active", "status", "mfa_enabled", "mfa_enforced", "is_admin", "has_password", "deactivated_at",
              "mfa_factors", "kind", "email", "display_name", "created_at", "owner_email", "status_changed_at"),
    Device: ("encrypted", "screen_lock", "screen_lock_minutes", "managed", "compliant", "os_version",
             "os_supported", "status", "owner_email", "returned_on", "firewall", "platform"),
    Monitor: ("active", "status", "interval_seconds", "target"),
    Setting: ("value",),
}
_MAX_FIELDS = {"last_login_at", "last_seen"}

KeyFn = Callable[[Any], tuple[str, ...]]
_KEYS: dict[type, KeyFn] = {
    Account: lambda a: (system_kind(a.system), a.system, a.account_id.strip().lower()),
    Device: lambda d: (d.system, (d.serial or d.device_id).strip().lower()),
    Monitor: lambda m: (m.system, m.monitor_id),
    Resource: lambda r: (r.system, r.kind, r.resource_id),
    Setting: lambda s: (s.system, s.scope, s.key),
}


def name_date(name: str) -> datetime | None:
    """A date written in a file name (2026-10-01, 20261001, 2026_10_01), as midnight UTC."""
    m = _NAME_DATE.search(name)
    if not m:
        return None
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=UTC)
    except ValueError:
        return None


def observed_times(items: Iterable[tuple[str, str, str]]) -> dict[str, datetime]:
    """sha256 -> when the evidence describes the world: the date in its name, else its collection time.
    ``items`` are (sha256, name, collected_at ISO)."""
    out: dict[str, datetime] = {}
    for sha, name, collected in items:
        if not sha:
            continue
        when = name_date(name)
        if when is None and collected:
            try:
                when = datetime.fromisoformat(collected)
            except ValueError:
                when = None
        if when is not None:
            out[sha] = when if when.tzinfo else when.replace(tzinfo=UTC)
    return out


def reconcile(facts: list[Any], observed: Mapping[str, datetime], as_of: date
              ) -> tuple[list[Any], list[SourceConflict]]:
    """Merge descriptions of one thing from different evidence files (see the module docstring)."""
    target = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC) + timedelta(days=1)
    groups: dict[tuple[type, tuple[str, ...]], list[Any]] = defaultdict(list)
    out: list[Any] = []
    seen: set[Any] = set()
    for f in facts:
        key_fn = _KEYS.get(type(f))
        if key_fn is None:
            out.append(f)
            continue
        try:
            if f in seen:  # the same file twice (same bytes, same place): one description, not two
                continue
            seen.add(f)
        except TypeError:  # a value that cannot be hashed (a setting holding a mapping): kept as it is
            pass
        groups[(type(f), key_fn(f))].append(f)
    conflicts: list[SourceConflict] = []
    for (cls, _key), group in groups.items():
        if len({f.src.sha256 for f in group}) < 2:
            out.extend(group)
            continue
        merged, found = _merge(cls, group, observed, target)
        out.append(merged)
        conflicts.extend(found)
    return out, conflicts


def _when(f: Any, observed: Mapping[str, datetime]) -> datetime | None:
    own = getattr(f, "observed_at", None)
    return own if own is not None else observed.get(f.src.sha256)


def _merge(cls: type, group: list[Any], observed: Mapping[str, datetime], target: datetime
           ) -> tuple[Any, list[SourceConflict]]:
    def rank(f: Any) -> tuple[int, float, str]:
        when = _when(f, observed)
        if when is None:
            return (1, 0.0, f.src.sha256)  # undated descriptions come after every dated one
        distance = abs((when - target).total_seconds())
        return (0, distance + (0.5 if when > target else 0.0), f.src.sha256)

    ordered = sorted(group, key=rank)
    best = ordered[0]
    subject = _subject(best)
    updates: dict[str, Any] = {}
    conflicts: list[SourceConflict] = []
    for fname in _STATE_FIELDS.get(cls, ()):
        chosen = getattr(best, fname)
        for other in ordered[1:]:
            value = getattr(other, fname)
            if _empty(value):
                continue
            if _empty(chosen):
                chosen = value
                updates[fname] = value
            elif value != chosen and other.src.sha256 != best.src.sha256:
                conflicts.append(SourceConflict(subject, fname, _show(chosen), best.src, _show(value), other.src))
    for fname in _MAX_FIELDS:
        if not hasattr(best, fname):
            continue
        seen = [getattr(f, fname) for f in ordered if getattr(f, fname) is not None]
        if seen and max(seen) != getattr(best, fname):
            updates[fname] = max(seen)
    if cls is Resource:
        attrs = {}
        for other in reversed(ordered):
            attrs.update({k: v for k, v in other.attrs.items() if not _empty(v)})
        for k, v in best.attrs.items():
            for other in ordered[1:]:
                ov = other.attrs.get(k)
                if not _empty(ov) and not _empty(v) and ov != v:
                    conflicts.append(SourceConflict(subject, k, _show(v), best.src, _show(ov), other.src))
        updates["attrs"] = attrs
    return (dataclasses.replace(best, **updates) if updates else best), conflicts


def _subject(f: Any) -> str:
    if isinstance(f, Account):
        return f"{f.email or f.account_id} ({f.system})"
    if isinstance(f, Device):
        return f"{f.name or f.device_id} ({f.system})"
    if isinstance(f, Resource):
        return f"{f.name or f.resource_id} ({f.kind})"
    if isinstance(f, Setting):
        return f"{f.key} ({f.scope})"
    if isinstance(f, Monitor):
        return f"{f.name or f.monitor_id} ({f.system})"
    return repr(f)


def _empty(v: Any) -> bool:
    return v is None or v == () or v == ""


def _show(v: Any) -> str:
    if isinstance(v, datetime):
        return v.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(v, tuple):
        return ", ".join(map(str, v)) or "none"
    return str(v)


def conflicts_by_src(conflicts: Iterable[SourceConflict]) -> dict[Src, list[SourceConflict]]:
    out: dict[Src, list[SourceConflict]] = defaultdict(list)
    for c in conflicts:
        out[c.chosen_src].append(c)
    return out
