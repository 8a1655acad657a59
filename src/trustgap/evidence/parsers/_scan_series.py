"""Dating vulnerabilities across a series of scans of the same target (Trivy, Grype, ...).

Each report yields one :class:`Scan` and one :class:`Vulnerability` observation per flaw found, with
``first_seen = last_seen =`` the scan time. :func:`date_series` merges the observations of one target and one flaw
(``key``) into one vulnerability whose ``first_seen`` is the earliest scan it appears in and ``last_seen`` the latest;
``fixed_at`` is the first later scan of the same target in which it no longer appears (None while it is still present
in the latest scan; the fix happened somewhere between ``last_seen`` and ``fixed_at``). Linear in the observations
plus a sort of each target's scan times.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import datetime
from typing import Any

from trustgap.facts import Scan, Vulnerability


def flaw_key(v: Vulnerability) -> Hashable:
    """One flaw however its scanner named it this time: the CVE among its id and aliases when there is one
    (a scanner may report GHSA-... in one run and CVE-... in the next), else its id."""
    cves = sorted(i for i in (v.vuln_id, *v.aliases) if i.upper().startswith("CVE-"))
    return cves[0].upper() if cves else v.vuln_id


def date_series(facts: list[Any], key: Callable[[Vulnerability], Hashable] = flaw_key) -> list[Any]:
    scan_times: dict[str, set[datetime]] = defaultdict(set)
    groups: dict[tuple[str, Hashable, str], list[Vulnerability]] = defaultdict(list)
    out: list[Any] = []
    for f in facts:
        if isinstance(f, Vulnerability):
            groups[(f.target, key(f), f.package or "")].append(f)
            continue
        if isinstance(f, Scan):
            scan_times[f.target].add(f.scanned_at)
        out.append(f)
    sorted_times = {target: sorted(times) for target, times in scan_times.items()}
    for (target, _flaw, _pkg), obs in groups.items():
        latest = max(obs, key=lambda o: o.last_seen)
        times = sorted_times.get(target, [])
        idx = bisect_right(times, latest.last_seen)
        fixed_at = times[idx] if idx < len(times) else latest.fixed_at  # keep a date another source established
        aliases = tuple(dict.fromkeys(a for o in obs for a in (o.vuln_id, *o.aliases) if a != latest.vuln_id))
        out.append(replace(
            latest,
            first_seen=min(o.first_seen for o in obs),
            fixed_at=fixed_at,
            fixed_version=latest.fixed_version or next((o.fixed_version for o in obs if o.fixed_version), None),
            published_at=latest.published_at or next((o.published_at for o in obs if o.published_at), None),
            aliases=aliases,
        ))
    return out
