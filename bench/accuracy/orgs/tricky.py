"""Tsubame Cloud ("tricky"): the cases a naive reader gets wrong, on formats trustgap reads. Asia/Tokyo time
zone; a roster with renamed and shuffled columns and one row per employment span (rehires); a contractor
list; service accounts with owners; Okta logins that are not e-mails; two credential reports and two HR
exports of different dates that disagree (the newer is right); a screening export whose first column names
the recruiter; empty API answers; vulnerabilities whose fix date is only bracketed between scans.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.accuracy import vendors as v
from bench.accuracy.kit import AnswerKey, People, Person, at, days, scope_time_zone, write_csv, write_json, write_yaml

NAME = "tricky"
SEED = 53
AS_OF = date(2026, 11, 20)
P_START, P_END = date(2026, 1, 1), date(2026, 10, 31)
DOMAIN = "tsubame.example"
OKTA = "tsubame.okta.com"
ACCOUNT = "667788990011"
GH = "tsubame-cloud"
NEW = at(date(2026, 11, 18), 3)
OLD = at(date(2026, 3, 2), 3)


def _dt(y: int, m: int, d: int, h: int = 3, mi: int = 0) -> datetime:
    return at(date(y, m, d), h, mi)


def generate(out: Path, *, small: bool = False, seed: int = SEED) -> Path:
    rnd = random.Random(seed)
    org = out / NAME
    ev = org / "evidence"
    key = AnswerKey(NAME)
    ppl = People(rnd, DOMAIN)
    staff: list[Person] = []

    def person(first: str, last: str, *, hire: date, term: date | None = None, **extra: Any) -> Person:
        p = ppl.new(first=first, last=last, hire=hire, term=term, department="Engineering", title="Engineer")
        p.extra = {
            "spans": [(hire, term)],
            "okta": "ACTIVE" if term is None else "DEPROVISIONED",
            "changed": at(hire, 1) if term is None else at(term, 9),
            "last_login": at(AS_OF - days(1), 2) if term is None else at(term, 8),
            "factors": ["push"],
            "login": None,
            "bg": True,
        } | extra
        staff.append(p)
        return p

    # rehires: one row per employment span in the roster
    ren = person(
        "Rhea", "Ito", hire=date(2025, 4, 1), spans=[(date(2020, 4, 1), date(2024, 3, 31)), (date(2025, 4, 1), None)]
    )
    key.fine(
        "tr-rehire-rhea",
        ["AC-07", "AC-13"],
        ren.email,
        "left 2024-03-31, rehired 2025-04-01 (two roster rows); her current account is hers",
    )
    kai = person(
        "Hiro",
        "Nakamura",
        hire=date(2026, 3, 2),
        spans=[(date(2021, 7, 1), date(2024, 6, 28)), (date(2026, 3, 2), None)],
        changed=at(date(2021, 7, 1), 1),
        last_login=_dt(2026, 11, 18),
    )
    kai.extra["between_login"] = _dt(2025, 1, 10)
    key.planted(
        "tr-rehire-hiro-used-between",
        ["AC-07"],
        kai.email,
        "left 2024-06-28 and rehired 2026-03-02; his "
        "Okta account was never deactivated in between (created 2021, status unchanged since)",
    )
    # time zone Asia/Tokyo: local day ends at 15:00 UTC
    tz_ok = person("Yara", "Tanaka", hire=date(2022, 5, 9), term=date(2026, 6, 12), changed=_dt(2026, 6, 13, 14))
    key.fine(
        "tr-tz-yara",
        ["AC-07"],
        tz_ok.email,
        "terminated Friday 2026-06-12 in Tokyo (day ends 15:00 UTC); "
        "deprovisioned 2026-06-13 14:00 UTC, 23 hours later",
    )
    tz_late = person("Kofi", "Sato", hire=date(2023, 8, 1), term=date(2026, 8, 7), changed=_dt(2026, 8, 8, 20))
    key.planted(
        "tr-tz-kofi",
        ["AC-07"],
        tz_late.email,
        "terminated 2026-08-07 in Tokyo (day ends 15:00 UTC); "
        "deprovisioned 2026-08-08 20:00 UTC, 29 hours later (within 24 h of the end of the UTC day)",
    )
    # newer HR export says terminated; the older one does not
    quiet = person(
        "Bruno",
        "Keller",
        hire=date(2022, 2, 1),
        term=date(2026, 10, 16),
        okta="ACTIVE",
        changed=at(date(2022, 2, 1), 1),
        last_login=_dt(2026, 11, 12),
    )
    key.planted(
        "tr-conflict-bruno",
        ["AC-07"],
        quiet.email,
        "the newer roster (2026-11-18) records his leaving on "
        "2026-10-16; the older roster still lists him; Okta active and used on 2026-11-12",
    )
    old_noMFA = person("Greta", "Lindgren", hire=date(2021, 1, 4), iam={"mfa_old": False, "mfa": True})
    key.fine(
        "tr-conflict-greta-mfa",
        ["AC-04"],
        old_noMFA.email,
        "the credential report of 2026-03-02 shows no MFA; the report of 2026-11-18 shows MFA active",
        match=["greta.lindgren"],
    )
    nomfa = person("Emeka", "Dahl", hire=date(2023, 3, 6), iam={"mfa_old": True, "mfa": False})
    key.planted(
        "tr-conflict-emeka-mfa",
        ["AC-04"],
        nomfa.email,
        "MFA active in March, removed since: the newer "
        "credential report shows mfa_active false with a console password",
        match=["emeka.dahl"],
    )
    # Okta login that is not an e-mail
    kenji = person("Kenji", "Abara", hire=date(2020, 9, 1), login="kabara")
    key.fine(
        "tr-okta-login-kenji",
        ["AC-13", "AC-07"],
        kenji.email,
        "Okta login 'kabara' (not an e-mail); profile.email is his work address",
        match=["kabara"],
    )
    nofactor = person("Ines", "Pereira", hire=date(2024, 1, 8), factors=[])
    key.planted("tr-empty-factors-ines", ["AC-04"], nofactor.email, "her factors answer is []: no MFA")
    sms = person("Uri", "Mendes", hire=date(2022, 6, 13), factors=["sms"])
    key.fine(
        "tr-sms-allowed-uri",
        ["AC-04"],
        sms.email,
        "SMS factor: the scope's access control policy accepts any Okta factor; MFA is on",
    )
    # contractors: only on the contractor list
    person(
        "Farid",
        "Novak",
        hire=date(2026, 2, 2),
        contractor=date(2027, 1, 31),
        email_override=f"farid.novak.ext@{DOMAIN}",
    )
    key.fine(
        "tr-contractor-farid",
        ["AC-13", "AC-07"],
        f"farid.novak.ext@{DOMAIN}",
        "contractor until 2027-01-31, on the contractor list only",
    )
    con_end = person(
        "Olga",
        "Varga",
        hire=date(2025, 9, 1),
        contractor=date(2026, 8, 31),
        email_override=f"olga.varga.ext@{DOMAIN}",
        last_login=_dt(2026, 10, 2),
    )
    key.planted(
        "tr-contractor-olga-ended",
        ["AC-07", "AC-13"],
        f"olga.varga.ext@{DOMAIN}",
        "contract ended 2026-08-31 (contractor list); Okta still active, used 2026-10-02",
    )
    # screening: first column is the recruiter who ordered it
    nobg = person("Wanda", "Fontaine", hire=date(2025, 11, 3), bg=False)
    key.planted("tr-bg-wanda", ["HR-01"], nobg.email, "no screening row for her")
    key.fine(
        "tr-bg-greta",
        ["HR-01"],
        old_noMFA.email,
        "screened; the export's first column is the recruiter's name, not the candidate",
    )
    key.fine("tr-bg-kenji", ["HR-01"], kenji.email, "screened")
    for _ in range(8 if small else 50):
        f, ln = ppl.pick()
        person(f, ln, hire=date(2019, 4, 1) + days(rnd.randint(0, 2400)))
    for p in staff:
        if p.extra.get("email_override"):
            p.email = p.extra["email_override"]

    employees = [p for p in staff if not p.extra.get("contractor")]
    contractors = [p for p in staff if p.extra.get("contractor")]
    recruiter = "Sina Engel"

    # ---------------------------------------------------------------- HR: renamed and shuffled columns, a row per span
    hdr = ["Employment State", "Left On", "Mail", "Family", "Joined On", "Given", "Team", "Staff No"]

    def rows(as_of: date) -> list[list[Any]]:
        out = []
        for p in employees:
            for s, e in p.extra["spans"]:
                if s > as_of:
                    continue
                end = e if e and e <= as_of else None
                out.append(
                    [
                        "Left" if end else "Employed",
                        end.strftime("%Y/%m/%d") if end else "",
                        p.email,
                        p.last,
                        s.strftime("%Y/%m/%d"),
                        p.first,
                        p.department,
                        p.employee_id,
                    ]
                )
        return out

    write_csv(ev / "hr" / "people-2026-11-18.csv", hdr, rows(NEW.date()), exported=NEW)
    write_csv(ev / "hr" / "people-2026-10-01.csv", hdr, rows(date(2026, 10, 1)), exported=at(date(2026, 10, 1), 3))
    write_csv(
        ev / "hr" / "contractors.csv",
        ["Agency", "Contractor", "Work Email", "Start", "End", "Sponsor"],
        [
            ["Nova Staffing", p.name, p.email, p.hire.isoformat(), p.extra["contractor"].isoformat(), kenji.email]
            for p in contractors
        ],
        exported=NEW,
    )
    write_csv(
        ev / "hr" / "screening.csv",
        ["Screened By", "Vendor", "Candidate", "Email", "Status", "Completed"],
        [
            [recruiter, "HireRight", p.name, p.email, "Completed", (p.hire - days(14)).isoformat()]
            for p in employees
            if p.extra["bg"]
        ],
        exported=NEW,
    )

    # ---------------------------------------------------------------- Okta users + factors (empty answers kept)
    users = []
    for p in staff:
        status = p.extra["okta"]
        if p.extra.get("contractor") and p is con_end:
            status = "ACTIVE"
        u = v.okta_user(
            OKTA,
            first=p.first,
            last=p.last,
            email=p.email,
            login=p.extra["login"],
            status=status,
            created=at(p.extra["spans"][0][0], 1),
            status_changed=p.extra["changed"],
            last_login=p.extra["last_login"],
        )
        users.append(u)
        write_json(
            ev / "okta" / "factors" / f"{u['id']}.json",
            [v.okta_factor(OKTA, u, f, created=at(p.hire, 2)) for f in p.extra["factors"]],
            exported=NEW,
        )
    svc = v.okta_user(
        OKTA,
        first="Backup",
        last="Service",
        email=f"svc-backup@{DOMAIN}",
        created=_dt(2024, 2, 1),
        last_login=_dt(2026, 11, 19),
    )
    users.append(svc)
    write_json(
        ev / "okta" / "factors" / f"{svc['id']}.json",
        [v.okta_factor(OKTA, svc, "totp", created=_dt(2024, 2, 1))],
        exported=NEW,
    )
    key.fine(
        "tr-svc-backup-owned", ["AC-13"], f"svc-backup@{DOMAIN}", "service account owned by Kenji Abara in the scope"
    )
    write_json(ev / "okta" / "users.json", users, exported=NEW)

    # ---------------------------------------------------------------- two credential reports
    for when, field in ((OLD, "mfa_old"), (NEW, "mfa")):
        cred = [v.cred_row(ACCOUNT, "<root_account>", created=_dt(2019, 1, 1), mfa=True)]
        for p in staff:
            if p.extra.get("iam"):
                cred.append(
                    v.cred_row(
                        ACCOUNT,
                        f"{p.first}.{p.last}".lower(),
                        created=_dt(2021, 2, 1),
                        password=True,
                        password_used=when - days(1),
                        mfa=p.extra["iam"][field],
                    )
                )
        write_csv(
            ev / "aws" / f"credential-report-{when.date().isoformat()}.csv", v.CRED_REPORT_HEADER, cred, exported=when
        )
    key.fine(
        "tr-root-ok", ["AC-05"], "<root_account>", "root has MFA and no keys", match=["root account", f"={ACCOUNT}"]
    )

    # ---------------------------------------------------------------- GitHub: empty reviews, members
    write_json(ev / "github" / "org.json", v.gh_org(GH), exported=NEW)
    write_json(ev / "github" / "members-2fa-disabled.json", [], exported=NEW)
    pulls, revs = [], {}
    for n, (author, rev, merged) in enumerate(
        [
            ("rhea-i", None, _dt(2026, 4, 7)),
            ("kenji-a", "greta-l", _dt(2026, 5, 5)),
            ("greta-l", None, _dt(2026, 9, 1)),
        ],
        start=77,
    ):
        pulls.append(
            v.gh_pull(GH, "core", n, author=author, title=f"Change {n}", created=merged - days(1), merged=merged)
        )
        revs[n] = (
            [v.gh_review(GH, "core", n, reviewer=rev, state="APPROVED", submitted=merged - days(1))] if rev else []
        )
    write_json(ev / "github" / "core-pulls.json", pulls, exported=NEW)
    for n, r in revs.items():
        write_json(ev / "github" / "core" / str(n) / "reviews.json", r, exported=NEW)
    key.planted("tr-pr-core-77", ["CHG-02"], f"{GH}/core#77", "reviews answer []: merged unreviewed")
    key.fine("tr-pr-core-78", ["CHG-02"], f"{GH}/core#78", "approved by another engineer before merge")
    key.planted("tr-pr-core-79", ["CHG-02"], f"{GH}/core#79", "reviews answer []: merged unreviewed")
    key.fine("tr-github-2fa", ["AC-04"], GH, "organisation requires 2FA; the 2FA-disabled members answer is []")

    # ---------------------------------------------------------------- Trivy: bracketed fixes
    scans = [
        date(2026, 2, 2),
        date(2026, 3, 2),
        date(2026, 3, 30),
        date(2026, 5, 25),
        date(2026, 6, 22),
        date(2026, 9, 14),
        date(2026, 11, 16),
    ]
    vulns = [
        ("CVE-2026-61001", "CRITICAL", date(2026, 3, 2), date(2026, 3, 2)),  # gone by 03-30: <= 28 d
        ("CVE-2026-61002", "CRITICAL", date(2026, 3, 30), date(2026, 5, 25)),  # >= 56 d
        ("CVE-2026-61003", "HIGH", date(2026, 3, 30), date(2026, 5, 25)),  # 56..84 d <= 90
        ("CVE-2026-61004", "HIGH", date(2026, 3, 2), date(2026, 6, 22)),  # >= 112 d
        ("CVE-2026-61005", "HIGH", date(2026, 9, 14), date(2026, 11, 16)),
    ]  # open 67 d
    key.fine("tr-vuln-61001", ["OPS-06"], "CVE-2026-61001", "critical, fixed within 28 days whichever day")
    key.planted("tr-vuln-61002", ["OPS-06"], "CVE-2026-61002", "critical, at least 56 days")
    key.fine("tr-vuln-61003", ["OPS-06"], "CVE-2026-61003", "high, fixed after 56 to 84 days: within 90 either way")
    key.planted("tr-vuln-61004", ["OPS-06"], "CVE-2026-61004", "high, at least 112 days")
    key.fine("tr-vuln-61005", ["OPS-06"], "CVE-2026-61005", "high, open 67 days: within 90")
    for s in scans:
        osv = [
            v.trivy_vuln(c, f"pkg{c[-1]}", "1.0", "1.1", sev, "flaw", a - days(3))
            for c, sev, a, b in vulns
            if a <= s <= b
        ]
        write_json(
            ev / "scans" / f"trivy-core-{s.isoformat()}.json",
            v.trivy_report(f"ghcr.io/{GH}/core:main", at(s, 1), osv, []),
            exported=at(s, 2),
        )

    scope: dict[str, Any] = {
        "version": 1,
        "organisation": {
            "name": "Tsubame Cloud",
            "legal_name": "Tsubame Cloud K.K.",
            "industry": "Developer tools",
            "employees": len(employees),
        },
        "categories": ["security"],
        "report": {"type": "type2", "period": {"start": P_START.isoformat(), "end": P_END.isoformat()}},
        "systems": [
            {"name": "Okta", "kind": "okta", "role": "idp", "mfa_required": True},
            {"name": "AWS", "kind": "aws", "role": "cloud", "mfa_required": True},
            {"name": "GitHub", "kind": "github", "role": "source_control", "mfa_required": True},
        ],
        "identity": {"service_accounts": {f"svc-backup@{DOMAIN}": kenji.email}},
        "parsers": {"github": {"emails": {"rhea-i": ren.email, "kenji-a": kenji.email, "greta-l": old_noMFA.email}}},
    }
    scope_time_zone(scope, "Asia/Tokyo")
    write_yaml(org / "scope.yaml", scope, header="# Tsubame Cloud: benchmark organisation (generated; do not edit)")
    kp = out / f"{NAME}.key.yaml"
    key.write(kp, as_of=AS_OF, seed=seed, small=small, folder=NAME)
    return kp
