"""Record builders in the vendors' published shapes, shared by the organisation generators.

Each builder follows the publisher's documentation (cited beside it); fields a real export carries but no
control needs are kept where they give the record its real shape (ids, links, kinds).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from bench.accuracy.kit import iso_s, iso_z


def hid(*parts: object, n: int = 17) -> str:
    """A stable opaque id derived from its parts (vendors' ids are opaque strings)."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:n]


# ------------------------------------------------------------------ Okta
# Users API, GET /api/v1/users: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/
# (User object: id, status, created, activated, statusChanged, lastLogin, lastUpdated, passwordChanged, type,
#  profile{firstName, lastName, email, login, ...}, credentials, _links).
def okta_user(
    domain: str,
    *,
    first: str,
    last: str,
    email: str,
    login: str | None = None,
    status: str = "ACTIVE",
    created: datetime,
    status_changed: datetime | None = None,
    last_login: datetime | None = None,
    last_updated: datetime | None = None,
) -> dict[str, Any]:
    uid = "00u" + hid("okta", email)
    changed = status_changed or created
    return {
        "id": uid,
        "status": status,
        "created": iso_z(created),
        "activated": iso_z(created) if status != "STAGED" else None,
        "statusChanged": iso_z(changed),
        "lastLogin": iso_z(last_login) if last_login else None,
        "lastUpdated": iso_z(last_updated or max(changed, last_login or changed)),
        "passwordChanged": iso_z(created),
        "type": {"id": "oty1a2b3c4d5e6f7g8h9"},
        "profile": {
            "firstName": first,
            "lastName": last,
            "mobilePhone": None,
            "secondEmail": None,
            "login": login or email,
            "email": email,
        },
        "credentials": {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}},
        "_links": {"self": {"href": f"https://{domain}/api/v1/users/{uid}"}},
    }


# Factors API, GET /api/v1/users/{userId}/factors (List all enrolled factors): an array of UserFactor objects
# (id, factorType, provider, vendorName, status, created, lastUpdated, profile, _links{self, verify, user}).
# https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/#tag/UserFactor/operation/listFactors
_FACTOR = {
    "totp": ("token:software:totp", "GOOGLE", "GOOGLE"),
    "push": ("push", "OKTA", "OKTA"),
    "sms": ("sms", "OKTA", "OKTA"),
    "webauthn": ("webauthn", "FIDO", "FIDO"),
    "call": ("call", "OKTA", "OKTA"),
}


def okta_factor(
    domain: str, user: dict[str, Any], kind: str, *, created: datetime, status: str = "ACTIVE"
) -> dict[str, Any]:
    ftype, provider, vendor = _FACTOR[kind]
    fid = {"totp": "uft", "push": "opf", "sms": "mbl", "webauthn": "fwf", "call": "clf"}[kind] + hid(user["id"], kind)
    uhref = f"https://{domain}/api/v1/users/{user['id']}"
    profile: dict[str, Any]
    if kind == "sms" or kind == "call":
        profile = {"phoneNumber": "+1-555-0100"}
    elif kind == "webauthn":
        profile = {"credentialId": hid(fid, n=24), "authenticatorName": "Security key"}
    elif kind == "push":
        profile = {"credentialId": user["profile"]["login"], "deviceType": "SmartPhone_IPhone", "platform": "IOS"}
    else:
        profile = {"credentialId": user["profile"]["login"]}
    return {
        "id": fid,
        "factorType": ftype,
        "provider": provider,
        "vendorName": vendor,
        "status": status,
        "created": iso_z(created),
        "lastUpdated": iso_z(created),
        "profile": profile,
        "_links": {
            "self": {"href": f"{uhref}/factors/{fid}", "hints": {"allow": ["GET", "DELETE"]}},
            "verify": {"href": f"{uhref}/factors/{fid}/verify", "hints": {"allow": ["POST"]}},
            "user": {"href": uhref, "hints": {"allow": ["GET"]}},
        },
    }


# ------------------------------------------------------------------ Google Workspace
# Admin SDK Directory API users.list: https://developers.google.com/admin-sdk/directory/reference/rest/v1/users/list
# and the User resource: https://developers.google.com/admin-sdk/directory/reference/rest/v1/users
NEVER = "1970-01-01T00:00:00.000Z"  # lastLoginTime of a user who never signed in


def google_user(
    *,
    first: str,
    last: str,
    email: str,
    created: datetime,
    last_login: datetime | None,
    suspended: bool = False,
    admin: bool = False,
    enrolled_2sv: bool = True,
    enforced_2sv: bool = True,
    org_unit: str = "/",
    customer: str = "C03az79cb",
) -> dict[str, Any]:
    u: dict[str, Any] = {
        "kind": "admin#directory#user",
        "id": str(int(hid("google", email, n=12), 16)),
        "etag": f'"{hid("etag", email, n=27)}"',
        "primaryEmail": email,
        "name": {"givenName": first, "familyName": last, "fullName": f"{first} {last}"},
        "isAdmin": admin,
        "isDelegatedAdmin": False,
        "lastLoginTime": iso_z(last_login) if last_login else NEVER,
        "creationTime": iso_z(created),
        "agreedToTerms": True,
        "suspended": suspended,
        "archived": False,
        "changePasswordAtNextLogin": False,
        "ipWhitelisted": False,
        "emails": [{"address": email, "primary": True}],
        "customerId": customer,
        "orgUnitPath": org_unit,
        "isMailboxSetup": True,
        "isEnrolledIn2Sv": enrolled_2sv,
        "isEnforcedIn2Sv": enforced_2sv,
        "includeInGlobalAddressList": True,
    }
    if suspended:
        u["suspensionReason"] = "ADMIN"
    return u


def google_users_page(users: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "admin#directory#users", "etag": f'"{hid("page", len(users), n=27)}"', "users": users}


# Admin SDK Reports API, activities.list (GET /admin/reports/v1/activity/users/all/applications/{app}):
# https://developers.google.com/admin-sdk/reports/reference/rest/v1/activities/list (Activity: kind, id{time,
# uniqueQualifier, applicationName, customerId}, etag, actor{callerType, email, profileId}, ipAddress,
# events[{type, name, parameters[{name, value}]}]). Admin audit user events (applicationName=admin,
# type USER_SETTINGS, e.g. SUSPEND_USER / DELETE_USER with USER_EMAIL):
# https://developers.google.com/admin-sdk/reports/v1/appendix/activity/admin-user-settings ; user accounts
# events (applicationName=user_accounts, type 2sv_change, 2sv_enroll / 2sv_disable):
# https://developers.google.com/admin-sdk/reports/v1/appendix/activity/user-accounts
def google_activity(
    app: str,
    when: datetime,
    *,
    actor: str,
    type_: str,
    name: str,
    params: dict[str, str] | None = None,
    customer: str = "C03az79cb",
) -> dict[str, Any]:
    ev: dict[str, Any] = {"type": type_, "name": name}
    if params:
        ev["parameters"] = [{"name": k, "value": val} for k, val in params.items()]
    return {
        "kind": "admin#reports#activity",
        "id": {
            "time": iso_z(when),
            "uniqueQualifier": str(-int(hid("gq", app, when, name, n=15), 16)),
            "applicationName": app,
            "customerId": customer,
        },
        "etag": f'"{hid("ge", app, when, name, n=27)}"',
        "actor": {"callerType": "USER", "email": actor, "profileId": str(int(hid("gp", actor, n=12), 16))},
        "ipAddress": "203.0.113.24",
        "events": [ev],
    }


def google_activities_page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "admin#reports#activities", "etag": f'"{hid("gap", len(items), n=27)}"', "items": items}


# ------------------------------------------------------------------ AWS IAM credential report
# GetCredentialReport, decoded Content: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
# ("Understanding the report format": the columns below, in this order; N/A, no_information, not_supported).
CRED_REPORT_HEADER = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
]


def _aws_t(dt: datetime | None, none: str = "N/A") -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S+00:00") if dt else none


def cred_row(
    account: str,
    user: str,
    *,
    created: datetime,
    password: bool = False,
    password_used: datetime | None = None,
    mfa: bool = False,
    key_rotated: datetime | None = None,
    key_used: datetime | None = None,
    key_active: bool = True,
    region: str = "us-west-2",
    service: str = "s3",
) -> list[str]:
    root = user == "<root_account>"
    arn = f"arn:aws:iam::{account}:root" if root else f"arn:aws:iam::{account}:user/{user}"
    row = [
        user,
        arn,
        _aws_t(created),
        "not_supported" if root else ("true" if password else "false"),
        _aws_t(password_used, "no_information") if (password or root) else "N/A",
        "not_supported" if root else (_aws_t(created) if password else "N/A"),
        "not_supported" if root else "N/A",
        "true" if mfa else "false",
    ]
    if key_rotated:
        row += [
            "true" if key_active else "false",
            _aws_t(key_rotated),
            _aws_t(key_used),
            region if key_used else "N/A",
            service if key_used else "N/A",
        ]
    else:
        row += ["false", "N/A", "N/A", "N/A", "N/A"]
    row += ["false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A"]
    return row


# ------------------------------------------------------------------ GitHub REST
# Pulls: https://docs.github.com/en/rest/pulls/pulls#list-pull-requests ; reviews:
# https://docs.github.com/en/rest/pulls/reviews#list-reviews-for-a-pull-request ; branch protection:
# https://docs.github.com/en/rest/branches/branch-protection#get-branch-protection ; organisation:
# https://docs.github.com/en/rest/orgs/orgs#get-an-organization ; members:
# https://docs.github.com/en/rest/orgs/members#list-organization-members ; Dependabot alerts:
# https://docs.github.com/en/rest/dependabot/alerts#list-dependabot-alerts-for-an-organization
API = "https://api.github.com"


def gh_user(login: str, *, bot: bool = False) -> dict[str, Any]:
    uid = int(hid("gh", login, n=8), 16) % 90_000_000 + 1_000_000
    return {
        "login": login,
        "id": uid,
        "node_id": "MDQ6VXNlcj" + hid(login, n=8),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "url": f"{API}/users/{login}",
        "html_url": f"https://github.com/{login}",
        "type": "Bot" if bot else "User",
        "site_admin": False,
    }


def gh_pull(
    org: str,
    repo: str,
    number: int,
    *,
    author: str,
    title: str,
    created: datetime,
    merged: datetime,
    labels: tuple[str, ...] = (),
    base: str = "main",
) -> dict[str, Any]:
    full = f"{org}/{repo}"
    return {
        "url": f"{API}/repos/{full}/pulls/{number}",
        "id": int(hid(full, number, n=8), 16),
        "html_url": f"https://github.com/{full}/pull/{number}",
        "number": number,
        "state": "closed",
        "locked": False,
        "title": title,
        "user": gh_user(author, bot=author.endswith("[bot]")),
        "body": "",
        "labels": [
            {"id": int(hid("label", lb, n=6), 16), "name": lb, "color": "d73a4a", "default": False} for lb in labels
        ],
        "created_at": iso_s(created),
        "updated_at": iso_s(merged),
        "closed_at": iso_s(merged),
        "merged_at": iso_s(merged),
        "merge_commit_sha": hid("sha", full, number, n=40),
        "draft": False,
        "head": {
            "label": f"{org}:feature-{number}",
            "ref": f"feature-{number}",
            "sha": hid("head", full, number, n=40),
        },
        "base": {
            "label": f"{org}:{base}",
            "ref": base,
            "sha": hid("base", full, number, n=40),
            "repo": {"id": int(hid("repo", full, n=7), 16), "name": repo, "full_name": full, "private": True},
        },
        "author_association": "MEMBER",
    }


def gh_review(org: str, repo: str, number: int, *, reviewer: str, state: str, submitted: datetime) -> dict[str, Any]:
    full = f"{org}/{repo}"
    rid = int(hid("review", full, number, reviewer, state, submitted.isoformat(), n=8), 16)
    return {
        "id": rid,
        "node_id": "PRR_" + hid(rid, n=12),
        "user": gh_user(reviewer),
        "body": "",
        "state": state,
        "html_url": f"https://github.com/{full}/pull/{number}#pullrequestreview-{rid}",
        "pull_request_url": f"{API}/repos/{full}/pulls/{number}",
        "author_association": "MEMBER",
        "submitted_at": iso_s(submitted),
        "commit_id": hid("head", full, number, n=40),
    }


def gh_protection(
    org: str,
    repo: str,
    branch: str = "main",
    *,
    approvals: int = 1,
    enforce_admins: bool = True,
    status_checks: bool = True,
    force_push: bool = False,
    dismiss_stale: bool = True,
) -> dict[str, Any]:
    u = f"{API}/repos/{org}/{repo}/branches/{branch}/protection"
    return {
        "url": u,
        "required_status_checks": (
            {
                "url": f"{u}/required_status_checks",
                "strict": True,
                "contexts": ["ci/test"],
                "checks": [{"context": "ci/test", "app_id": 15368}],
            }
            if status_checks
            else None
        ),
        "enforce_admins": {"url": f"{u}/enforce_admins", "enabled": enforce_admins},
        "required_pull_request_reviews": {
            "url": f"{u}/required_pull_request_reviews",
            "dismiss_stale_reviews": dismiss_stale,
            "require_code_owner_reviews": False,
            "required_approving_review_count": approvals,
            "require_last_push_approval": False,
        },
        "required_linear_history": {"enabled": False},
        "allow_force_pushes": {"enabled": force_push},
        "allow_deletions": {"enabled": False},
        "block_creations": {"enabled": False},
        "required_conversation_resolution": {"enabled": False},
        "lock_branch": {"enabled": False},
        "allow_fork_syncing": {"enabled": False},
    }


def gh_protection_404() -> dict[str, Any]:
    """What the branch protection endpoint answers for an unprotected branch (HTTP 404)."""
    return {
        "message": "Branch not protected",
        "documentation_url": "https://docs.github.com/rest/branches/branch-protection#get-branch-protection",
        "status": "404",
    }


def gh_org(org: str, *, two_factor: bool = True) -> dict[str, Any]:
    return {
        "login": org,
        "id": int(hid("org", org, n=7), 16),
        "url": f"{API}/orgs/{org}",
        "repos_url": f"{API}/orgs/{org}/repos",
        "description": "",
        "name": org,
        "company": None,
        "html_url": f"https://github.com/{org}",
        "created_at": "2019-04-02T10:00:00Z",
        "type": "Organization",
        "two_factor_requirement_enabled": two_factor,
        "members_can_create_repositories": False,
        "default_repository_permission": "read",
        "plan": {"name": "team", "seats": 60, "filled_seats": 40},
    }


def dependabot_alert(
    org: str,
    repo: str,
    number: int,
    *,
    ecosystem: str,
    package: str,
    manifest: str,
    ghsa: str,
    cve: str | None,
    severity: str,
    summary: str,
    vulnerable: str,
    patched: str | None,
    created: datetime,
    state: str = "open",
    fixed: datetime | None = None,
    dismissed: datetime | None = None,
    dismissed_reason: str | None = None,
    dismissed_comment: str | None = None,
    dismissed_by: str | None = None,
) -> dict[str, Any]:
    full = f"{org}/{repo}"
    idents = [{"type": "GHSA", "value": ghsa}] + ([{"type": "CVE", "value": cve}] if cve else [])
    pkg = {"ecosystem": ecosystem, "name": package}
    return {
        "number": number,
        "state": state,
        "dependency": {"package": pkg, "manifest_path": manifest, "scope": "runtime", "relationship": "direct"},
        "security_advisory": {
            "ghsa_id": ghsa,
            "cve_id": cve,
            "summary": summary,
            "description": summary,
            "vulnerabilities": [
                {
                    "package": pkg,
                    "severity": severity,
                    "vulnerable_version_range": vulnerable,
                    "first_patched_version": {"identifier": patched} if patched else None,
                }
            ],
            "severity": severity,
            "identifiers": idents,
            "references": [],
            "published_at": iso_s(created),
            "updated_at": iso_s(created),
            "withdrawn_at": None,
        },
        "security_vulnerability": {
            "package": pkg,
            "severity": severity,
            "vulnerable_version_range": vulnerable,
            "first_patched_version": {"identifier": patched} if patched else None,
        },
        "url": f"{API}/repos/{full}/dependabot/alerts/{number}",
        "html_url": f"https://github.com/{full}/security/dependabot/{number}",
        "created_at": iso_s(created),
        "updated_at": iso_s(fixed or dismissed or created),
        "dismissed_at": iso_s(dismissed) if dismissed else None,
        "dismissed_by": gh_user(dismissed_by) if dismissed_by else None,
        "dismissed_reason": dismissed_reason,
        "dismissed_comment": dismissed_comment,
        "fixed_at": iso_s(fixed) if fixed else None,
        "auto_dismissed_at": None,
        "repository": {
            "id": int(hid("repo", full, n=7), 16),
            "name": repo,
            "full_name": full,
            "private": True,
            "owner": gh_user(org),
        },
    }


# ------------------------------------------------------------------ Trivy
# Trivy JSON report, SchemaVersion 2: https://trivy.dev/latest/docs/configuration/reporting/#json and the
# report types in github.com/aquasecurity/trivy pkg/types/report.go (Report, Result, DetectedVulnerability).
def trivy_vuln(
    cve: str, pkg: str, installed: str, fixed: str, severity: str, title: str, published: date
) -> dict[str, Any]:
    return {
        "VulnerabilityID": cve,
        "PkgID": f"{pkg}@{installed}",
        "PkgName": pkg,
        "InstalledVersion": installed,
        "FixedVersion": fixed,
        "Status": "fixed",
        "Layer": {"DiffID": "sha256:" + hid("layer", pkg, n=64)},
        "SeveritySource": "nvd",
        "PrimaryURL": f"https://avd.aquasec.com/nvd/{cve.lower()}",
        "Title": title,
        "Description": title + ".",
        "Severity": severity,
        "PublishedDate": f"{published.isoformat()}T15:15:00Z",
        "LastModifiedDate": f"{published.isoformat()}T18:00:00Z",
    }


def trivy_report(
    artifact: str,
    created: datetime,
    os_vulns: list[dict[str, Any]],
    lang_vulns: list[dict[str, Any]],
    *,
    lang_target: str = "app/requirements.txt",
    lang_type: str = "pip",
) -> dict[str, Any]:
    results: list[dict[str, Any]] = [{"Target": f"{artifact} (debian 12.7)", "Class": "os-pkgs", "Type": "debian"}]
    if os_vulns:
        results[0]["Vulnerabilities"] = os_vulns
    lang: dict[str, Any] = {"Target": lang_target, "Class": "lang-pkgs", "Type": lang_type}
    if lang_vulns:
        lang["Vulnerabilities"] = lang_vulns
    results.append(lang)
    return {
        "SchemaVersion": 2,
        "CreatedAt": created.strftime("%Y-%m-%dT%H:%M:%S.123456789Z"),
        "ArtifactName": artifact,
        "ArtifactType": "container_image",
        "Metadata": {
            "OS": {"Family": "debian", "Name": "12.7"},
            "ImageID": "sha256:" + hid(artifact, created, n=64),
            "RepoTags": [artifact],
        },
        "Results": results,
    }
