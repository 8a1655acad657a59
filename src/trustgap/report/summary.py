"""The console summary printed after an assessment."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from trustgap.engine.models import STATUS_LABELS, AssessmentResult
from trustgap.thresholds import cite


def print_summary(console: Any, result: AssessmentResult, top: int = 8) -> None:
    from rich.table import Table

    r = result.readiness
    c = r.counts
    score = "n/a" if r.score is None else f"{r.score:.1f}%"
    console.print(f"[bold]{result.organisation}[/] as of {result.as_of}: readiness [bold]{score}[/] "
                  f"({c.implemented} implemented, {c.partial} partial, {c.gap} gap, "
                  f"{c.not_assessed} not assessed, {c.not_applicable} not applicable)")
    for issue in result.collection_issues:  # said once, before anything that depends on it
        console.print(f"[bold red]could not collect[/] {escape(issue)}", highlight=False)
    table = Table("category", "status", "readiness", "gaps", "not assessed", "from evidence", "by interview",
                  title=None)
    for ru in result.category_rollups:
        n = ru.readiness.counts
        table.add_row(ru.title, STATUS_LABELS[ru.status],
                      "n/a" if ru.readiness.score is None or ru.status == "not_assessed"
                      else f"{ru.readiness.score:.0f}%",
                      str(n.gap), str(n.not_assessed), f"{n.from_evidence} of {n.in_scope}",
                      f"{n.from_interview} of {n.in_scope}")
    console.print(table)
    failed = [e for e in result.evidence if e.errors]
    unknown = [e for e in result.evidence if e.status == "not_recognised"]
    if failed:
        console.print(f"[yellow]{len(failed)} evidence file(s) had errors:[/]")
        for e in failed[:10]:
            for err in e.errors[:3]:
                console.print(f"  {err}")
    if unknown:
        console.print(f"[yellow]not recognised:[/] {', '.join(e.name for e in unknown[:10])}"
                      + (" …" if len(unknown) > 10 else ""))
    if result.findings:
        unsure = sum(1 for f in result.findings if f.certainty == "cannot_tell")
        split = (f" ({len(result.findings) - unsure} proven, {unsure} cannot tell for want of evidence)"
                 if unsure else "")
        console.print(f"{len(result.findings)} findings{split}; most severe:")
        for f in result.findings[:top]:
            reason = f.reason.split(" (promised: ", 1)[0] if f.promise else f.reason
            if len(reason) > 120:
                reason = reason[:120].rsplit(" ", 1)[0] + " …"
            broken = ""
            if f.promise:
                where = cite(f.promise.source, f.promise.locator)
                broken = f" [dim](breaks the promise in {escape(where)})[/]"
            line = escape(f"[{f.severity}] {f.control_id} {f.title}: {f.entity or ''} — {reason}")
            console.print(f"  {line}{broken}", markup=True, highlight=False)
