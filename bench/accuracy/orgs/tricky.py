"""Tsubame Cloud ("tricky"): the cases a naive reader gets wrong, on formats trustgap reads. Asia/Tokyo time
zone; a roster with renamed and shuffled columns and one row per employment span (rehires); a contractor
list (one contractor later hired as an employee); service accounts with owners (one owner has left); Okta
logins that are not e-mails, two of them mapped to people only by the scope's ``identity.accounts``; IAM
users named ``first.last``; two credential reports and two HR exports of different dates (the older report
falls inside the audit period: what it shows is a state at its date, not a mistake the newer one corrects);
a screening export whose first column names the recruiter; empty API answers; pending MFA factors;
reviews that are comments, dismissed, or given after the merge; vulnerabilities whose fix date is only
bracketed between scans, and one that came back.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
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
OLD_ROSTER = date(2026, 10, 1)


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
            "bg": "Completed",
        } | extra
        staff.append(p)
        return p

    # ---------------------------------------------------------------- rehires: one roster row per employment span
    ren = person(
        "Rhea", "Ito", hire=date(2025, 4, 1), spans=[(date(2020, 4, 1), date(2024, 3, 31)), (date(2025, 4, 1), None)]
    )
    key.fine(
        "tr-rehire-rhea",
        ["AC-07", "AC-13"],
        ren.email,
        "left 2024-03-31 (before the audit period), rehired 2025-04-01 (two roster rows); her Okta account was "
        "reactivated on her return (statusChanged 2025-04-01) and is hers",
    )
    kai = person(
        "Hiro",
        "Nakamura",
        hire=date(2026, 3, 2),
        spans=[(date(2021, 7, 1), date(2024, 6, 28)), (date(2026, 3, 2), None)],
        changed=at(date(2021, 7, 1), 1),
        last_login=_dt(2026, 11, 18),
    )
    key.planted(
        "tr-rehire-hiro-used-between",
        ["AC-07"],
        kai.email,
        "left 2024-06-28 and rehired 2026-03-02; his Okta account was never deactivated in between (created "
        "2021, status unchanged since), so it stayed active without an employee from January to March 2026, "
        "inside the audit period",
    )
    # ---------------------------------------------------------------- time zone Asia/Tokyo: day ends 15:00 UTC
    tz_ok = person("Yara", "Tanaka", hire=date(2022, 5, 9), term=date(2026, 6, 12), changed=_dt(2026, 6, 13, 14))
    key.fine(
        "tr-tz-yara",
        ["AC-07"],
        tz_ok.email,
        "terminated Friday 2026-06-12 in Tokyo (day ends 15:00 UTC); deprovisioned 2026-06-13 14:00 UTC, 23 "
        "hours later",
    )
    tz_late = person("Kofi", "Sato", hire=date(2023, 8, 1), term=date(2026, 8, 7), changed=_dt(2026, 8, 8, 20))
    key.planted(
        "tr-tz-kofi",
        ["AC-07"],
        tz_late.email,
        "terminated 2026-08-07 in Tokyo (day ends 15:00 UTC); deprovisioned 2026-08-08 20:00 UTC, 29 hours later "
        "(within 24 h of the end of the UTC day)",
    )
    # ---------------------------------------------------------------- two rosters of different dates
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
        "the newer roster (2026-11-18) records his leaving on 2026-10-16; the older roster (2026-10-01) still lists "
        "him; Okta active and used on 2026-11-12",
    )
    saki = person("Saki", "Morimoto", hire=date(2023, 1, 16), term=date(2026, 10, 23), changed=_dt(2026, 10, 23, 11))
    key.fine(
        "tr-conflict-saki-left-on-time",
        ["AC-07"],
        saki.email,
        "the older roster (2026-10-01) shows her employed, which she was; the newer one records her leaving on "
        "Friday 2026-10-23; Okta deprovisioned 2026-10-23 11:00 UTC (20:00 in Tokyo, her last day)",
    )
    hana = person("Hana", "Kobayashi", hire=date(2026, 10, 20), changed=_dt(2026, 10, 20, 1))
    key.fine(
        "tr-newhire-hana-newer-roster",
        ["AC-13", "AC-07"],
        hana.email,
        "joined 2026-10-20: only the newer roster lists her (the older one predates her start); her Okta "
        "account was created the day she started",
    )
    key.fine("tr-bg-hana", ["HR-01"], hana.email, "screened (Completed) on 2026-10-06, before her start")
    # ---------------------------------------------------------------- AWS IAM users (two credential reports)
    greta = person(
        "Greta",
        "Lindgren",
        hire=date(2021, 1, 4),
        iam={"mfa_old": False, "mfa": True},
    )
    key.planted(
        "tr-period-greta-mfa",
        ["AC-04"],
        greta.email,
        "Type II: the credential report of 2026-03-02, inside the audit period, shows IAM user greta.lindgren "
        "with a console password used the day before and no MFA; the report of 2026-11-18 shows MFA. Two states "
        "at two dates, not a conflict: a deviation during the period",
        match=["greta.lindgren"],
    )
    nomfa = person("Emeka", "Dahl", hire=date(2023, 3, 6), iam={"mfa_old": True, "mfa": False})
    key.planted(
        "tr-conflict-emeka-mfa",
        ["AC-04"],
        nomfa.email,
        "MFA active in March, removed since: the newer credential report shows mfa_active false with a console "
        "password",
        match=["emeka.dahl"],
    )
    sakura = person("Sakura", "Ono", hire=date(2024, 5, 13), iam={"mfa_old": False, "mfa": False})
    key.planted(
        "tr-iam-sakura-nomfa",
        ["AC-04"],
        sakura.email,
        "IAM user sakura.ono (named first.last; no e-mail anywhere in the report) has a console password and no "
        "MFA in both credential reports",
        match=["sakura.ono"],
    )
    nina = person("Nina", "Brandt", hire=date(2022, 9, 5), iam={"mfa_old": True, "mfa": True})
    key.fine(
        "tr-iam-nina-first-last",
        ["AC-13", "AC-07", "AC-04"],
        nina.email,
        "IAM user nina.brandt is Nina Brandt (first.last of her roster name), an active employee, console "
        "password with MFA in both reports",
        match=["nina.brandt"],
    )
    tomas = person(
        "Tomas",
        "Rossi",
        hire=date(2021, 6, 1),
        term=date(2026, 7, 31),
        changed=_dt(2026, 7, 31, 10),
        iam={"mfa_old": True, "mfa": True, "used": _dt(2026, 8, 20, 1)},
    )
    key.planted(
        "tr-iam-leaver-tomas",
        ["AC-07"],
        tomas.email,
        "left 2026-07-31 (Okta deprovisioned the same evening), but IAM user tomas.rossi keeps its console "
        "password, last used 2026-08-20",
        match=["tomas.rossi"],
    )
    # ---------------------------------------------------------------- Okta logins that are not e-mails
    kenji = person("Kenji", "Abara", hire=date(2020, 9, 1), login="kabara")
    key.fine(
        "tr-okta-login-kenji",
        ["AC-13", "AC-07"],
        kenji.email,
        "Okta login 'kabara' (not an e-mail); profile.email is his work address",
        match=["kabara"],
    )
    taro = person("Taro", "Yamada", hire=date(2021, 11, 1), login="taro", okta_email=f"taro@{DOMAIN}")
    key.fine(
        "tr-okta-login-taro-mapped",
        ["AC-13", "AC-07", "AC-04"],
        taro.email,
        "Okta login 'taro' whose profile e-mail is the alias taro@ (on no roster); the scope's identity.accounts "
        "maps okta:taro to taro.yamada@; active employee with Okta Verify push",
        match=[f"taro@{DOMAIN}"],
    )
    mei = person(
        "Mei",
        "Morita",
        hire=date(2022, 4, 4),
        term=date(2026, 7, 10),
        okta="ACTIVE",
        changed=at(date(2022, 4, 4), 1),
        last_login=_dt(2026, 7, 20, 2),
        login="mmorita",
        okta_email=f"m.morita@{DOMAIN}",
    )
    key.planted(
        "tr-okta-login-mei-leaver",
        ["AC-07"],
        mei.email,
        "left 2026-07-10; her Okta account (login 'mmorita', profile e-mail m.morita@, mapped to her by the scope's "
        "identity.accounts) is still ACTIVE and was used on 2026-07-20",
        match=[f"m.morita@{DOMAIN}", "mmorita"],
    )
    # ---------------------------------------------------------------- MFA factors
    nofactor = person("Ines", "Pereira", hire=date(2024, 1, 8), factors=[])
    key.planted("tr-empty-factors-ines", ["AC-04"], nofactor.email, "her factors answer is []: no MFA")
    sms = person("Uri", "Mendes", hire=date(2022, 6, 13), factors=["sms"])
    key.fine(
        "tr-sms-allowed-uri",
        ["AC-04"],
        sms.email,
        "SMS factor (active): the approved access control policy lists SMS codes among the accepted second factors",
    )
    aoi = person("Aoi", "Kimura", hire=date(2025, 2, 3), factors=[("totp", "PENDING_ACTIVATION")])
    key.planted(
        "tr-factor-pending-aoi",
        ["AC-04"],
        aoi.email,
        "her only Okta factor is PENDING_ACTIVATION: enrolment was never completed, so she signs in without MFA",
    )
    mio = person("Mio", "Saito", hire=date(2023, 7, 3), factors=[("sms", "PENDING_ACTIVATION"), "push"])
    key.fine(
        "tr-factor-pending-plus-push-mio",
        ["AC-04"],
        mio.email,
        "an SMS factor left PENDING_ACTIVATION beside an ACTIVE Okta Verify push factor: MFA is on",
    )
    # ---------------------------------------------------------------- contractors: only on the contractor list
    person(
        "Farid",
        "Novak",
        hire=date(2026, 2, 2),
        contract=(date(2026, 2, 2), date(2027, 1, 31)),
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
        contract=(date(2025, 9, 1), date(2026, 8, 31)),
        email_override=f"olga.varga.ext@{DOMAIN}",
        last_login=_dt(2026, 10, 2),
    )
    key.planted(
        "tr-contractor-olga-ended",
        ["AC-07", "AC-13"],
        f"olga.varga.ext@{DOMAIN}",
        "contract ended 2026-08-31 (contractor list); Okta still active, used 2026-10-02",
    )
    person(
        "Lena",
        "Sato",
        hire=date(2025, 12, 1),
        contract=(date(2025, 12, 1), date(2026, 5, 31)),
        email_override=f"lena.sato.ext@{DOMAIN}",
        okta="DEPROVISIONED",
        changed=_dt(2026, 6, 9, 3),
        last_login=_dt(2026, 5, 29, 8),
    )
    key.planted(
        "tr-contractor-lena-late",
        ["AC-07"],
        f"lena.sato.ext@{DOMAIN}",
        "contract ended Sunday 2026-05-31 (contractor list); Okta deprovisioned only on 2026-06-09",
    )
    person(
        "Leo",
        "Fischer",
        hire=date(2026, 4, 1),
        contract=(date(2026, 4, 1), date(2026, 9, 30)),
        email_override=f"leo.fischer.ext@{DOMAIN}",
        okta="DEPROVISIONED",
        changed=_dt(2026, 9, 30, 10),
        last_login=_dt(2026, 9, 30, 2),
    )
    key.fine(
        "tr-contractor-leo-on-time",
        ["AC-07", "AC-13"],
        f"leo.fischer.ext@{DOMAIN}",
        "contract ended 2026-09-30 (contractor list); Okta deprovisioned 2026-09-30 10:00 UTC (19:00 in Tokyo, "
        "his last day)",
    )
    noa = person(
        "Noa",
        "Hayashi",
        hire=date(2026, 4, 1),
        spans=[(date(2026, 4, 1), None)],
        contract=(date(2025, 10, 1), date(2026, 3, 31)),
        employee=True,
        changed=at(date(2025, 10, 1), 1),
    )
    key.fine(
        "tr-contractor-noa-hired",
        ["AC-07", "AC-13"],
        noa.email,
        "on the contractor list until 2026-03-31 and hired as an employee on 2026-04-01 (roster row from that "
        "day): one continuous engagement, her account is rightly active",
    )
    # ---------------------------------------------------------------- GitHub members mapped by the scope
    ren_h = person("Ren", "Hayashi", hire=date(2022, 8, 1), term=date(2026, 4, 24), changed=_dt(2026, 4, 24, 9))
    key.planted(
        "tr-github-ren-leaver",
        ["AC-07"],
        ren_h.email,
        "left 2026-04-24; Okta was deprovisioned that day, but the GitHub login ren-h (mapped to him by the "
        "scope's identity.accounts) is still a member of the tsubame-cloud organisation",
        match=["ren-h"],
    )
    kaito = person("Kaito", "Mori", hire=date(2024, 10, 7))
    key.fine(
        "tr-github-kaito-mapped",
        ["AC-13", "AC-07"],
        kaito.email,
        "GitHub login kaito-dev, mapped to him by the scope's identity.accounts; an active engineer",
        match=["kaito-dev"],
    )
    # ---------------------------------------------------------------- screening: first column is the recruiter
    nobg = person("Wanda", "Fontaine", hire=date(2025, 11, 3), bg=None)
    key.planted("tr-bg-wanda", ["HR-01"], nobg.email, "no screening row for her")
    jun = person("Jun", "Fujita", hire=date(2025, 8, 4), bg="Canceled")
    key.planted(
        "tr-bg-jun-canceled",
        ["HR-01"],
        jun.email,
        "her screening row says Canceled, with no completion date: a row exists, a completed check does not",
    )
    key.fine(
        "tr-bg-greta",
        ["HR-01"],
        greta.email,
        "screened; the export's first column is the recruiter's name, not the candidate",
    )
    key.fine("tr-bg-kenji", ["HR-01"], kenji.email, "screened")
    for _ in range(8 if small else 50):
        f, ln = ppl.pick()
        person(f, ln, hire=date(2019, 4, 1) + days(rnd.randint(0, 2400)))
    for p in staff:
        if p.extra.get("email_override"):
            p.email = p.extra["email_override"]

    employees = [p for p in staff if p.extra.get("employee", "contract" not in p.extra)]
    contractors = [p for p in staff if "contract" in p.extra]
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
    write_csv(ev / "hr" / "people-2026-10-01.csv", hdr, rows(OLD_ROSTER), exported=at(OLD_ROSTER, 3))
    write_csv(
        ev / "hr" / "contractors.csv",
        ["Agency", "Contractor", "Work Email", "Start", "End", "Sponsor"],
        [
            [
                "Nova Staffing",
                p.name,
                p.email,
                p.extra["contract"][0].isoformat(),
                p.extra["contract"][1].isoformat(),
                kenji.email,
            ]
            for p in contractors
        ],
        exported=NEW,
    )
    write_csv(
        ev / "hr" / "screening.csv",
        ["Screened By", "Vendor", "Candidate", "Email", "Status", "Completed"],
        [
            [
                recruiter,
                "HireRight",
                p.name,
                p.email,
                p.extra["bg"],
                (p.hire - days(14)).isoformat() if p.extra["bg"] == "Completed" else "",
            ]
            for p in employees
            if p.extra["bg"]
        ],
        exported=NEW,
    )

    # ---------------------------------------------------------------- Okta users + factors (empty answers kept)
    users = []
    for p in staff:
        status = p.extra["okta"]
        if p is con_end:
            status = "ACTIVE"
        first_day = min(s for s, _ in p.extra["spans"])
        if "contract" in p.extra:
            first_day = min(first_day, p.extra["contract"][0])
        u = v.okta_user(
            OKTA,
            first=p.first,
            last=p.last,
            email=p.extra.get("okta_email") or p.email,
            login=p.extra["login"],
            status=status,
            created=at(first_day, 1),
            status_changed=p.extra["changed"],
            last_login=p.extra["last_login"],
        )
        users.append(u)
        factors = []
        for f in p.extra["factors"]:
            kind, fstatus = f if isinstance(f, tuple) else (f, "ACTIVE")
            factors.append(v.okta_factor(OKTA, u, kind, created=at(p.hire, 2), status=fstatus))
        write_json(ev / "okta" / "factors" / f"{u['id']}.json", factors, exported=NEW)

    def service(local: str, first: str, last: str, created: datetime, login: str | None = None) -> None:
        u = v.okta_user(
            OKTA,
            first=first,
            last=last,
            email=f"{local}@{DOMAIN}",
            login=login,
            created=created,
            last_login=_dt(2026, 11, 19),
        )
        users.append(u)
        write_json(
            ev / "okta" / "factors" / f"{u['id']}.json",
            [v.okta_factor(OKTA, u, "totp", created=created)],
            exported=NEW,
        )

    service("svc-backup", "Backup", "Service", _dt(2024, 2, 1))
    key.fine(
        "tr-svc-backup-owned", ["AC-13"], f"svc-backup@{DOMAIN}", "service account owned by Kenji Abara in the scope"
    )
    service("svc-reports", "Reports", "Service", _dt(2023, 5, 15))
    key.planted(
        "tr-svc-reports-owner-left",
        ["AC-13"],
        f"svc-reports@{DOMAIN}",
        "service account whose owner in the scope is Yara Tanaka, who left on 2026-06-12: nobody owns it now",
    )
    service("deploy-bot", "Deploy", "Bot", _dt(2025, 6, 2), login="deploy-bot")
    key.planted(
        "tr-okta-orphan-deploy-bot",
        ["AC-13"],
        f"deploy-bot@{DOMAIN}",
        "active Okta account (login 'deploy-bot') that is no person and is declared nowhere as a service account",
        match=["deploy-bot"],
    )
    write_json(ev / "okta" / "users.json", users, exported=NEW)

    # ---------------------------------------------------------------- two credential reports
    svc_users = [
        # (user, created, key last rotated, key last used)
        ("svc-deploy", _dt(2026, 6, 1), _dt(2026, 10, 5), _dt(2026, 11, 17)),
        ("svc-etl", _dt(2024, 5, 1), _dt(2025, 12, 1), _dt(2026, 11, 17)),
    ]
    for when, field in ((OLD, "mfa_old"), (NEW, "mfa")):
        cred = [v.cred_row(ACCOUNT, "<root_account>", created=_dt(2019, 1, 1), mfa=True)]
        for p in staff:
            iam = p.extra.get("iam")
            if iam:
                used = iam.get("used") if when == NEW and iam.get("used") else when - days(1)
                cred.append(
                    v.cred_row(
                        ACCOUNT,
                        f"{p.first}.{p.last}".lower(),
                        created=_dt(2021, 2, 1),
                        password=True,
                        password_used=used,
                        mfa=iam[field],
                    )
                )
        for name, created, rotated, used in svc_users:
            if created <= when:
                cred.append(
                    v.cred_row(
                        ACCOUNT,
                        name,
                        created=created,
                        key_rotated=rotated,
                        key_used=min(used, when - days(1)),
                        region="ap-northeast-1",
                    )
                )
        write_csv(
            ev / "aws" / f"credential-report-{when.date().isoformat()}.csv", v.CRED_REPORT_HEADER, cred, exported=when
        )
    key.fine(
        "tr-root-ok", ["AC-05"], "<root_account>", "root has MFA and no keys", match=["root account", f"={ACCOUNT}"]
    )
    key.fine(
        "tr-svc-deploy-owned",
        ["AC-13", "AC-12", "AC-04"],
        "svc-deploy",
        "IAM service user created 2026-06-01, owned by Kenji Abara in the scope; API key only (no console "
        "password, so no MFA to ask for), rotated 2026-10-05 and in use",
    )
    key.planted(
        "tr-svc-etl-key",
        ["AC-12"],
        "svc-etl",
        "owned service user whose access key was last rotated 2025-12-01: 352 days before the as-of date (90)",
    )

    # ---------------------------------------------------------------- GitHub: members, empty reviews, review states
    write_json(ev / "github" / "org.json", v.gh_org(GH), exported=NEW)
    write_json(ev / "github" / "members-2fa-disabled.json", [], exported=NEW)
    write_json(
        ev / "github" / "members.json",
        [v.gh_user(lg) for lg in ("rhea-i", "kenji-a", "greta-l", "ren-h", "kaito-dev")],
        exported=NEW,
    )
    pulls, revs = [], {}
    prs: list[tuple[int, str, datetime, list[tuple[str, str, datetime]]]] = [
        (77, "rhea-i", _dt(2026, 4, 7), []),
        (78, "kenji-a", _dt(2026, 5, 5), [("greta-l", "APPROVED", _dt(2026, 5, 4))]),
        (79, "greta-l", _dt(2026, 9, 1), []),
        (80, "kenji-a", _dt(2026, 6, 16, 2), [("greta-l", "APPROVED", _dt(2026, 6, 16, 7))]),
        (81, "greta-l", _dt(2026, 7, 7, 5), [("kenji-a", "DISMISSED", _dt(2026, 7, 6, 9))]),
        (
            82,
            "rhea-i",
            _dt(2026, 8, 4, 6),
            [("kenji-a", "CHANGES_REQUESTED", _dt(2026, 8, 3, 9)), ("greta-l", "COMMENTED", _dt(2026, 8, 4, 1))],
        ),
        (
            83,
            "kenji-a",
            _dt(2026, 9, 29, 8),
            [("greta-l", "APPROVED", _dt(2026, 9, 29, 5)), ("greta-l", "COMMENTED", _dt(2026, 9, 29, 6))],
        ),
    ]
    for n, author, merged, reviews in prs:
        pulls.append(
            v.gh_pull(GH, "core", n, author=author, title=f"Change {n}", created=merged - days(1), merged=merged)
        )
        revs[n] = [v.gh_review(GH, "core", n, reviewer=r, state=s, submitted=t) for r, s, t in reviews]
    write_json(ev / "github" / "core-pulls.json", sorted(pulls, key=lambda x: -x["number"]), exported=NEW)
    for n, r in revs.items():
        write_json(ev / "github" / "core" / str(n) / "reviews.json", r, exported=NEW)
    key.planted("tr-pr-core-77", ["CHG-02"], f"{GH}/core#77", "reviews answer []: merged unreviewed")
    key.fine("tr-pr-core-78", ["CHG-02"], f"{GH}/core#78", "approved by another engineer before merge")
    key.planted("tr-pr-core-79", ["CHG-02"], f"{GH}/core#79", "reviews answer []: merged unreviewed")
    key.planted(
        "tr-pr-core-80",
        ["CHG-02"],
        f"{GH}/core#80",
        "its only approval came five hours after the merge (not an emergency change)",
    )
    key.planted(
        "tr-pr-core-81",
        ["CHG-02"],
        f"{GH}/core#81",
        "its one review is DISMISSED: the approval was withdrawn before the merge",
    )
    key.planted(
        "tr-pr-core-82",
        ["CHG-02"],
        f"{GH}/core#82",
        "changes requested and a comment, never an approval: two reviews, no approval",
    )
    key.fine(
        "tr-pr-core-83",
        ["CHG-02"],
        f"{GH}/core#83",
        "approved by greta-l before the merge; her later COMMENTED review does not withdraw the approval",
    )
    key.fine("tr-github-2fa", ["AC-04"], GH, "organisation requires 2FA; the 2FA-disabled members answer is []")

    # ---------------------------------------------------------------- Trivy: bracketed fixes, one that came back
    scans = [
        date(2026, 2, 2),
        date(2026, 3, 2),
        date(2026, 3, 30),
        date(2026, 5, 25),
        date(2026, 6, 22),
        date(2026, 9, 14),
        date(2026, 11, 16),
    ]
    # (cve, severity, [(first scan present, last scan present), ...])
    vulns = [
        ("CVE-2026-61001", "CRITICAL", [(date(2026, 3, 2), date(2026, 3, 2))]),  # gone by 03-30: <= 28 d
        ("CVE-2026-61002", "CRITICAL", [(date(2026, 3, 30), date(2026, 5, 25))]),  # >= 56 d
        ("CVE-2026-61003", "HIGH", [(date(2026, 3, 30), date(2026, 5, 25))]),  # 56..84 d <= 90
        ("CVE-2026-61004", "HIGH", [(date(2026, 3, 2), date(2026, 6, 22))]),  # >= 112 d
        ("CVE-2026-61005", "HIGH", [(date(2026, 9, 14), date(2026, 11, 16))]),  # open 67 d
        (
            "CVE-2026-61006",
            "CRITICAL",
            [(date(2026, 3, 30), date(2026, 3, 30)), (date(2026, 6, 22), date(2026, 9, 14))],
        ),
        ("CVE-2026-61007", "HIGH", [(date(2026, 6, 22), date(2026, 6, 22))]),  # gone by 09-14: <= 84 d
    ]
    key.fine("tr-vuln-61001", ["OPS-06"], "CVE-2026-61001", "critical, fixed within 28 days whichever day")
    key.planted("tr-vuln-61002", ["OPS-06"], "CVE-2026-61002", "critical, at least 56 days")
    key.fine("tr-vuln-61003", ["OPS-06"], "CVE-2026-61003", "high, fixed after 56 to 84 days: within 90 either way")
    key.planted("tr-vuln-61004", ["OPS-06"], "CVE-2026-61004", "high, at least 112 days")
    key.fine("tr-vuln-61005", ["OPS-06"], "CVE-2026-61005", "high, open 67 days: within 90")
    key.planted(
        "tr-vuln-61006-back",
        ["OPS-06"],
        "CVE-2026-61006",
        "critical: seen 2026-03-30, gone 2026-05-25, back on 2026-06-22 and still there on 2026-09-14: the second "
        "occurrence lasted at least 84 days",
    )
    key.fine(
        "tr-vuln-61007",
        ["OPS-06"],
        "CVE-2026-61007",
        "high, seen only in the scan of 2026-06-22 (absent 2026-05-25 and 2026-09-14): at most 84 days, within 90 "
        "whichever day it was fixed",
    )
    for s in scans:
        osv = [
            v.trivy_vuln(c, f"pkg{c[-1]}", "1.0", "1.1", sev, "flaw", spans[0][0] - days(3))
            for c, sev, spans in vulns
            if any(a <= s <= b for a, b in spans)
        ]
        write_json(
            ev / "scans" / f"trivy-core-{s.isoformat()}.json",
            v.trivy_report(f"ghcr.io/{GH}/core:main", at(s, 1), osv, []),
            exported=at(s, 2),
        )

    # ---------------------------------------------------------------- the access control policy (what MFA counts)
    fm = {
        "title": "Access Control Policy",
        "owner": f"{kenji.name} <{kenji.email}>",
        "version": "2.0",
        "status": "Approved",
        "approved_on": "2026-01-15",
        "approved_by": "Management board",
        "last_reviewed": "2026-01-15",
    }
    write_text(
        ev / "policies" / "access-control-policy.md",
        "---\n" + yaml.safe_dump(fm, sort_keys=False) + "---\n\n# Access Control Policy\n\n"
        "Every account belongs to a named person; service accounts have an owner who is employed. Access is "
        "removed within 24 hours after the end of a person's last working day (Tokyo time).\n\n"
        "Multi-factor authentication is required for Okta, AWS and GitHub. Accepted second factors: Okta Verify "
        "push, authenticator apps (TOTP), security keys (WebAuthn) and SMS one-time codes.\n",
    )

    scope: dict[str, Any] = {
        "version": 1,
        "organisation": {
            "name": "Tsubame Cloud",
            "legal_name": "Tsubame Cloud K.K.",
            "industry": "Developer tools",
            "employees": len([p for p in employees if p.term is None]),
        },
        "categories": ["security"],
        "report": {"type": "type2", "period": {"start": P_START.isoformat(), "end": P_END.isoformat()}},
        "systems": [
            {"name": "Okta", "kind": "okta", "role": "idp", "mfa_required": True},
            {"name": "AWS", "kind": "aws", "role": "cloud", "mfa_required": True},
            {"name": "GitHub", "kind": "github", "role": "source_control", "mfa_required": True},
        ],
        "identity": {
            "accounts": {
                "okta:taro": taro.email,
                "okta:mmorita": mei.email,
                "github:ren-h": ren_h.email,
                "github:kaito-dev": kaito.email,
            },
            "service_accounts": {
                f"svc-backup@{DOMAIN}": kenji.email,
                f"svc-reports@{DOMAIN}": tz_ok.email,
                "svc-deploy": kenji.email,
                "svc-etl": kenji.email,
            },
        },
        "parsers": {"github": {"emails": {"rhea-i": ren.email, "kenji-a": kenji.email, "greta-l": greta.email}}},
    }
    scope_time_zone(scope, "Asia/Tokyo")
    write_yaml(org / "scope.yaml", scope, header="# Tsubame Cloud: benchmark organisation (generated; do not edit)")
    kp = out / f"{NAME}.key.yaml"
    key.write(kp, as_of=AS_OF, seed=seed, small=small, folder=NAME)
    return kp
