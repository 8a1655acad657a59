"""Uptime monitors and incidents: the hooks of the specs ``uptimerobot_monitors``, ``statuspage_incidents`` and
``pagerduty_incidents`` (``trustgap/evidence/formats/``). The specs say where each field is; these hooks say what a
mapping cannot:

- UptimeRobot (https://uptimerobot.com/api/): ``status`` 0 is paused (``active`` False), 1 not checked yet, 2 up,
  8 seems down, 9 down; ``custom_uptime_ranges`` is a list of ratios joined by ``-`` in the order of the ranges
  asked for (``FROM_TO-FROM_TO`` in Unix time). Those ranges are not in the answer: they are read from a
  ``request`` object saved beside it (``{"request": {"custom_uptime_ranges": "..."}}``) or from the scope
  (``parsers.uptimerobot_monitors.custom_uptime_ranges``). A range that covers one calendar month is labelled
  ``YYYY-MM``, another ``YYYY-MM-DD..YYYY-MM-DD``; without the ranges the ratios cannot be placed in time and are
  left out (said once per file). ``custom_uptime_ratio`` (the last N days, ``custom_uptime_ratios=7-30``) gives
  ``7d`` / ``30d`` figures, ``all_time_uptime_ratio`` an ``all`` figure. Down logs (type 1) become
  :class:`Downtime` facts (start, duration, reason); the latest pause log (type 99) of a paused monitor dates the
  pause.
- Statuspage (https://developer.statuspage.io/): impact ``major`` / ``critical`` is a major incident (severity
  high / critical; ``minor`` low, ``none`` informational); the first incident update is the moment customers were
  told (every update is public on the page); ``postmortem_published_at`` dates the post-incident review; scheduled
  maintenances (``scheduled_for`` set, impact ``maintenance``) are not incidents and are left out.
- Pingdom checks, Better Stack monitors, Datadog synthetic tests (``uptime_monitor``): the status lower-cased
  (``paused`` makes the monitor inactive; Datadog's ``live`` is active), the target a URL or a host.
- PagerDuty (https://developer.pagerduty.com/api-reference/9d0b4b12e36f9-list-incidents): the incident is named by
  its number (``#1234``); priority P1 -> critical, P2 -> high, P3 -> medium, P4 / P5 -> low; P1 and P2 are major,
  an incident without a priority is of unknown majority (``None``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.evidence.mapping_values import parse_moment
from trustgap.facts import Downtime

_UR_STATUS = {0: "paused", 1: "not_checked_yet", 2: "up", 8: "seems_down", 9: "down"}
_UR_TYPES = {1: "http", 2: "keyword", 3: "ping", 4: "port", 5: "heartbeat"}
_SP_SEVERITY = {"critical": "critical", "major": "high", "minor": "low", "none": "informational"}
_PD_PRIORITY = {"p1": "critical", "p2": "high", "p3": "medium", "p4": "low", "p5": "low"}
_RANGE = re.compile(r"^\s*(\d{9,11})_(\d{9,11})\s*$")


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(float(str(value).strip()))
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return None


def _month_start(moment: datetime) -> datetime | None:
    """The start of the calendar month ``moment`` is at (give or take a day, for ranges asked in a local time
    zone), or None."""
    near = (moment + timedelta(days=1)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return near if abs((moment - near).total_seconds()) <= 86400 else None


def range_label(start: datetime, end: datetime) -> str:
    """``2026-06`` for a range covering one calendar month, ``2026-01..2026-09`` for whole months, else
    ``2026-06-03..2026-07-02`` (the last day included)."""
    first, after = _month_start(start), _month_start(end)
    if first is not None and after is not None and after > first:
        last = after - timedelta(days=1)
        if (last.year, last.month) == (first.year, first.month):
            return f"{first:%Y-%m}"
        return f"{first:%Y-%m}..{last:%Y-%m}"
    return f"{start.date().isoformat()}..{(end - timedelta(seconds=1)).date().isoformat()}"


def _ranges(hc: HookContext) -> list[tuple[datetime, datetime]] | None:
    """The custom uptime ranges asked for, from the scope's parser options or a saved ``request`` object."""
    spec = hc.ctx.options.get("custom_uptime_ranges")
    doc = hc.document
    if spec is None and isinstance(doc, dict):
        req = doc.get("request") or doc.get("params") or {}
        spec = req.get("custom_uptime_ranges") if isinstance(req, dict) else None
    if not isinstance(spec, str) or not spec.strip():
        return None
    out = []
    for part in spec.split("-"):
        m = _RANGE.match(part)
        if not m:
            hc.error(f"custom_uptime_ranges: {part!r} is not FROM_TO in Unix time", field="custom_uptime_ranges")
            return None
        out.append((datetime.fromtimestamp(int(m[1]), UTC), datetime.fromtimestamp(int(m[2]) + 1, UTC)))
    return out


@register_hook("uptimerobot")
def uptimerobot(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    ranges = _ranges(hc)
    unplaced = False
    out: list[Any] = []
    for row in rows:
        mid = str(row.get("monitor_id"))
        code = _int(row.get("status"))
        uptime: list[tuple[str, float]] = []
        ratios = row.get("_custom_uptime_ranges")
        if isinstance(ratios, str) and ratios.strip():
            values = [_float(v) for v in ratios.split("-")]
            if ranges is None or len(ranges) != len(values):
                unplaced = True
            else:
                uptime.extend((range_label(a, b), v) for (a, b), v in zip(ranges, values, strict=True)
                              if v is not None)
        recent = row.get("_custom_uptime_ratio")
        days = hc.ctx.options.get("custom_uptime_ratios")
        if isinstance(recent, str) and recent.strip() and isinstance(days, str):
            for n, v in zip(days.split("-"), recent.split("-"), strict=False):
                if (f := _float(v)) is not None:
                    uptime.append((f"{n.strip()}d", f))
        if (f := _float(row.get("_all_time_uptime_ratio"))) is not None:
            uptime.append(("all", f))
        paused_at: datetime | None = None
        logs = row.get("_logs") if isinstance(row.get("_logs"), list) else []
        for i, log in enumerate(logs):
            if not isinstance(log, dict):
                continue
            kind = _int(log.get("type"))
            try:
                when = parse_moment(log.get("datetime"))
            except ValueError:
                hc.error(f"monitor {mid}: log {i} has no readable datetime", row, "logs")
                continue
            if when is None:
                continue
            if kind == 99 and (paused_at is None or when > paused_at):
                paused_at = when
            if kind == 1:
                duration = _int(log.get("duration"))
                reason = log.get("reason")
                detail = " ".join(str(reason.get(k)) for k in ("code", "detail") if reason.get(k)) \
                    if isinstance(reason, dict) else (str(reason) if reason else None)
                out.append(Downtime(src=hc.ctx.src(f"{row.locator}.logs[{i}]"), system="uptimerobot",
                                    monitor_id=mid, started_at=when,
                                    ended_at=when + timedelta(seconds=duration) if duration is not None else None,
                                    duration_seconds=duration, reason=detail or None))
        created = row.get("_create_datetime")
        try:
            created_at = parse_moment(created) if created not in (None, 0, "0", "") else None
        except ValueError:
            created_at = None
        out.append(hc.fact(row, system="uptimerobot", monitor_id=mid, name=row.get("_friendly_name"),
                           kind=_UR_TYPES.get(_int(row.get("_type")) or -1),
                           status=_UR_STATUS.get(code if code is not None else -1,
                                                 str(row.get("status")) if row.get("status") is not None else None),
                           active=None if code is None else code != 0, created_at=created_at,
                           uptime=tuple(uptime), paused_at=paused_at if code == 0 else None))
    if unplaced:
        hc.error("custom_uptime_ranges ratios are in the file, but not the ranges they were asked for: save the "
                 "request beside the answer ({\"request\": {\"custom_uptime_ranges\": ...}}) or name them in the "
                 "scope (parsers.uptimerobot_monitors.custom_uptime_ranges); monthly uptime is taken from the logs "
                 "instead", field="custom_uptime_ranges")
    return out


@register_hook("statuspage")
def statuspage(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        impact = str(row.get("_impact") or "").strip().lower()
        if impact == "maintenance" or row.get("_scheduled_for"):
            continue
        updates = row.get("_updates") if isinstance(row.get("_updates"), list) else []
        told: datetime | None = None
        for u in updates:
            if not isinstance(u, dict):
                continue
            try:
                when = parse_moment(u.get("display_at") or u.get("created_at"))
            except ValueError:
                continue
            if when is not None and (told is None or when < told):
                told = when
        published = row.get("_postmortem_published_at")
        started = row.get("started_at") or row.get("_created_at")
        out.append(hc.fact(row, system="statuspage", kind="availability",
                           severity=_SP_SEVERITY.get(impact, impact or None),
                           major=impact in ("major", "critical") if impact else None,
                           started_at=started, customer_notified_at=told,
                           postmortem_on=published.date() if isinstance(published, datetime) else None,
                           postmortem_ref="statuspage postmortem" if published else None))
    return out


@register_hook("pagerduty")
def pagerduty(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        number = row.get("_incident_number")
        prio = str(row.get("_priority") or "").strip().lower()
        severity = _PD_PRIORITY.get(prio.split()[0]) if prio else None
        resolved = row.get("resolved_at")
        if resolved is None and str(row.get("status") or "").lower() == "resolved":
            resolved = row.get("_last_status_change_at")
        service = row.get("_service")
        out.append(hc.fact(row, system="pagerduty", incident_id=f"#{_int(number) or number}",
                           title=row.get("title") or row.get("_summary"), severity=severity,
                           major=severity in ("critical", "high") if severity else None,
                           resolved_at=resolved, services=(service,) if service else (),
                           url=row.get("_html_url")))
    return out



_PAUSED = frozenset({"paused", "disabled", "inactive", "stopped"})


@register_hook("uptime_monitor")
def uptime_monitor(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        status = str(row.get("status") or "").strip().lower().replace(" ", "_") or None
        target = row.get("target") or row.get("_host") or row.get("_hostname")
        subtype = row.get("_subtype")
        kind = row.get("kind")
        out.append(hc.fact(row, monitor_id=str(row.get("monitor_id")), status=status, target=target,
                           kind=f"{kind}:{subtype}" if kind and subtype else kind,
                           active=None if status is None else status not in _PAUSED,
                           name=row.get("name") or target))
    return out
