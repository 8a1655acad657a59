"""Live AWS collection + assessment speed and memory: trustgap against a local moto server, and Prowler too
when it is installed (targets: <= 1/10 of Prowler's wall time, <= 1/5 of its peak memory, same findings).

    python bench/bench_collect_aws.py [--scale 10] [--prowler PATH] [--keep DIR]

Starts ``moto_server`` (from ``moto[server]``) as its own process on a free loopback port and seeds it with
a small estate over two regions: per unit of scale, console users with and without MFA, buckets with and
without a public access block, encrypted and unencrypted databases, volumes and KMS keys with and without
rotation, log groups kept 90 or 400 days; one multi-region trail with log file validation plus one
single-region trail without; EBS encryption by default and GuardDuty on in eu-west-1 only. Then it runs,
each as a separate process so that the wall time and peak resident memory (``ru_maxrss`` from
``os.wait4``) are that tool's alone:

- ``trustgap assess FOLDER --collect aws`` with a scope file whose ``collect.aws`` points at the server:
  live collection of every service, facts, checks, verdicts, roll-ups, plan, saved run (SQLite);
- ``prowler aws --compliance soc2_aws -f us-east-1 eu-west-1 -M json-ocsf`` against the same server
  (``AWS_ENDPOINT_URL``), when ``--prowler``, ``$TRUSTGAP_PROWLER`` or ``prowler`` on PATH names it.
  Prowler is not a dependency: install it in its own virtualenv
  (``python -m venv ~/prowler-venv && ~/prowler-venv/bin/pip install prowler``).

It prints both figures, the ratios, and for each seeded misconfiguration how many of the bad resources each
tool reported (Prowler's ``soc2_aws`` framework leaves some of these checks out: "not run").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REGIONS = ("us-east-1", "eu-west-1")
ENV = {
    "AWS_ACCESS_KEY_ID": "AKIABENCHMARK0000001",
    "AWS_SECRET_ACCESS_KEY": "bench-secret-not-real-0123456789",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
}

# misconfiguration -> (trustgap check, Prowler check); the bench counts the failing entities of each.
MISCONFIGURATIONS: list[tuple[str, str, str]] = [
    ("console user without MFA", "mfa.enabled_on_every_system", "iam_user_mfa_enabled_console_access"),
    ("unencrypted RDS instance", "aws.rds_encrypted", "rds_instance_storage_encrypted"),
    ("bucket without public access block", "aws.s3_public_access_blocked", "s3_bucket_level_public_access_block"),
    ("single-region trail", "aws.cloudtrail_multi_region_logging", "cloudtrail_multi_region_enabled"),
    ("trail without log file validation", "aws.cloudtrail_log_file_validation",
     "cloudtrail_log_file_validation_enabled"),
    ("log group kept 90 days", "aws.log_retention_sufficient",
     "cloudwatch_log_group_retention_policy_specific_days_enabled"),
    ("EBS encryption by default off", "aws.ebs_encryption_by_default", "ec2_ebs_default_encryption"),
    ("no GuardDuty detector", "aws.guardduty_enabled", "guardduty_is_enabled"),
    ("KMS key without rotation", "aws.kms_key_rotation", "kms_cmk_rotation_enabled"),
    ("unencrypted EBS volume", "aws.ebs_volumes_encrypted", "ec2_ebs_volume_encryption"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    exe = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
    if exe is None:
        raise SystemExit("moto_server not found: pip install 'moto[server]'")
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)  # noqa: S310 - loopback only
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("moto_server did not start")


def seed(url: str, scale: int) -> dict[str, int]:
    """Half of everything misconfigured; returns how many bad resources of each kind were made."""
    import boto3

    def c(service: str, region: str = "us-east-1"):  # noqa: ANN202
        return boto3.client(service, region_name=region, endpoint_url=url)

    iam = c("iam")
    for i in range(scale):
        for name, mfa in ((f"mfa-user-{i:03d}", True), (f"nomfa-user-{i:03d}", False)):
            iam.create_user(UserName=name)
            iam.create_login_profile(UserName=name, Password="Bench-Password-9!")
            if mfa:
                dev = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
                iam.enable_mfa_device(UserName=name, SerialNumber=dev["SerialNumber"],
                                      AuthenticationCode1="123456", AuthenticationCode2="654321")
    s3 = c("s3")
    block = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}
    for i in range(scale):
        s3.create_bucket(Bucket=f"closed-bucket-{i:03d}")
        s3.put_public_access_block(Bucket=f"closed-bucket-{i:03d}", PublicAccessBlockConfiguration=block)
        s3.create_bucket(Bucket=f"open-bucket-{i:03d}")
    rds = c("rds")
    dbs = max(1, scale // 2)
    for i in range(dbs):
        for name, enc in ((f"enc-db-{i:03d}", True), (f"plain-db-{i:03d}", False)):
            rds.create_db_instance(DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro",
                                   AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="bench-password-1",
                                   StorageEncrypted=enc, MultiAZ=enc, BackupRetentionPeriod=7 if enc else 0)
    for region in REGIONS:
        ec2 = c("ec2", region)
        for _ in range(scale):
            ec2.create_volume(AvailabilityZone=f"{region}a", Size=8, Encrypted=True)
            ec2.create_volume(AvailabilityZone=f"{region}a", Size=8, Encrypted=False)
        logs = c("logs", region)
        for i in range(scale):
            for name, days in ((f"/long/{i}", 400), (f"/short/{i}", 90)):
                logs.create_log_group(logGroupName=name)
                logs.put_retention_policy(logGroupName=name, retentionInDays=days)
    c("ec2", "eu-west-1").enable_ebs_encryption_by_default()
    kms = c("kms")
    for i in range(scale):
        good = kms.create_key(Description=f"rotated key {i}")["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=good)
        kms.create_key(Description=f"unrotated key {i}")
    ct = c("cloudtrail")
    ct.create_trail(Name="org-trail", S3BucketName="closed-bucket-000", IsMultiRegionTrail=True,
                    EnableLogFileValidation=True)
    ct.start_logging(Name="org-trail")
    ct.create_trail(Name="legacy-trail", S3BucketName="open-bucket-000", IsMultiRegionTrail=False,
                    EnableLogFileValidation=False)
    ct.start_logging(Name="legacy-trail")
    c("guardduty", "eu-west-1").create_detector(Enable=True)
    return {"users": 2 * scale, "buckets": 2 * scale, "databases": 2 * dbs, "volumes": 4 * scale,
            "log_groups": 4 * scale, "kms_keys": 2 * scale, "trails": 2}


def expected_bad(scale: int) -> dict[str, int]:
    dbs = max(1, scale // 2)
    return {"console user without MFA": scale, "unencrypted RDS instance": dbs,
            "bucket without public access block": scale, "single-region trail": 1,
            "trail without log file validation": 1, "log group kept 90 days": 2 * scale,
            "EBS encryption by default off": 1, "no GuardDuty detector": 1,
            # moto also makes a customer-managed, unrotated default EBS key in each region it touches
            "KMS key without rotation": scale + len(REGIONS),
            "unencrypted EBS volume": 2 * scale}


def measure(cmd: list[str], env: dict[str, str], log: Path) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MiB, exit code) of one child process; its output goes to ``log``."""
    with log.open("wb") as out:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def trustgap_scope(folder: Path, url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    scope = {
        "organisation": {"name": "Bench"},
        "categories": ["security", "availability"],
        "systems": [{"name": "AWS", "kind": "aws", "role": "cloud"}],
        "collect": {"aws": {"endpoint_url": url, "accounts": [{"regions": list(REGIONS)}]}},
    }
    (folder / "scope.yaml").write_text(json.dumps(scope, indent=1))  # JSON is YAML


def trustgap_failures(result_json: Path) -> dict[str, int]:
    doc = json.loads(result_json.read_text())
    seen: dict[str, set[str]] = {}
    for f in doc.get("findings") or []:
        if f.get("check_id") and f.get("entity"):
            entity = str(f["entity"])
            if f["check_id"] == "mfa.enabled_on_every_system" and "nomfa-user" not in entity:
                continue  # that check also judges other systems; count the seeded AWS users only
            seen.setdefault(f["check_id"], set()).add(entity)
    return {k: len(v) for k, v in seen.items()}


def prowler_failures(outdir: Path) -> tuple[dict[str, int], set[str]]:
    """FAIL resources per Prowler check id, and every check id that produced a finding at all."""
    fails: dict[str, set[str]] = {}
    ran: set[str] = set()
    for path in outdir.rglob("*.ocsf.json"):
        try:
            rows: Any = json.loads(path.read_text() or "[]")
        except json.JSONDecodeError:
            continue
        for row in rows if isinstance(rows, list) else []:
            code = ((row.get("metadata") or {}).get("event_code")) or ""
            ran.add(code)
            if row.get("status_code") == "FAIL":
                uid = ",".join(str(r.get("uid") or r.get("name")) for r in row.get("resources") or [])
                fails.setdefault(code, set()).add(uid + "|" + str((row.get("cloud") or {}).get("region")))
    return {k: len(v) for k, v in fails.items()}, ran


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--prowler", help="prowler executable (default: $TRUSTGAP_PROWLER, else prowler on PATH)")
    ap.add_argument("--keep", type=Path, help="keep outputs (scope, results, logs) in this folder")
    args = ap.parse_args()
    os.environ.update(ENV)
    moto, url = start_moto()
    work = args.keep or Path(tempfile.mkdtemp(prefix="trustgap-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        counts = seed(url, args.scale)
        print(f"moto at {url}, seeded in {time.perf_counter() - t:.1f} s: {counts}")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUSTGAP_", "AWS_ENDPOINT"))}
        rows: list[tuple[str, float, float, int]] = []

        folder = work / "org"
        trustgap_scope(folder, url)
        result_json = work / "trustgap-result.json"
        env_tg = {**env, "TRUSTGAP_HOME": str(work / "trustgap-home"), "COLUMNS": "200"}
        cmd = [sys.executable, "-c", "from trustgap.cli import main; main()", "assess", str(folder),
               "--collect", "aws", "--json", str(result_json)]
        wall, rss, code = measure(cmd, env_tg, work / "trustgap.log")
        rows.append(("trustgap assess --collect aws", wall, rss, code))
        tg = trustgap_failures(result_json) if result_json.is_file() else {}
        files = sum(1 for p in (work / "trustgap-home" / "evidence").rglob("*") if p.is_file())
        print(f"trustgap: exit {code}, {files} evidence files (log: {work / 'trustgap.log'})")

        prowler = args.prowler or os.environ.get("TRUSTGAP_PROWLER") or shutil.which("prowler")
        pw: dict[str, int] | None = None
        ran: set[str] = set()
        if prowler:
            outdir = work / "prowler-out"
            env_pw = {**env, "AWS_ENDPOINT_URL": url}
            cmd = [prowler, "aws", "--compliance", "soc2_aws", "-f", *REGIONS, "-M", "json-ocsf", "-o", str(outdir),
                   "--no-banner", "--ignore-exit-code-3"]
            wall, rss, code = measure(cmd, env_pw, work / "prowler.log")
            rows.append(("prowler aws --compliance soc2_aws", wall, rss, code))
            pw, ran = prowler_failures(outdir)
            print(f"prowler: exit {code} (log: {work / 'prowler.log'})")
        else:
            print("prowler not found (--prowler, TRUSTGAP_PROWLER or PATH): comparison skipped")

        print(f"\n{'tool':36} {'wall s':>8} {'peak MiB':>9} {'exit':>5}")
        for name, wall, rss, code in rows:
            print(f"{name:36} {wall:8.2f} {rss:9.1f} {code:5d}")
        if len(rows) == 2:
            (_, t0, m0, _), (_, t1, m1, _) = rows
            print(f"trustgap / prowler: time {t0 / t1:.3f} (target <= 0.1), memory {m0 / m1:.3f} (target <= 0.2)")

        want = expected_bad(args.scale)
        print(f"\n{'seeded misconfiguration':36} {'bad':>4} {'trustgap':>9} {'prowler':>9}")
        for label, tg_check, pw_check in MISCONFIGURATIONS:
            pw_cell = "-" if pw is None else (str(pw.get(pw_check, 0)) if pw_check in ran else "not run")
            print(f"{label:36} {want[label]:4d} {tg.get(tg_check, 0):9d} {pw_cell:>9}")
        return 0 if rows[0][3] == 0 else 1
    finally:
        moto.terminate()
        moto.wait(timeout=10)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
