"""The report as Markdown: the same sections and content as the HTML, for wikis and pull requests."""

from __future__ import annotations

from trustgap.engine.models import GAP_KIND_LABELS, STATUS_LABELS, AssessmentResult
from trustgap.report.safe import markdown_text
from trustgap.report.view import FindingDigest, build_view


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0f}%"


def _cell(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def render_markdown(result: AssessmentResult, run_id: str | None = None,
                    findings: FindingDigest | None = None) -> str:
    """``findings``: the digest of the run's findings when ``result`` is a stored run's outline (without them)."""
    v = build_view(result, run_id, findings=findings)
    r = result
    c = r.readiness.counts
    out: list[str] = []
    add = out.append
    add(f"# SOC 2 gap assessment: {r.organisation}\n")
    period = f", audit period {r.period_start} to {r.period_end}" if r.period_start else ""
    add(f"As of **{r.as_of}** · {'Type II' if r.report_type == 'type2' else 'Type I'}{period} · categories: "
        f"{', '.join(x.replace('_', ' ') for x in r.categories)}" + (f" · run `{run_id}`" if run_id else "") + "\n")
    add("## Executive summary\n")
    add(f"Readiness **{_pct(r.readiness.score)}** over {c.in_scope} in-scope controls (Partial counts half); "
        f"{_pct(r.readiness.assessed_score)} over the {c.assessed} assessed ({c.from_evidence} decided from evidence, "
        f"{c.from_interview} by interview answers alone).\n")
    if r.collection_issues:
        add("**Could not collect** (the checks that needed these sources are Not assessed):\n")
        out.extend(f"- {_cell(i)}" for i in r.collection_issues)
        add("")
    if v.interview_line:
        add(v.interview_line + "\n")
    add("| Status | Controls |\n|---|---|")
    for k in ("implemented", "partial", "gap", "not_assessed", "not_applicable"):
        add(f"| {STATUS_LABELS[k]} | {getattr(c, k)} |")
    add("")
    add("| Severity | Findings |\n|---|---|")
    for s in ("critical", "high", "medium", "low"):
        add(f"| {s} | {v.severity_counts.get(s, 0)} |")
    add("\n## Readiness by Trust Services category\n")
    add("| Category | Status | Readiness | Implemented | Partial | Gap | Not assessed | Decided from evidence | "
        "Decided by interview |\n|---|---|---|---|---|---|---|---|---|")
    for ru in r.category_rollups:
        n = ru.readiness.counts
        add(f"| {ru.title} | {STATUS_LABELS[ru.status]} | {_pct(ru.readiness.score)} | {n.implemented} | "
            f"{n.partial} | {n.gap} | {n.not_assessed} | {n.from_evidence} of {n.in_scope} | "
            f"{n.from_interview} of {n.in_scope} |")
    add("\n## Scope\n")
    for s in r.scope.get("systems", []):
        add(f"- {s['name']} (`{s['kind']}`{', ' + s['role'] if s.get('role') else ''})"
            f"{'' if s.get('in_scope', True) else ' — out of scope'}")
    add("\n## Findings by severity\n")
    for sev in ("critical", "high", "medium", "low"):
        for g in v.groups_by_severity.get(sev, []):
            kind = f" · {GAP_KIND_LABELS[g.gap_kind]}" if g.gap_kind else ""
            add(f"### [{sev}] {g.title} ({', '.join(g.control_ids)}; {', '.join(g.criteria)}{kind})\n")
            if g.promise:
                add(f"> Promised: “{g.promise.quote}” ({g.promise.source})\n")
            add("| Entity | Current state | Evidence |\n|---|---|---|")
            for f in g.findings:
                ev = "; ".join(f"{e.name or ''} {e.locator} `{e.sha256[:12]}`".strip() for e in f.evidence[:2])
                sure = " (cannot tell)" if f.certainty == "cannot_tell" else ""
                disagree = "".join(f" Sources disagree: {c}." for c in f.conflicts)
                add(f"| {_cell(f.entity)}{sure} | {_cell(f.reason + disagree)} | {_cell(ev)} |")
            if g.hidden:
                add(f"\n… and {g.hidden} more.")
            add(f"\n**Remediation:** {g.remediation}\n")
    add("## Control matrix\n")
    add("| Criterion | Control | Status | Gap kind | Evidence |\n|---|---|---|---|---|")
    in_scope = {x.id for x in r.criteria if x.group in r.categories}
    for row in v.matrix:
        if row.criterion not in in_scope:
            continue
        vd = row.verdict
        ev = ", ".join(e.name or e.sha256[:12] for e in vd.evidence[:3])
        add(f"| {row.criterion if row.first else ''} | {vd.control_id} {_cell(vd.title)} | "
            f"{STATUS_LABELS[vd.status]} | {GAP_KIND_LABELS.get(vd.gap_kind or '', '')} | {_cell(ev)} |")
    add("\n## Controls met\n")
    for vd in v.implemented:
        ev = ", ".join(e.name or e.sha256[:12] for e in vd.evidence[:3])
        add(f"- **{vd.control_id}** {vd.title}: {ev or vd.reason}")
    accepted = [vd for vd in r.verdicts if vd.accepted]
    if accepted:
        add("\n### Accepted by a documented exception\n")
        for vd in accepted:
            for note in vd.accepted:
                add(f"- **{vd.control_id}** {_cell(note)}")
    add("\n## Not assessed\n")
    for vd in v.not_assessed:
        add(f"- **{vd.control_id}** {vd.title}: {vd.reason}")
    if r.evidence_requests:
        add("\n### Open evidence requests\n")
        add("| Control | What | From |\n|---|---|---|")
        for q in r.evidence_requests:
            add(f"| {q.control_id} | {_cell(q.what)} | {_cell(q.requested_from or '')} |")
    if v.not_applicable:
        add("\n### Not applicable\n")
        for vd in v.not_applicable:
            add(f"- **{vd.control_id}** {vd.title}: {vd.reason}")
    if r.plan:
        from trustgap.report.charts_plan import plan_markdown

        add("\n" + plan_markdown(r.plan))
    add("\n## Cross-framework coverage\n")
    for name, rollups in sorted(r.frameworks.items()):
        title, _ = v.framework_titles.get(name, (name, "requirements"))
        add(f"### {title}\n")
        add("| Id | Title | Status | Readiness |\n|---|---|---|---|")
        for fr in rollups:
            add(f"| {fr.id} | {_cell(fr.title)} | {STATUS_LABELS[fr.status]} | {_pct(fr.readiness.score)} |")
        add("")
    add("## How this assessment was made\n")
    for line in v.method:
        add(f"- {line}")
    add("")
    add("## Evidence\n")
    add("| File or call | Recognised as | Status | Facts | sha256 |\n|---|---|---|---|---|")
    for e in r.evidence:
        errs = "; ".join(str(x) for x in e.errors[:3])
        add(f"| {_cell(e.name)} | {_cell(e.format_title or '')} | {e.status.replace('_', ' ')}"
            f"{' — ' + _cell(errs) if errs else ''} | {e.facts} | `{e.sha256[:16]}` |")
    return markdown_text("\n".join(out) + "\n")
