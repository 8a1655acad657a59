"""Endpoints: company devices from device-management exports (Intune, Jamf Pro, Kandji, any MDM's CSV).

* Disk encryption: FileVault / BitLocker on, as the MDM reports it. A device whose export does not say is not
  judged (Kandji's device list, for one, does not carry FileVault state).
* Supported OS: the device's OS release still gets its vendor's security updates on the evaluation day, from the
  table in ``checks/data/os_support.yaml`` (sources cited there) or the MDM's own verdict (``os_supported``). A
  version the table cannot place is not judged, nor a release with no announced end more than a year after the
  table's date; whether a supported release is on its latest patch is not
  something a version string alone settles, and is left to the MDM's compliance report.
* Screen lock: enforced, within ``screen_lock_max_minutes`` (default 15) of inactivity when the export says.
* MDM enrolment: a device the inventory lists as not managed (unenrolled, agent removed).
* Leavers' devices: returned within ``device_return_working_days`` (default 10) working days of the last day. A
  device counts as not returned only on proof: a return date after the deadline, or the device still checking in
  after the deadline with no return recorded; otherwise "cannot tell". A device whose owner does not resolve to
  exactly one person is never blamed on anyone.

Retired, lost, wiped and returned devices are not judged for their configuration. Type II: an older export
inside the audit period showing a device unencrypted or unmanaged is a deviation even when it is fixed now.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml

from trustgap.checks._util import lapse_result, srcs, utc
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Device

GONE = frozenset({"retired", "lost", "stolen", "returned", "wiped", "disposed", "removed", "decommissioned"})


@cache
def os_support_table() -> dict[str, Any]:
    text = resources.files("trustgap.checks").joinpath("data/os_support.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _in_use(d: Device) -> bool:
    return (d.status or "").strip().lower() not in GONE and d.returned_on is None


def _label(d: Device) -> str:
    name = d.name or d.serial or d.device_id
    return f"{name} ({d.owner_email})" if d.owner_email else name


def _platform(d: Device) -> str | None:
    p = (d.platform or "").lower()
    v = d.os_version or ""
    if "mac" in p or "os x" in p:
        return "macos"
    if "win" in p:
        return "windows"
    if not p and d.system in ("jamf", "kandji") and re.match(r"^\d{2}\.\d", v):
        return "macos"  # Jamf Pro and Kandji inventories of computers are Macs
    return p or None


def os_release(d: Device) -> tuple[str, dict[str, Any]] | None:
    """(release key, table entry) of a device's OS from the support table, or None when it cannot be placed."""
    table = os_support_table()
    version = (d.os_version or "").strip()
    platform = _platform(d)
    if platform == "macos":
        m = re.match(r"^(?:macOS\s*)?(\d+)(?:\.(\d+))?", version, re.I)
        if not m:
            return None
        major = m[1] if int(m[1]) >= 11 else f"{m[1]}.{m[2] or 0}"
        entry = table["macos"].get(major)
        return (f"macOS {major}", entry) if entry else None
    if platform == "windows":
        m = re.match(r"^10\.0\.(\d{5})(?:\.\d+)?$", version)
        entry = table["windows"].get(m[1]) if m else None
        return (f"build {m[1]}", entry) if m and entry else None
    return None


@check(
    id="endpoints.disk_encrypted",
    title="Company devices have full-disk encryption on",
    controls=("AC-21",),
    criteria=("CC6.8", "CC6.7"),
    severity="high",
    effort="S",
    category="technical",
    remediation="Enforce FileVault (macOS) or BitLocker (Windows) through the MDM with the recovery key escrowed, "
    "and follow up the devices named until the MDM reports them encrypted.",
    sources=("endpoints",),
)
def disk_encrypted(ctx: CheckContext) -> CheckResult:
    entities = []
    for d in ctx.facts.of(Device):
        if not _in_use(d) or d.encrypted is None:
            continue
        if d.encrypted:
            lapse = lapse_result(ctx, "device", _label(d), d, lambda old: old.encrypted is False,
                                 f"{d.system} reported the disk not encrypted")
            entities.append(lapse or EntityResult("device", _label(d), "pass", f"disk encrypted ({d.system})",
                                                  srcs(d)))
        else:
            entities.append(EntityResult("device", _label(d), "fail", f"{d.system} reports the disk not encrypted",
                                         srcs(d)))
    return ctx.result(entities, empty="no device evidence stating disk encryption")


@check(
    id="endpoints.os_supported",
    title="Company devices run an operating system release that still gets security updates",
    controls=("AC-21", "OPS-12"),
    criteria=("CC6.8", "CC7.1"),
    severity="high",
    effort="M",
    category="technical",
    remediation="Upgrade the devices named to a supported OS release (or replace hardware that cannot run one) and "
    "set an MDM policy that enforces OS updates within a deadline.",
    sources=("endpoints",),
)
def os_supported(ctx: CheckContext) -> CheckResult:
    day = ctx.evaluation_end
    table_date: date = os_support_table()["as_of"]
    entities = []
    for d in ctx.facts.of(Device):
        if not _in_use(d):
            continue
        placed = os_release(d)
        if placed is None:
            if d.os_supported is not None:
                ok = d.os_supported
                entities.append(EntityResult("device", _label(d), "pass" if ok else "fail",
                                             f"{d.system} reports OS {d.os_version or '?'} "
                                             f"{'supported' if ok else 'no longer supported'}", srcs(d)))
            continue
        key, entry = placed
        name = f"{entry.get('name', key)} ({d.os_version})"
        ends: date | None = entry.get("ends")
        if ends is None and day > table_date + timedelta(days=365):
            continue  # the table vouches for "no end announced" for a year after its date, not longer
        if ends is None or ends >= day:
            until = f" until {ends.isoformat()}" if ends else ""
            entities.append(EntityResult("device", _label(d), "pass", f"{name} is supported{until}", srcs(d)))
        elif entry.get("esu"):
            entities.append(EntityResult("device", _label(d), "partial",
                                         f"{name}: security updates ended on {ends.isoformat()}; cannot tell whether "
                                         "the device is enrolled in paid Extended Security Updates", srcs(d),
                                         gap_kind="insufficient_evidence"))
        else:
            entities.append(EntityResult("device", _label(d), "fail",
                                         f"{name} has had no security updates since {ends.isoformat()}", srcs(d),
                                         measured={"support_ended": ends.isoformat()}))
    return ctx.result(entities, empty="no device evidence with an OS version that can be placed")


@check(
    id="endpoints.screen_lock",
    title="Company devices lock the screen after a short idle time",
    controls=("AC-21",),
    criteria=("CC6.8",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Push a screen-lock / passcode profile through the MDM that locks devices after at most the "
    "required idle minutes.",
    sources=("endpoints",),
    thresholds=("screen_lock_max_minutes",),
)
def screen_lock(ctx: CheckContext) -> CheckResult:
    limit = int(ctx.thresholds.screen_lock_max_minutes)
    entities = []
    for d in ctx.facts.of(Device):
        if not _in_use(d) or (d.screen_lock is None and d.screen_lock_minutes is None):
            continue
        if d.screen_lock is False:
            entities.append(EntityResult("device", _label(d), "fail", "no screen lock enforced", srcs(d)))
        elif d.screen_lock_minutes is not None and d.screen_lock_minutes > limit:
            entities.append(EntityResult("device", _label(d), "fail", f"locks after {d.screen_lock_minutes} minutes "
                                         f"(limit {limit})", srcs(d), measured={"minutes": d.screen_lock_minutes}))
        else:
            after = f" after {d.screen_lock_minutes} minutes" if d.screen_lock_minutes is not None else ""
            entities.append(EntityResult("device", _label(d), "pass", f"screen lock enforced{after}", srcs(d)))
    return ctx.result(entities, empty="no device evidence stating screen lock")


@check(
    id="endpoints.mdm_enrolled",
    title="Company devices are enrolled in device management",
    controls=("AC-21",),
    criteria=("CC6.8",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Re-enrol the devices named (automated device enrolment / Autopilot so that enrolment cannot be "
    "removed), and block company resources to unmanaged devices with conditional access.",
    sources=("endpoints",),
)
def mdm_enrolled(ctx: CheckContext) -> CheckResult:
    entities = []
    for d in ctx.facts.of(Device):
        if not _in_use(d) or d.managed is None:
            continue
        if d.managed:
            lapse = lapse_result(ctx, "device", _label(d), d, lambda old: old.managed is False,
                                 f"{d.system} listed the device as not managed")
            entities.append(lapse or EntityResult("device", _label(d), "pass", f"managed by {d.system}", srcs(d)))
        else:
            entities.append(EntityResult("device", _label(d), "fail", f"listed by {d.system} but not managed",
                                         srcs(d)))
    return ctx.result(entities, empty="no device evidence stating enrolment")


def add_working_days(day: date, n: int) -> date:
    """``day`` plus ``n`` working days (Monday to Friday; public holidays are not known here)."""
    out = day
    while n > 0:
        out += timedelta(days=1)
        if out.weekday() < 5:
            n -= 1
    return out


@check(
    id="endpoints.leaver_devices_returned",
    title="Leavers' devices are returned within the set number of working days",
    controls=("HR-08",),
    criteria=("CC6.2",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Make device return a step of the offboarding checklist with a deadline, record the return date "
    "in the asset inventory or MDM, and lock and wipe devices not returned in time.",
    sources=("endpoints",),
    thresholds=("device_return_working_days",),
)
def leaver_devices_returned(ctx: CheckContext) -> CheckResult:
    graph = ctx.facts.identity
    n = int(ctx.thresholds.device_return_working_days)
    end = ctx.evaluation_end
    entities = []
    for d in ctx.facts.of(Device):
        if not d.owner_email and not d.owner_name:
            continue
        res = graph.resolve_name(d.owner_email or d.owner_name or "", email=d.owner_email,
                                 display_name=d.owner_name)
        if res.person is None or res.status != "resolved":
            continue  # never blame an owner who is not exactly one person
        spans = [s for s, rehired in res.person.leavings(end) if s.end is not None and rehired is None]
        if not spans:
            continue
        last_day = max(s.end for s in spans if s.end is not None)
        due = add_working_days(last_day, n)
        if due > end:
            continue  # not due yet
        label = _label(d)
        ev = srcs(d, res.person)
        measured: dict[str, Any] = {"last_day": last_day.isoformat(), "due": due.isoformat()}
        if d.returned_on is not None:
            if d.returned_on <= due:
                entities.append(EntityResult("device", label, "pass", f"returned on {d.returned_on.isoformat()}, "
                                             f"last day {last_day.isoformat()}", ev, measured=measured))
            else:
                entities.append(EntityResult("device", label, "fail", f"returned on {d.returned_on.isoformat()}, "
                                             f"after the deadline of {due.isoformat()} ({n} working days after the "
                                             f"last day {last_day.isoformat()})", ev, measured=measured))
            continue
        seen = utc(d.last_seen).date() if d.last_seen else None
        if (d.status or "").strip().lower() in GONE:
            entities.append(EntityResult("device", label, "pass", f"recorded as {d.status}", ev, measured=measured))
        elif seen is not None and seen > due:
            entities.append(EntityResult("device", label, "fail", f"still checking in on {seen.isoformat()}, after the "
                                         f"return deadline {due.isoformat()} (last day {last_day.isoformat()}); no "
                                         "return recorded", ev, measured=measured))
        else:
            entities.append(EntityResult("device", label, "partial", f"cannot tell whether it was returned: owner left "
                                         f"on {last_day.isoformat()} and no return date is recorded", ev,
                                         gap_kind="insufficient_evidence", measured=measured))
    return ctx.result(entities, empty="no devices of people who left")
