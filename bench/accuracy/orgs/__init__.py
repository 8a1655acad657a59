"""The benchmark's organisations: name -> generator module (each has ``generate(out, small, seed)``)."""

from __future__ import annotations

import importlib
from types import ModuleType

NAMES = ("meridian", "harbor", "lumen", "kestrel", "tricky", "atlas")


def available() -> list[str]:
    out = []
    for n in NAMES:
        try:
            importlib.import_module(f"bench.accuracy.orgs.{n}")
        except ModuleNotFoundError:
            continue
        out.append(n)
    return out


def module(name: str) -> ModuleType:
    if name not in NAMES:
        raise KeyError(f"unknown organisation {name!r}; known: {', '.join(NAMES)}")
    return importlib.import_module(f"bench.accuracy.orgs.{name}")
