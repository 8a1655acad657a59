"""What each role may do in an organisation. Reading is open to every member; the rest is granted here."""

from __future__ import annotations

ROLES = ("admin", "editor", "auditor", "viewer")
ROLE_TITLES = {"admin": "Admin", "editor": "Editor", "auditor": "Auditor", "viewer": "Viewer"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "download": frozenset(ROLES),  # raw evidence files
    "comment": frozenset({"admin", "editor", "auditor"}),
    "package": frozenset({"admin", "editor", "auditor"}),  # the auditor's evidence package
    "audit_log": frozenset({"admin", "auditor"}),
    "edit": frozenset({"admin", "editor"}),  # triage, upload, interview, policy drafts, assessments
    "approve": frozenset({"admin"}),  # accept a risk, approve a policy
    "manage": frozenset({"admin"}),  # members and roles
}


def allowed(role: str | None, permission: str) -> bool:
    return role is not None and role in PERMISSIONS[permission]
