"""AWS IAM: credential report, password policy, account summary, users and MFA devices, roles.

Facts (``system = "aws:<account id>"``, ``scope = <account id>``):

- the credential report (``iam:GenerateCredentialReport`` then ``iam:GetCredentialReport``, polled until
  its state is COMPLETE) is stored as the decoded CSV and read by the ``aws_iam_credential_report`` file
  parser, so its Account and Credential facts are the same as for an exported report;
- ``Setting aws.iam.password_policy``: the ``PasswordPolicy`` dict of ``iam:GetAccountPasswordPolicy``,
  or ``None`` when the account has none (``NoSuchEntity``);
- ``Setting aws.iam.root_mfa_enabled`` / ``aws.iam.root_access_keys_present``: ``AccountMFAEnabled`` and
  ``AccountAccessKeysPresent`` of ``iam:GetAccountSummary`` (1/0 turned into bool);
- ``Setting aws.iam.roles_count`` (int): the number of roles (``iam:ListRoles``, every page);
- when the credential report cannot be had, users come from ``iam:ListUsers`` and their devices from
  ``iam:ListMFADevices``: ``Account(kind="user", mfa_enabled=<any device>, created_at=CreateDate,
  last_login_at=PasswordLastUsed)``.

API reference: https://docs.aws.amazon.com/IAM/latest/APIReference/ (GetCredentialReport,
GetAccountPasswordPolicy, GetAccountSummary, ListUsers, ListMFADevices, ListRoles).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from trustgap.collectors.aws_session import AwsAccount, Caller, CallFailed
from trustgap.collectors.base import Recorder
from trustgap.facts import Account, Setting, Src

CREDENTIAL_REPORT_PARSER = "aws_iam_credential_report"


def _setting(acct: AwsAccount, key: str, value: object, src: Src) -> Setting:
    return Setting(src=src, system=acct.system, scope=acct.account_id, key=key, value=value)


def collect_credential_report(caller: Caller, acct: AwsAccount, rec: Recorder, *,
                              sleep: Callable[[float], None] = time.sleep, wait_seconds: float = 60) -> bool:
    """Generate (if needed) and fetch the credential report; True when it was read."""
    waited = 0.0
    delay = 1.0
    try:
        while True:
            answer, _ = caller.call("aws.iam", "iam", "generate_credential_report")
            if answer and answer.get("State") == "COMPLETE":
                break
            if waited >= wait_seconds:
                rec.issue("aws.iam", f"credential report still {answer.get('State') if answer else '?'} after "
                          f"{waited:.0f} s in {acct.account_id}", call="iam.GenerateCredentialReport",
                          name=f"live/aws/{acct.account_id}/iam-credential-report-timeout.json")
                return False
            sleep(delay)
            waited += delay
            delay = min(delay * 2, 10.0)
        answer, _ = caller.call("aws.iam", "iam", "get_credential_report", record=False)
    except CallFailed:
        return False
    content = (answer or {}).get("Content") or b""
    data = content if isinstance(content, bytes) else str(content).encode()
    rec.put(data, name=f"live/aws/{acct.account_id}/iam-credential-report.csv",
            source="aws:iam.GetCredentialReport", media_type="text/csv", parser=CREDENTIAL_REPORT_PARSER)
    return True


def collect_password_policy(caller: Caller, acct: AwsAccount, rec: Recorder) -> None:
    try:
        answer, src = caller.call("aws.iam", "iam", "get_account_password_policy", tolerate=frozenset({"NoSuchEntity"}))
    except CallFailed:
        return
    policy = answer.get("PasswordPolicy") if answer else None
    rec.add(_setting(acct, "aws.iam.password_policy", dict(policy) if policy else None, src))


def collect_account_summary(caller: Caller, acct: AwsAccount, rec: Recorder) -> None:
    try:
        answer, src = caller.call("aws.iam", "iam", "get_account_summary")
    except CallFailed:
        return
    summary = (answer or {}).get("SummaryMap") or {}
    if "AccountMFAEnabled" in summary:
        rec.add(_setting(acct, "aws.iam.root_mfa_enabled", bool(summary["AccountMFAEnabled"]), src))
    if "AccountAccessKeysPresent" in summary:
        rec.add(_setting(acct, "aws.iam.root_access_keys_present", bool(summary["AccountAccessKeysPresent"]), src))


def collect_roles(caller: Caller, acct: AwsAccount, rec: Recorder) -> None:
    try:
        roles, first = caller.pages("aws.iam", "iam", "list_roles", "Roles")
    except CallFailed:
        return
    rec.add(_setting(acct, "aws.iam.roles_count", len(roles), first))


def collect_users(caller: Caller, acct: AwsAccount, rec: Recorder) -> None:
    """Users and their MFA devices (the route used when no credential report can be had)."""
    try:
        users, _ = caller.pages("aws.iam", "iam", "list_users", "Users")
    except CallFailed:
        return
    for user, src in users:
        name = user["UserName"]
        try:
            devices, dsrc = caller.call("aws.iam", "iam", "list_mfa_devices", UserName=name, name_extra=name)
        except CallFailed:
            devices, dsrc = None, None
        created = user.get("CreateDate")
        last = user.get("PasswordLastUsed")
        rec.add(Account(
            src=dsrc or src,
            system=acct.system,
            account_id=name,
            email=name.lower() if "@" in name else None,
            kind="user",
            mfa_enabled=bool(devices.get("MFADevices")) if devices is not None else None,
            created_at=_utc(created),
            last_login_at=_utc(last),
        ))


def _utc(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def collect_iam(caller: Caller, acct: AwsAccount, rec: Recorder, *, sleep: Callable[[float], None] = time.sleep,
                wait_seconds: float = 60) -> None:
    """Everything IAM, once per account (IAM is global)."""
    collect_password_policy(caller, acct, rec)
    collect_account_summary(caller, acct, rec)
    collect_roles(caller, acct, rec)
    if not collect_credential_report(caller, acct, rec, sleep=sleep, wait_seconds=wait_seconds):
        collect_users(caller, acct, rec)
