"""The parsers' own data tables (``data/*.yaml``), read once on first use (never at import time)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_table(name: str) -> Any:
    """Parsed content of ``trustgap/evidence/parsers/data/<name>``."""
    text = resources.files("trustgap.evidence.parsers").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)
