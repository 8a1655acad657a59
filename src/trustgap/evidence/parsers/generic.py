"""The ``generic`` hook of the generic specs (``trustgap/evidence/formats/generic_*.yaml``): exports of systems no
spec names, understood from their columns.

A mapping says which column is which; what no column says comes from the file: the system (or scanning tool) is
a "System" / "Tool" column when there is one, else the file's name (``slack-users.csv`` -> ``slack``); an account
without a login column is known by its e-mail; a vulnerability seen once was last seen when first seen; a change
without a repository column belongs to the file's system. A row missing what its fact cannot be without is
reported with its line and skipped.
"""

from __future__ import annotations

import re
from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook

_NOISE = re.compile(r"\b(export|exported|report|list|users?|members?|accounts?|devices?|inventory|incidents?|"
                    r"changes?|vulnerabilit(y|ies)|vulns?|findings?|issues?|all|full|latest|data|\d{4}([-_]\d{2}){0,2}|"
                    r"\d+)\b")


def system_from_name(path: str) -> str:
    """A system token from a file name: ``exports/Slack-users-2026-03.csv`` -> ``slack``."""
    stem = path.rsplit("!", 1)[-1].rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    words = [w for w in re.split(r"[^a-z0-9]+", _NOISE.sub(" ", stem.replace("_", " ").replace("-", " "))) if w]
    return "-".join(words) or "unknown"


def _needed(hc: HookContext) -> list[str]:
    import dataclasses

    from trustgap.evidence.mapping_spec import fact_class

    cls = fact_class(hc.spec.fact)
    return [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING and f.name != "src"]


@register_hook("generic")
def generic(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    fallback = system_from_name(hc.ctx.path)
    needed = _needed(hc)
    out: list[Any] = []
    for row in rows:
        system = str(row.get("_system") or fallback).strip().lower() or fallback
        extra: dict[str, Any] = {}
        if "system" in needed:
            extra["system"] = system
        if hc.spec.fact == "Vulnerability":
            extra["tool"] = system
            extra["target"] = row.get("target") or fallback
            extra["last_seen"] = row.get("last_seen") or row.get("first_seen")
            for key in ("package", "installed_version", "fixed_version"):
                extra[key] = row.get(key)
        if hc.spec.fact == "Account":
            account = row.get("account_id") or row.get("email")
            extra["account_id"] = str(account) if account is not None else None
        if hc.spec.fact == "Change":
            extra["repository"] = row.get("repository") or system
        values = {**row.values, **extra}
        if not hc.require(row, *needed, values=values):
            continue
        for key in ("change_id", "incident_id", "device_id", "vuln_id"):
            if key in values and values[key] is not None:
                extra[key] = str(values[key])
        out.append(hc.fact(row, **extra))
    return out
