"""AWS CLI output saved to files (``aws <service> <command> --output json > file.json``): the same facts as the live
AWS collector, from the same answer shapes (:mod:`trustgap.evidence.parsers._aws_shapes`).

Commands read, each recognised by the top-level member its answer has (the API reference's response elements; the
CLI prints them as they are, timestamps as ISO 8601):

=====================================================  ==========================  ============================
command                                                member                      facts
=====================================================  ==========================  ============================
``aws rds describe-db-instances``                      ``DBInstances``             ``aws.rds.instance``
``aws ec2 describe-volumes``                           ``Volumes``                 ``aws.ec2.volume``
``aws ec2 describe-security-groups``                   ``SecurityGroups``          ``aws.ec2.security_group``
``aws elbv2 describe-load-balancers``                  ``LoadBalancers``           ``aws.elbv2.load_balancer``
``aws elbv2 describe-listeners``                       ``Listeners``               ``aws.elbv2.listener``
``aws elbv2 describe-ssl-policies``                    ``SslPolicies``             (TLS versions of listeners)
``aws kms list-aliases``                               ``Aliases``                 (names of keys)
``aws kms describe-key``                               ``KeyMetadata``             ``aws.kms.key``
``aws kms get-key-rotation-status``                    ``KeyRotationEnabled``      (rotation of a key)
``aws s3api list-buckets``                             ``Buckets``                 ``aws.s3.bucket``
``aws s3api get-bucket-encryption --bucket B``         ``ServerSideEncryption...`` (encryption of B)
``aws s3api get-bucket-policy --bucket B``             ``Policy``                  (policy of B)
``aws s3api get-bucket-policy-status --bucket B``      ``PolicyStatus``            (AWS's public verdict on B)
``aws s3api get-public-access-block --bucket B``       ``PublicAccessBlock...``    (public access block of B)
``aws cloudtrail describe-trails``                     ``trailList``               ``aws.cloudtrail.trail``
``aws logs describe-log-groups``                       ``logGroups``               ``aws.logs.log_group``
=====================================================  ==========================  ============================

Joins (``finalize``): listeners take their load balancer's name and scheme and their policy's TLS versions from the
other files; keys take their aliases (``TargetKeyId``) and rotation status (``KeyId``, printed by current CLI
versions); a bucket's facts are the union of every file about it.

Which bucket: ``get-bucket-*`` answers do not name their bucket, so the file's name or folder must: the bucket is
the longest known bucket name (from ``list-buckets``, or other files) found in the file's path, else the file name
with the command words taken out (``s3api-get-bucket-encryption-acme-logs.json``, ``acme-logs/encryption.json``).
A file whose bucket cannot be told becomes a collection problem (``aws.s3``) naming the file. An answer to
``s3control get-public-access-block`` (a path with ``s3control`` or ``account``) is the account's.

Account and region: from the ARNs and owner ids in the answers (``DBInstanceArn``, ``ListenerArn``, ``OwnerId``,
``AliasArn``, ``Arn``), from availability zones, else from ``parsers: {aws_cli: {account: "123456789012", region:
eu-west-1}}`` in the scope file; without an account the system is ``aws``. The time of the state is the file's.
A describe answer with ``NextToken`` / ``Marker`` is one page: the other pages are other files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers import _aws_shapes as shapes
from trustgap.evidence.parsers._json_input import head_text, load_json
from trustgap.facts import CollectionIssue, Resource, Setting, Src

LIST_KEYS = ("DBInstances", "Volumes", "SecurityGroups", "LoadBalancers", "Listeners", "SslPolicies", "Aliases",
             "Buckets", "trailList", "logGroups")
OBJECT_KEYS = ("KeyMetadata", "KeyRotationEnabled", "ServerSideEncryptionConfiguration", "PolicyStatus",
               "PublicAccessBlockConfiguration")
TOPICS = {"DBInstances": "aws.rds", "Volumes": "aws.ec2", "SecurityGroups": "aws.ec2", "LoadBalancers": "aws.elbv2",
          "Listeners": "aws.elbv2", "Buckets": "aws.s3", "trailList": "aws.cloudtrail", "logGroups": "aws.logs"}
_WORDS = re.compile(r"(?:aws|s3api|s3control|get|bucket|encryption|server|side|sse|policy|status|public|access|block|"
                    r"pab|output|json)$", re.I)


# --------------------------------------------------------------------------- intermediate facts


@dataclass(frozen=True, slots=True, kw_only=True)
class BucketPart:
    """Attributes of one bucket read from one file; ``bucket`` None when only the file's path can name it."""

    src: Src
    bucket: str | None
    path: str
    attrs: dict[str, Any] = field(hash=False, compare=False)
    system: str = "aws"
    region: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListenerPart:
    src: Src
    listener: dict[str, Any] = field(hash=False, compare=False)
    system: str
    region: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadBalancerInfo:
    src: Src
    lb: dict[str, Any] = field(hash=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class TlsPolicies:
    src: Src
    protocols: dict[str, list[str]] = field(hash=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyAliases:
    src: Src
    by_key: dict[str, list[str]] = field(hash=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyPart:
    src: Src
    meta: dict[str, Any] = field(hash=False, compare=False)
    system: str
    region: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRotation:
    src: Src
    key_id: str
    enabled: bool


# --------------------------------------------------------------------------- recognition


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 4096).lstrip()
    if not head.startswith("{"):
        return 0
    first = re.match(r'\{\s*"([A-Za-z]+)"\s*:', head)
    key = first.group(1) if first else ""
    if key in LIST_KEYS or key in OBJECT_KEYS:
        return 9
    if key == "Policy" and '\\"Statement\\"' in head:
        return 9
    return 0


# --------------------------------------------------------------------------- account, region, bucket names


class _Where:
    def __init__(self, ctx: ParseContext) -> None:
        self.account = str(ctx.options["account"]) if ctx.options.get("account") else None
        self.region = str(ctx.options["region"]) if ctx.options.get("region") else None

    def system(self, account: str | None) -> str:
        acct = account or self.account
        return f"aws:{acct}" if acct else "aws"

    def of_arn(self, arn: Any) -> tuple[str, str | None]:
        account, region = shapes.arn_parts(arn)
        return self.system(account), region or self.region


def path_candidates(path: str) -> list[str]:
    """Bucket names a path may carry: its folders and its file name without the command words."""
    p = PurePosixPath(path.replace("\\", "/"))
    stem = p.name.split(".json")[0]
    words = [w for w in re.split(r"[-_]", stem) if w and not _WORDS.match(w)]
    out = ["-".join(words)] if words else []
    dotted = re.sub(r"\.(encryption|policy|policy-status|public-access-block|pab)$", "", stem, flags=re.I)
    if dotted != stem:
        out.append(dotted)
    out.extend(reversed(p.parent.parts))
    return [c for c in out if c and c not in (".", "/")]


# --------------------------------------------------------------------------- per command


def _resources(items: list[Any], ctx: ParseContext, key: str, where: _Where) -> list[Any]:
    facts: list[Any] = []
    lost = 0
    for i, item in enumerate(items):
        loc = f"$.{key}[{i}]"
        if not isinstance(item, dict):
            ctx.error(f"{loc} is not an object", field=f"{key}[{i}]")
            lost += 1
            continue
        try:
            facts.extend(_one(item, ctx.src(loc), key, where))
        except KeyError as exc:
            ctx.error(f"{loc} has no {exc.args[0]}", field=f"{key}[{i}].{exc.args[0]}")
            lost += 1
    if lost:  # the checks of this service must not pass on the items that were read
        facts.append(CollectionIssue(src=ctx.src(f"$.{key}"), source=TOPICS[key],
                                     reason=f"{ctx.path}: {lost} item(s) of {key} could not be read"))
    return facts


def _one(item: dict[str, Any], src: Src, key: str, where: _Where) -> list[Any]:
    if key == "DBInstances":
        system, region = where.of_arn(item.get("DBInstanceArn"))
        region = region or shapes.region_of_zone(item.get("AvailabilityZone"))
        return [Resource(src=src, system=system, kind="aws.rds.instance",
                         resource_id=item.get("DBInstanceArn") or item["DBInstanceIdentifier"],
                         name=item["DBInstanceIdentifier"], region=region, attrs=shapes.rds_attrs(item))]
    if key == "Volumes":
        return [Resource(src=src, system=where.system(None), kind="aws.ec2.volume", resource_id=item["VolumeId"],
                         name=shapes.tag_name(item),
                         region=shapes.region_of_zone(item.get("AvailabilityZone")) or where.region,
                         attrs=shapes.volume_attrs(item))]
    if key == "SecurityGroups":
        system, region = where.of_arn(item.get("SecurityGroupArn"))
        if system == "aws" and item.get("OwnerId"):
            system = where.system(str(item["OwnerId"]))
        return [Resource(src=src, system=system, kind="aws.ec2.security_group", resource_id=item["GroupId"],
                         name=item.get("GroupName"), region=region, attrs=shapes.security_group_attrs(item))]
    if key == "LoadBalancers":
        system, region = where.of_arn(item["LoadBalancerArn"])
        return [Resource(src=src, system=system, kind="aws.elbv2.load_balancer", resource_id=item["LoadBalancerArn"],
                         name=item.get("LoadBalancerName"), region=region, attrs=shapes.load_balancer_attrs(item)),
                LoadBalancerInfo(src=src, lb=item)]
    if key == "Listeners":
        system, region = where.of_arn(item["ListenerArn"])
        return [ListenerPart(src=src, listener=item, system=system, region=region)]
    if key == "trailList":
        system, _ = where.of_arn(item.get("TrailARN"))
        return [Resource(src=src, system=system, kind="aws.cloudtrail.trail", resource_id=item.get("TrailARN")
                         or item["Name"], name=item.get("Name"), region=item.get("HomeRegion") or where.region,
                         attrs=shapes.trail_attrs(item, None))]
    if key == "logGroups":
        system, region = where.of_arn(item.get("arn"))
        arn = item.get("arn") or item["logGroupName"]
        return [Resource(src=src, system=system, kind="aws.logs.log_group", resource_id=str(arn).removesuffix(":*"),
                         name=item["logGroupName"], region=region, attrs=shapes.log_group_attrs(item))]
    if key == "Buckets":
        return [BucketPart(src=src, bucket=item["Name"], path="", attrs={}, system=where.system(None))]
    return []


def _bucket_answer(doc: dict[str, Any], ctx: ParseContext, where: _Where) -> list[Any]:
    if "ServerSideEncryptionConfiguration" in doc:
        attrs = shapes.bucket_encryption_attrs(doc)
    elif "PolicyStatus" in doc:
        attrs = shapes.policy_status_attrs(doc)
    elif "Policy" in doc:
        attrs = shapes.bucket_policy_attrs(doc)
    else:  # PublicAccessBlockConfiguration
        pab = doc.get("PublicAccessBlockConfiguration")
        if not isinstance(pab, dict):
            raise InputError(ctx.path, "PublicAccessBlockConfiguration is not an object",
                             field="PublicAccessBlockConfiguration")
        lowered = ctx.path.lower()
        if "s3control" in lowered or "account" in lowered:
            return [Setting(src=ctx.src("$"), system=where.system(None), scope=where.account or "aws",
                            key="aws.s3.account_public_access_block", value=dict(pab))]
        attrs = {"public_access_block": dict(pab)}
    return [BucketPart(src=ctx.src("$"), bucket=None, path=ctx.path, attrs=attrs, system=where.system(None),
                       region=where.region)]


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    if not isinstance(doc, dict):
        raise InputError(ctx.path, "not AWS CLI output: the top level is not a JSON object", line=1)
    where = _Where(ctx)
    for key in LIST_KEYS:
        if key in doc:
            items = doc[key]
            if not isinstance(items, list):
                raise InputError(ctx.path, f"{key} is not a list", field=key)
            if key == "SslPolicies":
                return ParseResult(facts=[TlsPolicies(src=ctx.src("$"), protocols=shapes.ssl_policy_protocols(items))])
            if key == "Aliases":
                by_key: dict[str, list[str]] = {}
                for a in items:
                    if isinstance(a, dict) and a.get("TargetKeyId") and a.get("AliasName"):
                        by_key.setdefault(str(a["TargetKeyId"]), []).append(str(a["AliasName"]))
                return ParseResult(facts=[KeyAliases(src=ctx.src("$"), by_key=by_key)])
            return ParseResult(facts=_resources(items, ctx, key, where))
    if isinstance(doc.get("KeyMetadata"), dict):
        meta = doc["KeyMetadata"]
        system, region = where.of_arn(meta.get("Arn"))
        if not meta.get("KeyId"):
            raise InputError(ctx.path, "KeyMetadata has no KeyId", field="KeyMetadata.KeyId")
        return ParseResult(facts=[KeyPart(src=ctx.src("$.KeyMetadata"), meta=meta, system=system, region=region)])
    if "KeyRotationEnabled" in doc:
        key_id = doc.get("KeyId")
        if not isinstance(key_id, str):
            raise InputError(ctx.path, "get-key-rotation-status output without KeyId (printed by AWS CLI 2.15 and "
                             "later): which key it is about is unknown", field="KeyId")
        return ParseResult(facts=[KeyRotation(src=ctx.src("$"), key_id=key_id.rsplit("/", 1)[-1],
                                              enabled=doc["KeyRotationEnabled"] is True)])
    if any(k in doc for k in ("ServerSideEncryptionConfiguration", "PolicyStatus", "Policy",
                              "PublicAccessBlockConfiguration")):
        return ParseResult(facts=_bucket_answer(doc, ctx, where))
    raise InputError(ctx.path, "not the output of an AWS CLI command trustgap reads", line=1)


# --------------------------------------------------------------------------- joins


def _bucket_of(part: BucketPart, known: set[str]) -> str | None:
    if part.bucket:
        return part.bucket
    lowered = part.path.lower()
    found = [b for b in known if b.lower() in lowered]
    if found:
        return max(found, key=len)
    candidates = path_candidates(part.path)
    return candidates[0] if candidates else None


def finalize(facts: list[Any]) -> list[Any]:
    out: list[Any] = []
    buckets: list[BucketPart] = []
    listeners: list[ListenerPart] = []
    lbs: dict[str, dict[str, Any]] = {}
    protocols: dict[str, list[str]] = {}
    aliases: dict[str, list[str]] = {}
    keys: list[KeyPart] = []
    rotation: dict[str, KeyRotation] = {}
    for f in facts:
        if isinstance(f, BucketPart):
            buckets.append(f)
        elif isinstance(f, ListenerPart):
            listeners.append(f)
        elif isinstance(f, LoadBalancerInfo):
            lbs[str(f.lb.get("LoadBalancerArn"))] = f.lb
        elif isinstance(f, TlsPolicies):
            protocols.update(f.protocols)
        elif isinstance(f, KeyAliases):
            for target, names in f.by_key.items():
                aliases.setdefault(target, []).extend(n for n in names if n not in aliases.get(target, []))
        elif isinstance(f, KeyPart):
            keys.append(f)
        elif isinstance(f, KeyRotation):
            rotation[f.key_id] = f
        else:
            out.append(f)
    for li in listeners:
        lb = lbs.get(str(li.listener.get("LoadBalancerArn")))
        arn_parts = str(li.listener.get("LoadBalancerArn", "")).split("/")  # ...:loadbalancer/app/NAME/id
        label = (lb or {}).get("LoadBalancerName") or (arn_parts[2] if len(arn_parts) > 2 else "?")
        out.append(Resource(src=li.src, system=li.system, kind="aws.elbv2.listener",
                            resource_id=str(li.listener.get("ListenerArn")), name=f"{label}:{li.listener.get('Port')}",
                            region=li.region, attrs=shapes.listener_attrs(li.listener, lb, protocols)))
    for k in keys:
        if k.meta.get("KeyManager") != "CUSTOMER":
            continue  # AWS-managed keys rotate by themselves, as in the live collection
        key_id = str(k.meta["KeyId"])
        rot = rotation.get(key_id)
        names = aliases.get(key_id, [])
        out.append(Resource(src=rot.src if rot else k.src, system=k.system, kind="aws.kms.key",
                            resource_id=k.meta.get("Arn") or key_id, name=shapes.key_name(k.meta, key_id, names),
                            region=k.region, attrs=shapes.kms_key_attrs(k.meta, rot.enabled if rot else None, names)))
    out.extend(_merge_buckets(buckets))
    return out


def _merge_buckets(parts: list[BucketPart]) -> list[Any]:
    known = {p.bucket for p in parts if p.bucket}
    merged: dict[str, BucketPart] = {}
    out: list[Any] = []
    for p in parts:
        name = _bucket_of(p, known)
        if name is None:
            out.append(CollectionIssue(src=p.src, source="aws.s3", reason=f"{p.path}: which bucket this answer is "
                                       "about cannot be told; name the file after the bucket"))
            continue
        have = merged.get(name)
        if have is None:
            merged[name] = replace(p, bucket=name, attrs=dict(p.attrs))
            continue
        attrs = {**have.attrs, **p.attrs}
        system = have.system if have.system != "aws" else p.system
        src = p.src if "encrypted" in p.attrs else have.src
        merged[name] = replace(have, attrs=attrs, system=system, src=src, region=have.region or p.region)
    for name, p in sorted(merged.items()):
        attrs = dict(p.attrs)
        if "public_access_block" in attrs:
            attrs.update(shapes.public_access_attrs(attrs["public_access_block"], None))
        out.append(Resource(src=p.src, system=p.system, kind="aws.s3.bucket", resource_id=name, name=name,
                            region=p.region, attrs=attrs))
    return out


PARSER = register(
    Parser(
        name="aws_cli",
        title="AWS CLI JSON output (RDS, EC2, ELBv2, KMS, S3, CloudTrail, CloudWatch Logs)",
        sniff=sniff,
        parse=parse,
        finalize=finalize,
        # a file that cannot be read at all does not say which service it was about: it voids no check (a check
        # with no resources of its kind is Not assessed anyway); unreadable items of a readable file do (TOPICS)
        sources=(),
        reference="https://docs.aws.amazon.com/cli/latest/reference/ (the service API references' response elements)",
    )
)
