"""Small inline SVG charts for the pages (no JavaScript needed to read them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Trend:
    points: str  # SVG polyline points
    dots: list[tuple[float, float, str]]  # x, y, label
    width: int
    height: int


def trend(values: Sequence[tuple[str, float | None]], width: int = 560, height: int = 140, pad: int = 16) -> Trend:
    """Readiness (0-100) over runs, oldest first; runs without a score are left out."""
    known = [(label, v) for label, v in values if v is not None]
    if not known:
        return Trend("", [], width, height)
    step = (width - 2 * pad) / max(len(known) - 1, 1)
    dots = []
    for i, (label, v) in enumerate(known):
        x = pad + i * step if len(known) > 1 else width / 2
        y = height - pad - (height - 2 * pad) * max(0.0, min(v, 100.0)) / 100
        dots.append((round(x, 1), round(y, 1), f"{label}: {v:.1f}%"))
    return Trend(" ".join(f"{x},{y}" for x, y, _ in dots), dots, width, height)
