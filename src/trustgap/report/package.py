"""The evidence package of a run, organised by criterion, as one ZIP file for the auditor.

Layout::

    README.md                  what the package is, the run, and how to check it
    SHA256SUMS                 every evidence file with its sha256 (``sha256sum -c SHA256SUMS`` verifies it)
    result.json                the run itself (verdicts, findings, evidence references)
    criteria/CC6.1.md          per criterion: its controls, their verdicts, findings and the evidence behind them
    evidence/<sha12>-<name>    each raw evidence file once, exactly as it was collected

Evidence files come from the content-addressed store by sha256; one that is not in this store (a run made on
another machine, or a withheld file) is listed as missing in the README, never silently left out. The ZIP is
reproducible: entries are sorted and dated with the run's as-of date.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping

from trustgap.engine.models import GAP_KIND_LABELS, STATUS_LABELS, AssessmentResult, Verdict

Fetch = Callable[[str], bytes | None]  # sha256 -> bytes, or None when the store does not hold it


def _safe(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:80] or "evidence"


def evidence_path(sha: str, name: str | None) -> str:
    return f"evidence/{sha[:12]}-{_safe(name or sha)}"


def _verdict_block(v: Verdict, result: AssessmentResult, names: dict[str, str]) -> list[str]:
    kind = f" ({GAP_KIND_LABELS.get(v.gap_kind, v.gap_kind)})" if v.gap_kind else ""
    lines = [f"### {v.control_id} {v.title}", "", f"**{STATUS_LABELS[v.status]}**{kind}: {v.reason}", ""]
    if v.answer:
        who = f" by {v.answer.answered_by}" if v.answer.answered_by else ""
        when = f" on {v.answer.answered_at}" if v.answer.answered_at else ""
        lines += [f"Inquiry: answered {v.answer.status}{who}{when} ({v.answer.source}).", ""]
    findings = [f for f in result.findings if f.id in set(v.findings)]
    if findings:
        lines.append(f"Findings ({len(findings)}):")
        lines += [f"- [{f.severity}] {f.entity or f.control_id}: {f.reason}" for f in findings[:25]]
        if len(findings) > 25:
            lines.append(f"- and {len(findings) - 25} more (see result.json)")
        lines.append("")
    shas = dict.fromkeys([e.sha256 for e in v.evidence] + [e.sha256 for f in findings for e in f.evidence])
    if shas:
        lines.append("Evidence:")
        lines += [f"- [{names.get(s, s[:12])}](../{evidence_path(s, names.get(s))}) `{s}`" for s in shas if s]
        lines.append("")
    return lines


def build_package(result: AssessmentResult, fetch: Fetch, *, run_id: str | None = None,
                  altered: Mapping[str, str] | None = None) -> tuple[bytes, list[str]]:
    """The ZIP bytes and the names of evidence files the store did not hold. ``altered``: sha256 -> how the
    stored object was altered (listed as such in the README, never as merely missing)."""
    altered = altered or {}
    names = {e.sha256: e.name for e in result.evidence if e.sha256}
    stamp = (result.as_of.year, result.as_of.month, result.as_of.day, 0, 0, 0)
    files: dict[str, bytes] = {}
    sums: list[str] = []
    missing: list[str] = []
    changed: list[str] = []
    for sha, name in sorted(names.items(), key=lambda kv: kv[1]):
        if sha in altered:
            changed.append(f"{name} ({sha[:12]}): {altered[sha]}")
            continue
        data = fetch(sha)
        if data is None:
            missing.append(f"{name} ({sha[:12]})")
            continue
        path = evidence_path(sha, name)
        files[path] = data
        sums.append(f"{sha}  {path}")
    by_control = {v.control_id: v for v in result.verdicts}
    for ru in result.criteria:
        lines = [f"# {ru.id} {ru.title}", "", f"Roll-up: **{STATUS_LABELS[ru.status]}**, readiness "
                 f"{'n/a' if ru.readiness.score is None else f'{ru.readiness.score:.0f}%'}.", ""]
        for cid in ru.controls:
            if cid in by_control:
                lines += _verdict_block(by_control[cid], result, names)
        files[f"criteria/{ru.id}.md"] = ("\n".join(lines).rstrip() + "\n").encode()
    period = f", audit period {result.period_start} to {result.period_end}" if result.period_start else ""
    readme = [
        f"# SOC 2 evidence package: {result.organisation}", "",
        f"Run `{run_id or 'not stored'}`, as of {result.as_of}{period}; readiness "
        f"{'n/a' if result.readiness.score is None else f'{result.readiness.score:.1f}%'}.", "",
        "- `criteria/<id>.md`: each criterion's controls, their verdicts, findings and the evidence behind them.",
        "- `evidence/`: each raw evidence file once, exactly as collected, named by the start of its sha256.",
        "- `SHA256SUMS`: check the files with `sha256sum -c SHA256SUMS`.",
        "- `result.json`: the whole run, as trustgap stored it.", "",
        f"{len(sums)} evidence files included.",
    ]
    if changed:
        readme += ["", f"ALTERED in the evidence store since the run, so not included ({len(changed)}):",
                   *[f"- {m}" for m in changed]]
    if missing:
        readme += ["", f"Not in this evidence store, so not included ({len(missing)}):", *[f"- {m}" for m in missing]]
    files["README.md"] = ("\n".join(readme) + "\n").encode()
    files["SHA256SUMS"] = ("\n".join(sums) + "\n").encode()
    files["result.json"] = result.to_json().encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[path])
    return buf.getvalue(), missing
