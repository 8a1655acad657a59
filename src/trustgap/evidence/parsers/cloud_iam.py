"""What the cloud IAM format specs cannot say as a mapping (the specs are in ``trustgap/evidence/formats/``):

- ``gcp_iam_policy``: one :class:`Grant` per member of each binding; the member's kind from its prefix (``user:``,
  ``group:``, ``serviceAccount:``, ``domain:``, ``allUsers`` / ``allAuthenticatedUsers`` = ``public``, ``deleted:``);
  the resource the policy belongs to from ``parsers: {gcp_iam_policy: {resource: ...}}`` or the file's name
  (``projects-get-iam-policy-acme-prod.json`` -> ``projects/acme-prod``; ``acme-share/get-iam-policy.json`` -> its
  folder; a path naming a bucket or storage -> ``gs://NAME``); privileged roles (owner, editor, IAM and security
  admins) marked;
- ``gcp_service_account_keys``: a :class:`Credential` per user-managed key, the account and key id read from the
  key's resource name;
- ``azure_role_assignments``: privileged built-in roles marked, a user's e-mail from its principal name.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.facts import Credential, norm_email

GCP_PRIVILEGED = frozenset({
    "roles/owner", "roles/editor", "roles/iam.securityAdmin", "roles/iam.organizationRoleAdmin",
    "roles/resourcemanager.projectIamAdmin", "roles/resourcemanager.organizationAdmin",
    "roles/iam.serviceAccountAdmin", "roles/iam.serviceAccountKeyAdmin", "roles/iam.serviceAccountTokenCreator",
    "roles/storage.admin",
})
AZURE_PRIVILEGED = frozenset({"owner", "contributor", "user access administrator",
                              "role based access control administrator"})
_KINDS = {"user": "user", "group": "group", "serviceaccount": "service_account", "domain": "domain"}
_COMMAND_WORDS = re.compile(r"^(?:gcloud|projects?|organizations?|folders?|storage|buckets?|get|iam|policy|json)$",
                            re.I)
_KEY_NAME = re.compile(r"serviceAccounts/([^/]+)/keys/([^/]+)$")


def member_kind(member: str) -> tuple[str, str | None]:
    """(principal type, e-mail) of an IAM policy member."""
    if member in ("allUsers", "allAuthenticatedUsers"):
        return "public", None
    prefix, _, rest = member.partition(":")
    if prefix == "deleted":
        return "deleted", None
    kind = _KINDS.get(prefix.lower(), "unknown")
    email = norm_email(rest) if kind in ("user", "service_account", "group") and "@" in rest else None
    return kind, email


def policy_resource(path: str, options: dict[str, Any]) -> str | None:
    if options.get("resource"):
        return str(options["resource"])
    p = PurePosixPath(path.replace("\\", "/"))
    words = [w for w in re.split(r"[-_.]", p.name.removesuffix(".json")) if w and not _COMMAND_WORDS.match(w)]
    name = "-".join(words) or (p.parent.name if p.parent.name not in ("", ".") else "")
    if not name:
        return None
    lowered = path.lower()
    return f"gs://{name}" if "bucket" in lowered or "storage" in lowered else f"projects/{name}"


@register_hook("gcp_iam_policy")
def gcp_iam_policy(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    resource = policy_resource(hc.ctx.path, hc.ctx.options)
    if resource is None:
        for row in rows:
            hc.skip(row, "the policy does not say which project or bucket it belongs to: name the file after it, or "
                    "set parsers.gcp_iam_policy.resource in the scope file")
        return []
    out: list[Any] = []
    for row in rows:
        role = row.get("role")
        for member in row.get("members") or ():
            kind, email = member_kind(str(member))
            out.append(hc.fact(row, system="gcp", principal=str(member), principal_type=kind, email=email, role=role,
                               resource=resource, privileged=role in GCP_PRIVILEGED))
    return out


@register_hook("gcp_service_account_keys")
def gcp_service_account_keys(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        if str(row.get("key_type") or "").upper() == "SYSTEM_MANAGED":
            continue  # Google-managed keys are rotated by Google and never leave it
        m = _KEY_NAME.search(str(row.get("name")))
        if m is None:
            hc.skip(row, f"not a service-account key name: {row.get('name')!r}", "name")
            continue
        expires = row.get("expires")
        expired = expires is not None and expires.date() < hc.ctx.as_of
        out.append(Credential(src=hc.ctx.src(row.locator), system="gcp", account_id=m.group(1),
                              kind="service_account_key", slot=m.group(2),
                              active=not (row.get("disabled") is True or expired),
                              created_or_rotated_at=row.get("created")))
    return out


@register_hook("azure_role_assignments")
def azure_role_assignments(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        lacking = [f for f in ("principal", "role", "resource") if not row.get(f)]
        if lacking:
            hc.skip(row, f"{row.header(lacking[0])} is empty: the assignment is skipped", lacking[0])
            continue
        principal = str(row.get("principal"))
        kind = row.get("principal_type") or "unknown"
        email = norm_email(principal) if kind == "user" and "@" in principal else None
        out.append(hc.fact(row, email=email, principal_type=kind,
                           privileged=str(row.get("role")).lower() in AZURE_PRIVILEGED))
    return out

