"""When recurring evidence expires: a quarterly access review expires three months after the last one.

Pure: one stored result in, a list of :class:`Expiry` out. The last occurrence of each recurring activity
comes from what the checks measured (``measured.latest`` of a cadence check, ``measured.reviewed`` of a
policy review) and from interview answers (``last_performed``); the cadence is the resolved threshold the
check uses (``access_review_cadence_months`` after the organisation's own policy or scope file), else the
catalog's ``cadence_months`` for the control. Each item says whether the evidence has expired, expires
within the warning window, or will expire before the target audit date.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

from trustgap.catalog.loader import Catalog, load_catalog
from trustgap.dates import add_months
from trustgap.engine.models import AssessmentResult

ExpiryState = Literal["expired", "expiring", "expires_before_audit", "fresh"]
STATE_ORDER = {"expired": 0, "expiring": 1, "expires_before_audit": 2, "fresh": 3}


@dataclass(frozen=True)
class Expiry:
    control_id: str
    title: str
    entity: str
    last_on: date
    cadence_months: int
    cadence_from: str  # the threshold key (and its origin), or "catalog"
    expires_on: date
    days_left: int
    state: ExpiryState
    source: str  # check id, or "answer"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["last_on"], d["expires_on"] = self.last_on.isoformat(), self.expires_on.isoformat()
        return d


def _check_cadences() -> dict[str, tuple[str, ...]]:
    from trustgap.checks.base import load_checks

    return {cid: tuple(k for k in c.meta.thresholds if k.endswith("_months")) for cid, c in load_checks().items()}


def _last_date(measured: dict[str, Any] | None) -> date | None:
    if not measured:
        return None
    for key in ("latest", "reviewed"):
        value = measured.get(key)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def evidence_expiry(result: AssessmentResult, *, warn_days: int = 30, catalog: Catalog | None = None
                    ) -> list[Expiry]:
    """Every recurring control's evidence with its expiry date, most urgent first."""
    cat = catalog or load_catalog()
    cadence_keys = _check_cadences()
    as_of = result.as_of
    audit = result.target_audit_date
    best: dict[tuple[str, str], tuple[date, int, str, str]] = {}

    def note(control_id: str, entity: str, last: date, months: int, origin: str, source: str) -> None:
        key = (control_id, entity)
        if key not in best or last > best[key][0]:
            best[key] = (last, months, origin, source)

    def months_for(check_id: str, control_id: str) -> tuple[int, str] | None:
        for k in cadence_keys.get(check_id, ()):
            entry = result.thresholds.get(k)
            if entry and isinstance(entry.get("value"), int | float):
                return int(entry["value"]), f"{k} ({entry.get('origin', 'default')})"
        control_months = cat.control(control_id).cadence_months if cat.has_control(control_id) else None
        return (control_months, "catalog") if control_months else None

    in_scope = {v.control_id for v in result.verdicts if v.status != "not_applicable"}
    for chk in result.checks:
        measured = [(e.entity, e.measured) for e in chk.passing]
        measured += [(f.entity or chk.title, f.measured) for f in result.findings if f.check_id == chk.check_id]
        for control_id in chk.controls:
            if control_id not in in_scope:
                continue
            cadence = months_for(chk.check_id, control_id)
            if cadence is None:
                continue
            for entity, m in measured:
                last = _last_date(m)
                if last is not None:
                    note(control_id, entity, last, cadence[0], cadence[1], chk.check_id)
    for v in result.verdicts:
        if v.control_id not in in_scope or v.answer is None or v.answer.last_performed is None:
            continue
        months = cat.control(v.control_id).cadence_months if cat.has_control(v.control_id) else None
        if months:
            note(v.control_id, v.answer.question_id or "answer", v.answer.last_performed, months, "catalog", "answer")

    titles = {v.control_id: v.title for v in result.verdicts}
    out: list[Expiry] = []
    for (control_id, entity), (last, months, origin, source) in best.items():
        expires = add_months(last, months)
        days_left = (expires - as_of).days
        state: ExpiryState
        if days_left <= 0:
            state = "expired"
        elif days_left <= warn_days:
            state = "expiring"
        elif audit is not None and expires <= audit:
            state = "expires_before_audit"
        else:
            state = "fresh"
        out.append(Expiry(control_id, titles.get(control_id, control_id), entity, last, months, origin, expires,
                          days_left, state, source))
    out.sort(key=lambda e: (STATE_ORDER[e.state], e.expires_on, e.control_id, e.entity))
    return out
