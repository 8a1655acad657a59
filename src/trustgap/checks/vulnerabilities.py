"""Vulnerability management: findings fixed within their SLA, scans run at least at the promised cadence.

Age of a vulnerability, from ``first_seen`` (the first scan that reported it). A scanner run now and then
(Trivy, Grype) only brackets the fix: it happened after ``last_seen`` (the last scan still reporting it) and no
later than ``fixed_at`` (the first later scan of the same target without it). So a breach is reported only when
the SLA is missed whichever the true date was (already past it at ``last_seen``), a pass only when it is met
whichever it was (fixed by ``fixed_at`` within the SLA), and "cannot tell" in between. The same holds for a
vulnerability still reported by the latest scan: open for certain until that scan, unknown after it. Continuous
monitors (Dependabot, Snyk, GitHub code scanning) say when they closed an alert, and an open alert is open when
the evidence was taken. For Type II, vulnerabilities fixed before the audit period starts are left out.
"""

from __future__ import annotations

from collections import defaultdict

from trustgap.checks._util import as_of_end, cadence_result, days_since, srcs, utc
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, EntityStatus, check
from trustgap.dates import to_utc_start
from trustgap.facts import Record, Scan, Src, Vulnerability

# Configuration scanners (cloud posture, infrastructure as code) report misconfigurations, not vulnerable
# packages: their runs do not count as vulnerability scans.
_CONFIG_SCANNERS = frozenset({"checkov", "prowler"})


def _vuln_scans(ctx: CheckContext) -> list[Scan]:
    return [s for s in ctx.facts.of(Scan) if s.tool.lower() not in _CONFIG_SCANNERS]


def _vuln_label(v: Vulnerability) -> str:
    pkg = f" in {v.package}" if v.package else ""
    return f"{v.vuln_id}{pkg} on {v.target}"


CONTINUOUS_TOOLS = frozenset({"dependabot", "snyk", "github_code_scanning", "code_scanning"})


def _judge_age(ctx: CheckContext, v: Vulnerability, sla: int) -> tuple[EntityStatus, str, dict[str, object]]:
    first = utc(v.first_seen)
    fixed_note = f", fixed in {v.fixed_version}" if v.fixed_version else ""
    continuous = v.tool.lower() in CONTINUOUS_TOOLS
    if v.fixed_at is not None:
        fixed = utc(v.fixed_at)
        latest = fixed if continuous else min(utc(v.last_seen), fixed)
        least, most = (latest - first).days, (fixed - first).days
        measured: dict[str, object] = {"days": most, "sla_days": sla, "open": False}
        if most <= sla:
            return "pass", f"fixed within {most} days (SLA {sla})", measured
        if least > sla:
            return "fail", f"fixed after {least} to {most} days (SLA {sla})" if least != most else (
                f"fixed after {most} days (SLA {sla})"), {**measured, "days": least}
        return "partial", (f"fixed between {latest:%Y-%m-%d} (last scan reporting it, {least} days) and "
                           f"{fixed:%Y-%m-%d} (first scan without it, {most} days): cannot tell whether within the "
                           f"SLA of {sla} days"), {**measured, "days_at_least": least}
    if continuous:
        observed = ctx.facts.observed.get(v.src.sha256)
        until = min(utc(observed), as_of_end(ctx)) if observed is not None else as_of_end(ctx)
        days = (until - first).days
        status: EntityStatus = "fail" if days > sla else "pass"
        return status, f"open {days} days (SLA {sla}){fixed_note}", {"days": days, "sla_days": sla, "open": True}
    seen_open = (utc(v.last_seen) - first).days
    days = days_since(ctx, first)
    measured = {"days": seen_open, "sla_days": sla, "open": True}
    if seen_open > sla:
        return "fail", f"still reported {seen_open} days after first seen, on {utc(v.last_seen):%Y-%m-%d} (SLA {sla})"\
            f"{fixed_note}", measured
    if days <= sla:
        return "pass", f"open {days} days (SLA {sla}){fixed_note}", {**measured, "days": days}
    return "partial", (f"reported by the last scan on {utc(v.last_seen):%Y-%m-%d} ({seen_open} days after first "
                       f"seen); no later scan shows whether it was fixed within the SLA of {sla} days{fixed_note}"), \
        measured


def _sla_check(ctx: CheckContext, severity: str, sla: int) -> CheckResult:
    vulns = ctx.facts.of(Vulnerability)
    if not vulns and not _vuln_scans(ctx):
        return ctx.not_assessed("no vulnerability scan results in the evidence")
    period_start = to_utc_start(ctx.period_start) if ctx.period_start else None
    targets: dict[str, list[Src]] = defaultdict(list)
    for s in _vuln_scans(ctx):
        targets[s.target].append(s.src)
    for v in vulns:
        targets.setdefault(v.target, []).append(v.src)
    entities = []
    seen_targets: set[str] = set()
    for v in vulns:
        if v.severity.lower() != severity:
            continue
        if v.fixed_at is not None and period_start is not None and utc(v.fixed_at) < period_start:
            continue
        seen_targets.add(v.target)
        status, reason, measured = _judge_age(ctx, v, sla)
        entities.append(EntityResult("vulnerability", _vuln_label(v), status, reason, srcs(v), measured=measured,
                                     gap_kind="insufficient_evidence" if status == "partial" else None))
    for target, ev in sorted(targets.items()):
        if target not in seen_targets:
            entities.append(EntityResult("scan target", target, "pass", f"no {severity} vulnerabilities found",
                                         tuple(ev[:3])))
    return ctx.result(entities)


@check(
    id="vulns.critical_fixed_within_sla",
    title="Critical vulnerabilities are fixed within their SLA",
    controls=("OPS-06",),
    criteria=("CC7.1",),
    severity="critical",
    effort="M",
    category="technical",
    remediation="Patch or upgrade the named packages now (the fixed version is shown), rebuild and redeploy the "
    "images, and page the owning team for every new critical finding so it is fixed within the SLA.",
    sources=("scans.trivy", "scans.dependabot", "scans.grype", "scans.snyk"),
    thresholds=("critical_vuln_sla_days",),
)
def critical_fixed_within_sla(ctx: CheckContext) -> CheckResult:
    return _sla_check(ctx, "critical", int(ctx.thresholds.critical_vuln_sla_days))


@check(
    id="vulns.high_fixed_within_sla",
    title="High vulnerabilities are fixed within their SLA",
    controls=("OPS-06",),
    criteria=("CC7.1",),
    severity="high",
    effort="M",
    category="technical",
    remediation="Schedule fixes for the named high findings within the SLA and track them as tickets with due "
    "dates; accept any that cannot be fixed on the risk register.",
    sources=("scans.trivy", "scans.dependabot", "scans.grype", "scans.snyk"),
    thresholds=("high_vuln_sla_days",),
)
def high_fixed_within_sla(ctx: CheckContext) -> CheckResult:
    return _sla_check(ctx, "high", int(ctx.thresholds.high_vuln_sla_days))


@check(
    id="vulns.medium_fixed_within_sla",
    title="Medium vulnerabilities are fixed within their SLA",
    controls=("OPS-06",),
    criteria=("CC7.1",),
    severity="low",
    effort="M",
    category="technical",
    remediation="Batch medium findings into regular dependency-upgrade work so none outlives the SLA.",
    sources=("scans.trivy", "scans.dependabot", "scans.grype", "scans.snyk"),
    thresholds=("medium_vuln_sla_days",),
)
def medium_fixed_within_sla(ctx: CheckContext) -> CheckResult:
    return _sla_check(ctx, "medium", int(ctx.thresholds.medium_vuln_sla_days))


@check(
    id="scans.performed_on_cadence",
    title="Every scanned target is scanned at least at the promised cadence",
    controls=("OPS-05",),
    criteria=("CC7.1",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Schedule the vulnerability scanner (CI job or cron) to scan every target at least at the "
    "promised cadence, and keep the dated reports.",
    sources=("scans.trivy", "scans.dependabot", "scans.grype", "scans.snyk"),
    thresholds=("vuln_scan_cadence_months",),
    description="Per target: Type I, a scan within one cadence; Type II, a scan in every window of the period.",
)
def performed_on_cadence(ctx: CheckContext) -> CheckResult:
    scans = _vuln_scans(ctx)
    if not scans:
        return ctx.not_assessed("no vulnerability scan runs in the evidence")
    months = int(ctx.thresholds.vuln_scan_cadence_months)
    by_target: dict[str, list[Record]] = defaultdict(list)
    for s in scans:
        # Reuse the cadence judgement by viewing each scan as a dated record.
        by_target[s.target].append(Record(src=s.src, kind="other", performed_on=utc(s.scanned_at).date()))
    entities = [cadence_result(ctx, recs, months, "scan", entity=target, entity_type="scan target")
                for target, recs in sorted(by_target.items())]
    return ctx.result(entities)


@check(
    id="scans.authenticated",
    title="Vulnerability scans run authenticated",
    controls=("OPS-05",),
    criteria=("CC7.1",),
    severity="low",
    effort="S",
    category="technical",
    remediation="Give the scanner credentials (or an agent) so it inspects installed packages, not only what "
    "is visible from the network.",
    sources=("scans.trivy", "scans.dependabot", "scans.grype", "scans.snyk"),
)
def scans_authenticated(ctx: CheckContext) -> CheckResult:
    latest: dict[str, Scan] = {}
    for s in _vuln_scans(ctx):
        if s.authenticated is None:
            continue
        if s.target not in latest or utc(s.scanned_at) > utc(latest[s.target].scanned_at):
            latest[s.target] = s
    if not latest:
        return ctx.not_assessed("the scan evidence does not say whether scans were authenticated")
    entities = [
        EntityResult("scan target", t, "pass" if s.authenticated else "fail",
                     "authenticated scan" if s.authenticated else "latest scan was unauthenticated", srcs(s))
        for t, s in sorted(latest.items())
    ]
    return ctx.result(entities)
