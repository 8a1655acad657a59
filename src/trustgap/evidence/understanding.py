"""What trustgap understood of a file, as one explanation: the format and why, the runners-up, the columns taken for
each field with the evidence, rows read and skipped, a few sample facts; or why nothing understood it.

The same :class:`~trustgap.engine.models.Understanding` is printed by ``trustgap inspect``, stored in the run with
the evidence item, and shown in the report's evidence section. Scores are rounded so stored runs stay reproducible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from trustgap.evidence.detect import Parser, Recognition
from trustgap.evidence_items import ColumnUse, FormatScore, SkippedRow, Understanding

SAMPLE_FACTS = 3
RUNNERS_UP = 3


def fact_text(fact: Any, limit: int = 200) -> str:
    """``Person(email=alice@acme.example, status=active, hire_date=2022-02-14)``: the fields a fact states."""
    if not dataclasses.is_dataclass(fact):
        return str(fact)[:limit]
    parts = []
    for f in dataclasses.fields(fact):
        if f.name in ("src", "text"):
            continue
        v = getattr(fact, f.name)
        if v in (None, "", (), {}, [], False) and f.name != "active":
            continue
        if isinstance(v, datetime | date):
            v = v.isoformat()
        elif isinstance(v, tuple) and v and dataclasses.is_dataclass(v[0]):
            v = f"{len(v)} {type(v[0]).__name__.lower()}(s)"
        parts.append(f"{f.name}={v}")
    text = f"{type(fact).__name__}({', '.join(parts)})"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _not_understood(rec: Recognition, parsers: dict[str, Parser]) -> str:
    generic = [r for r in rec.ranked if getattr(parsers.get(r.name), "spec", None) is not None
               and parsers[r.name].spec.generic and r.reasons]
    if generic:
        shown = "; ".join(f"as {r.title.lower()}: {r.reasons[0]}" for r in generic[:4])
        return f"no format fits its columns ({shown})"
    return "no format recognises its content (header row or top-level keys)"


def understanding(rec: Recognition, parsers: dict[str, Parser], reading: dict[str, Any] | None = None,
                  facts: Sequence[Any] = ()) -> Understanding:
    """The explanation of one file from its recognition, what the mapping read, and the facts it gave."""
    chosen = rec.chosen
    best = next((r for r in rec.ranked if chosen is not None and r.name == chosen.name), None)
    out = Understanding(
        format=chosen.name if chosen else None,
        title=chosen.title if chosen else None,
        score=round(best.score, 2) if best else None,
        reasons=list(best.reasons) if best else [],
        bound=rec.bound is not None,
        runners_up=[FormatScore(format=r.name, title=r.title, score=round(r.score, 2), reasons=r.reasons[:3])
                    for r in rec.runners_up(RUNNERS_UP) if r.score > 0],
    )
    if rec.bound is not None:
        out.reasons.insert(0, "bound to this format by the scope file (parsers.<format>.files)")
    if chosen is None:
        out.not_understood = _not_understood(rec, parsers)
        return out
    if reading:
        out.table = reading.get("table")
        out.columns = [ColumnUse(**c) for c in reading.get("columns", [])]
        out.unmapped = list(reading.get("unmapped", []))
        out.rows_read = reading.get("rows_read")
        out.rows_skipped = reading.get("rows_skipped")
        out.skipped = [SkippedRow(**s) for s in reading.get("skipped", [])]
    out.samples = [fact_text(f) for f in list(facts)[:SAMPLE_FACTS]]
    return out


def inspect_bytes(data: bytes, name: str, parsers: dict[str, Parser], options: dict[str, dict[str, Any]],
                  as_of: date) -> tuple[Understanding, list[Any], list[Any]]:
    """Recognise and read one file without storing it: (understanding, errors, facts). A file holding a credential
    is not read (the understanding says why)."""
    from datetime import UTC

    from trustgap.evidence.detect import ParseContext, explain, parse_with
    from trustgap.evidence.secrets import find_secret
    from trustgap.evidence.store import EvidenceRef, sha256_bytes

    secret = find_secret(data)
    if secret is not None:
        return (Understanding(not_understood=f"not read: line {secret[0]} holds what looks like a {secret[1]}"),
                [], [])
    rec = explain(data, name, parsers, options)
    if rec.chosen is None:
        return understanding(rec, parsers), [], []
    ref = EvidenceRef(sha256_bytes(data), name, "file", datetime.combine(as_of, datetime.min.time(), tzinfo=UTC),
                      len(data))
    ctx = ParseContext(ref=ref, path=name, as_of=as_of, options=dict(options.get(rec.chosen.name) or {}))
    res = parse_with(rec.chosen, data, ctx)
    finalize = rec.chosen.finalize
    facts = list(res.facts)
    if finalize is not None:
        try:
            facts = finalize(facts) or facts
        except Exception:  # a join needing other files: show the facts as read
            facts = list(res.facts)
    return understanding(rec, parsers, ctx.understanding, facts), list(res.errors), facts
