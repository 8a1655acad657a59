"""What one collection part produced (a :class:`~trustgap.evidence.ingest.SourceOutput`: evidence items and
facts), as JSON, so that it can be stored in the database by one worker and merged by another.

Facts are the frozen dataclasses of :mod:`trustgap.facts`; each is written as ``{"@": class name, field:
value}``, with dates, datetimes, tuples and nested facts (``Src``) tagged so they come back as the same
types. Only classes of :mod:`trustgap.facts` are ever built when reading (no code is loaded from the data).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from typing import Any

from trustgap import facts as facts_module
from trustgap.engine.models import EvidenceItem
from trustgap.evidence.ingest import SourceOutput


def _fact_classes() -> dict[str, type]:
    return {name: obj for name, obj in vars(facts_module).items()
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == facts_module.__name__}


def _enc(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"@": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = _enc(getattr(value, f.name))
        return out
    if isinstance(value, datetime):
        return {"@dt": value.isoformat()}
    if isinstance(value, date):
        return {"@d": value.isoformat()}
    if isinstance(value, tuple):
        return {"@t": [_enc(v) for v in value]}
    if isinstance(value, list):
        return [_enc(v) for v in value]
    if isinstance(value, dict):
        if any(not isinstance(k, str) for k in value):
            return {"@kv": [[_enc(k), _enc(v)] for k, v in value.items()]}
        return {k: _enc(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return {"@s": [_enc(v) for v in sorted(value, key=repr)]}
    return value


def _dec(value: Any, classes: dict[str, type]) -> Any:
    if isinstance(value, list):
        return [_dec(v, classes) for v in value]
    if not isinstance(value, dict):
        return value
    if "@" in value:
        cls = classes.get(value["@"])
        if cls is None:
            raise ValueError(f"unknown fact type {value['@']!r}")
        return cls(**{k: _dec(v, classes) for k, v in value.items() if k != "@"})
    if "@dt" in value:
        return datetime.fromisoformat(value["@dt"])
    if "@d" in value:
        return date.fromisoformat(value["@d"])
    if "@t" in value:
        return tuple(_dec(v, classes) for v in value["@t"])
    if "@s" in value:
        return frozenset(_dec(v, classes) for v in value["@s"])
    if "@kv" in value:
        return {_dec(k, classes): _dec(v, classes) for k, v in value["@kv"]}
    return {k: _dec(v, classes) for k, v in value.items()}


def dump_output(out: SourceOutput) -> tuple[str, str]:
    """(JSON text, its SHA-256). Assertions (interview answers) never come from a collector and are refused."""
    if out.assertions:
        raise ValueError("a collection part carries no answers")
    doc = {"items": [i.model_dump(mode="json") for i in out.items],
           "facts": [_enc(f) for f in out.facts],
           "facts_by_parser": {k: [_enc(f) for f in v] for k, v in sorted(out.facts_by_parser.items())}}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text, hashlib.sha256(text.encode()).hexdigest()


def load_output(text: str) -> SourceOutput:
    classes = _fact_classes()
    doc = json.loads(text)
    out = SourceOutput()
    out.items = [EvidenceItem.model_validate(i) for i in doc["items"]]
    out.facts = [_dec(f, classes) for f in doc["facts"]]
    out.facts_by_parser = {k: [_dec(f, classes) for f in v] for k, v in doc["facts_by_parser"].items()}
    return out
