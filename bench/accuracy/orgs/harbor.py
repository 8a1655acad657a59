"""Harborline Health: a US health-claims SaaS (America/New_York), Type II, on other vendors' exports:
Rippling HR, Microsoft Entra ID (Graph users and the MFA registration report), GitLab REST v4, Grype,
Snyk REST issues, Jira change tickets (CSV), PagerDuty incidents, Intune / Jamf Pro / Kandji devices,
TalentLMS, Checkr, DocuSign, AWS CLI outputs, gcloud and Azure CLI JSON.

Sources of each format are cited where the records are built.
"""

from __future__ import annotations

import random
from datetime import date, datetime
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
    iso_z,
    scope_time_zone,
    write_csv,
    write_json,
    write_text,
    write_yaml,
)

NAME = "harbor"
SEED = 23
AS_OF = date(2026, 10, 20)
P_START, P_END = date(2026, 4, 1), date(2026, 9, 30)
DOMAIN = "harborline.example"
TENANT = "7d1c5b0e-4a51-4c7e-9a55-2f0c1e6b9a10"
ACCOUNT = "443322110099"
REGION = "us-east-1"
GL = "harborline"
GCP = "harborline-prod"
EXPORT = at(date(2026, 10, 16), 14)


def _dt(y: int, m: int, d: int, h: int = 14, mi: int = 0) -> datetime:
    return at(date(y, m, d), h, mi)


def _guid(*parts: object) -> str:
    h = v.hid("guid", *parts, n=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def generate(out: Path, *, small: bool = False, seed: int = SEED) -> Path:
    rnd = random.Random(seed)
    org = out / NAME
    ev = org / "evidence"
    key = AnswerKey(NAME)
    ppl = People(rnd, DOMAIN)
    staff: list[Person] = []

    def person(
        first: str,
        last: str,
        *,
        hire: date,
        term: date | None = None,
        dept: str = "Engineering",
        title: str = "Engineer",
        gl: str | None = None,
        **extra: Any,
    ) -> Person:
        p = ppl.new(first=first, last=last, hire=hire, term=term, department=dept, title=title)
        p.extra = {
            "enabled": term is None,
            "last_signin": at(AS_OF - days(1), 13) if term is None else at(term, 15),
            "methods": ["microsoftAuthenticatorPush", "softwareOneTimePasscode"],
            "gl": gl,
            "gl_state": "active" if term is None else "blocked",
            "training": date(2026, rnd.randint(4, 9), rnd.randint(1, 28)) if term is None else None,
            "checkr": ("complete", "clear"),
            "aup": "completed",
            "device": ("intune", True, "14.6.1"),
        } | extra
        if p.extra["training"] and p.hire > date(2026, 1, 1):
            p.extra["training"] = p.hire + days(12)
        staff.append(p)
        return p

    # ---------------------------------------------------------------- identity and offboarding
    amos = person(
        "Aaron",
        "Brandt",
        hire=date(2022, 3, 1),
        term=date(2026, 7, 17),
        enabled=True,
        last_signin=_dt(2026, 8, 4, 13),
        dept="Operations",
        title="Claims Analyst",
    )
    key.planted(
        "hb-leaver-aaron-entra",
        ["AC-07"],
        amos.email,
        "terminated 2026-07-17; the Entra ID account is still enabled and signed in on 2026-08-04",
    )
    della = person(
        "Delia",
        "Castillo",
        hire=date(2021, 5, 3),
        term=date(2026, 6, 12),
        enabled=False,
        last_signin=_dt(2026, 6, 15, 13),
        dept="Finance",
        title="Accountant",
        disabled=_dt(2026, 6, 16, 14),
    )
    key.planted(
        "hb-leaver-delia-signin",
        ["AC-07"],
        della.email,
        "terminated 2026-06-12; the directory audit log "
        "shows her account disabled on 2026-06-16, and she signed in on 2026-06-15",
    )
    gus = person("Gideon", "Moreau", hire=date(2020, 9, 14), term=date(2026, 8, 28), gl="gmoreau-hl", gl_state="active")
    key.planted(
        "hb-leaver-gideon-gitlab",
        ["AC-07"],
        gus.email,
        "terminated 2026-08-28; GitLab user gmoreau-hl is still active and a member of the harborline group",
        match=["gmoreau-hl"],
    )
    ursula = person("Ulla", "Keller", hire=date(2019, 11, 4), term=date(2026, 9, 4), dept="Data", title="Data Lead")
    key.planted(
        "hb-leaver-ulla-gcp",
        ["AC-07"],
        ursula.email,
        "terminated 2026-09-04; still bound directly to roles/bigquery.dataViewer on project harborline-prod",
    )
    sam = person(
        "Samir",
        "Haddad",
        hire=date(2023, 1, 16),
        term=date(2026, 5, 8),
        enabled=False,
        last_signin=_dt(2026, 5, 8, 15),
        disabled=_dt(2026, 5, 8, 21, 3),
    )
    key.fine(
        "hb-leaver-samir-ok",
        ["AC-07"],
        sam.email,
        "terminated 2026-05-08; the directory audit log shows "
        "'Disable account' at 21:03 UTC that day; last sign-in on his last day",
    )
    mona = person(
        "Maya", "Quispe", hire=date(2022, 6, 6), dept="Operations", title="Ops Manager", methods=["mobilePhone"]
    )
    key.planted(
        "hb-mfa-maya-sms",
        ["AC-04"],
        mona.email,
        "only an SMS phone number registered, which the access control policy does not accept as a second factor",
    )
    nils = person("Nils", "Olsen", hire=date(2024, 2, 19), dept="Sales", title="AE", methods=[])
    key.planted("hb-mfa-nils-none", ["AC-04"], nils.email, "no MFA method registered (isMfaRegistered false)")
    fido = person(
        "Fiona",
        "Larsen",
        hire=date(2021, 8, 2),
        dept="Security",
        title="Security Lead",
        methods=["fido2", "microsoftAuthenticatorPush"],
        gl="flarsen",
    )
    key.fine("hb-mfa-fiona-fido2", ["AC-04"], fido.email, "FIDO2 security key and Authenticator push registered")
    apps = person("Pavel", "Nakamura", hire=date(2022, 10, 10), methods=["softwareOneTimePasscode"], gl="pnakamura")
    key.fine("hb-mfa-pavel-totp", ["AC-04"], apps.email, "authenticator app (TOTP) registered: accepted factor")

    # ---------------------------------------------------------------- engineers (GitLab)
    eng = [person(*ppl.pick(), hire=date(2019, 5, 6) + days(rnd.randint(0, 2300)), gl=None) for _ in range(4)]
    for i, p in enumerate(eng):
        p.extra["gl"] = (p.first[0] + p.last).lower() + ("-hl" if i % 2 else "")
    a, b, c = fido.extra["gl"], apps.extra["gl"], eng[0].extra["gl"]

    # ---------------------------------------------------------------- devices, training, screening, acceptance
    dev_enc = person(
        "Rosa",
        "Iqbal",
        hire=date(2023, 4, 3),
        dept="Support",
        title="Support Engineer",
        device=("intune", False, "10.0.22631.4317"),
    )
    key.planted(
        "hb-device-rosa-unencrypted",
        ["AC-21"],
        "HL-WIN-0412",
        "Intune reports the laptop of Rosa Iqbal not encrypted (isEncrypted false)",
        match=[dev_enc.email],
    )
    dev_fv = person(
        "Jonas", "Tanaka", hire=date(2021, 1, 11), dept="Engineering", gl="jtanaka", device=("jamf", False, "14.6.1")
    )
    key.planted(
        "hb-device-jonas-filevault",
        ["AC-21"],
        "HL-MAC-0087",
        "Jamf Pro: FileVault not enabled on the boot partition",
        match=[dev_fv.email],
    )
    dev_os = person(
        "Edith",
        "Vasquez",
        hire=date(2020, 7, 20),
        dept="Sales",
        title="Sales Director",
        device=("kandji", True, "12.7.6"),
    )
    key.planted(
        "hb-device-edith-old-os",
        ["AC-21", "OPS-12"],
        "HL-MAC-0033",
        "Kandji: macOS 12.7.6, a release Apple no longer supports",
        match=[dev_os.email],
    )
    dev_ok = person(
        "Tomas", "Engel", hire=date(2022, 2, 7), dept="Finance", title="Controller", device=("jamf", True, "15.0.1")
    )
    key.fine(
        "hb-device-tomas-ok",
        ["AC-21"],
        "HL-MAC-0091",
        "Jamf Pro: FileVault on, managed, macOS 15 (a release Apple still supports). Not keyed under OPS-12: "
        "15.0.1 is an early point release, and whether it is patched is not something this evidence settles",
        match=[dev_ok.email],
    )
    dev_ok2 = person(
        "Hana", "Ortiz", hire=date(2023, 9, 18), dept="Support", device=("intune", True, "10.0.26100.2033")
    )
    key.fine("hb-device-hana-ok", ["AC-21"], "HL-WIN-0450", "Intune: encrypted, compliant", match=[dev_ok2.email])
    untrained = person("Oskar", "Weber", hire=date(2022, 11, 14), dept="Operations", training=None)
    key.planted("hb-training-oskar", ["HR-03"], untrained.email, "no TalentLMS completion of the 2026 course")
    trained = person(
        "Clara", "Chen", hire=date(2026, 6, 1), dept="Engineering", training=date(2026, 6, 9), gl="cchen-hl"
    )
    key.fine(
        "hb-newhire-clara-trained",
        ["HR-04", "HR-03"],
        trained.email,
        "hired 2026-06-01, completed the course on 2026-06-09 (TalentLMS date written 09/06/2026)",
    )
    pend = person(
        "Vera",
        "Santos",
        hire=date(2026, 5, 18),
        dept="Operations",
        checkr=("pending", None),
        training=date(2026, 5, 29),
    )
    key.planted("hb-bg-vera-pending", ["HR-01"], pend.email, "Checkr report still pending five months after her start")
    nocheck = person("Lars", "Novak", hire=date(2025, 10, 6), dept="Sales", checkr=None)
    key.planted("hb-bg-lars-missing", ["HR-01"], nocheck.email, "no Checkr report at all")
    key.fine(
        "hb-bg-clara-clear",
        ["HR-01"],
        trained.email,
        "Checkr report complete and clear before her start; the "
        "export's 'Screening Provider' column comes before the candidate e-mail",
    )
    unsigned = person("Kofi", "Mendes", hire=date(2024, 4, 1), dept="Operations", aup="sent")
    key.planted(
        "hb-aup-kofi-unsigned",
        ["GOV-06"],
        unsigned.email,
        "the 2026 policy acknowledgement envelope was sent on 2026-04-06 and never signed",
    )
    key.fine("hb-aup-fiona-signed", ["GOV-06"], fido.email, "signed the 2026 policy acknowledgement")

    depts = ["Engineering", "Operations", "Sales", "Support", "Finance"]
    for i in range(8 if small else 55):
        f, ln = ppl.pick()
        person(
            f,
            ln,
            hire=date(2019, 3, 4) + days(rnd.randint(0, 2350)),
            dept=depts[i % 5],
            device=(("intune", "jamf", "kandji")[i % 3], True, ("10.0.26100.2033", "15.0.1", "15.0.1")[i % 3]),
        )

    # ---------------------------------------------------------------- Rippling people export (CSV)
    # Rippling report builder CSV; field names as Rippling labels them (https://help.rippling.com/, "Reports"):
    # Employee ID, Full name, Work email, Department, Title, Start date, End date, Employment status.
    write_csv(
        ev / "hr" / "rippling-people-report.csv",
        [
            "Employee ID",
            "Full name",
            "Work email",
            "Department",
            "Title",
            "Employment type",
            "Start date",
            "End date",
            "Employment status",
            "Manager",
        ],
        [
            [
                p.employee_id,
                p.name,
                p.email,
                p.department,
                p.title,
                "Salaried, full-time",
                p.hire.strftime("%m/%d/%Y"),
                p.term.strftime("%m/%d/%Y") if p.term else "",
                "Terminated" if p.term else "Active",
                fido.name,
            ]
            for p in staff
        ],
        exported=EXPORT,
    )

    # ---------------------------------------------------------------- Entra ID (Microsoft Graph)
    # GET /v1.0/users?$select=...,signInActivity : https://learn.microsoft.com/graph/api/user-list ;
    # userRegistrationDetails: https://learn.microsoft.com/graph/api/authenticationmethodsroot-list-userregistrationdetails
    users, regs = [], []
    for p in staff:
        uid = _guid("entra", p.email)
        users.append(
            {
                "id": uid,
                "displayName": p.name,
                "givenName": p.first,
                "surname": p.last,
                "mail": p.email,
                "userPrincipalName": p.email,
                "accountEnabled": p.extra["enabled"],
                "userType": "Member",
                "createdDateTime": iso_s(at(p.hire, 13)),
                "employeeId": p.employee_id,
                "jobTitle": p.title,
                "department": p.department,
                "signInActivity": {
                    "lastSignInDateTime": iso_s(p.extra["last_signin"]),
                    "lastSignInRequestId": _guid("req", p.email),
                    "lastNonInteractiveSignInDateTime": iso_s(p.extra["last_signin"]),
                    "lastNonInteractiveSignInRequestId": _guid("req2", p.email),
                },
            }
        )
        m = p.extra["methods"]
        strong = [x for x in m if x != "mobilePhone"]
        regs.append(
            {
                "id": uid,
                "userPrincipalName": p.email,
                "userDisplayName": p.name,
                "userType": "member",
                "isAdmin": p is fido,
                "isSsprRegistered": bool(m),
                "isSsprEnabled": True,
                "isSsprCapable": bool(m),
                "isMfaRegistered": bool(m),
                "isMfaCapable": bool(m),
                "isPasswordlessCapable": "fido2" in m,
                "methodsRegistered": m,
                "isSystemPreferredAuthenticationMethodEnabled": False,
                "systemPreferredAuthenticationMethods": [],
                "userPreferredMethodForSecondaryAuthentication": (
                    "push" if "microsoftAuthenticatorPush" in m else "oath" if strong else "sms" if m else "none"
                ),
                "lastUpdatedDateTime": iso_s(EXPORT),
            }
        )
    # Directory audit log, GET /v1.0/auditLogs/directoryAudits (activity "Disable account"):
    # https://learn.microsoft.com/graph/api/directoryaudit-list
    audits = [
        {
            "id": "Directory_" + _guid("audit", p.email),
            "category": "UserManagement",
            "correlationId": _guid("corr", p.email),
            "result": "success",
            "resultReason": "",
            "activityDisplayName": "Disable account",
            "activityDateTime": iso_s(p.extra["disabled"]),
            "loggedByService": "Core Directory",
            "operationType": "Update",
            "initiatedBy": {
                "user": {"id": _guid("entra", fido.email), "displayName": fido.name, "userPrincipalName": fido.email},
                "app": None,
            },
            "targetResources": [
                {
                    "id": _guid("entra", p.email),
                    "displayName": p.name,
                    "type": "User",
                    "userPrincipalName": p.email,
                    "modifiedProperties": [
                        {"displayName": "AccountEnabled", "oldValue": "[true]", "newValue": "[false]"}
                    ],
                }
            ],
            "additionalDetails": [],
        }
        for p in staff
        if p.extra.get("disabled")
    ]
    write_json(
        ev / "entra" / "directory-audits-disable-account.json",
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits", "value": audits},
        exported=EXPORT,
    )
    write_json(
        ev / "entra" / "users.json",
        {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,givenName,surname,"
            "mail,userPrincipalName,accountEnabled,userType,createdDateTime,employeeId,jobTitle,"
            "department,signInActivity)",
            "value": users,
        },
        exported=EXPORT,
    )
    write_json(
        ev / "entra" / "user-registration-details.json",
        {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/"
            "userRegistrationDetails",
            "value": regs,
        },
        exported=EXPORT,
    )

    # ---------------------------------------------------------------- GitLab REST v4
    # Users: https://docs.gitlab.com/api/users/#list-users (admin fields: email, state, two_factor_enabled,
    # last_sign_in_at); group members: https://docs.gitlab.com/api/members/ ; merge requests:
    # https://docs.gitlab.com/api/merge_requests/ ; approvals: https://docs.gitlab.com/api/merge_request_approvals/
    # ; protected branches: https://docs.gitlab.com/api/protected_branches/
    gl_people = [p for p in staff if p.extra["gl"]]
    gl_users, members = [], []
    for p in gl_people:
        uid = int(v.hid("gl", p.email, n=6), 16)
        u = {
            "id": uid,
            "username": p.extra["gl"],
            "name": p.name,
            "state": p.extra["gl_state"],
            "locked": False,
            "avatar_url": None,
            "web_url": f"https://gitlab.com/{p.extra['gl']}",
            "created_at": iso_z(at(p.hire, 15)),
            "bio": "",
            "public_email": "",
            "email": p.email,
            "last_sign_in_at": iso_z(p.extra["last_signin"]),
            "current_sign_in_at": iso_z(p.extra["last_signin"]),
            "last_activity_on": p.extra["last_signin"].date().isoformat(),
            "two_factor_enabled": True,
            "is_admin": p is fido,
            "bot": False,
            "external": False,
        }
        gl_users.append(u)
        if p.extra["gl_state"] == "active":
            members.append(
                {
                    "id": uid,
                    "username": u["username"],
                    "name": p.name,
                    "state": "active",
                    "web_url": u["web_url"],
                    "access_level": 50 if p is fido else 30,
                    "created_at": u["created_at"],
                    "expires_at": None,
                }
            )
    write_json(ev / "gitlab" / "users.json", gl_users, exported=EXPORT)
    write_json(ev / "gitlab" / "group-members.json", members, exported=EXPORT)
    projects = {"api": 5101, "portal": 5102, "infra": 5103}
    write_json(
        ev / "gitlab" / "group-projects.json",
        [
            {
                "id": pid,
                "name": n,
                "path": n,
                "path_with_namespace": f"{GL}/{n}",
                "default_branch": "main",
                "web_url": f"https://gitlab.com/{GL}/{n}",
            }
            for n, pid in projects.items()
        ],
        exported=EXPORT,
    )

    def gl_user(login: str) -> dict[str, Any]:
        p = next(x for x in gl_people if x.extra["gl"] == login)
        return {
            "id": int(v.hid("gl", p.email, n=6), 16),
            "username": login,
            "name": p.name,
            "state": "active",
            "web_url": f"https://gitlab.com/{login}",
        }

    mrs: dict[str, list[dict[str, Any]]] = {n: [] for n in projects}
    approvals: list[tuple[str, int, dict[str, Any]]] = []

    def mr(
        repo: str,
        iid: int,
        author: str,
        merged: datetime,
        approvers: list[str],
        labels: tuple[str, ...] = (),
        merger: str | None = None,
    ) -> None:
        pid = projects[repo]
        mrs[repo].append(
            {
                "id": int(v.hid("mr", repo, iid, n=7), 16),
                "iid": iid,
                "project_id": pid,
                "title": f"Change {iid}",
                "description": "",
                "state": "merged",
                "created_at": iso_z(merged - days(1)),
                "updated_at": iso_z(merged),
                "merged_by": gl_user(merger or author),
                "merge_user": gl_user(merger or author),
                "merged_at": iso_z(merged),
                "closed_by": None,
                "closed_at": None,
                "target_branch": "main",
                "source_branch": f"feature/{iid}",
                "author": gl_user(author),
                "labels": list(labels),
                "draft": False,
                "sha": v.hid("glsha", repo, iid, n=40),
                "merge_commit_sha": v.hid("glmerge", repo, iid, n=40),
                "references": {"short": f"!{iid}", "relative": f"!{iid}", "full": f"{GL}/{repo}!{iid}"},
                "web_url": f"https://gitlab.com/{GL}/{repo}/-/merge_requests/{iid}",
            }
        )
        approvals.append(
            (
                repo,
                iid,
                {
                    "id": int(v.hid("mr", repo, iid, n=7), 16),
                    "iid": iid,
                    "project_id": pid,
                    "title": f"Change {iid}",
                    "description": "",
                    "state": "merged",
                    "created_at": iso_z(merged - days(1)),
                    "updated_at": iso_z(merged),
                    "merge_status": "can_be_merged",
                    "approved": bool(approvers),
                    "approvals_required": 1,
                    "approvals_left": 0 if approvers else 1,
                    "require_password_to_approve": False,
                    "approved_by": [{"user": gl_user(x)} for x in approvers],
                    "suggested_approvers": [],
                    "approvers": [],
                    "approver_groups": [],
                    "user_has_approved": False,
                    "user_can_approve": False,
                },
            )
        )

    # api's protected main takes no direct pushes and needs code owners' approval, so what was merged there was
    # approved; the merge requests merged without a valid approval are in portal, whose protection is weak
    mr("portal", 412, a, _dt(2026, 5, 12), [])
    key.planted(
        "hb-mr-portal-412",
        ["CHG-02"],
        f"{GL}/portal!412",
        "merged with approved_by empty",
        match=[f"{GL}/portal#412", f"{GL}/portal merge request 412"],
    )
    mr("portal", 419, b, _dt(2026, 6, 3), [b])
    key.planted(
        "hb-mr-portal-419",
        ["CHG-02"],
        f"{GL}/portal!419",
        "the only approval is by its author pnakamura",
        match=[f"{GL}/portal#419"],
    )
    mr("portal", 88, c, _dt(2026, 7, 9), [a])
    key.fine(
        "hb-mr-portal-88",
        ["CHG-02"],
        f"{GL}/portal!88",
        "approved by flarsen, not the author",
        match=[f"{GL}/portal#88"],
    )
    mr("infra", 31, a, _dt(2026, 8, 19), [c, b])
    key.fine("hb-mr-infra-31", ["CHG-02"], f"{GL}/infra!31", "two approvals by others", match=[f"{GL}/infra#31"])
    engs = [p.extra["gl"] for p in gl_people if p.extra["gl_state"] == "active"]
    for i in range(6 if small else 45):
        repo = ("api", "portal", "infra")[i % 3]
        mr(
            repo,
            500 + i,
            engs[i % len(engs)],
            at(P_START + days(2 + i * 170 // (6 if small else 45)), 16),
            [engs[(i + 1) % len(engs)]],
        )
    for repo, lst in mrs.items():
        write_json(ev / "gitlab" / f"{repo}-merge-requests.json", sorted(lst, key=lambda x: -x["iid"]), exported=EXPORT)
    for repo, iid, appr in approvals:
        write_json(ev / "gitlab" / "approvals" / f"{repo}-mr-{iid}-approvals.json", appr, exported=EXPORT)

    def levels(level: int, desc: str) -> list[dict[str, Any]]:
        return [
            {
                "id": int(v.hid("lvl", level, desc, n=5), 16),
                "access_level": level,
                "access_level_description": desc,
                "user_id": None,
                "group_id": None,
            }
        ]

    write_json(
        ev / "gitlab" / "api-protected-branches.json",
        [
            {
                "id": 71,
                "name": "main",
                "push_access_levels": levels(0, "No one"),
                "merge_access_levels": levels(40, "Maintainers"),
                "unprotect_access_levels": [],
                "allow_force_push": False,
                "code_owner_approval_required": True,
            }
        ],
        exported=EXPORT,
    )
    key.fine(
        "hb-protect-api",
        ["CHG-03"],
        f"{GL}/api",
        "main protected: no one may push to it directly, maintainers merge, code owners approve, no force push",
    )
    write_json(
        ev / "gitlab" / "portal-protected-branches.json",
        [
            {
                "id": 72,
                "name": "main",
                "push_access_levels": levels(30, "Developers + Maintainers"),
                "merge_access_levels": levels(30, "Developers + Maintainers"),
                "unprotect_access_levels": [],
                "allow_force_push": True,
                "code_owner_approval_required": False,
            }
        ],
        exported=EXPORT,
    )
    key.planted(
        "hb-protect-portal",
        ["CHG-03"],
        f"{GL}/portal",
        "developers may push straight to main and force pushes are allowed",
    )

    # ---------------------------------------------------------------- Grype series (syft/grype JSON)
    # grype -o json: https://github.com/anchore/grype (presenter/models: Document{matches, source, distro,
    # descriptor}); Match{vulnerability{id, severity, fix{versions, state}}, relatedVulnerabilities, artifact}.
    gscans = [
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 6, 1),
        date(2026, 6, 29),
        date(2026, 7, 27),
        date(2026, 8, 24),
        date(2026, 9, 21),
        date(2026, 10, 12),
    ]
    gv = [
        (
            "GHSA-2026-aaaa",
            "CVE-2026-41001",
            "openssl",
            "3.0.13-1",
            "3.0.14-1",
            "Critical",
            date(2026, 5, 4),
            date(2026, 7, 27),
        ),
        (
            "CVE-2026-41002",
            None,
            "libexpat1",
            "2.5.0-1",
            "2.5.0-1+deb12u1",
            "High",
            date(2026, 6, 1),
            date(2026, 6, 29),
        ),
        (
            "CVE-2026-41003",
            None,
            "ncurses-base",
            "6.4-4",
            "6.4-4+deb12u1",
            "Critical",
            date(2026, 8, 24),
            date(2026, 8, 24),
        ),
    ]
    key.planted(
        "hb-grype-openssl",
        ["OPS-06"],
        "CVE-2026-41001",
        "critical (reported as GHSA-2026-aaaa, related "
        "CVE-2026-41001), present from 2026-05-04 to 2026-07-27: at least 84 days",
        match=["GHSA-2026-aaaa"],
    )
    key.fine(
        "hb-grype-expat",
        ["OPS-06"],
        "CVE-2026-41002",
        "high, present 2026-06-01 to 2026-06-29, gone 2026-07-27: at most 56 days",
    )
    key.fine(
        "hb-grype-ncurses-bracketed",
        ["OPS-06"],
        "CVE-2026-41003",
        "critical, seen only on 2026-08-24, gone 2026-09-21: fixed within 28 days whichever day",
    )
    for s in gscans:
        matches = []
        for vid, related, pkg, inst, fix, sev, first, last in gv:
            if not first <= s <= last:
                continue
            matches.append(
                {
                    "vulnerability": {
                        "id": vid,
                        "dataSource": f"https://security-tracker.debian.org/tracker/{vid}",
                        "namespace": "debian:distro:debian:12",
                        "severity": sev,
                        "urls": [],
                        "description": f"{pkg} flaw",
                        "cvss": [],
                        "fix": {"versions": [fix], "state": "fixed"},
                        "advisories": [],
                    },
                    "relatedVulnerabilities": (
                        [
                            {
                                "id": related,
                                "dataSource": f"https://nvd.nist.gov/vuln/detail/{related}",
                                "namespace": "nvd:cpe",
                                "severity": sev,
                                "urls": [],
                                "cvss": [],
                            }
                        ]
                        if related
                        else []
                    ),
                    "matchDetails": [
                        {
                            "type": "exact-indirect-match",
                            "matcher": "dpkg-matcher",
                            "searchedBy": {"distro": {"type": "debian", "version": "12"}},
                            "found": {"versionConstraint": f"< {fix} (deb)", "vulnerabilityID": vid},
                        }
                    ],
                    "artifact": {
                        "id": v.hid("art", pkg, n=16),
                        "name": pkg,
                        "version": inst,
                        "type": "deb",
                        "locations": [{"path": "/var/lib/dpkg/status"}],
                        "language": "",
                        "licenses": [],
                        "cpes": [],
                        "purl": f"pkg:deb/debian/{pkg}@{inst}?distro=debian-12",
                        "upstreams": [],
                    },
                }
            )
        write_json(
            ev / "scans" / f"grype-api-{s.isoformat()}.json",
            {
                "matches": matches,
                "source": {
                    "type": "image",
                    "target": {
                        "userInput": f"registry.gitlab.com/{GL}/api:main",
                        "imageID": "sha256:" + v.hid("img", s, n=64),
                        "tags": [],
                        "architecture": "amd64",
                        "os": "linux",
                    },
                },
                "distro": {"name": "debian", "version": "12", "idLike": None},
                "descriptor": {
                    "name": "grype",
                    "version": "0.79.0",
                    "configuration": {"output": ["json"]},
                    "db": {"built": iso_z(at(s - days(1), 1)), "schemaVersion": 5},
                    "timestamp": at(s, 6).strftime("%Y-%m-%dT%H:%M:%S.123456789Z"),
                },
            },
            exported=at(s, 6),
        )

    # ---------------------------------------------------------------- Snyk REST API issues
    # GET /rest/orgs/{org_id}/issues (JSON:API): https://docs.snyk.io/snyk-api/reference/issues
    def snyk_issue(
        key_: str, cve: str, sev: str, status: str, created: datetime, resolved: datetime | None, title: str
    ) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            "key": key_,
            "title": title,
            "type": "package_vulnerability",
            "effective_severity_level": sev,
            "status": status,
            "ignored": False,
            "created_at": iso_z(created),
            "updated_at": iso_z(resolved or created),
            "problems": [
                {"id": cve, "source": "NVD", "type": "vulnerability"},
                {"id": key_, "source": "SNYK", "type": "vulnerability"},
            ],
            "coordinates": [
                {"representations": [{"dependency": {"package_name": title.split()[0], "package_version": "1.0.0"}}]}
            ],
        }
        if resolved:
            attrs["resolution"] = {"type": "fixed", "resolved_at": iso_z(resolved)}
        return {
            "id": _guid("snyk", key_),
            "type": "issue",
            "attributes": attrs,
            "relationships": {
                "organization": {"data": {"id": _guid("org"), "type": "organization"}},
                "scan_item": {"data": {"id": _guid("proj", "portal"), "type": "project"}},
            },
        }

    write_json(
        ev / "scans" / "snyk-issues.json",
        {
            "data": [
                snyk_issue(
                    "SNYK-JS-AXIOS-7361793", "CVE-2026-42001", "critical", "open", _dt(2026, 8, 10), None, "axios SSRF"
                ),
                snyk_issue(
                    "SNYK-JS-WS-7266574",
                    "CVE-2026-42002",
                    "high",
                    "resolved",
                    _dt(2026, 6, 2),
                    _dt(2026, 6, 20),
                    "ws denial of service",
                ),
                snyk_issue(
                    "SNYK-JS-BRACES-6838727",
                    "CVE-2026-42003",
                    "high",
                    "open",
                    _dt(2026, 9, 30),
                    None,
                    "braces memory exhaustion",
                ),
            ],
            "jsonapi": {"version": "1.0"},
            "links": {"self": "/orgs/x/issues?version=2024-10-15&limit=100"},
        },
        exported=EXPORT,
    )
    key.planted(
        "hb-snyk-axios",
        ["OPS-06"],
        "CVE-2026-42001",
        "critical Snyk issue open since 2026-08-10 (71 days)",
        match=["SNYK-JS-AXIOS-7361793"],
    )
    key.fine("hb-snyk-ws", ["OPS-06"], "CVE-2026-42002", "high, resolved after 18 days", match=["SNYK-JS-WS-7266574"])
    key.fine("hb-snyk-braces", ["OPS-06"], "CVE-2026-42003", "high, open 20 days", match=["SNYK-JS-BRACES-6838727"])

    # ---------------------------------------------------------------- Jira change tickets (CSV export)
    # Jira "Export Excel CSV (all fields)": header names as Jira writes them, custom fields as
    # "Custom field (Name)", dates in the user's format dd/MMM/yy h:mm a
    # (https://support.atlassian.com/jira-software-cloud/docs/export-issues/).
    def jd(dt: datetime | None) -> str:
        return dt.strftime("%d/%b/%y %I:%M %p") if dt else ""

    tickets = [
        ("CHG-112", "Emergency", "Hotfix claims import", "Done", _dt(2026, 7, 2, 3), None, None),
        ("CHG-118", "Normal", "Rotate API gateway certificates", "Done", _dt(2026, 8, 5), None, None),
        (
            "CHG-120",
            "Emergency",
            "Block abusive IP range",
            "Done",
            _dt(2026, 8, 22, 2),
            fido.name,
            _dt(2026, 8, 22, 15),
        ),
        ("CHG-121", "Normal", "Upgrade PostgreSQL minor version", "Done", _dt(2026, 9, 8), fido.name, _dt(2026, 9, 7)),
    ]
    for i in range(4 if small else 30):
        tickets.append(
            (
                f"CHG-{200 + i}",
                "Standard",
                f"Routine change {i}",
                "Done",
                at(P_START + days(3 + i * 5), 16),
                fido.name,
                at(P_START + days(2 + i * 5), 16),
            )
        )
    write_csv(
        ev / "tickets" / "jira-changes.csv",
        [
            "Summary",
            "Issue key",
            "Issue id",
            "Issue Type",
            "Status",
            "Priority",
            "Assignee",
            "Reporter",
            "Created",
            "Updated",
            "Resolved",
            "Custom field (Change type)",
            "Custom field (Approver)",
            "Custom field (Approval date)",
        ],
        [
            [
                s,
                k,
                10000 + n,
                "Change",
                st,
                "High" if t == "Emergency" else "Medium",
                eng[0].name,
                a,
                jd(done - days(1)),
                jd(done),
                jd(done),
                t,
                appr or "",
                jd(ad),
            ]
            for n, (k, t, s, st, done, appr, ad) in enumerate(tickets)
        ],
        exported=EXPORT,
    )
    key.planted(
        "hb-jira-chg-112",
        ["CHG-05"],
        "CHG-112",
        "emergency change done on 2026-07-02 with no approval recorded after the fact",
    )
    key.planted("hb-jira-chg-118", ["CHG-02"], "CHG-118", "normal change done without an approver")
    key.fine("hb-jira-chg-120", ["CHG-05"], "CHG-120", "emergency change approved 13 hours after it was made")
    key.fine("hb-jira-chg-121", ["CHG-02"], "CHG-121", "approved the day before it was done")

    # ---------------------------------------------------------------- PagerDuty incidents + post-incident reviews
    # GET /incidents: https://developer.pagerduty.com/api-reference/9d0b4b12e36f9-list-incidents
    def pd(num: int, title: str, created: datetime, resolved: datetime, urgency: str, prio: str) -> dict[str, Any]:
        iid = "Q" + v.hid("pd", num, n=13).upper()
        return {
            "id": iid,
            "type": "incident",
            "summary": f"[#{num}] {title}",
            "self": f"https://api.pagerduty.com/incidents/{iid}",
            "html_url": f"https://harborline.pagerduty.com/incidents/{iid}",
            "incident_number": num,
            "title": title,
            "created_at": iso_s(created),
            "updated_at": iso_s(resolved),
            "status": "resolved",
            "incident_key": v.hid("ik", num, n=32),
            "resolved_at": iso_s(resolved),
            "last_status_change_at": iso_s(resolved),
            "service": {"id": "PSVC01", "type": "service_reference", "summary": "Claims API"},
            "urgency": urgency,
            "priority": {"id": "P" + prio, "type": "priority_reference", "summary": prio},
        }

    write_json(
        ev / "incidents" / "pagerduty-incidents.json",
        {
            "incidents": [
                pd(305, "Claims API 5xx spike", _dt(2026, 6, 9, 15), _dt(2026, 6, 9, 17), "high", "P1"),
                pd(312, "Database failover stalled", _dt(2026, 8, 14, 4), _dt(2026, 8, 14, 7), "high", "P1"),
                pd(318, "Slow report export", _dt(2026, 9, 2, 12), _dt(2026, 9, 2, 13), "low", "P4"),
            ],
            "limit": 100,
            "offset": 0,
            "total": None,
            "more": False,
        },
        exported=EXPORT,
    )
    write_csv(
        ev / "records" / "post-incident-reviews.csv",
        ["Incident", "Title", "Severity", "Review Date", "Facilitator", "Root Cause", "Action Items"],
        [["#305", "Claims API 5xx spike", "P1", "2026-06-11", fido.email, "connection pool exhaustion", "3"]],
    )
    key.planted(
        "hb-incident-312-no-pir",
        ["OPS-10"],
        "#312",
        "P1 incident 'Database failover stalled' has no post-incident review",
        match=["Database failover stalled", "incident 312"],
    )
    key.fine(
        "hb-incident-305-pir",
        ["OPS-10"],
        "#305",
        "P1 incident reviewed two days later",
        match=["Claims API 5xx spike", "incident 305"],
    )

    # ---------------------------------------------------------------- devices
    # Intune: GET /deviceManagement/managedDevices https://learn.microsoft.com/graph/api/intune-devices-manageddevice-list
    # Jamf Pro: GET /api/v1/computers-inventory https://developer.jamf.com/jamf-pro/reference/get_v1-computers-inventory
    # Kandji: GET /api/v1/devices https://api-docs.kandji.io/#78209960-31a7-4e3b-a2c0-95c7e65bb5f9
    names = {
        dev_enc.email: "HL-WIN-0412",
        dev_fv.email: "HL-MAC-0087",
        dev_os.email: "HL-MAC-0033",
        dev_ok.email: "HL-MAC-0091",
        dev_ok2.email: "HL-WIN-0450",
    }
    intune, jamf, kandji = [], [], []
    for n, p in enumerate(p for p in staff if p.term is None):
        kind, enc, osv = p.extra["device"]
        dname = names.get(p.email, f"HL-{'WIN' if kind == 'intune' else 'MAC'}-{1000 + n}")
        seen = at(AS_OF - days(2), 9)
        if kind == "intune":
            intune.append(
                {
                    "id": _guid("intune", dname),
                    "userId": _guid("entra", p.email),
                    "deviceName": dname,
                    "managedDeviceOwnerType": "company",
                    "enrolledDateTime": iso_s(at(p.hire, 10)),
                    "lastSyncDateTime": iso_s(seen),
                    "operatingSystem": "Windows",
                    "complianceState": "compliant" if enc else "noncompliant",
                    "osVersion": osv,
                    "isEncrypted": enc,
                    "userPrincipalName": p.email,
                    "emailAddress": p.email,
                    "userDisplayName": p.name,
                    "serialNumber": v.hid("sn", dname, n=10).upper(),
                    "model": "Latitude 7440",
                    "manufacturer": "Dell Inc.",
                }
            )
        elif kind == "jamf":
            jamf.append(
                {
                    "id": str(200 + n),
                    "udid": _guid("jamf", dname).upper(),
                    "general": {
                        "name": dname,
                        "lastContactTime": iso_z(seen),
                        "lastEnrolledDate": iso_z(at(p.hire, 10)),
                        "remoteManagement": {"managed": True},
                        "mdmCapable": {"capable": True},
                    },
                    "diskEncryption": {
                        "bootPartitionEncryptionDetails": {
                            "partitionName": "Macintosh HD (Boot Partition)",
                            "partitionFileVault2State": "ENCRYPTED" if enc else "UNENCRYPTED",
                            "partitionFileVault2Percent": 100 if enc else 0,
                        },
                        "fileVault2EnabledUserNames": [p.email.split("@")[0]] if enc else [],
                    },
                    "userAndLocation": {"username": p.email.split("@")[0], "realname": p.name, "email": p.email},
                    "operatingSystem": {"name": "macOS", "version": osv, "build": "24A348"},
                }
            )
        else:
            kandji.append(
                {
                    "device_id": _guid("kandji", dname),
                    "device_name": dname,
                    "model": "MacBook Air (M2)",
                    "serial_number": v.hid("sn", dname, n=12).upper(),
                    "platform": "Mac",
                    "os_version": osv,
                    "last_check_in": iso_z(seen),
                    "user": {"email": p.email, "name": p.name, "id": _guid("ku", p.email), "is_archived": False},
                    "asset_tag": "",
                    "blueprint_id": _guid("bp"),
                    "blueprint_name": "Standard",
                    "mdm_enabled": True,
                    "agent_installed": True,
                    "is_missing": False,
                    "is_removed": False,
                    "agent_version": "4.3.1",
                    "first_enrollment": iso_z(at(p.hire, 10)),
                    "last_enrollment": iso_z(at(p.hire, 10)),
                }
            )
    write_json(
        ev / "devices" / "intune-managed-devices.json",
        {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices",
            "value": intune,
        },
        exported=EXPORT,
    )
    write_json(
        ev / "devices" / "jamf-computers-inventory.json", {"totalCount": len(jamf), "results": jamf}, exported=EXPORT
    )
    write_json(ev / "devices" / "kandji-devices.json", kandji, exported=EXPORT)

    # ---------------------------------------------------------------- TalentLMS (users + course)
    # https://www.talentlms.com/pages/docs/TalentLMS-API-Documentation.pdf (users; courses/id:X with users[]
    # carrying enrolled_on / completed_on in the portal's date format and *_timestamp in Unix seconds).
    tl_users, tl_course_users = [], []
    for n, p in enumerate(staff):
        tid = str(100 + n)
        tl_users.append(
            {
                "id": tid,
                "login": p.email.split("@")[0],
                "first_name": p.first,
                "last_name": p.last,
                "email": p.email,
                "user_type": "Learner-Type",
                "timezone": "(GMT -05:00) Eastern Time",
                "status": "active" if p.term is None else "inactive",
                "created_on": p.hire.strftime("%d/%m/%Y, %H:%M:%S"),
            }
        )
        t = p.extra["training"]
        if t:
            dt = at(t, 14)
            tl_course_users.append(
                {
                    "id": tid,
                    "name": f"{p.first[0]}. {p.last}",
                    "role": "learner",
                    "enrolled_on": (dt - days(7)).strftime("%d/%m/%Y, %H:%M:%S"),
                    "enrolled_on_timestamp": str(int((dt - days(7)).timestamp())),
                    "completed_on": dt.strftime("%d/%m/%Y, %H:%M:%S"),
                    "completed_on_timestamp": str(int(dt.timestamp())),
                    "completion_percentage": "100",
                    "expired_on": "",
                    "total_time": "41m",
                }
            )
    write_json(ev / "training" / "talentlms-users.json", tl_users, exported=EXPORT)
    write_json(
        ev / "training" / "talentlms-course-12.json",
        {
            "id": "12",
            "name": "Security Awareness 2026",
            "code": "SEC-2026",
            "category_id": "3",
            "description": "Annual security awareness",
            "status": "active",
            "creation_date": "02/01/2026, 09:00:00",
            "users": tl_course_users,
        },
        exported=EXPORT,
    )

    # ---------------------------------------------------------------- Checkr (dashboard report export, CSV)
    # Report object fields: https://docs.checkr.com/#tag/Reports (status pending|complete|suspended|dispute|
    # canceled; result clear|consider; package; created_at; completed_at).
    ck = []
    for p in staff:
        if not p.extra["checkr"]:
            continue
        st, res = p.extra["checkr"]
        created = at(p.hire - days(21), 15)
        ck.append(
            [
                v.hid("ck", p.email, n=24),
                "Checkr, Inc.",
                "tasker_standard",
                p.name,
                p.email,
                st,
                res or "",
                iso_s(created),
                iso_s(created + days(4)) if st == "complete" else "",
            ]
        )
    write_csv(
        ev / "screening" / "checkr-reports.csv",
        [
            "Report ID",
            "Screening Provider",
            "Package",
            "Candidate Name",
            "Candidate Email",
            "Status",
            "Result",
            "Created At",
            "Completed At",
        ],
        ck,
        exported=EXPORT,
    )

    # ---------------------------------------------------------------- DocuSign envelopes (policy acknowledgement)
    # GET /restapi/v2.1/accounts/{accountId}/envelopes?include=recipients
    # https://developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopes/liststatuschanges/
    envs = []
    for p in staff:
        if p.term is not None:
            continue
        sent = at(max(p.hire, date(2026, 4, 6)), 13)
        done = p.extra["aup"] == "completed"
        envs.append(
            {
                "envelopeId": _guid("env", p.email),
                "status": "completed" if done else "sent",
                "emailSubject": "Please sign: Information Security and Acceptable Use Policies 2026",
                "sentDateTime": iso_z(sent),
                "statusChangedDateTime": iso_z(sent + days(2) if done else sent),
                "completedDateTime": iso_z(sent + days(2)) if done else None,
                "recipients": {
                    "signers": [
                        {
                            "email": p.email,
                            "name": p.name,
                            "recipientId": "1",
                            "status": "completed" if done else "sent",
                            "signedDateTime": iso_z(sent + days(2)) if done else None,
                        }
                    ]
                },
            }
        )
    write_json(
        ev / "acknowledgements" / "docusign-envelopes.json",
        {
            "resultSetSize": str(len(envs)),
            "totalSetSize": str(len(envs)),
            "startPosition": "0",
            "endPosition": str(len(envs) - 1),
            "envelopes": envs,
        },
        exported=EXPORT,
    )

    # ---------------------------------------------------------------- AWS CLI JSON outputs
    # aws rds describe-db-instances: https://docs.aws.amazon.com/cli/latest/reference/rds/describe-db-instances.html
    def rds(ident: str, encrypted: bool, multi_az: bool) -> dict[str, Any]:
        return {
            "DBInstanceIdentifier": ident,
            "DBInstanceClass": "db.r6g.large",
            "Engine": "postgres",
            "EngineVersion": "16.4",
            "DBInstanceStatus": "available",
            "MultiAZ": multi_az,
            "AvailabilityZone": "us-east-1a",
            "SecondaryAvailabilityZone": "us-east-1b" if multi_az else None,
            "StorageEncrypted": encrypted,
            "KmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{_guid('kms', ident)}" if encrypted else None,
            "PubliclyAccessible": False,
            "BackupRetentionPeriod": 14,
            "DeletionProtection": True,
            "DBInstanceArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{ident}",
        }

    dbs = [
        rds("harbor-claims-prod", True, True),
        rds("harbor-reporting", False, True),
        rds("harbor-billing-prod", True, False),
    ]
    write_json(
        ev / "aws" / "rds-describe-db-instances.json",
        {"DBInstances": [{k: val for k, val in d.items() if val is not None} for d in dbs]},
        exported=EXPORT,
    )
    key.fine("hb-rds-claims", ["AC-19", "AV-06"], "harbor-claims-prod", "encrypted, Multi-AZ")
    key.planted(
        "hb-rds-reporting-unencrypted",
        ["AC-19"],
        "harbor-reporting",
        "StorageEncrypted false on a database holding claims extracts",
    )
    key.planted(
        "hb-rds-billing-single-az",
        ["AV-06"],
        "harbor-billing-prod",
        "production database in one availability zone (MultiAZ false)",
    )
    key.fine("hb-rds-billing-encrypted", ["AC-19"], "harbor-billing-prod", "encrypted at rest")
    # aws s3api get-bucket-encryption --bucket B (the answer does not name the bucket: the file name does)
    # https://docs.aws.amazon.com/cli/latest/reference/s3api/get-bucket-encryption.html
    for bucket, alg in (("harbor-claims-archive", "aws:kms"), ("harbor-public-assets", "AES256")):
        rule: dict[str, Any] = {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": alg},
            "BucketKeyEnabled": alg != "AES256",
        }
        if alg == "aws:kms":
            rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] = (
                f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/harbor-s3"
            )
        write_json(
            ev / "aws" / f"s3api-get-bucket-encryption-{bucket}.json",
            {"ServerSideEncryptionConfiguration": {"Rules": [rule]}},
            exported=EXPORT,
        )
    key.fine("hb-s3-claims-kms", ["AC-19"], "harbor-claims-archive", "SSE-KMS default encryption")
    key.fine(
        "hb-s3-assets-sse-s3",
        ["AC-19"],
        "harbor-public-assets",
        "SSE-S3 (AES256) default encryption: encrypted at rest",
    )

    # aws ec2 describe-security-groups: https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-security-groups.html
    def sg(gid: str, name: str, port: int, cidr: str) -> dict[str, Any]:
        return {
            "Description": name,
            "GroupName": name,
            "GroupId": gid,
            "OwnerId": ACCOUNT,
            "VpcId": "vpc-0c1d2e3f4a5b6c7d8",
            "IpPermissions": [
                {
                    "IpProtocol": "tcp",
                    "FromPort": port,
                    "ToPort": port,
                    "IpRanges": [{"CidrIp": cidr}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": [],
                }
            ],
            "IpPermissionsEgress": [
                {
                    "IpProtocol": "-1",
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": [],
                }
            ],
        }

    write_json(
        ev / "aws" / "ec2-describe-security-groups.json",
        {
            "SecurityGroups": [
                sg("sg-0a11b22c33d44e55f", "bastion-ssh", 22, "0.0.0.0/0"),
                sg("sg-0f99e88d77c66b55a", "public-alb", 443, "0.0.0.0/0"),
                sg("sg-0123abcd4567ef890", "db-internal", 5432, "10.20.0.0/16"),
            ]
        },
        exported=EXPORT,
    )
    key.planted("hb-sg-bastion", ["AC-16"], "sg-0a11b22c33d44e55f", "SSH (22) open to 0.0.0.0/0", match=["bastion-ssh"])
    key.fine(
        "hb-sg-alb",
        ["AC-16"],
        "sg-0f99e88d77c66b55a",
        "HTTPS 443 open to the internet on the public load balancer, as intended",
        match=["public-alb"],
    )
    key.fine("hb-sg-db", ["AC-16"], "sg-0123abcd4567ef890", "PostgreSQL only from the VPC", match=["db-internal"])
    # aws elbv2 describe-listeners: https://docs.aws.amazon.com/cli/latest/reference/elbv2/describe-listeners.html
    lb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/harbor-portal/50dc6c495c0c9188"
    lb2 = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/harbor-legacy/6d0ecf831eec9f09"

    def listener(
        lbarn: str, port: int, proto: str, action: dict[str, Any], policy: str | None = None
    ) -> dict[str, Any]:
        d: dict[str, Any] = {
            "ListenerArn": lbarn.replace(":loadbalancer/", ":listener/") + f"/{v.hid('l', lbarn, port, n=16)}",
            "LoadBalancerArn": lbarn,
            "Port": port,
            "Protocol": proto,
            "DefaultActions": [action],
        }
        if policy:
            d["SslPolicy"] = policy
            d["Certificates"] = [{"CertificateArn": f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{_guid('c', lbarn)}"}]
        return d

    fwd = {"Type": "forward", "TargetGroupArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/portal/1"}
    redirect = {
        "Type": "redirect",
        "RedirectConfig": {
            "Protocol": "HTTPS",
            "Port": "443",
            "Host": "#{host}",
            "Path": "/#{path}",
            "Query": "#{query}",
            "StatusCode": "HTTP_301",
        },
    }
    write_json(
        ev / "aws" / "elbv2-describe-listeners-harbor-portal.json",
        {
            "Listeners": [
                listener(lb, 443, "HTTPS", fwd, "ELBSecurityPolicy-TLS13-1-2-2021-06"),
                listener(lb, 80, "HTTP", redirect),
            ]
        },
        exported=EXPORT,
    )
    write_json(
        ev / "aws" / "elbv2-describe-listeners-harbor-legacy.json",
        {"Listeners": [listener(lb2, 443, "HTTPS", fwd, "ELBSecurityPolicy-2016-08"), listener(lb2, 80, "HTTP", fwd)]},
        exported=EXPORT,
    )
    key.fine("hb-lb-portal", ["AC-18"], "harbor-portal", "HTTPS with a TLS 1.2+ policy; port 80 only redirects")
    key.planted(
        "hb-lb-legacy",
        ["AC-18"],
        "harbor-legacy",
        "serves plain HTTP on port 80 and its HTTPS listener uses ELBSecurityPolicy-2016-08, which accepts TLS 1.0",
    )
    # aws kms list-aliases: https://docs.aws.amazon.com/cli/latest/reference/kms/list-aliases.html
    write_json(
        ev / "aws" / "kms-list-aliases.json",
        {
            "Aliases": [
                {
                    "AliasName": n,
                    "AliasArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:{n}",
                    "TargetKeyId": _guid("kms", n),
                    "CreationDate": "2024-02-01T10:00:00+00:00",
                    "LastUpdatedDate": "2024-02-01T10:00:00+00:00",
                }
                for n in ("alias/harbor-rds", "alias/harbor-s3")
            ]
        },
        exported=EXPORT,
    )

    # ---------------------------------------------------------------- GCP (gcloud --format=json)
    # gcloud projects get-iam-policy: https://cloud.google.com/sdk/gcloud/reference/projects/get-iam-policy
    # gcloud iam service-accounts keys list: https://cloud.google.com/sdk/gcloud/reference/iam/service-accounts/keys/list
    # gcloud storage buckets list / get-iam-policy: https://cloud.google.com/sdk/gcloud/reference/storage/buckets/list
    active = [p for p in staff if p.term is None]
    write_json(
        ev / "gcp" / "projects-get-iam-policy-harborline-prod.json",
        {
            "bindings": [
                {"members": [f"group:data-team@{DOMAIN}", f"user:{ursula.email}"], "role": "roles/bigquery.dataViewer"},
                {"members": [f"user:{fido.email}"], "role": "roles/owner"},
                {
                    "members": [f"serviceAccount:etl-runner@{GCP}.iam.gserviceaccount.com"],
                    "role": "roles/bigquery.jobUser",
                },
                {"members": [f"user:{active[-1].email}"], "role": "roles/viewer"},
            ],
            "etag": "BwYjqL0xGMA=",
            "version": 1,
        },
        exported=EXPORT,
    )
    key.fine(
        "hb-gcp-owner-fiona", ["AC-07", "AC-13"], f"user:{fido.email}", "the security lead, active", match=[fido.email]
    )
    sa_old = f"etl-runner@{GCP}.iam.gserviceaccount.com"
    write_json(
        ev / "gcp" / "service-account-keys-etl-runner.json",
        [
            {
                "keyAlgorithm": "KEY_ALG_RSA_2048",
                "keyOrigin": "GOOGLE_PROVIDED",
                "keyType": "USER_MANAGED",
                "name": f"projects/{GCP}/serviceAccounts/{sa_old}/keys/3f1a9c0d2b7e4a5f6c8d9e0a1b2c3d4e5f6a7b8c",
                "validAfterTime": "2025-02-11T09:12:44Z",
                "validBeforeTime": "9999-12-31T23:59:59Z",
            },
            {
                "keyAlgorithm": "KEY_ALG_RSA_2048",
                "keyOrigin": "GOOGLE_PROVIDED",
                "keyType": "SYSTEM_MANAGED",
                "name": f"projects/{GCP}/serviceAccounts/{sa_old}/keys/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d",
                "validAfterTime": "2026-10-01T00:00:00Z",
                "validBeforeTime": "2026-10-17T00:00:00Z",
            },
        ],
        exported=EXPORT,
    )
    key.planted(
        "hb-gcp-key-etl-runner",
        ["AC-12"],
        "3f1a9c0d2b7e4a5f6c8d9e0a1b2c3d4e5f6a7b8c",
        "user-managed key of etl-runner created 2025-02-11 and never rotated (616 days)",
        match=[sa_old],
    )
    key.fine(
        "hb-gcp-key-system",
        ["AC-12"],
        "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d",
        "a system-managed key (Google rotates it)",
    )
    write_json(
        ev / "gcp" / "storage-buckets-list.json",
        [
            {
                "name": b,
                "storage_url": f"gs://{b}/",
                "location": "US-EAST1",
                "location_type": "region",
                "default_storage_class": "STANDARD",
                "public_access_prevention": pap,
                "uniform_bucket_level_access": True,
                "creation_time": "2024-03-04T10:00:00+0000",
                "update_time": "2026-01-04T10:00:00+0000",
            }
            for b, pap in (("harborline-claims-raw", "enforced"), ("harborline-partner-share", "inherited"))
        ],
        exported=EXPORT,
    )
    write_json(
        ev / "gcp" / "storage-buckets-get-iam-policy-harborline-partner-share.json",
        {
            "bindings": [
                {"members": ["allUsers"], "role": "roles/storage.objectViewer"},
                {"members": [f"projectOwner:{GCP}"], "role": "roles/storage.legacyBucketOwner"},
            ],
            "etag": "CAE=",
        },
        exported=EXPORT,
    )
    key.planted("hb-gcs-partner-share-public", ["AC-23"], "harborline-partner-share", "allUsers can read its objects")
    key.fine("hb-gcs-claims-raw", ["AC-23"], "harborline-claims-raw", "public access prevention enforced")

    # ---------------------------------------------------------------- Azure CLI (az storage account list)
    # https://learn.microsoft.com/cli/azure/storage/account#az-storage-account-list
    sub = "/subscriptions/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/resourceGroups/harbor-dr/providers/Microsoft.Storage"
    write_json(
        ev / "azure" / "storage-account-list.json",
        [
            {
                "name": n,
                "id": f"{sub}/storageAccounts/{n}",
                "location": "eastus2",
                "kind": "StorageV2",
                "resourceGroup": "harbor-dr",
                "enableHttpsTrafficOnly": https,
                "minimumTlsVersion": tls,
                "allowBlobPublicAccess": False,
                "provisioningState": "Succeeded",
                "encryption": {
                    "keySource": "Microsoft.Storage",
                    "services": {
                        "blob": {"enabled": True, "keyType": "Account"},
                        "file": {"enabled": True, "keyType": "Account"},
                    },
                },
            }
            for n, https, tls in (("harbordrbackups", True, "TLS1_2"), ("harborlegacyexports", False, "TLS1_0"))
        ],
        exported=EXPORT,
    )
    key.fine("hb-az-drbackups", ["AC-18", "AC-19"], "harbordrbackups", "HTTPS only, TLS 1.2 minimum, encrypted")
    key.planted("hb-az-legacyexports-tls", ["AC-18"], "harborlegacyexports", "accepts HTTP and TLS 1.0")

    # ---------------------------------------------------------------- policies
    def policy(fname: str, title: str, body: str) -> None:
        write_text(
            ev / "policies" / fname,
            f"---\ntitle: {title}\nowner: {fido.name}\nversion: '2.0'\nstatus: "
            f"Approved\napproved_on: 2026-03-02\napproved_by: Executive team\nlast_reviewed: 2026-03-02\n---\n\n"
            f"# {title}\n\n{body}\n",
        )

    policy(
        "information-security-policy.md",
        "Information Security Policy",
        "Policies are reviewed at least annually. Every production change is approved by someone other than "
        "its author. Emergency changes are approved within 1 business day after the fact.",
    )
    policy(
        "access-control-policy.md",
        "Access Control Policy",
        "Access is removed within 24 hours of termination. MFA is required on every system. Accepted second "
        "factors are FIDO2 security keys, Windows Hello, and authenticator apps (push or one-time codes); SMS "
        "and voice calls are not accepted.",
    )
    policy(
        "incident-response-plan.md",
        "Incident Response Plan",
        "Every P1 or P2 incident gets a post-incident review within 5 business days.",
    )
    policy(
        "endpoint-security-standard.md",
        "Endpoint Security Standard",
        "Laptops are enrolled in MDM, encrypted (BitLocker or FileVault) and run a supported OS version.",
    )

    scope: dict[str, Any] = {
        "version": 1,
        "organisation": {
            "name": "Harborline Health",
            "legal_name": "Harborline Health, Inc.",
            "industry": "Health-claims SaaS",
            "employees": len([p for p in staff if p.term is None]),
        },
        "categories": ["security", "availability"],
        "report": {"type": "type2", "period": {"start": P_START.isoformat(), "end": P_END.isoformat()}},
        "systems": [
            {"name": "Microsoft Entra ID", "kind": "azuread", "role": "idp", "mfa_required": True},
            {"name": "GitLab (harborline)", "kind": "gitlab", "role": "source_control", "mfa_required": True},
            {"name": "AWS production", "kind": "aws", "role": "cloud", "mfa_required": True},
            {"name": "Google Cloud harborline-prod", "kind": "gcp", "role": "cloud", "mfa_required": True},
            {"name": "Azure DR subscription", "kind": "azure", "role": "cloud", "mfa_required": True},
            {"name": "Rippling", "kind": "hr", "role": "hris", "mfa_required": False},
        ],
        "roles": {"security_lead": f"{fido.name} <{fido.email}>"},
        "identity": {"service_accounts": {f"etl-runner@{GCP}.iam.gserviceaccount.com": fido.email}},
    }
    scope_time_zone(scope, "America/New_York")
    write_yaml(org / "scope.yaml", scope, header="# Harborline Health: benchmark organisation (generated; do not edit)")
    kp = out / f"{NAME}.key.yaml"
    key.write(kp, as_of=AS_OF, seed=seed, small=small, folder=NAME)
    return kp
