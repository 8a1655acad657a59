"""Inline SVG charts (no scripts, no network): readiness donut, stacked status bars, criteria grid."""

from __future__ import annotations

import math
from html import escape

from trustgap.engine.models import Counts, Rollup

COLOURS = {
    "implemented": "#2e7d32",
    "partial": "#f9a825",
    "gap": "#c62828",
    "not_assessed": "#9e9e9e",
    "not_applicable": "#e0e0e0",
}
ORDER = ("implemented", "partial", "gap", "not_assessed", "not_applicable")
LABELS = {"implemented": "Implemented", "partial": "Partial", "gap": "Gap", "not_assessed": "Not assessed",
          "not_applicable": "Not applicable"}


def donut(counts: Counts, score: float | None, size: int = 180) -> str:
    """A ring of control statuses with the readiness score in the middle."""
    total = sum(getattr(counts, k) for k in ORDER if k != "not_applicable")
    r, stroke = size / 2 - 14, 22
    c = 2 * math.pi * r
    parts, offset = [], 0.0
    for k in ORDER[:-1]:
        n = getattr(counts, k)
        if not n or not total:
            continue
        length = c * n / total
        parts.append(
            f'<circle r="{r:.1f}" cx="{size / 2}" cy="{size / 2}" fill="none" stroke="{COLOURS[k]}" '
            f'stroke-width="{stroke}" stroke-dasharray="{length:.2f} {c - length:.2f}" '
            f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {size / 2} {size / 2})">'
            f"<title>{LABELS[k]}: {n}</title></circle>"
        )
        offset += length
    label = "n/a" if score is None else f"{score:.0f}%"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="Readiness {label}">'
        f'<circle r="{r:.1f}" cx="{size / 2}" cy="{size / 2}" fill="none" stroke="#f0f0f0" stroke-width="{stroke}"/>'
        + "".join(parts)
        + f'<text x="50%" y="50%" text-anchor="middle" dominant-baseline="central" font-size="30" '
        f'font-weight="bold" fill="#222">{label}</text>'
        f'<text x="50%" y="{size / 2 + 24}" text-anchor="middle" font-size="11" fill="#555">ready</text></svg>'
    )


def stacked_bars(rollups: list[Rollup], width: int = 560, bar: int = 22) -> str:
    """One horizontal bar per rollup, split by status, with the readiness score at the end."""
    label_w, score_w = 170, 60
    inner = width - label_w - score_w
    height = len(rollups) * (bar + 10) + 8
    rows = []
    for i, ru in enumerate(rollups):
        y = 4 + i * (bar + 10)
        total = sum(getattr(ru.readiness.counts, k) for k in ORDER)
        x = float(label_w)
        rows.append(f'<text x="0" y="{y + bar * 0.7:.1f}" font-size="12" fill="#222">{escape(ru.title[:28])}</text>')
        for k in ORDER:
            n = getattr(ru.readiness.counts, k)
            if not n or not total:
                continue
            w = inner * n / total
            rows.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{COLOURS[k]}">'
                        f"<title>{escape(ru.title)}: {LABELS[k]} {n}</title></rect>")
            x += w
        score = None if ru.status == "not_assessed" else ru.readiness.score  # not assessed is not 0% ready
        rows.append(f'<text x="{width - score_w + 8}" y="{y + bar * 0.7:.1f}" font-size="12" font-weight="bold">'
                    f'{"n/a" if score is None else f"{score:.0f}%"}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img">' + "".join(rows) + "</svg>")


def legend() -> str:
    items = "".join(
        f'<span class="lg"><span class="sw" style="background:{COLOURS[k]}"></span>{LABELS[k]}</span>' for k in ORDER
    )
    return f'<div class="legend">{items}</div>'


def criteria_grid(rollups: list[Rollup], cols: int = 11, cell: int = 52) -> str:
    """A tile per criterion coloured by its status, with its readiness."""
    rows = math.ceil(len(rollups) / cols) or 1
    w, h = cols * (cell + 4), rows * (cell + 4)
    tiles = []
    for i, ru in enumerate(rollups):
        x, y = (i % cols) * (cell + 4), (i // cols) * (cell + 4)
        fill = COLOURS.get(ru.status, "#ccc")
        text_fill = "#222" if ru.status in ("partial", "not_applicable") else "#fff"
        score = None if ru.status == "not_assessed" else ru.readiness.score  # grey and "n/a", never "0%"
        tiles.append(
            f'<g><rect x="{x}" y="{y}" width="{cell}" height="{cell}" rx="4" fill="{fill}">'
            f"<title>{escape(ru.id)} {escape(ru.title)}: {LABELS.get(ru.status, ru.status)}</title></rect>"
            f'<text x="{x + cell / 2}" y="{y + 22}" text-anchor="middle" font-size="12" font-weight="bold" '
            f'fill="{text_fill}">{escape(ru.id)}</text>'
            f'<text x="{x + cell / 2}" y="{y + 38}" text-anchor="middle" font-size="10" fill="{text_fill}">'
            f'{"n/a" if score is None else f"{score:.0f}%"}</text></g>'
        )
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            f'role="img">' + "".join(tiles) + "</svg>")
