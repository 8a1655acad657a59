"""Seed a moto server with an organisation's AWS estate, from the declarative description a generator wrote.

Only the AWS APIs' own write calls are used (boto3 against the server's endpoint URL), so what trustgap then
collects comes from moto's implementation of the read calls, as it would from AWS. The description
(``Estate``, a dict):

``iam``: ``users`` (``name``, ``password``, ``mfa`` (a virtual MFA device enabled), ``access_key``) and
``password_policy`` (UpdateAccountPasswordPolicy arguments); ``s3``: buckets (``name``, ``region``, ``sse``
``AES256`` or ``aws:kms`` with ``kms_key``, ``public_access_block``, ``public_read_policy``, ``versioning``);
``rds``: instances (``id``, ``region``, ``engine``, ``encrypted``, ``multi_az``, ``backup_days``, ``public``);
``volumes`` (``name``, ``region``, ``encrypted``, ``kms_key``); ``ebs_default_encryption`` (regions); ``kms`` (``name``,
``region``, ``spec``, ``usage``, ``rotation``, ``alias``); ``cloudtrail`` (``name``, ``region``, ``bucket``,
``multi_region``, ``validation``, ``logging``); ``logs`` (``name``, ``region``, ``retention``);
``guardduty`` and ``config`` (regions with a detector / a recording recorder); ``backup`` (plans:
``name``, ``region``, ``delete_after_days``); ``security_groups`` (``name``, ``region``, ``port``,
``cidr``); ``load_balancers`` (``name``, ``region``, ``listeners``: ``port``, ``protocol``,
``ssl_policy``, ``action`` forward or redirect).

API references: https://docs.aws.amazon.com/IAM/latest/APIReference/ , .../AmazonS3/latest/API/ ,
.../AmazonRDS/latest/APIReference/ , .../AWSEC2/latest/APIReference/ , .../elasticloadbalancing/latest/APIReference/ ,
.../kms/latest/APIReference/ , .../awscloudtrail/latest/APIReference/ , .../AmazonCloudWatchLogs/latest/APIReference/ ,
.../guardduty/latest/APIReference/ , .../config/latest/APIReference/ , .../aws-backup/latest/devguide/api-reference.html
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

# fixed, fake credentials for the local server (moto accepts any); never real ones
FAKE_KEY_ID = "AKIAATLASBENCHMARK01"
FAKE_SECRET = "atlasBenchmarkFakeSecretKey0000000000000"


def reset(url: str) -> None:
    """Forget everything the server holds (moto keeps its state per process)."""
    req = urllib.request.Request(f"{url}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 - the local moto server
        r.read()


def seed(url: str, estate: dict[str, Any]) -> None:
    import boto3

    clients: dict[tuple[str, str], Any] = {}

    def client(service: str, region: str = "us-east-1") -> Any:
        k = (service, region)
        if k not in clients:
            clients[k] = boto3.client(
                service,
                region_name=region,
                endpoint_url=url,
                aws_access_key_id=FAKE_KEY_ID,
                aws_secret_access_key=FAKE_SECRET,
            )
        return clients[k]

    _iam(client, estate.get("iam") or {})
    _kms(client, estate.get("kms") or [])
    _s3(client, estate.get("s3") or [])
    _rds(client, estate.get("rds") or [])
    _ec2(client, estate)
    _logging(client, estate)


def _iam(client: Callable[..., Any], spec: dict[str, Any]) -> None:
    iam = client("iam")
    for u in spec.get("users", []):
        iam.create_user(UserName=u["name"])
        if u.get("password"):
            iam.create_login_profile(UserName=u["name"], Password="Bench-Only-Password-42!")
        if u.get("mfa"):
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{u['name']}-mfa")["VirtualMFADevice"]
            iam.enable_mfa_device(
                UserName=u["name"],
                SerialNumber=serial["SerialNumber"],
                AuthenticationCode1="123456",
                AuthenticationCode2="654321",
            )
        if u.get("access_key"):
            iam.create_access_key(UserName=u["name"])
    if spec.get("password_policy"):
        iam.update_account_password_policy(**spec["password_policy"])


def _kms(client: Callable[..., Any], keys: list[dict[str, Any]]) -> None:
    for k in keys:
        kms = client("kms", k["region"])
        meta = kms.create_key(
            Description=k["name"],
            KeySpec=k.get("spec", "SYMMETRIC_DEFAULT"),
            KeyUsage=k.get("usage", "ENCRYPT_DECRYPT"),
        )["KeyMetadata"]
        if k.get("rotation"):
            kms.enable_key_rotation(KeyId=meta["KeyId"])
        if k.get("alias"):
            kms.create_alias(AliasName=k["alias"], TargetKeyId=meta["KeyId"])


def _s3(client: Callable[..., Any], buckets: list[dict[str, Any]]) -> None:
    for b in buckets:
        s3 = client("s3", b["region"])
        kwargs: dict[str, Any] = {"Bucket": b["name"]}
        if b["region"] != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": b["region"]}
        s3.create_bucket(**kwargs)
        default: dict[str, Any] = {"SSEAlgorithm": b["sse"]}
        if b.get("kms_key"):
            default["KMSMasterKeyID"] = b["kms_key"]
        s3.put_bucket_encryption(
            Bucket=b["name"],
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": b["sse"] == "aws:kms"}]
            },
        )
        if b.get("public_access_block"):
            s3.put_public_access_block(
                Bucket=b["name"],
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
        if b.get("public_read_policy"):
            s3.put_bucket_policy(
                Bucket=b["name"],
                Policy=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "PublicRead",
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": "s3:GetObject",
                                "Resource": f"arn:aws:s3:::{b['name']}/*",
                            }
                        ],
                    }
                ),
            )
        if b.get("versioning"):
            s3.put_bucket_versioning(Bucket=b["name"], VersioningConfiguration={"Status": "Enabled"})


def _rds(client: Callable[..., Any], dbs: list[dict[str, Any]]) -> None:
    for d in dbs:
        client("rds", d["region"]).create_db_instance(
            DBInstanceIdentifier=d["id"],
            Engine=d.get("engine", "postgres"),
            DBInstanceClass="db.r6g.large",
            AllocatedStorage=100,
            MasterUsername="dbadmin",
            MasterUserPassword="Bench-Only-Db-Password-42",
            StorageEncrypted=d["encrypted"],
            MultiAZ=d["multi_az"],
            BackupRetentionPeriod=d["backup_days"],
            PubliclyAccessible=d["public"],
            DeletionProtection=True,
        )


def _ec2(client: Callable[..., Any], estate: dict[str, Any]) -> None:
    for v in estate.get("volumes", []):
        kwargs: dict[str, Any] = {}
        if v.get("kms_key"):  # an explicit key (else moto makes an alias/aws/ebs key it calls customer-managed)
            kwargs["KmsKeyId"] = v["kms_key"]
        client("ec2", v["region"]).create_volume(
            AvailabilityZone=f"{v['region']}a",
            Size=v.get("size", 50),
            Encrypted=v["encrypted"],
            TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": v["name"]}]}],
            **kwargs,
        )
    for region in estate.get("ebs_default_encryption", []):
        client("ec2", region).enable_ebs_encryption_by_default()
    vpcs: dict[str, tuple[str, list[str]]] = {}

    def vpc(region: str) -> tuple[str, list[str]]:
        if region not in vpcs:
            ec2 = client("ec2", region)
            vid = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            subnets = [
                ec2.create_subnet(VpcId=vid, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{region}{az}")["Subnet"][
                    "SubnetId"
                ]
                for i, az in ((1, "a"), (2, "b"))
            ]
            vpcs[region] = (vid, subnets)
        return vpcs[region]

    groups: dict[str, str] = {}
    for g in estate.get("security_groups", []):
        ec2 = client("ec2", g["region"])
        vid, _ = vpc(g["region"])
        gid = ec2.create_security_group(GroupName=g["name"], Description=g["name"], VpcId=vid)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=gid,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": g["port"], "ToPort": g["port"], "IpRanges": [{"CidrIp": g["cidr"]}]}
            ],
        )
        groups[g["name"]] = gid
    for lb in estate.get("load_balancers", []):
        region = lb["region"]
        elb = client("elbv2", region)
        vid, subnets = vpc(region)
        arn = elb.create_load_balancer(
            Name=lb["name"],
            Subnets=subnets,
            SecurityGroups=[groups[lb["security_group"]]] if lb.get("security_group") else [],
            Scheme="internet-facing",
            Type="application",
        )["LoadBalancers"][0]["LoadBalancerArn"]
        tg = elb.create_target_group(Name=f"{lb['name']}-tg", Protocol="HTTP", Port=8080, VpcId=vid)["TargetGroups"][0][
            "TargetGroupArn"
        ]
        for li in lb["listeners"]:
            if li["action"] == "redirect":
                action: dict[str, Any] = {
                    "Type": "redirect",
                    "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
                }
            else:
                action = {"Type": "forward", "TargetGroupArn": tg}
            kwargs: dict[str, Any] = {
                "LoadBalancerArn": arn,
                "Protocol": li["protocol"],
                "Port": li["port"],
                "DefaultActions": [action],
            }
            if li["protocol"] == "HTTPS":
                acm = client("acm", region)
                cert = acm.request_certificate(DomainName=f"{lb['name']}.example.com")["CertificateArn"]
                kwargs["SslPolicy"] = li["ssl_policy"]
                kwargs["Certificates"] = [{"CertificateArn": cert}]
            elb.create_listener(**kwargs)


def _logging(client: Callable[..., Any], estate: dict[str, Any]) -> None:
    for t in estate.get("cloudtrail", []):
        ct = client("cloudtrail", t["region"])
        ct.create_trail(
            Name=t["name"],
            S3BucketName=t["bucket"],
            IsMultiRegionTrail=t["multi_region"],
            EnableLogFileValidation=t["validation"],
        )
        if t.get("logging"):
            ct.start_logging(Name=t["name"])
    for g in estate.get("logs", []):
        logs = client("logs", g["region"])
        logs.create_log_group(logGroupName=g["name"])
        if g.get("retention") is not None:
            logs.put_retention_policy(logGroupName=g["name"], retentionInDays=g["retention"])
    for region in estate.get("guardduty", []):
        client("guardduty", region).create_detector(Enable=True)
    for region in estate.get("config", []):
        cfg = client("config", region)
        cfg.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": f"arn:aws:iam::{estate['account']}:role/aws-config",
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == "us-east-1"},
            }
        )
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": estate["config_bucket"]})
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")
    for p in estate.get("backup", []):
        client("backup", p["region"]).create_backup_plan(
            BackupPlan={
                "BackupPlanName": p["name"],
                "Rules": [
                    {
                        "RuleName": f"{p['name']}-rule",
                        "TargetBackupVaultName": "Default",
                        "ScheduleExpression": "cron(0 5 * * ? *)",
                        "Lifecycle": {"DeleteAfterDays": p["delete_after_days"]},
                    }
                ],
            }
        )
