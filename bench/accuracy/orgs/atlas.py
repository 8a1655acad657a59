"""Atlas Robotics: an organisation whose AWS and GitHub evidence trustgap collects LIVE (``--collect aws,github``)
instead of reading files. Type I, as of the day the benchmark runs (the AWS stand-in stamps what it creates
with the real clock, so every date here is relative to the as-of date).

The generator writes, besides the folder trustgap reads (``scope.yaml``, ``evidence/`` with the HR roster)
and the answer key, ``atlas.live.json`` beside the key: the AWS estate a moto server is seeded with (IAM
users, password policy, S3 buckets, RDS instances, EBS volumes and default encryption, KMS keys, CloudTrail,
CloudWatch log groups, GuardDuty, Config, Backup, security groups, load balancers) and the GitHub data a
local REST server answers with (organisation, members with their two-factor state, repositories, branch
protection and rulesets, pull requests and reviews, Dependabot alerts), each in its documented shape.
``bench/accuracy/live/session.py`` runs both for the scorer and points a copy of the scope at them.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.accuracy import vendors as v
from bench.accuracy.kit import (
    AnswerKey,
    People,
    Person,
    at,
    days,
    iso_s,
    scope_time_zone,
    write_csv,
    write_yaml,
)
from bench.accuracy.live.session import UNREACHABLE

NAME = "atlas"
SEED = 61
DOMAIN = "atlas-robotics.example"
GH = "atlas-robotics"
ACCOUNT = "123456789012"  # the account moto answers for
REGIONS = ["us-east-1", "eu-west-1"]


def today() -> date:
    return datetime.now(UTC).date()


def generate(out: Path, *, small: bool = False, seed: int = SEED, as_of: date | None = None) -> Path:
    as_of = as_of or today()
    rnd = random.Random(seed)
    org = out / NAME
    ev = org / "evidence"
    key = AnswerKey(NAME)
    ppl = People(rnd, DOMAIN)
    staff: list[Person] = []
    export = at(as_of - days(1), 9)

    def ago(n: int, h: int = 14) -> datetime:
        return at(as_of - days(n), h)

    def person(first: str, last: str, *, hire: date, term: date | None = None, **extra: Any) -> Person:
        p = ppl.new(first=first, last=last, hire=hire, term=term, department="Engineering", title="Engineer")
        p.extra = extra
        staff.append(p)
        return p

    iam_users: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    logins: dict[str, str] = {}  # identity.accounts

    def member(login: str, *, role: str = "member", two_factor: bool = True, p: Person | None = None) -> None:
        members.append({"user": v.gh_user(login), "role": role, "two_factor": two_factor})
        if p is not None:
            logins[f"github:{login}"] = p.email

    # ---------------------------------------------------------------- people and their accounts
    dana = person("Dana", "Whitfield", hire=date(2019, 3, 4))
    member("dwhit", role="admin", p=dana)
    key.fine(
        "atl-gh-dana-owner",
        ["AC-13", "AC-07"],
        dana.email,
        "GitHub owner dwhit, mapped to Dana Whitfield (CTO, active) by the scope's identity.accounts",
        match=["dwhit"],
    )
    marcus = person("Marcus", "Oyelaran", hire=date(2021, 6, 7))
    iam_users.append({"name": "marcus.oyelaran", "password": True, "mfa": True})
    member("moyelaran", p=marcus)
    key.fine(
        "atl-iam-marcus",
        ["AC-04", "AC-13", "AC-07"],
        marcus.email,
        "IAM user marcus.oyelaran (the local part of his e-mail) with a console password and a virtual MFA "
        "device; GitHub login moyelaran with two-factor authentication; active",
        match=["marcus.oyelaran", "moyelaran"],
    )
    priya = person("Priya", "Raman", hire=date(2023, 2, 13))
    iam_users.append({"name": "priya.raman", "password": True, "mfa": False})
    key.planted(
        "atl-iam-priya-nomfa",
        ["AC-04"],
        priya.email,
        "IAM user priya.raman has a console password and no MFA device",
        match=["priya.raman"],
    )
    tomasz = person("Tomasz", "Wójcik", hire=date(2022, 9, 19))  # e-mail tomasz.wojcik@ (accent folded)
    iam_users.append({"name": "tomasz.wojcik", "password": True, "mfa": True})
    key.fine(
        "atl-iam-tomasz-accent",
        ["AC-04", "AC-13", "AC-07"],
        tomasz.email,
        "IAM user tomasz.wojcik is Tomasz Wójcik (IAM names are ASCII; the roster keeps the accent); console "
        "password with MFA; active",
        match=["tomasz.wojcik", "Tomasz Wójcik"],
    )
    lea = person("Lea", "Brunner", hire=date(2024, 1, 8))
    iam_users.append({"name": "lbrunner", "password": True, "mfa": True})
    logins["aws:lbrunner"] = lea.email
    key.fine(
        "atl-iam-lea-mapped",
        ["AC-04", "AC-13", "AC-07"],
        lea.email,
        "IAM user lbrunner, mapped to Lea Brunner by the scope's identity.accounts (aws:lbrunner); console "
        "password with MFA; active",
        match=["lbrunner"],
    )
    sam = person("Sam", "Okafor", hire=date(2024, 6, 3))
    member("sokafor-atlas", two_factor=False, p=sam)
    key.planted(
        "atl-gh-sam-no2fa",
        ["AC-04"],
        sam.email,
        "GitHub member sokafor-atlas is listed by filter=2fa_disabled: no two-factor authentication",
        match=["sokafor-atlas"],
    )
    ivy = person("Ivy", "Chen", hire=date(2022, 3, 28))
    member("ivy-chen", p=ivy)
    key.fine(
        "atl-gh-ivy",
        ["AC-04", "AC-13", "AC-07"],
        ivy.email,
        "GitHub member ivy-chen (mapped in the scope) with two-factor authentication (not in the 2fa_disabled "
        "listing of an owner's token); active",
        match=["ivy-chen"],
    )
    jordan = person("Jordan", "Blake", hire=date(2021, 1, 11), term=as_of - days(40))
    iam_users.append({"name": "jordan.blake", "password": True, "mfa": True})
    key.planted(
        "atl-iam-jordan-leaver",
        ["AC-07"],
        jordan.email,
        f"terminated {(as_of - days(40)).isoformat()}; IAM user jordan.blake still has a console password",
        match=["jordan.blake"],
    )
    elif_ = person("Elif", "Aydin", hire=date(2023, 5, 2), term=as_of - days(25))
    member("elif-a", p=elif_)
    key.planted(
        "atl-gh-elif-leaver",
        ["AC-07"],
        elif_.email,
        f"terminated {(as_of - days(25)).isoformat()}; GitHub login elif-a is still a member of {GH}",
        match=["elif-a"],
    )
    rowan = person("Rowan", "Price", hire=date(2020, 8, 17), term=as_of - days(60))
    key.fine(
        "atl-leaver-rowan-gone",
        ["AC-07"],
        rowan.email,
        "terminated 60 days ago; no IAM user and no GitHub membership in the complete listings: nothing left",
    )
    iam_users.append({"name": "temp-migration", "access_key": True})
    key.planted(
        "atl-iam-temp-migration",
        ["AC-13"],
        "temp-migration",
        "IAM user with an active access key, no person of that name, no owner in the scope",
    )
    iam_users.append({"name": "ci-deploy", "access_key": True})
    key.fine(
        "atl-iam-ci-deploy",
        ["AC-13", "AC-12", "AC-04"],
        "ci-deploy",
        "service user owned by Marcus Oyelaran in the scope; API key only (no console password, so no MFA to ask "
        "for), created with the estate and in date",
    )
    member("build-helper")
    key.planted(
        "atl-gh-build-helper",
        ["AC-13"],
        "build-helper",
        "GitHub member that is no person on the roster, not mapped in the scope and not declared as a service account",
    )
    for _ in range(6 if small else 40):
        f, ln = ppl.pick()
        p = person(f, ln, hire=date(2019, 1, 7) + days(rnd.randint(0, 2000)))
        if rnd.random() < 0.5:
            lg = (p.first[0] + p.last).lower()
            member(lg, p=p)

    # ---------------------------------------------------------------- HR: BambooHR custom report (CSV)
    # Field names from https://documentation.bamboohr.com/docs/list-of-field-names ; dates MM/DD/YYYY.
    def us(d: date | None) -> str:
        return d.strftime("%m/%d/%Y") if d else ""

    write_csv(
        ev / "hr" / f"bamboohr-employees-{export.date().isoformat()}.csv",
        [
            "Employee #",
            "First Name",
            "Last Name",
            "Work Email",
            "Department",
            "Job Title",
            "Hire Date",
            "Termination Date",
            "Status",
        ],
        [
            [
                p.employee_id,
                p.first,
                p.last,
                p.email,
                p.department,
                p.title,
                us(p.hire),
                us(p.term),
                "Inactive" if p.term else "Active",
            ]
            for p in staff
        ],
        exported=export,
    )

    # ---------------------------------------------------------------- the AWS estate (seeded into moto)
    estate: dict[str, Any] = {
        "account": ACCOUNT,
        "config_bucket": "atlas-config-history",
        "iam": {
            "users": iam_users,
            "password_policy": {
                "MinimumPasswordLength": 14,
                "RequireSymbols": True,
                "RequireNumbers": True,
                "RequireUppercaseCharacters": True,
                "RequireLowercaseCharacters": True,
                "AllowUsersToChangePassword": True,
                "MaxPasswordAge": 90,
                "PasswordReusePrevention": 24,
            },
        },
        "kms": [
            {"name": "fleet-data-key", "region": "us-east-1", "rotation": True, "alias": "alias/fleet-data"},
            {"name": "eu-data-key", "region": "eu-west-1", "rotation": True, "alias": "alias/eu-data"},
            {"name": "backup-key", "region": "us-east-1", "rotation": False},
            {"name": "firmware-signing-key", "region": "us-east-1", "spec": "RSA_2048", "usage": "SIGN_VERIFY"},
        ],
        "s3": [
            {
                "name": "atlas-telemetry-raw",
                "region": "us-east-1",
                "sse": "aws:kms",
                "kms_key": "alias/fleet-data",
                "public_access_block": True,
                "versioning": True,
            },
            {"name": "atlas-build-artifacts", "region": "eu-west-1", "sse": "AES256", "public_access_block": True},
            {"name": "atlas-firmware-public", "region": "us-east-1", "sse": "AES256", "public_read_policy": True},
            {
                "name": "atlas-cloudtrail-logs",
                "region": "us-east-1",
                "sse": "aws:kms",
                "kms_key": "alias/fleet-data",
                "public_access_block": True,
                "versioning": True,
            },
            {"name": "atlas-config-history", "region": "us-east-1", "sse": "AES256", "public_access_block": True},
        ],
        "rds": [
            {
                "id": "atlas-fleet-prod",
                "region": "us-east-1",
                "encrypted": True,
                "multi_az": True,
                "backup_days": 14,
                "public": False,
            },
            {
                "id": "atlas-analytics",
                "region": "us-east-1",
                "encrypted": False,
                "multi_az": True,
                "backup_days": 7,
                "public": False,
            },
            {
                "id": "atlas-legacy-crm",
                "region": "eu-west-1",
                "engine": "mysql",
                "encrypted": True,
                "multi_az": True,
                "backup_days": 0,
                "public": True,
            },
            {
                "id": "atlas-orders-prod",
                "region": "us-east-1",
                "encrypted": True,
                "multi_az": False,
                "backup_days": 7,
                "public": False,
            },
        ],
        "volumes": [
            {"name": "fleet-api-data", "region": "us-east-1", "encrypted": True, "kms_key": "alias/fleet-data"},
            {"name": "jumpbox-root", "region": "us-east-1", "encrypted": False},
            {"name": "sim-cache", "region": "eu-west-1", "encrypted": True, "kms_key": "alias/eu-data"},
        ],
        "ebs_default_encryption": ["eu-west-1"],
        "cloudtrail": [
            {
                "name": "atlas-org-trail",
                "region": "us-east-1",
                "bucket": "atlas-cloudtrail-logs",
                "multi_region": True,
                "validation": False,
                "logging": True,
            },
        ],
        "logs": [
            {"name": "/atlas/audit", "region": "us-east-1", "retention": 400},
            {"name": "/atlas/auth-events", "region": "us-east-1", "retention": 30},
            {"name": "/atlas/vpc-flow", "region": "eu-west-1", "retention": None},
        ],
        "guardduty": ["eu-west-1"],
        "config": ["us-east-1"],
        "backup": [{"name": "atlas-daily", "region": "us-east-1", "delete_after_days": 35}],
        "security_groups": [
            {"name": "atlas-bastion", "region": "us-east-1", "port": 22, "cidr": "0.0.0.0/0"},
            {"name": "atlas-web-alb", "region": "us-east-1", "port": 443, "cidr": "0.0.0.0/0"},
            {"name": "atlas-db", "region": "us-east-1", "port": 5432, "cidr": "10.0.0.0/16"},
        ],
        "load_balancers": [
            {
                "name": "atlas-portal",
                "region": "us-east-1",
                "security_group": "atlas-web-alb",
                "listeners": [
                    {
                        "port": 443,
                        "protocol": "HTTPS",
                        "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                        "action": "forward",
                    },
                    {"port": 80, "protocol": "HTTP", "action": "redirect"},
                ],
            },
            {
                "name": "atlas-legacy-api",
                "region": "us-east-1",
                "listeners": [
                    {"port": 80, "protocol": "HTTP", "action": "forward"},
                ],
            },
        ],
    }
    acct = f"={ACCOUNT}"
    key.planted(
        "atl-root-no-mfa",
        ["AC-05"],
        "<root_account>",
        "GetAccountSummary: AccountMFAEnabled 0, the root user has no MFA",
        match=["root account", "root user", acct, f"arn:aws:iam::{ACCOUNT}:root"],
    )
    key.fine(
        "atl-password-policy",
        ["AC-11"],
        acct,
        "password policy: 14 characters, all four character classes, 24 remembered, 90-day maximum age",
    )
    key.fine(
        "atl-s3-telemetry",
        ["AC-19", "AC-23"],
        "atlas-telemetry-raw",
        "SSE-KMS default encryption, all four public access block flags, versioning",
    )
    key.fine(
        "atl-s3-artifacts-sse-s3",
        ["AC-19", "AC-23"],
        "atlas-build-artifacts",
        "SSE-S3 (AES256) default encryption is encryption at rest; public access blocked",
    )
    key.planted(
        "atl-s3-firmware-public",
        ["AC-23"],
        "atlas-firmware-public",
        "no public access block (neither on the bucket nor the account) and a bucket policy granting s3:GetObject "
        "to everyone",
    )
    key.fine(
        "atl-rds-fleet-prod",
        ["AC-19", "AC-23", "AV-02", "AV-06"],
        "atlas-fleet-prod",
        "encrypted, private, Multi-AZ, backups kept 14 days",
    )
    key.planted("atl-rds-analytics-unencrypted", ["AC-19"], "atlas-analytics", "StorageEncrypted false")
    key.planted(
        "atl-rds-legacy-crm-public",
        ["AC-23"],
        "atlas-legacy-crm",
        "PubliclyAccessible true: the database has a public endpoint",
    )
    key.planted(
        "atl-rds-legacy-crm-backups", ["AV-02"], "atlas-legacy-crm", "BackupRetentionPeriod 0: no automated backups"
    )
    key.planted(
        "atl-rds-orders-single-az", ["AV-06"], "atlas-orders-prod", "production database in one zone (MultiAZ false)"
    )
    key.fine("atl-ebs-fleet-api", ["AC-19"], "fleet-api-data", "encrypted volume")
    key.planted("atl-ebs-jumpbox", ["AC-19"], "jumpbox-root", "unencrypted EBS volume")
    key.fine(
        "atl-ebs-default-eu",
        ["AC-19"],
        f"={ACCOUNT}/eu-west-1",
        "EBS encryption by default is on in eu-west-1",
    )
    key.planted(
        "atl-ebs-default-us",
        ["AC-19"],
        f"={ACCOUNT}/us-east-1",
        "EBS encryption by default is off in us-east-1, where the unencrypted jumpbox volume lives",
    )
    key.fine("atl-kms-fleet-data", ["AC-24"], "fleet-data-key", "customer-managed key with automatic rotation on")
    key.fine("atl-kms-eu-data", ["AC-24"], "eu-data-key", "customer-managed key in eu-west-1, rotation on")
    key.planted("atl-kms-backup-key", ["AC-24"], "backup-key", "symmetric customer-managed key, rotation off")
    key.fine(
        "atl-kms-signing-asymmetric",
        ["AC-24"],
        "firmware-signing-key",
        "an asymmetric RSA signing key: AWS cannot rotate it automatically, so 'rotation off' is no gap",
    )
    key.fine("atl-trail-logging", ["OPS-01"], "atlas-org-trail", "multi-region trail, logging")
    key.planted("atl-trail-validation", ["OPS-03"], "atlas-org-trail", "log file validation is off")
    key.fine("atl-logs-audit", ["OPS-02"], "/atlas/audit", "kept 400 days")
    key.fine("atl-logs-vpc-flow", ["OPS-02"], "/atlas/vpc-flow", "never expires")
    key.planted("atl-logs-auth-events", ["OPS-02"], "/atlas/auth-events", "authentication events kept 30 days")
    key.fine("atl-guardduty-eu", ["OPS-04"], f"={ACCOUNT}/eu-west-1", "GuardDuty detector enabled")
    key.planted("atl-guardduty-us", ["OPS-04"], f"={ACCOUNT}/us-east-1", "no GuardDuty detector in us-east-1")
    key.fine("atl-config-us", ["OPS-07"], f"={ACCOUNT}/us-east-1", "a Config recorder is recording")
    key.planted("atl-config-eu", ["OPS-07"], f"={ACCOUNT}/eu-west-1", "no Config recorder in eu-west-1")
    # the AWS Backup plan atlas-daily is keyed neither way: moto has no backup selections, so which resources
    # the plan protects cannot be shown, and a plan that protects nothing is no backup
    key.planted("atl-sg-bastion", ["AC-16"], "atlas-bastion", "SSH (22) open to 0.0.0.0/0", match=["atlas-bastion"])
    key.fine("atl-sg-web-alb", ["AC-16"], "atlas-web-alb", "HTTPS 443 open to the internet on the public load balancer")
    key.fine("atl-sg-db", ["AC-16"], "atlas-db", "PostgreSQL from the VPC only")
    key.fine(
        "atl-lb-portal",
        ["AC-18"],
        "atlas-portal",
        "HTTPS with ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.2 and 1.3); port 80 only redirects to HTTPS",
    )
    key.planted("atl-lb-legacy-api", ["AC-18"], "atlas-legacy-api", "serves plain HTTP on port 80, no HTTPS")

    # ---------------------------------------------------------------- GitHub (served by the local REST server)
    api = "https://api.github.com"
    org_doc = v.gh_org(GH, two_factor=False)
    key.planted(
        "atl-gh-org-2fa",
        ["AC-04"],
        f"={GH}",
        "two_factor_requirement_enabled false: the organisation does not require two-factor authentication",
    )

    def repo(name: str, rid: int) -> dict[str, Any]:
        return {
            "id": rid,
            "node_id": "R_" + v.hid("repo", name, n=10),
            "name": name,
            "full_name": f"{GH}/{name}",
            "private": True,
            "owner": {"login": GH, "id": org_doc["id"], "type": "Organization"},
            "html_url": f"https://github.com/{GH}/{name}",
            "url": f"{api}/repos/{GH}/{name}",
            "archived": False,
            "disabled": False,
            "default_branch": "main",
            "visibility": "private",
            "pushed_at": iso_s(ago(2)),
            "created_at": "2020-02-03T10:00:00Z",
            "updated_at": iso_s(ago(2)),
        }

    repos = [repo("control-plane", 701), repo("firmware", 702), repo("sim", 703)]
    protection: dict[str, Any] = {
        "control-plane": v.gh_protection(GH, "control-plane"),
        "firmware": None,
        "sim": None,
    }
    rules = {
        "sim": [
            {
                "type": "pull_request",
                "parameters": {
                    "required_approving_review_count": 1,
                    "dismiss_stale_reviews_on_push": True,
                    "require_code_owner_review": False,
                    "require_last_push_approval": False,
                    "required_review_thread_resolution": False,
                },
                "ruleset_source_type": "Repository",
                "ruleset_source": f"{GH}/sim",
                "ruleset_id": 4242,
            },
            {
                "type": "non_fast_forward",
                "ruleset_source_type": "Repository",
                "ruleset_source": f"{GH}/sim",
                "ruleset_id": 4242,
            },
            {
                "type": "deletion",
                "ruleset_source_type": "Repository",
                "ruleset_source": f"{GH}/sim",
                "ruleset_id": 4242,
            },
        ]
    }
    key.fine("atl-protect-control-plane", ["CHG-03"], f"{GH}/control-plane", "classic protection: 1 approval, admins")
    key.planted(
        "atl-protect-firmware",
        ["CHG-03"],
        f"{GH}/firmware",
        "no branch protection (404 'Branch not protected') and no ruleset",
    )
    # sim has no classic protection (404) but a repository ruleset requiring a pull request with one approval;
    # it is keyed neither way: the rules-for-a-branch answer does not list the ruleset's bypass actors, so
    # whether administrators can skip the review is not settled by the evidence collected
    pulls: dict[str, list[dict[str, Any]]] = {"control-plane": [], "firmware": [], "sim": []}
    reviews: dict[str, list[dict[str, Any]]] = {}

    def pr(r: str, n: int, author: str, merged: datetime, revs: list[tuple[str, str, datetime]]) -> None:
        p = v.gh_pull(GH, r, n, author=author, title=f"Change {n}", created=merged - days(1), merged=merged)
        pulls[r].append(p)
        reviews[f"{r}#{n}"] = [v.gh_review(GH, r, n, reviewer=x, state=s, submitted=t) for x, s, t in revs]

    # control-plane's protection requires an approval (administrators included): everything merged there was
    # approved first; the unreviewed merges are in firmware, which has neither protection nor a ruleset
    pr("control-plane", 101, "moyelaran", ago(30), [("ivy-chen", "APPROVED", ago(30, 10))])
    key.fine("atl-pr-101", ["CHG-02"], f"{GH}/control-plane#101", "approved by another engineer before the merge")
    pr("firmware", 102, "ivy-chen", ago(26), [])
    key.planted("atl-pr-102", ["CHG-02"], f"{GH}/firmware#102", "merged with no review at all (reviews [])")
    pr("firmware", 103, "dwhit", ago(21, 9), [("moyelaran", "APPROVED", ago(21, 15))])
    key.planted("atl-pr-103", ["CHG-02"], f"{GH}/firmware#103", "approved six hours after the merge")
    pr("firmware", 104, "moyelaran", ago(15), [("dwhit", "COMMENTED", ago(15, 11))])
    key.planted("atl-pr-104", ["CHG-02"], f"{GH}/firmware#104", "only a comment, never an approval")
    pr(
        "control-plane",
        105,
        "ivy-chen",
        ago(9),
        [("moyelaran", "CHANGES_REQUESTED", ago(10)), ("moyelaran", "APPROVED", ago(9, 10))],
    )
    key.fine("atl-pr-105", ["CHG-02"], f"{GH}/control-plane#105", "changes requested, then approved before merge")
    pr("sim", 12, "dwhit", ago(12), [("moyelaran", "APPROVED", ago(12, 9))])
    key.fine("atl-pr-sim-12", ["CHG-02"], f"{GH}/sim#12", "approved by another engineer before the merge")
    eng = ["moyelaran", "ivy-chen", "dwhit"]
    for i in range(4 if small else 24):
        r = ("control-plane", "sim", "firmware")[i % 3]
        merged = ago(70 - i * (60 // (4 if small else 24)))
        pr(r, 200 + i, eng[i % 3], merged, [(eng[(i + 1) % 3], "APPROVED", merged - timedelta(hours=3))])

    def alert(n: int, repo_: str, pkg: str, cve: str, sev: str, created: int, **kw: Any) -> dict[str, Any]:
        return v.dependabot_alert(
            GH,
            repo_,
            n,
            ecosystem="npm",
            package=pkg,
            manifest="package-lock.json",
            ghsa="GHSA-" + "-".join(v.hid("ghsa", cve, i, n=4) for i in range(3)),
            cve=cve,
            severity=sev,
            summary=f"{pkg} vulnerability",
            vulnerable="< 9.9.9",
            patched="9.9.9",
            created=ago(created, 8),
            **kw,
        )

    alerts = [
        alert(11, "control-plane", "fast-xml-parser", "CVE-2026-71001", "critical", 45),
        alert(
            12,
            "firmware",
            "protobufjs",
            "CVE-2026-71002",
            "critical",
            60,
            state="dismissed",
            dismissed=ago(58),
            dismissed_reason="tolerable_risk",
            dismissed_comment="later",
            dismissed_by="dwhit",
        ),
        alert(13, "sim", "undici", "CVE-2026-71003", "high", 40, state="fixed", fixed=ago(31)),
        alert(14, "control-plane", "ws", "CVE-2026-71004", "critical", 6),
        alert(
            15,
            "sim",
            "semver",
            "CVE-2026-71005",
            "medium",
            50,
            state="dismissed",
            dismissed=ago(49),
            dismissed_reason="inaccurate",
            dismissed_comment="the vulnerable function is never called",
            dismissed_by="ivy-chen",
        ),
    ]
    key.planted("atl-dep-71001", ["OPS-06"], "CVE-2026-71001", "critical alert open 45 days (SLA 30)")
    key.planted(
        "atl-dep-71002", ["OPS-06"], "CVE-2026-71002", "critical alert dismissed as tolerable_risk: unfixed 60 days"
    )
    key.fine("atl-dep-71003", ["OPS-06"], "CVE-2026-71003", "high alert fixed in 9 days")
    key.fine("atl-dep-71004", ["OPS-06"], "CVE-2026-71004", "critical alert open 6 days: within 30")
    key.fine("atl-dep-71005", ["OPS-06"], "CVE-2026-71005", "dismissed as inaccurate with the reason recorded")
    github = {
        "org": org_doc,
        "members": members,
        "repos": repos,
        "protection": protection,
        "rules": rules,
        "pulls": pulls,
        "reviews": reviews,
        "dependabot": alerts,
    }

    # ---------------------------------------------------------------- scope
    scope: dict[str, Any] = {
        "version": 1,
        "organisation": {
            "name": "Atlas Robotics",
            "legal_name": "Atlas Robotics, Inc.",
            "industry": "Fleet robotics SaaS",
            "employees": len([p for p in staff if p.term is None]),
            "description": "Runs warehouse robot fleets for customers; AWS and GitHub are collected live.",
        },
        "categories": ["security", "availability"],
        "report": {"type": "type1"},
        "systems": [
            {"name": "AWS production", "kind": "aws", "role": "cloud", "mfa_required": True},
            {"name": "GitHub (atlas-robotics)", "kind": "github", "role": "source_control", "mfa_required": True},
            {"name": "BambooHR", "kind": "hr", "role": "hris", "mfa_required": False},
        ],
        "roles": {"security_lead": f"{dana.name} <{dana.email}>"},
        "identity": {"accounts": logins, "service_accounts": {"ci-deploy": marcus.email}},
        "collect": {
            # pointed at the local stand-ins by bench/accuracy/live/session.py; unreachable otherwise
            "aws": {"endpoint_url": UNREACHABLE, "accounts": [{"regions": REGIONS}]},
            "github": {"org": GH, "base_url": UNREACHABLE, "repositories": "all"},
            "timeout_seconds": 20,
            "max_retries": 1,
        },
    }
    scope_time_zone(scope, "America/Chicago")
    write_yaml(
        org / "scope.yaml",
        scope,
        header="# Atlas Robotics: benchmark organisation (generated; do not edit). AWS and GitHub are collected live:\n"
        "# run it with bench/accuracy/run.py --orgs atlas, which starts the local stand-ins.",
    )
    live = out / f"{NAME}.live.json"
    live.write_text(json.dumps({"aws": estate, "github": github}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    kp = out / f"{NAME}.key.yaml"
    # the key names the stand-ins' description beside it (read by the scorer, never by trustgap)
    key.write(kp, as_of=as_of, seed=seed, small=small, folder=NAME, live=live.name)
    return kp
