"""A local moto server seeded with a small AWS estate: one misconfigured and one well-configured example
of every kind of resource the AWS collector reads."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date

import pytest

ACCOUNT = "123456789012"
PLANTED_AWS_SECRET = "trustgapPLANTEDawsSECRETkey0123456789abcd"
PLANTED_AWS_TOKEN = "trustgapPLANTEDsessionTOKEN9876543210"
REGIONS = ("us-east-1", "eu-west-1")
AS_OF = date(2026, 11, 1)

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIATRUSTGAPTEST0001",
    "AWS_SECRET_ACCESS_KEY": PLANTED_AWS_SECRET,
    "AWS_SESSION_TOKEN": PLANTED_AWS_TOKEN,
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent/trustgap-test-aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/trustgap-test-aws-credentials",
}


@pytest.fixture(scope="session")
def aws_env() -> Iterator[dict[str, str]]:
    old = {k: os.environ.get(k) for k in AWS_ENV}
    os.environ.update(AWS_ENV)
    yield AWS_ENV
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def moto_url(aws_env: dict[str, str]) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    seed(url)
    yield url
    server.stop()


def _client(service: str, url: str, region: str = "us-east-1"):  # noqa: ANN202
    import boto3

    client = boto3.client(service, region_name=region, endpoint_url=url)
    if service == "s3control":
        from trustgap.collectors.aws_session import _strip_account_host

        client.meta.events.register("before-sign.s3-control.*", _strip_account_host)
    return client


def seed(url: str) -> None:
    """Good and bad examples: users with and without MFA, buckets, databases, volumes, keys, trails, log
    groups, a GuardDuty detector in one region only, a backup plan and a Config recorder."""
    iam = _client("iam", url)
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-9!")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["VirtualMFADevice"]["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Battery-Staple-7!")
    iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=3)
    iam.create_role(RoleName="deployer", AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}')

    s3 = _client("s3", url)
    s3.create_bucket(Bucket="acme-audit-logs")
    s3.put_bucket_encryption(Bucket="acme-audit-logs", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/audit"}}]})
    s3.put_public_access_block(Bucket="acme-audit-logs", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_versioning(Bucket="acme-audit-logs", VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(Bucket="acme-public-assets")  # no public access block, no default encryption
    s3.create_bucket(Bucket="acme-trail-legacy")

    rds = _client("rds", url)
    rds.create_db_instance(DBInstanceIdentifier="prod-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="not-a-real-pass1",
                           StorageEncrypted=True, MultiAZ=True, BackupRetentionPeriod=7, PubliclyAccessible=False)
    rds.create_db_instance(DBInstanceIdentifier="legacy-db", Engine="mysql", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="not-a-real-pass2",
                           StorageEncrypted=False, MultiAZ=False, BackupRetentionPeriod=0, PubliclyAccessible=True)

    for region in REGIONS:
        ec2 = _client("ec2", url, region)
        ec2.create_volume(AvailabilityZone=f"{region}a", Size=8, Encrypted=True,
                          TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data"}]}])
    _client("ec2", url, "us-east-1").create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=False)
    _client("ec2", url, "eu-west-1").enable_ebs_encryption_by_default()

    kms = _client("kms", url)
    rotated = kms.create_key(Description="orders key")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated)
    kms.create_key(Description="legacy key")

    seed_network(url)
    kms.create_alias(AliasName="alias/payments", TargetKeyId=kms.create_key(Description="payments key")["KeyMetadata"]
                     ["KeyId"])
    s3.put_bucket_policy(Bucket="acme-audit-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::acme-audit-logs", "arn:aws:s3:::acme-audit-logs/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    s3.put_bucket_policy(Bucket="acme-public-assets", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::acme-public-assets/*"}]}))

    ct = _client("cloudtrail", url)
    ct.create_trail(Name="org-trail", S3BucketName="acme-audit-logs", IsMultiRegionTrail=True,
                    EnableLogFileValidation=True)
    ct.start_logging(Name="org-trail")
    ct.create_trail(Name="legacy-trail", S3BucketName="acme-trail-legacy", IsMultiRegionTrail=False,
                    EnableLogFileValidation=False)

    logs = _client("logs", url)
    logs.create_log_group(logGroupName="/acme/audit")
    logs.put_retention_policy(logGroupName="/acme/audit", retentionInDays=400)
    logs.create_log_group(logGroupName="/acme/web")
    logs.put_retention_policy(logGroupName="/acme/web", retentionInDays=90)
    logs.create_log_group(logGroupName="/acme/forever")

    _client("guardduty", url, "eu-west-1").create_detector(Enable=True)

    _client("backup", url).create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [
        {"RuleName": "daily-35d", "TargetBackupVaultName": "Default", "ScheduleExpression": "cron(0 5 * * ? *)",
         "Lifecycle": {"DeleteAfterDays": 35}}]})

    cfg = _client("config", url)
    cfg.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "acme-audit-logs"})
    cfg.start_configuration_recorder(ConfigurationRecorderName="default")


def seed_network(url: str) -> None:
    """Security groups (SSH open to the world, HTTPS only from the office) and two load balancers: ``web`` answers
    HTTP with a redirect to HTTPS under a TLS 1.2+ policy, ``legacy`` serves plain HTTP."""
    ec2 = _client("ec2", url)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    bastion = ec2.create_security_group(GroupName="bastion", Description="ssh", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=bastion, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    office = ec2.create_security_group(GroupName="office-https", Description="https from the office", VpcId=vpc)
    ec2.authorize_security_group_ingress(GroupId=office["GroupId"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "198.51.100.0/24"}]}])
    acm = _client("acm", url)
    pem_cert, pem_key = _self_signed()
    cert = acm.import_certificate(Certificate=pem_cert, PrivateKey=pem_key)["CertificateArn"]
    elb = _client("elbv2", url)
    web = elb.create_load_balancer(Name="web", Subnets=subnets[:2], SecurityGroups=[office["GroupId"]],
                                   Scheme="internet-facing")["LoadBalancers"][0]["LoadBalancerArn"]
    group = elb.create_target_group(Name="web-targets", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]
    forward = [{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}]
    elb.create_listener(LoadBalancerArn=web, Protocol="HTTPS", Port=443,
                        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06", Certificates=[{"CertificateArn": cert}],
                        DefaultActions=forward)
    elb.create_listener(LoadBalancerArn=web, Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
    legacy = elb.create_load_balancer(Name="legacy", Subnets=subnets[:2], Scheme="internet-facing")
    elb.create_listener(LoadBalancerArn=legacy["LoadBalancers"][0]["LoadBalancerArn"], Protocol="HTTP", Port=80,
                        DefaultActions=forward)


def _self_signed() -> tuple[bytes, bytes]:
    """A throwaway certificate for the test load balancer (made in memory, never written anywhere)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "web.acme.test")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    pem_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), pem_key

