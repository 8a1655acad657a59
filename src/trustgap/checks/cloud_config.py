"""Cloud configuration read from collector and export facts: network exposure, encryption in transit, public storage.

The same facts come from the live collectors and from saved CLI / console exports (``aws ec2
describe-security-groups``, ``aws elbv2 describe-listeners``, ``gcloud storage buckets list`` and
``get-iam-policy``, ``az storage account list``), so one check judges both.

* Security groups (AWS) and firewall rules (Google Cloud, enabled ingress rules): inbound rules open to the whole
  internet (0.0.0.0/0 or ::/0) on an administration or database
  port (SSH, RDP, WinRM, VNC, Telnet, database listeners), or for all traffic, are a gap. Web ports open to the
  world are what a public load balancer is for and are not judged here.
* Load balancers: a listener serving plain HTTP that does not redirect to HTTPS, or an HTTPS / TLS listener whose
  security policy accepts a TLS version below the minimum (``min_tls_version``, default 1.2). The TLS versions of
  AWS's predefined policies are kept in :data:`ELB_POLICY_MIN_TLS` (source cited there); a policy this table does
  not know and that the evidence does not describe is "cannot tell".
* Storage accounts (Azure): secure transfer required (HTTPS only) and a minimum TLS version at least the minimum.
* Public buckets (Google Cloud Storage): ``allUsers`` or ``allAuthenticatedUsers`` in a bucket's IAM policy is a
  gap; public access prevention "enforced", or a bucket policy in evidence without such members, passes; a bucket
  whose policy is not in the evidence is "cannot tell". Azure storage accounts that allow anonymous blob access
  fail the same control (the account-level block is off). S3 is judged by ``aws.s3_public_access_blocked``.

Type II: a security group open on an administration port in an older export inside the audit period is a deviation
even when it is closed now.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from trustgap.checks._util import lapse_result, srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Grant, Resource

WORLD = frozenset({"0.0.0.0/0", "::/0"})
# Ports that administer a host or expose a data store; open to the internet they invite brute force and exploits.
ADMIN_PORTS: dict[int, str] = {
    22: "SSH", 23: "Telnet", 3389: "RDP", 5985: "WinRM", 5986: "WinRM", 5900: "VNC",
    3306: "MySQL", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle", 27017: "MongoDB", 6379: "Redis",
    9200: "Elasticsearch", 11211: "Memcached",
}

# Lowest TLS version each predefined Elastic Load Balancing security policy accepts, from AWS's policy tables:
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html and
# https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
# (ELBSecurityPolicy-2016-08, the default of the CLI / CloudFormation / CDK, still accepts TLS 1.0).
ELB_POLICY_MIN_TLS: dict[str, str] = {
    "ELBSecurityPolicy-2016-08": "1.0",
    "ELBSecurityPolicy-2015-05": "1.0",
    "ELBSecurityPolicy-TLS-1-0-2015-04": "1.0",
    "ELBSecurityPolicy-TLS-1-1-2017-01": "1.1",
    "ELBSecurityPolicy-TLS-1-2-2017-01": "1.2",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": "1.2",
    "ELBSecurityPolicy-FS-2018-06": "1.0",
    "ELBSecurityPolicy-FS-1-1-2019-08": "1.1",
    "ELBSecurityPolicy-FS-1-2-2019-08": "1.2",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08": "1.2",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10": "1.2",
    "ELBSecurityPolicy-TLS13-1-0-2021-06": "1.0",
    "ELBSecurityPolicy-TLS13-1-1-2021-06": "1.1",
    "ELBSecurityPolicy-TLS13-1-2-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-3-2021-06": "1.3",
    "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04": "1.0",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04": "1.2",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04": "1.3",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09": "1.2",
}
PUBLIC_MEMBERS = frozenset({"allusers", "allauthenticatedusers"})


def tls_tuple(version: Any) -> tuple[int, ...] | None:
    """"TLS1_2" / "TLSv1.2" / "1.2" / "tls 1.0" -> (1, 2); None when no version can be read."""
    m = re.search(r"(\d+)[._](\d+)", str(version or ""))
    return (int(m[1]), int(m[2])) if m else None


def _lowest(protocols: Any) -> str | None:
    """Lowest TLS version of a described policy's protocols (["TLSv1.2", "TLSv1.3"])."""
    found = [t for p in protocols or () if (t := tls_tuple(p)) is not None]
    return ".".join(map(str, min(found))) if found else None


def _admin_exposure(r: Resource) -> list[str]:
    out: set[str] = set()
    for rule in r.attrs.get("ingress") or []:
        if not WORLD & set(rule.get("sources") or ()):
            continue
        proto = str(rule.get("protocol") or "")
        low, high = rule.get("from_port"), rule.get("to_port")
        if proto not in ("all", "tcp", "udp"):
            continue  # ICMP and the like reach no administration port
        if proto == "all" or low is None or low == -1:
            out.add("all traffic" if proto == "all" else f"{proto} all ports")
            continue
        hit = [f"{name} {port}" for port, name in sorted(ADMIN_PORTS.items()) if int(low) <= port <= int(high or low)]
        if hit and int(high or low) - int(low) > 0:
            out.add(f"{proto} {low}-{high} (includes {', '.join(hit[:3])})")
        else:
            out.update(hit)
    return sorted(out)


def _sg_label(r: Resource) -> str:
    return f"{r.resource_id} ({r.name})" if r.name and r.name != r.resource_id else r.resource_id


@check(
    id="cloud.admin_ports_closed_to_internet",
    title="No security group or firewall rule opens administration or database ports to the internet",
    controls=("AC-16",),
    criteria=("CC6.6",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Remove inbound rules from 0.0.0.0/0 and ::/0 on SSH, RDP and database ports; reach hosts through "
    "SSM Session Manager, a VPN or a bastion limited to known addresses, and databases only from the VPC.",
    sources=("aws.ec2", "gcp.compute"),
)
def admin_ports_closed_to_internet(ctx: CheckContext) -> CheckResult:
    groups = [*ctx.facts.resources("aws.ec2.security_group"), *ctx.facts.resources("gcp.compute.firewall")]
    entities = []
    for r in groups:
        if "ingress" not in r.attrs or r.attrs.get("disabled") is True:
            continue
        open_ = _admin_exposure(r)
        if open_:
            entities.append(EntityResult("security group", _sg_label(r), "fail",
                                         f"open to the internet (0.0.0.0/0 or ::/0) on {', '.join(open_)}", srcs(r),
                                         measured={"open": open_}))
        else:
            world = r.attrs.get("public_ingress") or []
            why = (f"only {', '.join(world)} open to the internet" if world
                   else "no inbound rule from the internet")
            lapse = lapse_result(ctx, "security group", _sg_label(r), r, lambda old: bool(_admin_exposure(old)),
                                 "open to the internet on an administration or database port")
            entities.append(lapse or EntityResult("security group", _sg_label(r), "pass", why, srcs(r)))
    return ctx.result(entities, empty="no security groups in the evidence")


def _lb_name(r: Resource) -> str:
    name = r.attrs.get("load_balancer_name")
    if name:
        return str(name)
    arn = str(r.attrs.get("load_balancer_arn") or "")
    m = re.search(r":loadbalancer/(?:app|net|gwy)/([^/]+)/", arn)
    if m:
        return m[1]
    return (r.name or r.resource_id).rsplit(":", 1)[0]


def _listener_verdict(r: Resource, need: tuple[int, ...], need_text: str) -> tuple[str, str]:
    proto = str(r.attrs.get("protocol") or "").upper()
    port = r.attrs.get("port")
    if proto in ("HTTP", "TCP", "UDP", "TCP_UDP"):
        if proto == "HTTP" and r.attrs.get("redirects_to_https"):
            return "pass", f"port {port} redirects HTTP to HTTPS"
        if proto == "HTTP":
            return "fail", f"port {port} serves plain HTTP without redirecting to HTTPS"
        return "skip", ""
    if proto not in ("HTTPS", "TLS"):
        return "skip", ""
    policy = r.attrs.get("ssl_policy")
    lowest = _lowest(r.attrs.get("tls_protocols")) or ELB_POLICY_MIN_TLS.get(str(policy))
    if lowest is None:
        return "unknown", f"port {port} uses security policy {policy or '?'}, whose TLS versions are not known"
    low = tls_tuple(lowest)
    if low is not None and low < need:
        return "fail", f"port {port} ({proto}) uses {policy}, which accepts TLS {lowest} (minimum {need_text})"
    return "pass", f"port {port} ({proto}) uses {policy}: TLS {lowest} or later"


@check(
    id="cloud.load_balancers_tls_only",
    title="Load balancers serve only HTTPS with a modern TLS policy",
    controls=("AC-18",),
    criteria=("CC6.7",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Make every HTTP listener redirect to HTTPS, and set HTTPS listeners to a TLS 1.2+ security policy "
    "(ELBSecurityPolicy-TLS13-1-2-2021-06 or later).",
    sources=("aws.elbv2",),
    thresholds=("min_tls_version",),
)
def load_balancers_tls_only(ctx: CheckContext) -> CheckResult:
    need_text = str(ctx.thresholds.min_tls_version)
    need = tls_tuple(need_text) or (1, 2)
    by_lb: dict[str, list[tuple[str, str, Resource]]] = defaultdict(list)
    for r in ctx.facts.resources("aws.elbv2.listener"):
        status, why = _listener_verdict(r, need, need_text)
        if status != "skip":
            by_lb[_lb_name(r)].append((status, why, r))
    entities = []
    for name, verdicts in sorted(by_lb.items()):
        ev = srcs(*(r for _, _, r in verdicts))
        bad = [w for s, w, _ in verdicts if s == "fail"]
        unknown = [w for s, w, _ in verdicts if s == "unknown"]
        if bad:
            entities.append(EntityResult("load balancer", name, "fail", "; ".join(bad), ev))
        elif unknown:
            entities.append(EntityResult("load balancer", name, "partial", "cannot tell: " + "; ".join(unknown), ev,
                                         gap_kind="insufficient_evidence"))
        else:
            entities.append(EntityResult("load balancer", name, "pass", "; ".join(w for _, w, _ in verdicts), ev))
    return ctx.result(entities, empty="no load balancer listeners in the evidence")


@check(
    id="cloud.storage_requires_tls",
    title="Storage accounts accept only HTTPS with a modern TLS version",
    controls=("AC-18",),
    criteria=("CC6.7",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Turn on 'Secure transfer required' (az storage account update --https-only true) and set the "
    "minimum TLS version to 1.2 (--min-tls-version TLS1_2) on every storage account.",
    sources=("azure.storage",),
    thresholds=("min_tls_version",),
)
def storage_requires_tls(ctx: CheckContext) -> CheckResult:
    need_text = str(ctx.thresholds.min_tls_version)
    need = tls_tuple(need_text) or (1, 2)
    entities = []
    for r in ctx.facts.resources("azure.storage.account"):
        https, tls = r.attrs.get("https_only"), r.attrs.get("minimum_tls_version")
        low = tls_tuple(tls)
        problems = []
        if https is False:
            problems.append("accepts plain HTTP (secure transfer not required)")
        if low is not None and low < need:
            problems.append(f"minimum TLS version {tls} (below {need_text})")
        label = r.name or r.resource_id.rsplit("/", 1)[-1]
        if problems:
            entities.append(EntityResult("storage account", label, "fail", "; ".join(problems), srcs(r)))
        elif https is True and low is not None:
            entities.append(EntityResult("storage account", label, "pass", f"HTTPS only, minimum TLS {tls}", srcs(r)))
        else:
            missing = [n for n, v in (("secure transfer setting", https), ("minimum TLS version", low)) if v is None]
            entities.append(EntityResult("storage account", label, "partial",
                                         f"cannot tell: {' and '.join(missing)} not in the evidence", srcs(r),
                                         gap_kind="insufficient_evidence"))
    return ctx.result(entities, empty="no storage accounts in the evidence")


def _bucket_of(resource: str) -> str | None:
    """The bucket a Cloud Storage IAM policy applies to (``gs://b``, ``projects/_/buckets/b``), else None."""
    for prefix in ("gs://", "//storage.googleapis.com/projects/_/buckets/", "projects/_/buckets/"):
        if resource.startswith(prefix):
            return resource[len(prefix):].strip("/").split("/", 1)[0] or None
    return None


@check(
    id="cloud.buckets_not_public",
    title="Cloud storage buckets are not readable by anyone on the internet",
    controls=("AC-23",),
    criteria=("CC6.1", "CC6.6"),
    severity="critical",
    effort="S",
    category="technical",
    remediation="Remove allUsers and allAuthenticatedUsers from bucket policies and enforce public access "
    "prevention (Cloud Storage) or disallow anonymous blob access (Azure); share files through signed URLs or a CDN "
    "with authenticated origins.",
    sources=("gcp.storage", "azure.storage"),
)
def buckets_not_public(ctx: CheckContext) -> CheckResult:
    grants: dict[str, list[Grant]] = defaultdict(list)
    for g in ctx.facts.of(Grant):
        bucket = _bucket_of(g.resource) if g.system == "gcp" else None
        if bucket:
            grants[bucket].append(g)
    entities = []
    buckets = {r.resource_id: r for r in ctx.facts.resources("gcp.storage.bucket")}
    for name in sorted(set(buckets) | set(grants)):
        r = buckets.get(name)
        public = [g for g in grants.get(name, []) if g.principal.strip().lower() in PUBLIC_MEMBERS]
        ev = srcs(*([r] if r else []), *public)
        if public:
            who = ", ".join(sorted({f"{g.principal} ({g.role})" for g in public}))
            entities.append(EntityResult("bucket", name, "fail", f"public: {who} in its IAM policy", ev))
        elif r is not None and str(r.attrs.get("public_access_prevention") or "").lower() == "enforced":
            entities.append(EntityResult("bucket", name, "pass", "public access prevention enforced", ev))
        elif grants.get(name):
            entities.append(EntityResult("bucket", name, "pass", "no public members in its IAM policy",
                                         srcs(*grants[name])))
        else:
            entities.append(EntityResult("bucket", name, "partial", "cannot tell: public access prevention is not "
                                         "enforced and the bucket's IAM policy is not in the evidence", ev,
                                         gap_kind="insufficient_evidence"))
    for r in ctx.facts.resources("azure.storage.account"):
        flag = r.attrs.get("blob_public_access")
        label = r.name or r.resource_id.rsplit("/", 1)[-1]
        if flag is True:
            entities.append(EntityResult("storage account", label, "fail",
                                         "allows anonymous public read access to blob containers", srcs(r)))
        elif flag is False:
            entities.append(EntityResult("storage account", label, "pass", "anonymous blob access disallowed",
                                         srcs(r)))
    return ctx.result(entities, empty="no cloud storage buckets in the evidence")
