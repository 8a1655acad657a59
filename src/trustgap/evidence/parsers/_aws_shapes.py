"""AWS API answers (as boto3 returns them and as the AWS CLI prints them with ``--output json``) turned into the
normalised attributes of :class:`~trustgap.facts.Resource` facts.

One place for both readers: the live collector (:mod:`trustgap.collectors.aws_storage`, ``aws_network``,
``aws_logging``) and the file parser of saved CLI output (:mod:`trustgap.evidence.parsers.aws_cli`) call these
functions, so a resource read from a file has exactly the attributes of the same resource collected live. The shapes
are the API reference's response elements (https://docs.aws.amazon.com/ : AmazonS3/latest/API,
AmazonRDS/latest/APIReference, AWSEC2/latest/APIReference, elasticloadbalancing/latest/APIReference,
kms/latest/APIReference, awscloudtrail/latest/APIReference, AmazonCloudWatchLogs/latest/APIReference); the CLI prints
the same members with timestamps as ISO 8601 text.
"""

from __future__ import annotations

import json
from typing import Any

PAB_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
WORLD = frozenset({"0.0.0.0/0", "::/0"})
# S3 default encryption algorithms (ServerSideEncryptionByDefault.SSEAlgorithm) and what they are called
ENCRYPTION_TYPES = {"AES256": "SSE-S3", "aws:kms": "SSE-KMS", "aws:kms:dsse": "DSSE-KMS"}


def arn_parts(arn: Any) -> tuple[str | None, str | None]:
    """(account id, region) of an ARN (``arn:partition:service:region:account:resource``); None where empty."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None, None
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None, None
    return (parts[4] or None), (parts[3] or None)


def region_of_zone(zone: Any) -> str | None:
    """``eu-west-1a`` -> ``eu-west-1`` (also local and wavelength zones such as ``us-east-1-bos-1a``)."""
    if not isinstance(zone, str) or not zone:
        return None
    parts = zone.split("-")
    if len(parts) >= 3 and parts[2][:1].isdigit():
        return "-".join([*parts[:2], parts[2].rstrip("abcdefghijklmnopqrstuvwxyz")])
    return None


def tag_name(item: dict[str, Any]) -> str | None:
    for tag in item.get("Tags") or []:
        if isinstance(tag, dict) and tag.get("Key") == "Name":
            return str(tag.get("Value"))
    return None


# --------------------------------------------------------------------------- data stores


def rds_attrs(db: dict[str, Any]) -> dict[str, Any]:
    """``DescribeDBInstances`` -> ``aws.rds.instance``."""
    return {
        "encrypted": bool(db.get("StorageEncrypted")),
        "multi_az": bool(db.get("MultiAZ")),
        "backup_retention_days": int(db.get("BackupRetentionPeriod") or 0),
        "publicly_accessible": bool(db.get("PubliclyAccessible")),
        "engine": db.get("Engine"),
        "kms_key_id": db.get("KmsKeyId"),
    }


def volume_attrs(vol: dict[str, Any]) -> dict[str, Any]:
    """``DescribeVolumes`` -> ``aws.ec2.volume``."""
    return {"encrypted": bool(vol.get("Encrypted")), "kms_key_id": vol.get("KmsKeyId"), "size_gib": vol.get("Size"),
            "state": vol.get("State")}


def bucket_encryption_attrs(answer: dict[str, Any] | None) -> dict[str, Any]:
    """``GetBucketEncryption`` (None: ServerSideEncryptionConfigurationNotFoundError, no configuration)."""
    rules = ((answer or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    rule = rules[0] if rules and isinstance(rules[0], dict) else {}
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    algorithm = default.get("SSEAlgorithm")
    return {"encrypted": bool(algorithm), "sse_algorithm": algorithm, "kms_key_id": default.get("KMSMasterKeyID"),
            "encryption_type": ENCRYPTION_TYPES.get(algorithm, algorithm) if algorithm else None,
            "bucket_key_enabled": rule.get("BucketKeyEnabled") if rules else None}


def public_access_attrs(bucket_pab: dict[str, Any] | None, account_pab: dict[str, Any] | None) -> dict[str, Any]:
    """``GetPublicAccessBlock`` of the bucket (None: not configured) with the account's."""
    return {"public_access_block": bucket_pab, "account_public_access_block": account_pab,
            "public_access_blocked": all(bool((bucket_pab or {}).get(f)) or bool((account_pab or {}).get(f))
                                         for f in PAB_FLAGS)}


def _statements(document: Any) -> list[dict[str, Any]]:
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements or [] if isinstance(s, dict)]


def _anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        aws = principal.get("AWS")
        return aws == "*" or (isinstance(aws, list) and "*" in aws)
    return False


def _denies_plain_http(statement: dict[str, Any]) -> bool:
    if statement.get("Effect") != "Deny":
        return False
    for operator, values in (statement.get("Condition") or {}).items():
        if isinstance(values, dict) and operator.removesuffix("IfExists") == "Bool":
            for key, value in values.items():
                wanted = value if isinstance(value, list) else [value]
                if key.lower() == "aws:securetransport" and any(str(v).lower() == "false" for v in wanted):
                    return True
    return False


def bucket_policy_attrs(policy: Any) -> dict[str, Any]:
    """``GetBucketPolicy`` (``{"Policy": "<JSON text>"}``; None: NoSuchBucketPolicy).

    ``policy_requires_tls``: a Deny statement on ``aws:SecureTransport`` false; ``policy_allows_anonymous``: an Allow
    statement for principal ``*`` without any condition (what AWS's own evaluation, ``policy_is_public``, may still
    narrow down)."""
    if policy is None:
        return {"has_policy": False, "policy_requires_tls": False, "policy_allows_anonymous": False}
    text = policy.get("Policy") if isinstance(policy, dict) else policy
    try:
        document = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        document = None
    statements = _statements(document)
    return {
        "has_policy": True,
        "policy_requires_tls": any(_denies_plain_http(s) for s in statements),
        "policy_allows_anonymous": any(s.get("Effect") == "Allow" and _anyone(s.get("Principal"))
                                       and not s.get("Condition") for s in statements),
    }


def policy_status_attrs(answer: dict[str, Any] | None) -> dict[str, Any]:
    """``GetBucketPolicyStatus`` (AWS's own evaluation: public or not; None: no policy, so not public)."""
    status = (answer or {}).get("PolicyStatus") or {}
    return {"policy_is_public": bool(status.get("IsPublic"))}


# --------------------------------------------------------------------------- network


def _rule(perm: dict[str, Any]) -> dict[str, Any]:
    protocol = str(perm.get("IpProtocol", "-1"))
    names = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
    sources = [r.get("CidrIp") for r in perm.get("IpRanges") or [] if isinstance(r, dict)]
    sources += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges") or [] if isinstance(r, dict)]
    sources += [p.get("GroupId") for p in perm.get("UserIdGroupPairs") or [] if isinstance(p, dict)]
    sources += [p.get("PrefixListId") for p in perm.get("PrefixListIds") or [] if isinstance(p, dict)]
    return {"protocol": names.get(protocol, protocol.lower()), "from_port": perm.get("FromPort"),
            "to_port": perm.get("ToPort"), "sources": [s for s in sources if s]}


def _describe(rule: dict[str, Any]) -> str:
    if rule["protocol"] == "all":
        return "all traffic"
    low, high = rule["from_port"], rule["to_port"]
    if low is None or low == -1:
        return f"{rule['protocol']} all ports"
    return f"{rule['protocol']} {low}" if low == high else f"{rule['protocol']} {low}-{high}"


def security_group_attrs(sg: dict[str, Any]) -> dict[str, Any]:
    """``DescribeSecurityGroups`` -> ``aws.ec2.security_group``: the inbound rules normalised (protocol, ports,
    sources), ``public_ingress`` the rules open to 0.0.0.0/0 or ::/0 written as ``tcp 22`` / ``tcp 0-65535`` /
    ``all traffic``, ``egress_open`` whether outbound traffic to anywhere is allowed."""
    ingress = [_rule(p) for p in sg.get("IpPermissions") or [] if isinstance(p, dict)]
    egress = [_rule(p) for p in sg.get("IpPermissionsEgress") or [] if isinstance(p, dict)]
    return {
        "group_name": sg.get("GroupName"), "vpc_id": sg.get("VpcId"), "description": sg.get("Description"),
        "ingress": ingress,
        "public_ingress": sorted({_describe(r) for r in ingress if WORLD & set(r["sources"])}),
        "egress_open": any(WORLD & set(r["sources"]) for r in egress),
    }


def load_balancer_attrs(lb: dict[str, Any]) -> dict[str, Any]:
    """``DescribeLoadBalancers`` (elbv2) -> ``aws.elbv2.load_balancer``."""
    return {"type": lb.get("Type"), "scheme": lb.get("Scheme"),
            "internet_facing": lb.get("Scheme") == "internet-facing", "dns_name": lb.get("DNSName"),
            "vpc_id": lb.get("VpcId"),
            "state": (lb.get("State") or {}).get("Code") if isinstance(lb.get("State"), dict) else None}


def listener_attrs(listener: dict[str, Any], lb: dict[str, Any] | None,
                   policy_protocols: dict[str, list[str]]) -> dict[str, Any]:
    """``DescribeListeners`` -> ``aws.elbv2.listener``, with its load balancer (``DescribeLoadBalancers``) and the
    TLS versions of its security policy (``DescribeSslPolicies``; None when that policy was not described)."""
    protocol = listener.get("Protocol")
    policy = listener.get("SslPolicy")
    actions = [a for a in listener.get("DefaultActions") or [] if isinstance(a, dict)]
    redirect = any(a.get("Type") == "redirect" and str((a.get("RedirectConfig") or {}).get("Protocol", "")).upper()
                   == "HTTPS" for a in actions)
    return {
        "load_balancer_arn": listener.get("LoadBalancerArn"),
        "load_balancer_name": (lb or {}).get("LoadBalancerName"),
        "load_balancer_scheme": (lb or {}).get("Scheme"),
        "port": listener.get("Port"), "protocol": protocol,
        "encrypted": protocol in ("HTTPS", "TLS"),
        "ssl_policy": policy,
        "tls_protocols": policy_protocols.get(policy) if policy else None,
        "certificate_arns": [c.get("CertificateArn") for c in listener.get("Certificates") or []
                             if isinstance(c, dict) and c.get("CertificateArn")],
        "redirects_to_https": redirect,
    }


def ssl_policy_protocols(policies: list[Any]) -> dict[str, list[str]]:
    """``DescribeSslPolicies`` -> policy name -> its TLS versions (``["TLSv1.2", "TLSv1.3"]``)."""
    out: dict[str, list[str]] = {}
    for p in policies:
        if isinstance(p, dict) and isinstance(p.get("Name"), str):
            out[p["Name"]] = sorted(str(v) for v in p.get("SslProtocols") or [])
    return out


# --------------------------------------------------------------------------- keys and logs


def kms_key_attrs(meta: dict[str, Any], rotation: bool | None, aliases: list[str]) -> dict[str, Any]:
    """``DescribeKey`` + ``GetKeyRotationStatus`` + ``ListAliases`` -> ``aws.kms.key`` (customer-managed keys)."""
    spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")
    return {"rotation_enabled": rotation, "rotation_supported": rotation_supported(meta),
            "key_manager": meta.get("KeyManager"), "key_state": meta.get("KeyState"), "key_spec": spec,
            "aliases": sorted(aliases)}


def rotation_supported(meta: dict[str, Any]) -> bool:
    spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")
    return spec == "SYMMETRIC_DEFAULT" and meta.get("Origin", "AWS_KMS") == "AWS_KMS"


def key_name(meta: dict[str, Any], key_id: str, aliases: list[str]) -> str:
    """A key is named by its alias (the first, sorted), else its description, else its id."""
    return sorted(aliases)[0] if aliases else (meta.get("Description") or key_id)


def trail_attrs(trail: dict[str, Any], is_logging: bool | None) -> dict[str, Any]:
    """``DescribeTrails`` (+ ``GetTrailStatus``) -> ``aws.cloudtrail.trail``."""
    return {"multi_region": bool(trail.get("IsMultiRegionTrail")),
            "log_file_validation": bool(trail.get("LogFileValidationEnabled")), "is_logging": is_logging,
            "kms_key_id": trail.get("KmsKeyId"), "organization_trail": bool(trail.get("IsOrganizationTrail"))}


def log_group_attrs(group: dict[str, Any]) -> dict[str, Any]:
    """``DescribeLogGroups`` -> ``aws.logs.log_group``."""
    retention = group.get("retentionInDays")
    return {"retention_days": int(retention) if retention is not None else None, "kms_key_id": group.get("kmsKeyId"),
            "stored_bytes": group.get("storedBytes")}
