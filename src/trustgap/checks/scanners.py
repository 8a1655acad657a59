"""Configuration judged from posture-scanner results (Prowler, Checkov, ...), one check per topic.

Each scanner parser tags its findings with topics from its own check-id table. A resource fails a topic when
any finding on it failed (the reason names the tool and its check ids); it passes when every finding on it
passed; findings the tool could not evaluate (``error``) make it partial. No finding with the topic at all
means the topic is not assessed. Thresholds such as the log retention days are the scanner's own; the
threshold named in the metadata is the organisation's promise the result is compared with.
"""

from __future__ import annotations

from collections import defaultdict

from trustgap.checks._util import short_list
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import ScanFinding


def judge_topic(ctx: CheckContext, topics: tuple[str, ...], what: str) -> CheckResult:
    by_resource: dict[str, list[ScanFinding]] = defaultdict(list)
    for f in ctx.facts.of(ScanFinding):
        if f.status in ("manual", "skipped") or not set(f.topics) & set(topics):
            continue
        by_resource[f.resource].append(f)
    if not by_resource:
        return ctx.not_assessed(f"no scanner results on {what} in the evidence")
    entities = []
    for resource, findings in sorted(by_resource.items()):
        ev = tuple(f.src for f in findings[:5])
        failed = [f for f in findings if f.status == "fail"]
        errors = [f for f in findings if f.status == "error"]
        if failed:
            ids = sorted({f"{f.tool} {f.check_id}" for f in failed})
            titles = sorted({f.title for f in failed if f.title})
            detail = f" ({short_list(titles, 3)})" if titles else ""
            where = f" at {failed[0].location}" if failed[0].location else ""
            entities.append(EntityResult(failed[0].resource_type or "resource", resource, "fail",
                                         f"failed {', '.join(ids)}{detail}{where}", ev))
        elif errors:
            ids = sorted({f"{f.tool} {f.check_id}" for f in errors})
            entities.append(EntityResult(errors[0].resource_type or "resource", resource, "partial",
                                         f"scanner could not evaluate {', '.join(ids)}", ev,
                                         gap_kind="insufficient_evidence"))
        else:
            ids = sorted({f"{f.tool} {f.check_id}" for f in findings})
            entities.append(EntityResult(findings[0].resource_type or "resource", resource, "pass",
                                         f"passed {short_list(ids, 3)}", ev))
    return ctx.result(entities)


def _topic_check(topics: tuple[str, ...], what: str, **meta: object) -> None:
    def fn(ctx: CheckContext) -> CheckResult:
        return judge_topic(ctx, topics, what)

    fn.__name__ = fn.__qualname__ = f"scanner_{topics[0]}"
    check(category="technical", sources=("scans.prowler", "scans.checkov"), **meta)(fn)


_topic_check(
    ("log_retention",), "log retention",
    id="scanners.log_retention_met", title="Security logs are retained for the promised period",
    controls=("OPS-02",), criteria=("CC7.2",), severity="high", effort="S", thresholds=("log_retention_days",),
    remediation="Set the retention of the named log groups, trails and buckets to at least the promised number "
    "of days (365 covers a Type II period), with lifecycle rules moving old logs to cheaper storage.",
)
_topic_check(
    ("encryption_at_rest",), "encryption at rest",
    id="scanners.encryption_at_rest", title="Data stores are encrypted at rest",
    controls=("AC-19",), criteria=("CC6.1", "CC6.7"), severity="high", effort="M",
    thresholds=("encryption_required",),
    remediation="Turn on encryption for the named databases, volumes, buckets and backups (KMS-managed keys); "
    "volumes and databases created unencrypted must be copied into encrypted ones.",
)
_topic_check(
    ("encryption_in_transit", "tls"), "encryption in transit",
    id="scanners.encryption_in_transit", title="Connections use TLS 1.2 or later with no plain-HTTP fallback",
    controls=("AC-18",), criteria=("CC6.7",), severity="high", effort="S", thresholds=("min_tls_version",),
    remediation="Enforce TLS on the named endpoints (HTTPS-only bucket policies, load balancer listeners with a "
    "TLS 1.2+ security policy, HTTP redirected to HTTPS, databases requiring SSL).",
)
_topic_check(
    ("public_access",), "public access",
    id="scanners.public_access_blocked", title="Storage and services are not publicly accessible",
    controls=("AC-23",), criteria=("CC6.1", "CC6.6"), severity="critical", effort="S",
    remediation="Block public access on the named resources (S3 Block Public Access at account and bucket "
    "level, private databases and snapshots) unless a documented business need says otherwise.",
)
_topic_check(
    ("logging",), "logging",
    id="scanners.logging_enabled", title="Security-relevant logging is enabled",
    controls=("OPS-01",), criteria=("CC7.2",), severity="high", effort="S",
    remediation="Enable the named audit and access logs (CloudTrail in every region, bucket and load balancer "
    "access logs, database audit logs) and send them to a central, protected account.",
)
_topic_check(
    ("key_rotation",), "key rotation",
    id="scanners.key_rotation_enabled", title="Encryption keys are rotated",
    controls=("AC-24",), criteria=("CC6.1",), severity="low", effort="S",
    remediation="Turn on automatic yearly rotation for the named customer-managed KMS keys.",
)
_topic_check(
    ("backup",), "backups",
    id="scanners.backups_configured", title="Backups are configured for production data",
    controls=("AV-02",), criteria=("A1.2",), severity="medium", effort="S",
    remediation="Enable automated backups with adequate retention on the named databases and volumes, or add "
    "them to a backup plan.",
)
_topic_check(
    ("network",), "network exposure",
    id="scanners.network_restricted", title="Network boundaries restrict inbound access",
    controls=("AC-16",), criteria=("CC6.6",), severity="high", effort="S",
    remediation="Remove security group and firewall rules that open administrative ports (SSH, RDP, database "
    "ports) to the internet; use a VPN, bastion or session manager instead.",
)
_topic_check(
    ("monitoring",), "threat monitoring",
    id="scanners.monitoring_enabled", title="Threat detection and monitoring are enabled",
    controls=("OPS-04",), criteria=("CC7.2", "CC7.3"), severity="medium", effort="S",
    remediation="Enable threat detection (e.g. GuardDuty in every region) and alerting on the findings the "
    "scanner names, routed to the on-call rotation.",
)
