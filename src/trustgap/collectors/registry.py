"""The live collectors, found by listing this package: a module that defines ``COLLECTOR`` (a :class:`Collector`)
is one. Adding a collector is adding one module; the runner, ``trustgap assess --collect``, the scope file's
``collect`` section and ``trustgap collect`` find it here.

A collector declares its name, what it collects, the model of its ``collect.<name>`` section (its options), the
fetch function, and the topic prefix of the check sources it feeds (``azuread`` for Entra ID, ``scans`` for IaC),
so ``trustgap collect NAME`` can show the checks that read what it collected.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from trustgap.errors import InputError

if TYPE_CHECKING:
    from trustgap.collectors.base import CollectConfig, Progress
    from trustgap.evidence.ingest import SourceOutput
    from trustgap.evidence.store import EvidenceStore


@dataclass(frozen=True)
class CollectRun:
    """What every collection is given besides its configuration."""

    store: EvidenceStore
    as_of: date
    period: tuple[date, date] | None = None  # the Type II audit period, when there is one
    progress: Progress | None = None
    env: Mapping[str, str] | None = None
    options: dict[str, dict[str, Any]] | None = None  # the scope's per-format parser options
    sleep: Callable[[float], None] = field(default=time.sleep)


Fetch = Callable[["CollectConfig", CollectRun], "SourceOutput"]


@dataclass(frozen=True)
class Collector:
    name: str  # as written in the scope file (collect.<name>) and on the command line
    description: str
    options: type[BaseModel]  # the model of the collect.<name> section
    fetch: Fetch
    topic: str  # the prefix of the check sources it feeds (aws.iam, github.pulls, azuread.users, ...)
    needs_section: bool = True  # False: runs without a collect.<name> section (AWS: the default credential chain)
    # a problem with a configured section that its model cannot express (field, message), or None
    check: Callable[[Any], tuple[str, str] | None] | None = None


_LOCK = threading.Lock()
_LOADED: list[Mapping[str, Collector]] = []


def discover() -> dict[str, Collector]:
    """Import every module of the package and keep the ``COLLECTOR`` each declares."""
    from trustgap import collectors as pkg

    found: dict[str, Collector] = {}
    for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if mod.name.startswith("_") or mod.name in ("base", "registry", "runner"):
            continue
        declared = getattr(importlib.import_module(f"{pkg.__name__}.{mod.name}"), "COLLECTOR", None)
        if isinstance(declared, Collector):
            if declared.name in found:
                raise ValueError(f"two collectors are named {declared.name!r}")
            found[declared.name] = declared
    return dict(sorted(found.items()))


def collectors() -> Mapping[str, Collector]:
    """Every collector of the package, by name (discovered once, under a lock; read-only)."""
    if _LOADED:
        return _LOADED[0]
    with _LOCK:
        if not _LOADED:
            _LOADED.append(MappingProxyType(discover()))
        return _LOADED[0]


def collector(name: str) -> Collector:
    """The collector called ``name``; an input error naming the known ones otherwise."""
    known = collectors()
    if name not in known:
        raise InputError("collect", f"unknown collector {name!r}; use one of {', '.join(known)}")
    return known[name]
