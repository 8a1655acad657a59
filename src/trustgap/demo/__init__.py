"""The bundled demo organisation: Northwind Cloud, a fictional 24-person B2B SaaS company."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

# The demo's evidence is dated around this day; assessing it on another day ages it (try --as-of).
DEMO_AS_OF = date(2026, 11, 16)


def demo_folder() -> Path:
    return Path(str(resources.files("trustgap.demo") / "northwind"))
