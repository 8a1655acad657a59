"""The roadmap and risk register of a stored plan, ready to show: rows with every value formatted, the
roadmap as an inline SVG timeline, the risk matrix as an inline SVG heat map, and the same content as
Markdown. Nothing here decides anything: it presents what :mod:`trustgap.plan` computed."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from trustgap.report.safe import markdown_text

CATEGORY_COLOURS = {"policy": "#5c6bc0", "process": "#00897b", "technical": "#ef6c00"}
LEVEL_PALETTE = ("#a5d6a7", "#fff59d", "#ffcc80", "#ef9a9a", "#c62828", "#7b1010")
STATUS_TEXT = {"on_track": "on track", "late": "late", "not_reached": "not reached in this roadmap",
               "no_target": "no target audit date"}


def _d(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0f}%"


def level_colours(levels: list[str]) -> dict[str, str]:
    """Colours from green to dark red, spread over the matrix levels in order."""
    n = len(levels)
    if n == 1:
        return {levels[0]: LEVEL_PALETTE[0]}
    picks = [round(i * (len(LEVEL_PALETTE) - 2) / (n - 1)) for i in range(n)]
    return {lv: LEVEL_PALETTE[p] for lv, p in zip(levels, picks, strict=True)}


def _task_row(t: dict[str, Any], spilled: dict[str, dict[str, Any]]) -> dict[str, Any]:
    sp = spilled.get(t["control_id"])
    spill = ""
    if sp and sp["to_phase"]:
        spill = f"moved from phase {sp['from_phase']} to {sp['to_phase']}: {sp['reason']}"
    return {
        "rank": t["rank"],
        "control_id": t["control_id"],
        "title": t["title"],
        "action": t["action"],
        "owner": t["owner"],
        "owner_role": t["owner_role"].replace("_", " "),
        "category": t["category"],
        "status": t["status"].replace("_", " "),
        "gap_kind": t["gap_kind"].replace("_", " "),
        "start": t["start"] or "",
        "due": t["due"] or "",
        "score": f"{t['score']:g}",
        "score_explained": t["score_explained"],
        "likelihood": f"{t['priority']['likelihood']:g}",
        "impact": f"{t['priority']['impact']:g}",
        "effort": t["effort"],
        "quick_win": t["quick_win"],
        "depends_on": ", ".join(t["depends_on"]),
        "criteria": ", ".join(t["criteria"]),
        "success_measure": t["success_measure"],
        "readiness_added": f"+{t['readiness_added']:.1f} pts",
        "spill": spill,
        "phase_reason": t.get("phase_reason") or "",
    }


def summary_lines(plan: dict[str, Any]) -> list[str]:
    r = plan["readiness"]
    lines = [f"Readiness now {_pct(r['current'])}; projected "
             + ", ".join(f"{_pct(x)} after phase {i}" for i, x in enumerate(r["after_phase"], start=1)) + "."]
    ready = r["projected_ready_date"]
    target = r["target_audit_date"] or "not set"
    margin = r.get("margin_days")
    if ready and r["status"] in ("on_track", "late") and margin is not None:
        when = f"{margin} days before" if margin >= 0 else f"{-margin} days after"
        lines.append(f"Projected audit-ready (readiness {r['audit_ready_at']:g}% or more) on {ready}, {when} the "
                     f"target audit date {target}: {STATUS_TEXT[r['status']]}.")
    elif ready:
        lines.append(f"Projected audit-ready (readiness {r['audit_ready_at']:g}% or more) on {ready}; no target "
                     "audit date in the scope file.")
    else:
        lines.append(f"Readiness does not reach {r['audit_ready_at']:g}% within this roadmap; target audit date "
                     f"{target}.")
        if r.get("note"):
            lines.append(r["note"][0].upper() + r["note"][1:] + ".")
    if r.get("type2_note"):
        lines.append(r["type2_note"][0].upper() + r["type2_note"][1:] + ".")
    c = plan["counts"]
    lines.append(f"{c['tasks']} tasks: {c['scheduled']} scheduled, {c['unscheduled']} not scheduled (on the risk "
                 f"register), {c['quick_wins']} quick wins.")
    return lines


def timeline_svg(plan: dict[str, Any], width: int = 1060, row: int = 16) -> str:
    """A Gantt chart of the scheduled tasks across the three phases."""
    start = _d(plan["start_date"])
    end = _d(plan["end_date"])
    assert start and end
    total = (end - start).days + 1
    label_w, top, right = 300, 46, 20
    inner = width - label_w - right
    tasks = sorted((t for t in plan["tasks"] if t["scheduled"]),
                   key=lambda t: (t["phase"], t["start"], t["rank"]))
    height = top + len(tasks) * row + 30

    def x(day: date) -> float:
        return label_w + inner * (day - start).days / total

    parts = []
    for ph in plan["phases"]:
        x0, x1 = x(_d(ph["start"])), x(_d(ph["end"])) + inner / total  # type: ignore[arg-type]
        shade = "#f7f7f7" if ph["number"] % 2 else "#ffffff"
        parts.append(f'<rect x="{x0:.1f}" y="0" width="{x1 - x0:.1f}" height="{height - 20}" fill="{shade}"/>')
        parts.append(f'<text x="{x0 + 6:.1f}" y="16" font-size="12" font-weight="bold">{ph["number"]}. '
                     f'{escape(ph["title"])}</text>')
        parts.append(f'<text x="{x0 + 6:.1f}" y="32" font-size="11" fill="#555">{ph["start"]} to {ph["end"]} · '
                     f'readiness {_pct(ph["projected_readiness"])}</text>')
    for i, t in enumerate(tasks):
        y = top + i * row
        s, d = _d(t["start"]), _d(t["due"])
        assert s and d
        colour = CATEGORY_COLOURS.get(t["category"], "#777")
        label = f'{t["control_id"]} {t["title"]}'
        label = label if len(label) <= 44 else label[:43] + "…"
        mark = " ★" if t["quick_win"] else ""
        tip = (f'{t["control_id"]} {t["title"]}: {t["owner"]}, {t["start"]} to {t["due"]}, score {t["score"]:g}'
               + (f', after {", ".join(t["depends_on"])}' if t["depends_on"] else ""))
        parts.append(f'<text x="4" y="{y + row * 0.72:.1f}" font-size="11">{escape(label)}{mark}</text>')
        x0, x1 = x(s), x(d) + inner / total
        parts.append(f'<rect x="{x0:.1f}" y="{y + 2}" width="{max(x1 - x0, 2):.1f}" height="{row - 4}" rx="2" '
                     f'fill="{colour}"><title>{escape(tip)}</title></rect>')
    for key, label, colour in (("projected_ready_date", "audit-ready", "#2e7d32"),
                               ("target_audit_date", "target audit", "#c62828")):
        day = _d(plan["readiness"].get(key))
        if day and start <= day <= end:
            xx = x(day) + inner / total / 2
            near_end = xx > width - 170
            tx, anchor = (xx - 3, "end") if near_end else (xx + 3, "start")
            parts.append(f'<line x1="{xx:.1f}" y1="{top - 6}" x2="{xx:.1f}" y2="{height - 20}" stroke="{colour}" '
                         f'stroke-dasharray="4 3"/><text x="{tx:.1f}" y="{height - 6}" font-size="11" '
                         f'text-anchor="{anchor}" fill="{colour}">{label} {day.isoformat()}</text>')
    target = _d(plan["readiness"].get("target_audit_date"))
    if target and target > end:
        parts.append(f'<text x="{width - right}" y="{height - 6}" font-size="11" text-anchor="end" fill="#c62828">'
                     f'target audit {target.isoformat()} ({(target - end).days} days after the roadmap ends) →</text>')
    legend = "".join(f'<rect x="{label_w + i * 110}" y="{height - 16}" width="10" height="10" fill="{c}"/>'
                     f'<text x="{label_w + i * 110 + 14}" y="{height - 7}" font-size="11">{k}</text>'
                     for i, (k, c) in enumerate(CATEGORY_COLOURS.items()))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 4}" '
            f'viewBox="0 0 {width} {height + 4}" role="img" aria-label="Remediation roadmap timeline">'
            + "".join(parts) + legend + "</svg>")


def heatmap_svg(register: dict[str, Any], cell: int = 62) -> str:
    """The risk matrix: likelihood (rows, 5 at the top) by impact (columns), each cell coloured by its
    rating and showing how many risks fall in it."""
    colours = level_colours(register["levels"])
    left, top = 86, 10
    w, h = left + 5 * cell + 10, top + 5 * cell + 44
    parts = []
    for c in register["cells"]:
        col, rowi = c["impact"] - 1, 5 - c["likelihood"]
        xx, yy = left + col * cell, top + rowi * cell
        n = len(c["risks"])
        tip = f'likelihood {c["likelihood"]}, impact {c["impact"]}: {c["rating"]}'
        if n:
            tip += " · " + ", ".join(c["risks"])
        parts.append(f'<rect x="{xx}" y="{yy}" width="{cell - 2}" height="{cell - 2}" fill="{colours[c["rating"]]}">'
                     f"<title>{escape(tip)}</title></rect>")
        if n:
            parts.append(f'<text x="{xx + cell / 2 - 1}" y="{yy + cell / 2 + 6}" text-anchor="middle" font-size="18" '
                         f'font-weight="bold">{n}</text>')
    for i in range(5):
        parts.append(f'<text x="{left - 8}" y="{top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="11">'
                     f"{5 - i}</text>")
        parts.append(f'<text x="{left + i * cell + cell / 2 - 1}" y="{top + 5 * cell + 14}" text-anchor="middle" '
                     f'font-size="11">{i + 1}</text>')
    parts.append(f'<text x="{left + 2.5 * cell}" y="{top + 5 * cell + 32}" text-anchor="middle" font-size="12">'
                 f"impact</text>")
    parts.append(f'<text x="14" y="{top + 2.5 * cell}" font-size="12" transform="rotate(-90 14 {top + 2.5 * cell})" '
                 f'text-anchor="middle">likelihood</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
            f'aria-label="Risk heat map">' + "".join(parts) + "</svg>")


def _risk_row(r: dict[str, Any], colours: dict[str, str]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "source": {"unscheduled": "not scheduled", "decision": "decision", "manual": "added by hand"}[r["source"]],
        "title": r["title"],
        "description": r["description"],
        "controls": ", ".join(r["controls"]),
        "likelihood": r["likelihood"],
        "impact": r["impact"],
        "score": r["score"],
        "rating": r["rating"],
        "colour": colours.get(r["rating"], "#eee"),
        "owner": r["owner"] or "",
        "treatment": r["treatment"],
        "status": r["status"],
        "accepted": r["accepted"],
        "justification": r["justification"],
        "review_date": r["review_date"],
    }


def plan_context(plan: dict[str, Any]) -> dict[str, Any]:
    """Everything ``_plan.html.j2`` shows, formatted."""
    spilled = {s["control_id"]: s for s in plan["spills"]}
    by_id = {t["control_id"]: t for t in plan["tasks"]}
    phases = []
    for ph in plan["phases"]:
        caps = {k: v for k, v in ph["capacity"].items() if v is not None}
        load = ", ".join(f"{role.replace('_', ' ')} {pts}" + (f"/{caps[role]}" if role in caps else "")
                         for role, pts in ph["points_by_owner"].items())
        phases.append({
            "number": ph["number"], "title": ph["title"], "summary": ph["summary"], "start": ph["start"],
            "end": ph["end"], "projected": _pct(ph["projected_readiness"]),
            "added": f"+{ph['readiness_added']:.1f} pts", "load": load,
            "tasks": [_task_row(by_id[c], spilled) for c in ph["tasks"]],
        })
    register = plan["risk_register"]
    colours = level_colours(register["levels"])
    risks = [_risk_row(r, colours) for r in register["risks"]]
    w = plan["settings"]["weights"]
    return {
        "summary": summary_lines(plan),
        "timeline_svg": timeline_svg(plan),
        "heatmap_svg": heatmap_svg(register),
        "phases": phases,
        "top": [_task_row(t, spilled) for t in plan["tasks"][:10]],
        "quick_wins": [_task_row(by_id[c], spilled) for c in plan["quick_wins"]],
        "spills": [{"control_id": s["control_id"], "title": by_id[s["control_id"]]["title"],
                    "owner": by_id[s["control_id"]]["owner"], "from": s["from_phase"],
                    "to": f"phase {s['to_phase']}" if s["to_phase"] else "not scheduled", "reason": s["reason"]}
                   for s in plan["spills"]],
        "risks": risks,
        "accepted": [r for r in risks if r["accepted"]],
        "legend": [{"level": lv, "colour": colours[lv], "count": register["counts"].get(lv, 0)}
                   for lv in register["levels"]],
        "category_colours": CATEGORY_COLOURS,
        "weights_text": (f"likelihood = ({w['gap_kind']:g} x gap kind + {w['severity']:g} x severity + "
                         f"{w['audit_focus']:g} x audit focus) / {w['gap_kind'] + w['severity'] + w['audit_focus']:g}; "
                         f"value = ({w['likelihood']:g} x likelihood + {w['impact']:g} x impact) / "
                         f"{w['likelihood'] + w['impact']:g}; score = 20 x value / effort points^{w['effort']:g}"),
    }


def _cell(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def plan_markdown(plan: dict[str, Any]) -> str:
    """The roadmap and the risk register as Markdown (for ``report --format md``)."""
    ctx = plan_context(plan)
    out: list[str] = ["## Remediation roadmap\n"]
    out.extend(ctx["summary"])
    out.append(f"\nPriority: {ctx['weights_text']}. Quick wins (likelihood 4+, effort S) are marked ★.\n")
    for ph in ctx["phases"]:
        out.append(f"### Phase {ph['number']}: {ph['title']} ({ph['start']} to {ph['end']}), projected readiness "
                   f"{ph['projected']}\n")
        out.append(f"{ph['summary']}" + (f" Load (points used/capacity): {ph['load']}." if ph["load"] else "") + "\n")
        if not ph["tasks"]:
            out.append("No tasks.\n")
            continue
        out.append("| # | Control | Task | Owner | Category | Due | Score | After | Success measure | Closes |")
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        for t in ph["tasks"]:
            star = " ★" if t["quick_win"] else ""
            out.append(f"| {t['rank']} | {t['control_id']}{star} | {_cell(t['title'])} | {_cell(t['owner'])} | "
                       f"{t['category']} | {t['due']} | {t['score']} | {t['depends_on']} | "
                       f"{_cell(t['success_measure'])} | {t['criteria']} ({t['readiness_added']}) |")
        out.append("")
    if ctx["spills"]:
        out.append("### Capacity and spill-over\n")
        for s in ctx["spills"]:
            out.append(f"- **{s['control_id']}** {s['title']} ({s['owner']}): phase {s['from']} → {s['to']}: "
                       f"{s['reason']}")
        out.append("")
    out.append("## Risk register\n")
    reg = plan["risk_register"]
    out.append("| Likelihood \\ Impact | 1 | 2 | 3 | 4 | 5 |\n|---|---|---|---|---|---|")
    for lk in range(5, 0, -1):
        cells = [c for c in reg["cells"] if c["likelihood"] == lk]
        out.append(f"| {lk} | " + " | ".join(f"{c['rating']} ({len(c['risks'])})" for c in cells) + " |")
    out.append("")
    if not ctx["risks"]:
        out.append("No risks on the register.\n")
    else:
        out.append("| Id | Risk | L | I | Rating | Owner | Treatment | Justification | Review |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        for r in ctx["risks"]:
            treat = f"**{r['treatment']} (accepted)**" if r["accepted"] else r["treatment"]
            out.append(f"| {r['id']} | {_cell(r['title'])} | {r['likelihood']} | {r['impact']} | {r['rating']} | "
                       f"{_cell(r['owner'])} | {treat} | {_cell(r['justification'])} | {r['review_date']} |")
    if ctx["accepted"]:
        out.append(f"\nAccepted risks: {', '.join(r['id'] for r in ctx['accepted'])}.")
    return markdown_text("\n".join(out) + "\n")
