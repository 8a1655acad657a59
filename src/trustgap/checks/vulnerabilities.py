"""Vulnerability management: findings fixed within their SLA, scans run at least at the promised cadence.

Age of a vulnerability: from ``first_seen`` (the first scan that reported it) to ``fixed_at`` (the first
scan in which it no longer appears) or, while open, to the end of the evaluation day. For Type II,
vulnerabilities fixed before the audit period starts are left out.
"""

from __future__ import annotations

from collections import defaultdict

from trustgap.checks._util import cadence_result, days_since, srcs, utc
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
        first = utc(v.first_seen)
        fixed_note = f", fixed in {v.fixed_version}" if v.fixed_version else ""
        if v.fixed_at is None:
            days = days_since(ctx, first)
            measured = {"days": days, "sla_days": sla, "open": True}
            status: EntityStatus = "fail" if days > sla else "pass"
            reason = f"open {days} days (SLA {sla}){fixed_note}"
        else:
            days = (utc(v.fixed_at) - first).days
            measured = {"days": days, "sla_days": sla, "open": False}
            status = "fail" if days > sla else "pass"
            reason = f"fixed after {days} days (SLA {sla})"
        entities.append(EntityResult("vulnerability", _vuln_label(v), status, reason, srcs(v), measured=measured))
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
    sources=("scans.trivy", "scans.dependabot", "scans.grype"),
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
    sources=("scans.trivy", "scans.dependabot", "scans.grype"),
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
    sources=("scans.trivy", "scans.dependabot", "scans.grype"),
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
    sources=("scans.trivy", "scans.dependabot", "scans.grype"),
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
    sources=("scans.trivy", "scans.dependabot", "scans.grype"),
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
