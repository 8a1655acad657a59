"""Meridian Ledger: a 60-to-120-person fintech SaaS in Los Angeles, Type II, on the exports trustgap
already reads (BambooHR roster, Okta users and factors, Google Workspace users.list, AWS IAM credential
report, GitHub REST, Trivy series, Dependabot alerts, a vendor inventory, Markdown policies, records).

Planted gaps and fine items cover offboarding (with a rehire, a time zone and an old export that disagrees
with a newer one), MFA, privileged access, account ownership (contractors, service accounts, login names
that differ from e-mails), credentials, training, background checks, change review (an empty reviews
answer, an emergency change), branch protection, vulnerabilities (a fix date only bracketed between two
scans), vendors, policies and dated records.
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
    scope_time_zone,
    write_csv,
    write_json,
    write_text,
    write_yaml,
)

NAME = "meridian"
SEED = 11
AS_OF = date(2026, 11, 16)
P_START, P_END = date(2026, 1, 1), date(2026, 10, 31)
DOMAIN = "meridian.example"
OKTA = "meridian.okta.com"
ACCOUNT = "210987654321"
GH = "meridian-io"
NEW_EXPORT = at(date(2026, 11, 12), 16)
OLD_OKTA_EXPORT = at(date(2026, 4, 9), 15)
OLD_GOOGLE_EXPORT = at(date(2026, 5, 4), 15)


def _dt(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return at(date(y, m, d), h, mi)


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
        title: str = "Software Engineer",
        email: str | None = None,
        gh: str | None = None,
        okta: dict[str, Any] | None = None,
        google: dict[str, Any] | None = {},  # noqa: B006
        training: list[date] | None = None,
        bg: tuple[str, date] | None = ("Complete", date(2020, 1, 1)),
        **extra: Any,
    ) -> Person:
        p = ppl.new(first=first, last=last, hire=hire, term=term, department=dept, title=title, email=email)
        lp = p.hire if p.hire > date(2026, 1, 1) else date(2026, 1, 1)
        gbase = {"suspended": False, "admin": False, "2sv": True, "last_login": at(AS_OF - days(1), 17)}
        if training is None:
            d = (
                lp + days(rnd.randint(20, 28))
                if p.hire > date(2026, 1, 1)
                else date(2026, rnd.randint(2, 9), rnd.randint(1, 28))
            )
            training = [min(d, term - days(10))] if term else [d]
        p.extra = {
            "okta": {
                "status": "ACTIVE",
                "changed": at(p.hire, 16),
                "last_login": at(AS_OF - days(2), 15),
                "factors": ["totp"],
                "login": None,
            }
            | (okta or {}),
            "google": None if google is None else gbase | google,
            "google_base": gbase,
            "gh": gh,
            "training": training,
            "bg": (bg[0], p.hire - days(10)) if bg and bg[1] == date(2020, 1, 1) else bg,
        } | extra
        staff.append(p)
        return p

    # ---------------------------------------------------------------- people with a story
    tara = person(
        "Tara",
        "Lindgren",
        hire=date(2022, 5, 2),
        term=date(2026, 10, 2),
        gh="tlindgren",
        okta={"last_login": _dt(2026, 10, 20, 16)},
        google={"last_login": _dt(2026, 10, 19, 18)},
        iam={"password": True, "mfa": True, "password_used": _dt(2026, 10, 16, 19)},
    )
    key.planted(
        "mer-leaver-tara",
        ["AC-07"],
        tara.email,
        "terminated 2026-10-02; Okta, Google and the IAM user "
        "tara.lindgren are still active and were used after the termination (October 2026)",
        match=["tara.lindgren"],
    )
    oskar = person(
        "Oskar",
        "Brandt",
        hire=date(2021, 9, 6),
        term=date(2026, 6, 30),
        dept="Sales",
        title="AE",
        okta={"status": "DEPROVISIONED", "changed": _dt(2026, 7, 6, 17), "last_login": _dt(2026, 6, 29, 18)},
        google=None,
    )
    key.fine(
        "mer-gone-oskar-google",
        ["AC-12"],
        oskar.email,
        "his Google account is in the export of 2026-05-04 (before he left) and absent from the complete export "
        "of 2026-11-12: it no longer exists, so there is no unused or stale Google account to report (his late "
        "Okta deprovisioning is keyed under AC-07)",
    )
    key.planted(
        "mer-leaver-oskar",
        ["AC-07"],
        oskar.email,
        "terminated 2026-06-30 (local); Okta deprovisioned on 2026-07-06, six days later (limit 24 h)",
    )
    milan = person(
        "Milan",
        "Horvat",
        hire=date(2023, 2, 13),
        term=date(2026, 9, 10),
        dept="Support",
        title="Support Engineer",
        okta={"status": "DEPROVISIONED", "changed": _dt(2026, 9, 10, 23), "last_login": _dt(2026, 9, 10, 17)},
        google={"last_login": _dt(2026, 9, 25, 15)},
    )
    key.planted(
        "mer-leaver-milan",
        ["AC-07"],
        milan.email,
        "terminated 2026-09-10; his Google Workspace account is not suspended and was signed in on 2026-09-25",
    )
    wen = person(
        "Wen",
        "Xu",
        hire=date(2022, 11, 7),
        term=date(2026, 10, 9),
        gh="wenx-dev",
        okta={"status": "DEPROVISIONED", "changed": _dt(2026, 10, 9, 22), "last_login": _dt(2026, 10, 9, 17)},
        google=None,
    )
    key.planted(
        "mer-leaver-wen-github",
        ["AC-07"],
        wen.email,
        "terminated 2026-10-09; the GitHub login wenx-dev is still a member of the meridian-io organisation",
        match=["wenx-dev"],
    )
    bea = person(
        "Beatriz",
        "Coelho",
        hire=date(2025, 2, 3),
        term=None,
        gh="bcoelho",
        okta={"changed": _dt(2025, 2, 3, 16)},
        original_hire=date(2021, 3, 15),
        old_term=date(2024, 3, 29),
    )
    key.fine(
        "mer-rehire-beatriz",
        ["AC-07", "AC-13"],
        bea.email,
        "rehired 2025-02-03 after leaving on 2024-03-29; "
        "BambooHR still shows the old termination date beside Status Active; her current accounts are hers",
    )
    hiro = person(
        "Hiro",
        "Tanaka",
        hire=date(2023, 6, 5),
        term=date(2026, 5, 29),
        dept="Finance",
        title="Controller",
        okta={"status": "DEPROVISIONED", "changed": _dt(2026, 5, 31, 5), "last_login": _dt(2026, 5, 29, 22)},
        google=None,
        google_deleted=_dt(2026, 5, 30, 21),
    )
    key.fine(
        "mer-tz-hiro",
        ["AC-07", "AC-12"],
        hiro.email,
        "terminated Friday 2026-05-29 in Los Angeles (the day ends "
        "2026-05-30 07:00 UTC); Okta deprovisioned 2026-05-31 05:00 UTC, 22 hours later; his Google account "
        "(active in the export of 2026-05-04, before he left) was deleted on 2026-05-30 21:00 UTC, as the "
        "Google admin audit log records (DELETE_USER); so there is no unused Google account of his either",
    )
    sven = person(
        "Sven",
        "Dahl",
        hire=date(2020, 1, 13),
        term=date(2026, 3, 13),
        dept="Marketing",
        title="Designer",
        okta={"status": "DEPROVISIONED", "changed": _dt(2026, 3, 13, 23, 30), "last_login": _dt(2026, 3, 13, 16)},
        google=None,
        google_deleted=_dt(2026, 3, 14, 1, 10),
    )
    key.fine(
        "mer-leaver-sven-on-time",
        ["AC-07"],
        sven.email,
        "terminated 2026-03-13; Okta deprovisioned the same evening, Google account deleted, no IAM user",
    )
    olga = person(
        "Olga",
        "Petrov",
        hire=date(2021, 4, 19),
        term=date(2026, 4, 10),
        dept="Sales",
        title="SDR",
        okta={"status": "DEPROVISIONED", "changed": _dt(2026, 4, 10, 21), "last_login": _dt(2026, 4, 9, 16)},
        google=None,
        google_deleted=_dt(2026, 4, 10, 22, 15),
        okta_old_active=True,
    )
    key.fine(
        "mer-conflict-olga",
        ["AC-07"],
        olga.email,
        "an Okta export taken on 2026-04-09 (before she left) shows "
        "her ACTIVE; the newer export of 2026-11-12 shows her deprovisioned on 2026-04-10, her last day",
    )
    noor = person(
        "Noor",
        "Iqbal",
        hire=date(2022, 8, 1),
        dept="Engineering",
        title="SRE",
        gh="noor-iq",
        iam={"password": True, "mfa": False, "password_used": _dt(2026, 11, 10, 9)},
    )
    key.planted(
        "mer-mfa-noor-iam",
        ["AC-04"],
        noor.email,
        "IAM user noor.iqbal has a console password and no MFA",
        match=["noor.iqbal"],
    )
    ivan = person("Ivan", "Jovanovic", hire=date(2023, 1, 9), dept="Product", title="PM", okta={"factors": []})
    key.planted("mer-mfa-ivan-okta", ["AC-04"], ivan.email, "active Okta user whose factors list is empty []")
    gideon = person(
        "Gideon", "Falk", hire=date(2024, 4, 15), dept="Sales", title="AE", google={"2sv": False, "enforced": False}
    )
    key.planted(
        "mer-mfa-gideon-google",
        ["AC-04"],
        gideon.email,
        "Google account not enrolled in 2-step verification (both exports)",
    )
    rafael = person(
        "Rafael",
        "Ortiz",
        hire=date(2021, 10, 4),
        dept="Engineering",
        title="Staff Engineer",
        gh="rafa-ortiz",
        iam={"password": True, "mfa": True, "password_used": _dt(2026, 11, 12, 8)},
        training=[date(2026, 3, 12)],
    )
    key.fine(
        "mer-mfa-rafael-iam",
        ["AC-04"],
        rafael.email,
        "IAM console user rafael.ortiz with a virtual MFA device",
        match=["rafael.ortiz"],
    )
    key.fine("mer-training-rafael", ["HR-03"], rafael.email, "security awareness completed 2026-03-12")
    keiko = person(
        "Keiko",
        "Ito",
        hire=date(2022, 3, 7),
        dept="Engineering",
        title="Security Engineer",
        gh="keiko-i",
        okta={"factors": ["webauthn"]},
    )
    key.fine("mer-mfa-keiko-webauthn", ["AC-04"], keiko.email, "Okta factor is a FIDO2 security key (webauthn)")
    lucia = person("Lucia", "Mendes", hire=date(2023, 10, 2), dept="Legal", title="Counsel", google_old_no2sv=True)
    key.planted(
        "mer-period-lucia-2sv",
        ["AC-04"],
        lucia.email,
        "Type II: the Google export of 2026-05-04, inside the audit period, shows her account not enrolled in "
        "2-step verification; the export of 2026-11-12 shows her enrolled. Two states at two dates, not a "
        "conflict: a deviation during the period even though it is fixed now",
    )
    henrik = person("Henrik", "Keller", hire=date(2019, 6, 3), dept="IT", title="IT Manager", google={"admin": True})
    key.planted("mer-admin-henrik", ["AC-05"], henrik.email, "Google super admin rights on his everyday account")
    clara = person("Clara", "Rossi", hire=date(2020, 2, 17), dept="IT", title="IT Administrator", admin_account=True)
    key.fine(
        "mer-admin-clara-separate",
        ["AC-05", "AC-13"],
        f"admin.clara.rossi@{DOMAIN}",
        "Clara's separate "
        "administrator account, mapped to her in the scope's identity aliases; her everyday account is not admin",
    )
    emeka = person(
        "Emeka",
        "Okafor",
        hire=date(2022, 1, 10),
        dept="Support",
        title="Support Lead",
        okta={"login": f"emeka@{DOMAIN}"},
    )
    key.fine(
        "mer-okta-login-emeka",
        ["AC-13", "AC-07"],
        emeka.email,
        "Okta login emeka@ differs from his e-mail emeka.okafor@ (profile.email); an active employee",
        match=[f"emeka@{DOMAIN}"],
    )
    priya = person(
        "Priya",
        "Natarajan",
        hire=date(2021, 5, 24),
        dept="Engineering",
        title="Data Engineer",
        email=f"pnatarajan@{DOMAIN}",
        gh="priya-n",
        iam={"name": "priya.natarajan", "password": True, "mfa": True, "password_used": _dt(2026, 11, 9, 10)},
    )
    key.fine(
        "mer-iam-name-priya",
        ["AC-13", "AC-07", "AC-04"],
        priya.email,
        "IAM user priya.natarajan is Priya Natarajan (HR name) whose e-mail is pnatarajan@; active, MFA on",
        match=["priya.natarajan"],
    )
    kwame = person("Kwame", "Achebe", hire=date(2024, 9, 2), gh="kwame-dev")
    key.fine(
        "mer-github-login-kwame",
        ["AC-13", "AC-07"],
        kwame.email,
        "GitHub login kwame-dev, mapped in the scope; an active engineer",
        match=["kwame-dev"],
    )
    fiona = person(
        "Fiona", "Green", hire=date(2021, 8, 9), dept="Marketing", title="Marketing Lead", training=[date(2025, 6, 3)]
    )
    key.planted(
        "mer-training-fiona",
        ["HR-03"],
        fiona.email,
        "last security awareness training on 2025-06-03, more than 12 months before the as-of date",
    )
    julian = person(
        "Julian",
        "Weber",
        hire=date(2026, 8, 3),
        dept="Sales",
        title="AE",
        training=[],
        bg=("Pending", date(2026, 7, 20)),
    )
    key.planted(
        "mer-newhire-julian", ["HR-04", "HR-03"], julian.email, "hired 2026-08-03; no training completion in 15 weeks"
    )
    key.planted(
        "mer-bg-julian-pending",
        ["HR-01"],
        julian.email,
        "background check still pending since 2026-07-20, three months after his start",
    )
    isla = person(
        "Isla",
        "Young",
        hire=date(2026, 9, 14),
        dept="Engineering",
        training=[date(2026, 9, 21)],
        bg=("Complete", date(2026, 9, 1)),
        gh="isla-y",
    )
    key.fine("mer-newhire-isla", ["HR-04", "HR-03"], isla.email, "hired 2026-09-14, trained 2026-09-21")
    key.fine("mer-bg-isla", ["HR-01"], isla.email, "background check completed 2026-09-01, before her start")
    umar = person("Umar", "Santos", hire=date(2024, 11, 4), dept="Support", title="Support Engineer", bg=None)
    key.planted("mer-bg-umar-missing", ["HR-01"], umar.email, "no background check on record")
    yara = person(
        "Yara",
        "Haddad",
        hire=date(2026, 2, 2),
        dept="Design",
        title="Contract designer",
        email=f"yara.haddad.ext@{DOMAIN}",
        contractor=True,
        google=None,
        training=[date(2026, 2, 10)],
        bg=None,
    )
    key.fine(
        "mer-contractor-yara",
        ["AC-13"],
        yara.email,
        "contractor on the contractor list (not in BambooHR), with an active Okta account",
    )

    # ---------------------------------------------------------------- the rest of the company (all clean)
    depts = [
        ("Engineering", "Software Engineer"),
        ("Sales", "Account Executive"),
        ("Support", "Support Engineer"),
        ("Finance", "Analyst"),
        ("Product", "Product Manager"),
        ("Marketing", "Marketer"),
    ]
    for i in range(10 if small else 70):
        dept, title = depts[i % len(depts)]
        first, last = ppl.pick()
        person(
            first,
            last,
            hire=date(2019, 1, 7) + days(rnd.randint(0, 2450)),
            dept=dept,
            title=title,
            gh=(first[0] + last).lower() + "-mrd" if dept == "Engineering" else None,
        )

    people = [p for p in staff if not p.extra.get("contractor")]
    contractors = [p for p in staff if p.extra.get("contractor")]
    engineers = [p for p in staff if p.extra["gh"]]
    security_lead = keiko
    it_admin = clara

    # ---------------------------------------------------------------- HR: BambooHR custom report (CSV)
    # BambooHR reports export the chosen fields with their field names as headers; field names from
    # https://documentation.bamboohr.com/docs/list-of-field-names ("Employee #", "First Name", "Last Name",
    # "Work Email", "Department", "Job Title", "Hire Date", "Original Hire Date", "Termination Date", "Status").
    # Dates in the account's display format (MM/DD/YYYY here).
    def us(d: date | None) -> str:
        return d.strftime("%m/%d/%Y") if d else ""

    rows = []
    for p in people:
        rows.append(
            [
                p.employee_id,
                p.first,
                p.last,
                p.email,
                p.department,
                p.title,
                us(p.hire),
                us(p.extra.get("original_hire") or p.hire),
                us(p.term or p.extra.get("old_term")),
                "Inactive" if p.term else "Active",
                "Keiko Ito" if p is not keiko else "Henrik Keller",
            ]
        )
    write_csv(
        ev / "hr" / "bamboohr-employees-2026-11-12.csv",
        [
            "Employee #",
            "First Name",
            "Last Name",
            "Work Email",
            "Department",
            "Job Title",
            "Hire Date",
            "Original Hire Date",
            "Termination Date",
            "Status",
            "Reporting to",
        ],
        rows,
        exported=NEW_EXPORT,
    )
    write_csv(
        ev / "hr" / "contractors.csv",
        ["Contractor Name", "Email", "Company", "Start Date", "End Date", "Sponsor"],
        [
            [p.name, p.email, "Studio Nine LLC", p.hire.isoformat(), "2027-01-31", security_lead.email]
            for p in contractors
        ],
        exported=NEW_EXPORT,
    )

    # ---------------------------------------------------------------- Okta users (new and old export) and factors
    okta_new, okta_old = [], []
    for p in staff:
        o = p.extra["okta"]
        created = at(p.hire, 16)
        u = v.okta_user(
            OKTA,
            first=p.first,
            last=p.last,
            email=p.email,
            login=o["login"],
            status=o["status"],
            created=created,
            status_changed=o["changed"],
            last_login=o["last_login"],
        )
        okta_new.append(u)
        if p.hire <= OLD_OKTA_EXPORT.date() and (p.term is None or p.term >= OLD_OKTA_EXPORT.date()):
            okta_old.append(
                v.okta_user(
                    OKTA,
                    first=p.first,
                    last=p.last,
                    email=p.email,
                    login=o["login"],
                    status="ACTIVE",
                    created=created,
                    status_changed=created,
                    last_login=min(o["last_login"] or created, OLD_OKTA_EXPORT),
                )
            )
        factors = [v.okta_factor(OKTA, u, f, created=created + days(1)) for f in o["factors"]]
        write_json(ev / "identity" / "okta-factors" / f"{u['id']}.json", factors, exported=NEW_EXPORT)
    qa = v.okta_user(
        OKTA,
        first="QA",
        last="Automation",
        email=f"qa.automation@{DOMAIN}",
        created=_dt(2026, 10, 5),
        last_login=_dt(2026, 11, 11, 3),
    )
    okta_new.append(qa)
    write_json(
        ev / "identity" / "okta-factors" / f"{qa['id']}.json",
        [v.okta_factor(OKTA, qa, "totp", created=_dt(2026, 10, 5))],
        exported=NEW_EXPORT,
    )
    key.planted(
        "mer-orphan-qa-okta",
        ["AC-13"],
        f"qa.automation@{DOMAIN}",
        "active Okta account (created 2026-10-05) matching no person and declared nowhere as a service account",
    )
    write_json(ev / "identity" / "okta-users-2026-11-12.json", okta_new, exported=NEW_EXPORT)
    write_json(ev / "identity" / "okta-users-2026-04-09.json", okta_old, exported=OLD_OKTA_EXPORT)

    # ---------------------------------------------------------------- Google Workspace users.list (new and old)
    g_new, g_old = [], []
    for p in staff:
        if p.extra.get("contractor"):
            continue
        created = at(p.hire, 15)
        g = p.extra["google"]
        if g is not None:
            g_new.append(
                v.google_user(
                    first=p.first,
                    last=p.last,
                    email=p.email,
                    created=created,
                    last_login=g["last_login"],
                    admin=g["admin"],
                    enrolled_2sv=g["2sv"],
                    enforced_2sv=g.get("enforced", True),
                )
            )
        if p.hire <= OLD_GOOGLE_EXPORT.date() and (p.term is None or p.term > OLD_GOOGLE_EXPORT.date()):
            g = g or p.extra["google_base"]
            no2sv = p.extra.get("google_old_no2sv", False)
            g_old.append(
                v.google_user(
                    first=p.first,
                    last=p.last,
                    email=p.email,
                    created=created,
                    last_login=min(g["last_login"], OLD_GOOGLE_EXPORT - days(1)),
                    admin=g["admin"],
                    enrolled_2sv=g["2sv"] and not no2sv,
                    enforced_2sv=g.get("enforced", True) and not no2sv,
                )
            )
    admin_clara = v.google_user(
        first="Clara",
        last="Rossi (admin)",
        email=f"admin.clara.rossi@{DOMAIN}",
        created=_dt(2022, 1, 5),
        last_login=_dt(2026, 11, 3, 10),
        admin=True,
        org_unit="/Admins",
    )
    g_new.append(admin_clara)
    g_old.append(admin_clara)
    write_json(ev / "identity" / "google-users-2026-11-12.json", v.google_users_page(g_new), exported=NEW_EXPORT)
    write_json(ev / "identity" / "google-users-2026-05-04.json", v.google_users_page(g_old), exported=OLD_GOOGLE_EXPORT)
    # Google admin audit log (Reports API, applicationName=admin), exported at the end of June for the first half
    # of the year: the deletions of leavers' accounts, with their times
    audit_export = at(date(2026, 7, 1), 9)
    deletions = sorted(
        (p.extra["google_deleted"], p.email)
        for p in staff
        if p.extra.get("google_deleted") and p.extra["google_deleted"] < audit_export
    )
    write_json(
        ev / "identity" / "google-admin-audit-2026-01-01-to-2026-06-30.json",
        v.google_activities_page(
            [
                v.google_activity(
                    "admin",
                    when,
                    actor=f"admin.clara.rossi@{DOMAIN}",
                    type_="USER_SETTINGS",
                    name="DELETE_USER",
                    params={"USER_EMAIL": email},
                )
                for when, email in reversed(deletions)  # newest first, as activities.list returns them
            ]
        ),
        exported=audit_export,
    )

    # ---------------------------------------------------------------- AWS IAM credential report
    cred = [
        v.cred_row(
            ACCOUNT,
            "<root_account>",
            created=_dt(2019, 2, 1),
            password_used=_dt(2025, 12, 2),
            mfa=True,
            key_rotated=_dt(2019, 2, 1),
            key_used=_dt(2026, 10, 2),
            service="iam",
        )
    ]
    key.planted(
        "mer-root-key",
        ["AC-05"],
        "<root_account>",
        "the AWS root user has an active access key, used in October 2026",
        match=["root account", "root user", f"arn:aws:iam::{ACCOUNT}:root", f"={ACCOUNT}"],
    )
    key.planted(
        "mer-root-key-rotation",
        ["AC-12"],
        "<root_account>",
        "the root user's access key was created in 2019 and never rotated",
        match=["root account", "root user"],
    )
    for p in staff:
        iam = p.extra.get("iam")
        if not iam:
            continue
        name = iam.get("name") or f"{p.first}.{p.last}".lower()
        cred.append(
            v.cred_row(
                ACCOUNT,
                name,
                created=at(max(p.hire, date(2021, 1, 4)), 10),
                password=iam["password"],
                password_used=iam.get("password_used"),
                mfa=iam["mfa"],
            )
        )
    cred.append(
        v.cred_row(
            ACCOUNT,
            "ci-deployer",
            created=_dt(2023, 5, 2),
            key_rotated=_dt(2026, 10, 20),
            key_used=_dt(2026, 11, 12),
            service="ecs",
        )
    )
    key.fine(
        "mer-svc-ci-deployer",
        ["AC-13", "AC-12"],
        "ci-deployer",
        "service user owned by Rafael Ortiz in the scope; its key was rotated on 2026-10-20 and is in use",
    )
    cred.append(
        v.cred_row(
            ACCOUNT,
            "svc-reporting",
            created=_dt(2024, 1, 8),
            key_rotated=_dt(2026, 4, 1),
            key_used=_dt(2026, 11, 12),
            service="athena",
        )
    )
    key.planted(
        "mer-key-svc-reporting",
        ["AC-12"],
        "svc-reporting",
        "access key last rotated 2026-04-01, 229 days "
        "before the as-of date (default limit 90; the encryption standard's yearly rotation is about KMS "
        "keys, not IAM access keys)",
    )
    cred.append(
        v.cred_row(
            ACCOUNT,
            "legacy-sync",
            created=_dt(2021, 6, 1),
            key_rotated=_dt(2021, 6, 1),
            key_used=_dt(2026, 1, 20),
            service="s3",
        )
    )
    key.planted(
        "mer-orphan-legacy-sync",
        ["AC-13"],
        "legacy-sync",
        "IAM user with an access key, no person of that name and no owner in the scope's service accounts",
    )
    key.planted(
        "mer-key-legacy-sync",
        ["AC-12"],
        "legacy-sync",
        "access key created 2021-06-01, never rotated, unused since 2026-01-20",
    )
    write_csv(ev / "aws" / "credential-report-2026-11-12.csv", v.CRED_REPORT_HEADER, cred, exported=NEW_EXPORT)

    # ---------------------------------------------------------------- GitHub
    write_json(ev / "github" / "org.json", v.gh_org(GH), exported=NEW_EXPORT)
    members = [v.gh_user(p.extra["gh"]) for p in engineers if p.term is None or p is wen]
    write_json(ev / "github" / "members.json", members, exported=NEW_EXPORT)
    write_json(ev / "github" / "members-2fa-disabled.json", [], exported=NEW_EXPORT)
    write_json(ev / "github" / "api-main-protection.json", v.gh_protection(GH, "api"), exported=NEW_EXPORT)
    key.fine(
        "mer-protect-api",
        ["CHG-03"],
        f"{GH}/api",
        "main is protected: 1 approval, admins included, status checks, no force pushes",
    )
    write_json(ev / "github" / "web-main-protection.json", v.gh_protection_404(), exported=NEW_EXPORT)
    key.planted(
        "mer-protect-web",
        ["CHG-03", "CHG-04"],
        f"{GH}/web",
        "the branch protection endpoint answers 404 'Branch not protected' for web:main",
    )
    write_json(
        ev / "github" / "infra-main-protection.json",
        v.gh_protection(GH, "infra", approvals=0, enforce_admins=False, force_push=True),
        exported=NEW_EXPORT,
    )
    key.planted(
        "mer-protect-infra",
        ["CHG-03"],
        f"{GH}/infra",
        "infra:main requires no approval, admins bypass it and force pushes are allowed",
    )

    active_eng = [p for p in engineers if p.term is None and p is not isla]
    pulls: dict[str, list[dict[str, Any]]] = {"api": [], "web": [], "infra": []}
    reviews: dict[tuple[str, int], list[dict[str, Any]]] = {}

    def pr(
        repo: str,
        n: int,
        author: str,
        merged: datetime,
        review: list[tuple[str, str, datetime]],
        labels: tuple[str, ...] = (),
        title: str = "",
    ) -> None:
        pulls[repo].append(
            v.gh_pull(
                GH,
                repo,
                n,
                author=author,
                title=title or f"Change {n}",
                created=merged - days(2),
                merged=merged,
                labels=labels,
            )
        )
        reviews[(repo, n)] = [v.gh_review(GH, repo, n, reviewer=r, state=s, submitted=t) for r, s, t in review]

    a, b, c = rafael.extra["gh"], keiko.extra["gh"], kwame.extra["gh"]
    # every pull request merged into api was approved by someone else first, as its protection (1 approval,
    # administrators included) requires; the ones merged without a review are in web (no protection) and
    # infra (no approval required, administrators bypass), where the settings allow it
    pr("web", 231, a, _dt(2026, 3, 18, 17), [], title="Speed up ledger export")
    key.planted(
        "mer-pr-web-231",
        ["CHG-02"],
        f"{GH}/web#231",
        "merged with no review at all (the reviews answer is an empty list [])",
    )
    pr("web", 244, b, _dt(2026, 5, 6, 15), [(c, "COMMENTED", _dt(2026, 5, 6, 11))])
    key.planted("mer-pr-web-244", ["CHG-02"], f"{GH}/web#244", "the only review is a comment; nobody approved it")
    pr("infra", 250, c, _dt(2026, 6, 2, 10), [(a, "APPROVED", _dt(2026, 6, 4, 9))])
    key.planted(
        "mer-pr-infra-250",
        ["CHG-02"],
        f"{GH}/infra#250",
        "approved two days after it was merged, and it is not an emergency change",
    )
    pr("web", 88, c, _dt(2026, 7, 21, 14), [(b, "DISMISSED", _dt(2026, 7, 21, 9))])
    key.planted("mer-pr-web-88", ["CHG-02"], f"{GH}/web#88", "its one approval was dismissed before the merge")
    pr("infra", 271, a, _dt(2026, 8, 19, 2), [], labels=("emergency",), title="Hotfix: reconcile job crash")
    key.planted("mer-pr-infra-271", ["CHG-05"], f"{GH}/infra#271", "emergency change never reviewed after the fact")
    pr("api", 260, b, _dt(2026, 6, 24, 16), [(a, "APPROVED", _dt(2026, 6, 24, 13))])
    key.fine("mer-pr-api-260", ["CHG-02"], f"{GH}/api#260", "approved by another engineer before the merge")
    pr(
        "infra",
        266,
        c,
        _dt(2026, 6, 12, 23, 10),
        [(b, "APPROVED", _dt(2026, 6, 13, 15))],
        labels=("emergency",),
        title="Hotfix: payment webhook signature",
    )
    key.fine(
        "mer-pr-infra-266",
        ["CHG-05", "CHG-02"],
        f"{GH}/infra#266",
        "emergency change approved 16 hours after "
        "merge, as the change management policy allows (within 2 business days)",
    )
    pr(
        "web",
        95,
        "dependabot[bot]",
        _dt(2026, 7, 2, 9),
        [(c, "APPROVED", _dt(2026, 7, 2, 8))],
        title="Bump axios from 1.6.8 to 1.7.4",
    )
    key.fine("mer-pr-web-95", ["CHG-02"], f"{GH}/web#95", "a Dependabot pull request approved by an engineer")
    pr(
        "infra",
        40,
        a,
        _dt(2026, 9, 8, 12),
        [(b, "CHANGES_REQUESTED", _dt(2026, 9, 7, 10)), (b, "APPROVED", _dt(2026, 9, 8, 9))],
    )
    key.fine(
        "mer-pr-infra-40",
        ["CHG-02"],
        f"{GH}/infra#40",
        "changes requested, then approved by the same reviewer before the merge",
    )
    n = 300
    for i in range(8 if small else 60):
        repo = ("api", "web", "infra")[i % 3]
        author = active_eng[i % len(active_eng)].extra["gh"]
        reviewer = active_eng[(i + 1) % len(active_eng)].extra["gh"]
        merged = at(P_START + days(3 + (i * 287) // (8 if small else 60)), 15)
        pr(repo, n + i, author, merged, [(reviewer, "APPROVED", at(merged.date(), 11))])
    for repo, lst in pulls.items():
        lst.sort(key=lambda x: -x["number"])
        write_json(ev / "github" / f"{repo}-pulls.json", lst, exported=NEW_EXPORT)
    for (repo, num), lst in reviews.items():
        write_json(ev / "github" / "reviews" / f"{repo}-{num}-reviews.json", lst, exported=NEW_EXPORT)

    # Dependabot alerts (organisation listing)
    alerts = [
        v.dependabot_alert(
            GH,
            "web",
            41,
            ecosystem="npm",
            package="jsonwebtoken",
            manifest="package-lock.json",
            ghsa="GHSA-8cf7-32gw-wr33",
            cve="CVE-2026-31001",
            severity="critical",
            summary="jsonwebtoken signature bypass",
            vulnerable="< 9.0.3",
            patched="9.0.3",
            created=_dt(2026, 9, 20, 8),
        ),
        v.dependabot_alert(
            GH,
            "web",
            36,
            ecosystem="npm",
            package="lodash",
            manifest="package-lock.json",
            ghsa="GHSA-p6mc-m468-83gw",
            cve="CVE-2026-31002",
            severity="critical",
            summary="Prototype pollution in lodash",
            vulnerable="< 4.17.22",
            patched="4.17.22",
            created=_dt(2026, 6, 1, 8),
            state="dismissed",
            dismissed=_dt(2026, 6, 5, 10),
            dismissed_reason="tolerable_risk",
            dismissed_comment="later",
            dismissed_by=a,
        ),
        v.dependabot_alert(
            GH,
            "api",
            52,
            ecosystem="pip",
            package="requests",
            manifest="requirements.txt",
            ghsa="GHSA-9wx4-h78v-vm56",
            cve="CVE-2026-31003",
            severity="high",
            summary="requests leaks Proxy-Authorization",
            vulnerable="< 2.32.4",
            patched="2.32.4",
            created=_dt(2026, 7, 1, 8),
            state="fixed",
            fixed=_dt(2026, 7, 11, 9),
        ),
        v.dependabot_alert(
            GH,
            "api",
            49,
            ecosystem="pip",
            package="pyyaml",
            manifest="requirements.txt",
            ghsa="GHSA-3f63-hfp8-52jq",
            cve="CVE-2026-31004",
            severity="critical",
            summary="Arbitrary code execution in full_load",
            vulnerable="< 6.0.3",
            patched="6.0.3",
            created=_dt(2026, 5, 10, 8),
            state="dismissed",
            dismissed=_dt(2026, 5, 11, 10),
            dismissed_reason="inaccurate",
            dismissed_comment="we only call safe_load; code path absent",
            dismissed_by=b,
        ),
        v.dependabot_alert(
            GH,
            "web",
            44,
            ecosystem="npm",
            package="semver",
            manifest="package-lock.json",
            ghsa="GHSA-c2qf-rxjj-qqgw",
            cve="CVE-2026-31005",
            severity="medium",
            summary="semver ReDoS",
            vulnerable="< 7.5.2",
            patched="7.5.2",
            created=_dt(2026, 10, 27, 8),
        ),
    ]
    key.planted(
        "mer-dep-jsonwebtoken",
        ["OPS-06"],
        "CVE-2026-31001",
        "critical Dependabot alert open since 2026-09-20, 57 days (SLA 30)",
        match=["GHSA-8cf7-32gw-wr33"],
    )
    key.planted(
        "mer-dep-lodash-dismissed",
        ["OPS-06"],
        "CVE-2026-31002",
        "critical alert dismissed as 'tolerable_risk' on 2026-06-05: still unfixed after 168 days",
        match=["GHSA-p6mc-m468-83gw"],
    )
    key.fine(
        "mer-dep-requests-fixed",
        ["OPS-06"],
        "CVE-2026-31003",
        "high alert fixed in 10 days",
        match=["GHSA-9wx4-h78v-vm56"],
    )
    key.fine(
        "mer-dep-pyyaml-inaccurate",
        ["OPS-06"],
        "CVE-2026-31004",
        "dismissed as inaccurate with the reason recorded: not a vulnerability of this code",
        match=["GHSA-3f63-hfp8-52jq"],
    )
    key.fine(
        "mer-dep-semver-recent",
        ["OPS-06"],
        "CVE-2026-31005",
        "medium alert open 20 days",
        match=["GHSA-c2qf-rxjj-qqgw"],
    )
    write_json(ev / "github" / "dependabot-alerts.json", alerts, exported=NEW_EXPORT)

    # ---------------------------------------------------------------- Trivy series
    scans = [
        date(2026, 1, 12),
        date(2026, 2, 9),
        date(2026, 3, 9),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 12),
        date(2026, 6, 1),
        date(2026, 7, 6),
        date(2026, 8, 3),
        date(2026, 8, 31),
        date(2026, 9, 28),
        date(2026, 10, 26),
        date(2026, 11, 9),
    ]
    # (cve, pkg, installed, fixed, severity, class, first scan, last scan present)
    vulns = [
        ("CVE-2026-21001", "openssl", "3.0.13-1", "3.0.14-1", "CRITICAL", "os", date(2026, 3, 9), date(2026, 5, 4)),
        ("CVE-2026-21002", "curl", "7.88.1-10", "7.88.1-11", "CRITICAL", "os", date(2026, 4, 6), date(2026, 4, 6)),
        ("CVE-2026-21003", "glibc", "2.36-9", "2.36-10", "HIGH", "os", date(2026, 3, 9), date(2026, 5, 4)),
        ("CVE-2026-21004", "urllib3", "1.26.18", "2.2.2", "HIGH", "lang", date(2026, 1, 12), date(2026, 11, 9)),
        ("CVE-2026-21005", "jinja2", "3.1.3", "3.1.5", "HIGH", "lang", date(2026, 9, 28), date(2026, 11, 9)),
        ("CVE-2026-21006", "zlib", "1.2.13", "1.3.1", "CRITICAL", "os", date(2026, 8, 3), date(2026, 8, 3)),
        ("CVE-2026-21007", "libxml2", "2.9.14", "2.9.14+dfsg-1.4", "HIGH", "os", date(2026, 2, 9), date(2026, 7, 6)),
    ]
    key.planted(
        "mer-vuln-openssl",
        ["OPS-06"],
        "CVE-2026-21001",
        "critical, first seen 2026-03-09, still present "
        "2026-05-04 (56 days), gone 2026-05-12: the SLA of 30 days was missed whichever day it was fixed",
    )
    key.fine(
        "mer-vuln-curl",
        ["OPS-06"],
        "CVE-2026-21002",
        "critical, seen 2026-04-06, gone 2026-05-04: fixed within 28 days whichever day it was",
    )
    key.fine(
        "mer-vuln-glibc-bracketed",
        ["OPS-06"],
        "CVE-2026-21003",
        "high, first seen 2026-03-09, present "
        "2026-05-04, gone 2026-05-12: fixed after 56 to 64 days, within the 90-day SLA either way",
    )
    key.planted(
        "mer-vuln-urllib3",
        ["OPS-06"],
        "CVE-2026-21004",
        "high, present in every scan since 2026-01-12 (301 days open, SLA 90)",
    )
    key.fine(
        "mer-vuln-jinja2-recent",
        ["OPS-06"],
        "CVE-2026-21005",
        "high, open since 2026-09-28: 49 days, within the 90-day SLA",
    )
    key.fine(
        "mer-vuln-zlib",
        ["OPS-06"],
        "CVE-2026-21006",
        "critical, seen on 2026-08-03 only, gone 2026-08-31 (at most 28 days)",
    )
    key.planted(
        "mer-vuln-libxml2",
        ["OPS-06"],
        "CVE-2026-21007",
        "high, seen from 2026-02-09 to 2026-07-06, gone 2026-08-03: 147 to 175 days",
    )
    artifact = f"ghcr.io/{GH}/api:main"
    for s in scans:
        osv, lang = [], []
        for cve, pkg, inst, fix, sev, cls, first, last in vulns:
            if first <= s <= last:
                rec = v.trivy_vuln(cve, pkg, inst, fix, sev, f"{pkg}: security flaw", first - days(9))
                (osv if cls == "os" else lang).append(rec)
        write_json(
            ev / "scans" / f"trivy-api-{s.isoformat()}.json",
            v.trivy_report(artifact, at(s, 6), osv, lang),
            exported=at(s, 7),
        )

    # ---------------------------------------------------------------- vendors
    write_csv(
        ev / "vendors" / "vendor-inventory.csv",
        [
            "Vendor",
            "Service",
            "Owner",
            "Tier",
            "Customer Data",
            "SOC 2 Report Date",
            "DPA Signed",
            "Last Review",
            "Notes",
        ],
        [
            [
                "Amazon Web Services",
                "Cloud hosting",
                it_admin.email,
                "Critical",
                "Yes",
                "2026-05-15",
                "Yes",
                "2026-06-02",
                "",
            ],
            [
                "Ledgerly",
                "Bank reconciliation API",
                security_lead.email,
                "Critical",
                "Yes",
                "2024-11-02",
                "Yes",
                "2026-02-11",
                "awaiting new report",
            ],
            ["Quillsign", "E-signature", security_lead.email, "High", "Yes", "2026-04-20", "No", "2026-04-28", ""],
            ["Brightdesk", "Support desk", it_admin.email, "", "Yes", "2026-01-30", "Yes", "2026-02-03", ""],
            ["Stackhaven", "Log analytics", it_admin.email, "Critical", "Yes", "2026-03-15", "Yes", "2025-08-01", ""],
            ["Sketchboard", "Design tool", it_admin.email, "Low", "No", "", "No", "2026-03-01", "no customer data"],
            ["Okta", "Identity provider", it_admin.email, "Critical", "No", "2026-02-27", "Yes", "2026-03-04", ""],
            ["GitHub", "Source control", security_lead.email, "High", "No", "2026-01-22", "Yes", "2026-02-05", ""],
        ],
        exported=NEW_EXPORT,
    )
    key.planted(
        "mer-vendor-ledgerly", ["VND-03"], "Ledgerly", "critical vendor whose latest SOC 2 report is dated 2024-11-02"
    )
    key.planted("mer-vendor-quillsign", ["VND-04"], "Quillsign", "processes customer data without a DPA")
    key.planted("mer-vendor-brightdesk", ["VND-02"], "Brightdesk", "no risk tier")
    key.planted("mer-vendor-stackhaven", ["VND-05"], "Stackhaven", "last reviewed 2025-08-01, over 12 months ago")
    key.fine(
        "mer-vendor-aws",
        ["VND-02", "VND-03", "VND-04", "VND-05"],
        "Amazon Web Services",
        "tiered, current SOC 2 report, DPA, reviewed in 2026",
        match=["AWS"],
    )
    key.fine(
        "mer-vendor-sketchboard",
        ["VND-03", "VND-04"],
        "Sketchboard",
        "low tier, no customer data: needs neither a SOC 2 report nor a DPA",
    )

    # ---------------------------------------------------------------- policies (Markdown + front matter)
    def policy(
        fname: str,
        title: str,
        body: str,
        *,
        status: str = "Approved",
        approved: date | None = date(2026, 2, 10),
        reviewed: date | None = date(2026, 2, 10),
        version: str = "3.1",
    ) -> None:
        fm = {
            "title": title,
            "owner": f"{security_lead.name} <{security_lead.email}>",
            "version": version,
            "status": status,
        }
        if approved:
            fm["approved_on"] = approved.isoformat()
            fm["approved_by"] = "Executive team"
        if reviewed:
            fm["last_reviewed"] = reviewed.isoformat()
        import yaml as _y

        write_text(
            ev / "policies" / fname,
            "---\n" + _y.safe_dump(fm, sort_keys=False) + "---\n\n# " + title + "\n\n" + body.strip() + "\n",
        )

    policy(
        "information-security-policy.md",
        "Information Security Policy",
        "Meridian protects customer financial data. Policies are reviewed at least annually by the security "
        "lead and approved by the executive team.\n\nMulti-factor authentication is required on every system "
        "that holds customer or company data.",
    )
    policy(
        "access-control-policy.md",
        "Access Control Policy",
        "Access is granted by role and removed within 24 hours of a person's last day. User access to "
        "production systems is reviewed quarterly.",
    )
    policy(
        "change-management-policy.md",
        "Change Management Policy",
        "Every change to production is reviewed and approved by someone other than its author before it is "
        "merged. Emergency changes may be merged first and must be reviewed within 2 business days.",
    )
    policy(
        "incident-response-plan.md",
        "Incident Response Plan",
        "The plan names the on-call roles, severity levels and escalation. The plan is tested with a tabletop "
        "exercise at least annually.",
        reviewed=date(2024, 5, 20),
        approved=date(2024, 5, 20),
        version="1.4",
    )
    key.planted(
        "mer-policy-incident-response",
        ["GOV-05", "GOV-04", "OPS-08"],
        "Incident Response Plan",
        "last reviewed 2024-05-20, more than 12 months ago",
        match=["incident response", "incident_response"],
    )
    policy(
        "vendor-management-policy.md",
        "Vendor Management Policy",
        "Vendors are tiered; critical vendors provide a SOC 2 report yearly.",
        status="Draft",
        approved=None,
        reviewed=None,
        version="0.3",
    )
    key.planted(
        "mer-policy-vendor-draft",
        ["GOV-04", "VND-01"],
        "Vendor Management Policy",
        "still a draft, never approved",
        match=["vendor management", "vendor_management"],
    )
    policy(
        "business-continuity-and-disaster-recovery-plan.md",
        "Business Continuity and Disaster Recovery Plan",
        "RTO 4 hours and RPO 1 hour for the ledger service. The disaster recovery plan is tested annually.",
    )
    policy(
        "data-classification-and-encryption-standard.md",
        "Data Classification and Encryption Standard",
        "Data is classified as Public, Internal, Confidential or Restricted. Confidential and Restricted data "
        "is encrypted at rest with AES-256 (AWS KMS) and in transit with TLS 1.2 or later; keys are rotated "
        "yearly.",
    )
    key.fine(
        "mer-policy-encryption-combined",
        ["GOV-04", "GOV-05"],
        "encryption",
        "the 'Data Classification and Encryption Standard' (approved 2026-02-10) covers encryption",
        match=["encryption standard"],
    )
    key.fine(
        "mer-policy-infosec",
        ["GOV-04", "GOV-05"],
        "Information Security Policy",
        "approved and reviewed on 2026-02-10",
        match=["information security", "information_security"],
    )
    policy("acceptable-use-policy.md", "Acceptable Use Policy", "Company devices and accounts are for work.")
    policy("code-of-conduct.md", "Code of Conduct", "We act with integrity. Staff acknowledge this code yearly.")
    policy(
        "risk-management-policy.md",
        "Risk Management Policy",
        "A risk assessment is performed annually; risks are scored by likelihood and impact and treated.",
    )
    policy(
        "logging-and-monitoring-policy.md",
        "Logging and Monitoring Policy",
        "Security logs are kept for 365 days and alerts go to the on-call engineer.",
    )
    policy(
        "data-retention-policy.md",
        "Data Retention Policy",
        "Customer data is deleted within 30 days of contract end; logs are kept 365 days.",
    )
    key.planted(
        "mer-policy-secure-dev-missing",
        ["GOV-04", "CHG-07"],
        "secure development",
        "no secure development policy or standard exists among the documents",
        match=["secure_development", "sdlc"],
    )

    # ---------------------------------------------------------------- records
    ar = []
    for q_end in (date(2026, 3, 25), date(2026, 6, 24), date(2026, 9, 23)):
        for system in ("Okta", "GitHub", "Google Workspace"):
            ar.append(
                [q_end.isoformat(), system, security_lead.email, len(people), 2 if system == "Okta" else 0, "Completed"]
            )
    ar.append([date(2026, 3, 26).isoformat(), "AWS", security_lead.email, 6, 1, "Completed"])
    write_csv(
        ev / "records" / "access-reviews.csv",
        ["Review Date", "System", "Reviewer", "Users Reviewed", "Access Removed", "Status"],
        ar,
    )
    key.planted(
        "mer-access-review-aws",
        ["AC-08"],
        "aws",
        "AWS access reviewed only in Q1 2026: Q2 and Q3 missing",
        match=["amazon web services", ACCOUNT],
    )
    key.fine("mer-access-review-okta", ["AC-08"], "okta", "Okta reviewed every quarter (2026-03-25, 06-24, 09-23)")
    key.fine("mer-access-review-github", ["AC-08"], "github", "GitHub reviewed every quarter")
    write_csv(
        ev / "records" / "tabletop-exercises.csv",
        ["Exercise Date", "Scenario", "Facilitator", "Participants", "Lessons Learned"],
        [
            [
                "2025-03-18",
                "Ransomware on a laptop",
                security_lead.email,
                f"{security_lead.email}; {it_admin.email}; {rafael.email}",
                "Update the contact sheet",
            ]
        ],
    )
    key.planted(
        "mer-tabletop-stale",
        ["OPS-09"],
        "tabletop exercise",
        "last tabletop exercise on 2025-03-18, none in the audit period",
        match=["incident response test", "tabletop"],
    )
    write_csv(
        ev / "records" / "dr-tests.csv",
        [
            "Test Date",
            "System",
            "Type",
            "RTO Target",
            "RTO Achieved",
            "RPO Target",
            "RPO Achieved",
            "Result",
            "Participants",
        ],
        [
            [
                "2026-04-22",
                "Ledger service",
                "Failover to us-west-1",
                "4h",
                "2h10m",
                "1h",
                "15m",
                "Passed",
                f"{rafael.email}; {noor.email}",
            ]
        ],
    )
    key.fine(
        "mer-dr-test",
        ["AV-05"],
        "disaster recovery test",
        "DR failover test on 2026-04-22 met RTO and RPO",
        match=["dr test", "disaster recovery"],
    )
    write_csv(
        ev / "records" / "risk-assessments.csv",
        ["Assessment Date", "Type", "Owner", "Risks Reviewed", "Approved By"],
        [["2026-03-02", "Annual risk assessment", security_lead.email, 31, "Executive team"]],
    )
    key.fine("mer-risk-assessment", ["RSK-01"], "risk assessment", "annual risk assessment on 2026-03-02")
    bg_rows = [
        [
            p.name,
            p.email,
            "Employment + criminal",
            "Sterling",
            p.extra["bg"][0],
            p.extra["bg"][1].isoformat() if p.extra["bg"][0] == "Complete" else "",
        ]
        for p in people
        if p.extra["bg"]
    ]
    bg_rows += [
        [p.name, p.email, "Contractor screening", "Sterling", "Complete", (p.hire - days(7)).isoformat()]
        for p in contractors
    ]
    write_csv(
        ev / "records" / "background-checks.csv",
        ["Candidate Name", "Candidate Email", "Package", "Provider", "Status", "Completed On"],
        bg_rows,
    )

    # ---------------------------------------------------------------- training (KnowBe4 training campaign export)
    # KnowBe4 Training report columns (console "Export to CSV" of a training campaign's enrollments):
    # https://support.knowbe4.com/hc/en-us/articles/115003586827 (user name, email, content, enrollment/completion).
    tr = []
    for p in staff:
        for d in p.extra["training"]:
            tr.append(
                [
                    p.first,
                    p.last,
                    p.email,
                    "2026 Security Awareness",
                    "Security Awareness Training 2026",
                    (d - days(5)).isoformat(),
                    d.isoformat(),
                    "Passed",
                ]
            )
    write_csv(
        ev / "training" / "knowbe4-training-enrollments.csv",
        ["First Name", "Last Name", "Email", "Campaign", "Content", "Enrollment Date", "Completion Date", "Status"],
        tr,
    )

    # ---------------------------------------------------------------- scope
    scope: dict[str, Any] = {
        "version": 1,
        "organisation": {
            "name": "Meridian Ledger",
            "legal_name": "Meridian Ledger Inc.",
            "industry": "Fintech SaaS (reconciliation)",
            "employees": len(people),
            "description": "Meridian reconciles bank feeds for mid-sized companies; offices in Los "
            "Angeles, all staff in the US Pacific time zone.",
        },
        "categories": ["security", "availability"],
        "report": {"type": "type2", "period": {"start": P_START.isoformat(), "end": P_END.isoformat()}},
        "systems": [
            {"name": "Okta", "kind": "okta", "role": "idp", "mfa_required": True},
            {"name": "Google Workspace", "kind": "google", "role": "email", "mfa_required": True},
            {"name": "AWS production", "kind": "aws", "role": "cloud", "mfa_required": True},
            {"name": "GitHub (meridian-io)", "kind": "github", "role": "source_control", "mfa_required": True},
            {"name": "BambooHR", "kind": "hr", "role": "hris", "mfa_required": False},
        ],
        "roles": {
            "security_lead": f"{security_lead.name} <{security_lead.email}>",
            "it_admin": f"{it_admin.name} <{it_admin.email}>",
        },
        "identity": {
            "aliases": {f"admin.clara.rossi@{DOMAIN}": clara.email},
            "service_accounts": {"ci-deployer": rafael.email, "svc-reporting": priya.email},
        },
        "parsers": {
            "github": {"emails": {p.extra["gh"]: p.email for p in engineers}, "emergency_labels": ["emergency"]}
        },
    }
    scope_time_zone(scope, "America/Los_Angeles")
    write_yaml(org / "scope.yaml", scope, header="# Meridian Ledger: benchmark organisation (generated; do not edit)")
    kp = out / f"{NAME}.key.yaml"
    key.write(kp, as_of=AS_OF, seed=seed, small=small, folder=NAME)
    return kp
