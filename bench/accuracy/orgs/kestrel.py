"""Kestrel Logistik: a European Type II organisation (Europe/Berlin): day-first dates, semicolon-separated
CSV in cp1252 and in UTF-8 with a BOM, a Personio roster with German headers, XLSX files with title rows,
Markdown / DOCX / PDF policies whose status and approval are written in the body (no front matter), and
narrative records (tabletop minutes, a post-incident review, a risk assessment memo) in DOCX and PDF.
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
    ascii_fold,
    at,
    days,
    scope_time_zone,
    write_csv,
    write_docx,
    write_json,
    write_pdf,
    write_text,
    write_xlsx,
    write_yaml,
)

NAME = "kestrel"
SEED = 41
AS_OF = date(2026, 11, 10)
P_START, P_END = date(2026, 1, 1), date(2026, 9, 30)
DOMAIN = "kestrel-logistik.example"
ACCOUNT = "556677889900"
GH = "kestrel-logistik"
EXPORT = at(date(2026, 11, 6), 9)


def de(d: date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else ""


def _dt(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime:
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
        dept: str = "IT",
        title: str = "Entwickler",
        **extra: Any,
    ) -> Person:
        local = ascii_fold(
            first.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
            + "."
            + last.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
        )
        p = ppl.new(
            first=first,
            last=last,
            hire=hire,
            term=term,
            department=dept,
            title=title,
            email=f"{local.lower()}@{DOMAIN}",
        )
        p.extra = {
            "google": "active" if term is None else "deleted",
            "2sv": True,
            "admin": False,
            "last_login": at(AS_OF - days(1), 8) if term is None else at(term, 15),
            "training": date(2026, rnd.randint(2, 9), rnd.randint(1, 28)),
            "bg": "abgeschlossen",
            "status": "Aktiv" if term is None else "Inaktiv",
        } | extra
        staff.append(p)
        return p

    ceo = person("Katrin", "Vogel", hire=date(2018, 4, 1), dept="Geschäftsführung", title="CEO")
    isb = person("Jörg", "Weiß", hire=date(2020, 2, 3), dept="IT", title="Informationssicherheitsbeauftragter")
    key.fine(
        "ke-umlaut-joerg",
        ["AC-13", "AC-07", "AC-04"],
        isb.email,
        "Jörg Weiß: the roster (cp1252) spells "
        "him with umlaut and ß, his e-mail is joerg.weiss@; active, 2-step verification on",
        match=["Jörg Weiß", "joerg.weiss"],
    )
    juergen = person(
        "Jürgen",
        "Müller",
        hire=date(2019, 9, 2),
        term=date(2026, 9, 28),
        dept="Vertrieb",
        title="Vertriebsleiter",
        google="active",
        last_login=_dt(2026, 10, 5, 9),
    )
    key.planted(
        "ke-leaver-juergen",
        ["AC-07"],
        juergen.email,
        "Austrittsdatum 28.09.2026; his Google account is active and was used on 2026-10-05",
        match=["Jürgen Müller"],
    )
    lena = person(
        "Lena",
        "Schröder",
        hire=date(2021, 3, 15),
        term=date(2026, 9, 4),
        dept="IT",
        title="DevOps",
        iam={"password": True, "mfa": True, "used": _dt(2026, 9, 20, 7)},
    )
    key.planted(
        "ke-leaver-lena-iam",
        ["AC-07"],
        lena.email,
        "Austrittsdatum 04.09.2026 (4 September); IAM user "
        "lena.schroeder still has a console password, used on 2026-09-20",
        match=["lena.schroeder"],
    )
    notice = person(
        "Tilda",
        "Berger",
        hire=date(2022, 5, 2),
        term=None,
        dept="Finanzen",
        title="Buchhalterin",
        planned_exit=date(2026, 11, 30),
    )
    key.fine(
        "ke-future-exit-tilda",
        ["AC-07"],
        notice.email,
        "resigned with Austrittsdatum 30.11.2026, after the "
        "as-of date: still employed (Status Aktiv), her account is rightly active",
    )
    newbie = person(
        "Milan", "Horvat", hire=date(2026, 9, 8), dept="Lager", title="Disponent", training=date(2026, 9, 20)
    )
    key.fine(
        "ke-dayfirst-newhire-milan",
        ["HR-04"],
        newbie.email,
        "Eintrittsdatum 08.09.2026 (8 September), "
        "trained 20.09.2026: 12 days (read month-first, 09/08 would be 9 August and 42 days)",
    )
    no2sv = person(
        "Sina", "Becker", hire=date(2023, 6, 1), dept="Vertrieb", title="Account Managerin", **{"2sv": False}
    )
    key.planted("ke-mfa-sina", ["AC-04"], no2sv.email, "Google account without 2-step verification")
    iam_nomfa = person(
        "Pavel",
        "Neumann",
        hire=date(2022, 1, 10),
        dept="IT",
        title="SRE",
        iam={"password": True, "mfa": False, "used": _dt(2026, 11, 4, 7)},
    )
    key.planted(
        "ke-mfa-pavel-iam",
        ["AC-04"],
        iam_nomfa.email,
        "IAM user pavel.neumann: console password, no MFA",
        match=["pavel.neumann"],
    )
    admin = person("Henrik", "Wagner", hire=date(2019, 1, 7), dept="IT", title="IT-Leiter", admin=True)
    key.planted("ke-admin-henrik", ["AC-05"], admin.email, "Google super admin on his everyday account")
    stale_tr = person(
        "Ulla", "Schulz", hire=date(2020, 10, 1), dept="Lager", title="Lagerleiterin", training=date(2025, 3, 14)
    )
    key.planted("ke-training-ulla", ["HR-03"], stale_tr.email, "last completion 14.03.2025")
    fresh_tr = person(
        "Otto", "Keller", hire=date(2021, 7, 1), dept="Finanzen", title="Controller", training=date(2026, 2, 3)
    )
    key.fine("ke-training-otto", ["HR-03"], fresh_tr.email, "completed 03.02.2026 (3 February)")
    nobg = person("Yusuf", "Yilmaz", hire=date(2025, 4, 1), dept="IT", title="Entwickler", bg=None)
    key.planted("ke-bg-yusuf", ["HR-01"], nobg.email, "no background check (Führungszeugnis) on record")
    key.fine("ke-bg-otto", ["HR-01"], fresh_tr.email, "Führungszeugnis checked (abgeschlossen)")
    anke = person(
        "Anke",
        "Hoffmann",
        hire=date(2020, 5, 4),
        term=date(2026, 9, 28),
        dept="Vertrieb",
        title="Vertriebsassistentin",
        google="active",
        last_login=_dt(2026, 9, 25, 15),
    )
    key.planted(
        "ke-leaver-anke-unused",
        ["AC-07"],
        anke.email,
        "Austrittsdatum 28.09.2026; her Google account is still active (not suspended) in the export of "
        "06.11.2026. Not used since 25.09.2026, but access was never removed",
    )
    frieda = person(
        "Frieda",
        "Lang",
        hire=date(2021, 2, 1),
        term=date(2026, 8, 31),
        dept="Lager",
        title="Disponentin",
        google="suspended",
        google_suspended=_dt(2026, 9, 1, 20),
        last_login=_dt(2026, 8, 31, 14),
    )
    key.fine(
        "ke-tz-leaver-frieda",
        ["AC-07"],
        frieda.email,
        "Austrittsdatum Montag 31.08.2026; her Google account is suspended, and the Google admin audit log "
        "records SUSPEND_USER at 2026-09-01 20:00 UTC: 22 hours after her last day ended in Berlin "
        "(2026-08-31 22:00 UTC)",
    )
    bjoern = person(
        "Björn",
        "Schäfer",
        hire=date(2022, 8, 15),
        dept="IT",
        title="Cloud-Architekt",
        iam={"password": True, "mfa": True, "used": _dt(2026, 11, 5, 7)},
    )
    key.fine(
        "ke-iam-bjoern-transliterated",
        ["AC-13", "AC-07", "AC-04"],
        bjoern.email,
        "IAM user bjoern.schaefer is Björn Schäfer (ö as oe, ä as ae, as his e-mail spells it); active, console "
        "password with MFA",
        match=["Björn Schäfer", "bjoern.schaefer"],
    )
    lukas = person(
        "Lukas",
        "Braun",
        hire=date(2026, 4, 13),
        dept="Lager",
        title="Lagerist",
        bg="beantragt",
        training=date(2026, 4, 22),
    )
    key.planted(
        "ke-bg-lukas-requested",
        ["HR-01"],
        lukas.email,
        "his Führungszeugnis row says 'beantragt' (requested), seven months after his start: never completed",
    )
    for i in range(8 if small else 50):
        f, ln = ppl.pick()
        person(
            f,
            ln,
            hire=date(2018, 6, 4) + days(rnd.randint(0, 2500)),
            dept=("Lager", "Vertrieb", "IT", "Finanzen")[i % 4],
        )

    # ---------------------------------------------------------------- Personio roster: semicolon CSV, cp1252
    # Personio "Exporte" (Reports > Exports): chosen attributes as columns, German labels in a German account
    # (https://support.personio.de/hc/de/articles/115005610409-Exporte-erstellen); dates dd.mm.yyyy.
    write_csv(
        ev / "hr" / "Personio_Export_Mitarbeiter_2026-11-06.csv",
        [
            "Nachname",
            "Vorname",
            "ID",
            "E-Mail",
            "Abteilung",
            "Position",
            "Status",
            "Eintrittsdatum",
            "Austrittsdatum",
            "Vorgesetzte/r",
        ],
        [
            [
                p.last,
                p.first,
                p.employee_id,
                p.email,
                p.department,
                p.title,
                p.extra["status"],
                de(p.hire),
                de(p.term or p.extra.get("planned_exit")),
                ceo.name,
            ]
            for p in staff
        ],
        delimiter=";",
        encoding="cp1252",
        crlf=True,
        exported=EXPORT,
    )
    orphan = f"praktikum@{DOMAIN}"

    # ---------------------------------------------------------------- Google Workspace users.list
    gu = [
        v.google_user(
            first=p.first,
            last=p.last,
            email=p.email,
            created=at(p.hire, 8),
            last_login=p.extra["last_login"],
            admin=p.extra["admin"],
            enrolled_2sv=p.extra["2sv"],
            enforced_2sv=p.extra["2sv"],
            suspended=p.extra["google"] == "suspended",
        )
        for p in staff
        if p.extra["google"] in ("active", "suspended")
    ]
    gu.append(
        v.google_user(
            first="Praktikum", last="Lager", email=orphan, created=_dt(2026, 10, 12), last_login=_dt(2026, 11, 2, 9)
        )
    )
    key.planted(
        "ke-orphan-praktikum",
        ["AC-13"],
        orphan,
        "shared intern mailbox created 12.10.2026: active, no person, no owner",
    )
    write_json(ev / "identity" / "google-users.json", v.google_users_page(gu), exported=EXPORT)
    # Google admin audit log for September (Reports API, applicationName=admin), exported on 1 October
    sept = [
        v.google_activity(
            "admin",
            p.extra["google_suspended"],
            actor=isb.email,
            type_="USER_SETTINGS",
            name="SUSPEND_USER",
            params={"USER_EMAIL": p.email},
        )
        for p in staff
        if p.extra.get("google_suspended")
    ] + [
        v.google_activity(
            "admin",
            at(lena.term, 16),
            actor=isb.email,
            type_="USER_SETTINGS",
            name="DELETE_USER",
            params={"USER_EMAIL": lena.email},
        )
    ]
    write_json(
        ev / "identity" / "google-admin-audit-2026-09.json",
        v.google_activities_page(sorted(sept, key=lambda a: a["id"]["time"], reverse=True)),
        exported=at(date(2026, 10, 1), 7),
    )

    # ---------------------------------------------------------------- AWS credential report
    cred = [v.cred_row(ACCOUNT, "<root_account>", created=_dt(2019, 3, 1), password_used=_dt(2026, 2, 2), mfa=False)]
    key.planted(
        "ke-root-no-mfa",
        ["AC-05"],
        "<root_account>",
        "the root user has no MFA and signed in on 2026-02-02",
        match=["root account", "root user", f"={ACCOUNT}", f"arn:aws:iam::{ACCOUNT}:root"],
    )
    for p in staff:
        if p.extra.get("iam"):
            i = p.extra["iam"]
            cred.append(
                v.cred_row(
                    ACCOUNT,
                    p.email.split("@")[0],
                    created=_dt(2022, 2, 1),
                    password=i["password"],
                    password_used=i["used"],
                    mfa=i["mfa"],
                )
            )
    cred.append(
        v.cred_row(
            ACCOUNT,
            "tms-export",
            created=_dt(2024, 1, 3),
            key_rotated=_dt(2026, 10, 21),
            key_used=_dt(2026, 11, 5),
            region="eu-central-1",
        )
    )
    key.fine(
        "ke-key-tms-export", ["AC-12", "AC-13"], "tms-export", "service user owned by Jörg Weiß; key rotated 2026-10-21"
    )
    cred.append(
        v.cred_row(
            ACCOUNT,
            "edi-gateway",
            created=_dt(2023, 3, 1),
            key_rotated=_dt(2025, 8, 1),
            key_used=_dt(2026, 11, 4),
            region="eu-central-1",
        )
    )
    key.planted(
        "ke-key-edi-gateway",
        ["AC-12"],
        "edi-gateway",
        "service user owned by Pavel Neumann in the scope; its access key was last rotated on 01.08.2025, 466 "
        "days before the as-of date (limit 90), and is still in use",
    )
    write_csv(ev / "aws" / "credential-report.csv", v.CRED_REPORT_HEADER, cred, exported=EXPORT)

    # ---------------------------------------------------------------- GitHub
    write_json(ev / "github" / "org.json", v.gh_org(GH), exported=EXPORT)
    write_json(ev / "github" / "tms-main-protection.json", v.gh_protection(GH, "tms"), exported=EXPORT)
    key.fine("ke-protect-tms", ["CHG-03"], f"{GH}/tms", "main protected")
    write_json(ev / "github" / "edi-main-protection.json", v.gh_protection_404(), exported=EXPORT)
    key.planted("ke-protect-edi", ["CHG-03"], f"{GH}/edi", "main of edi is not protected (404)")
    logins = {isb.email: "jweiss", lena.email: "lschroeder", iam_nomfa.email: "pneumann", nobg.email: "yyilmaz"}
    # tms's protection requires an approval (administrators included), so everything merged there was approved
    # first; the pull requests merged without one are in edi, whose main is not protected
    pulls: dict[str, list[dict[str, Any]]] = {"tms": [], "edi": []}
    revs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    prs: list[tuple[str, int, str, datetime, list[tuple[str, str, datetime]]]] = [
        ("tms", 140, "jweiss", _dt(2026, 3, 3), [("pneumann", "APPROVED", _dt(2026, 3, 3, 8))]),
        ("edi", 141, "pneumann", _dt(2026, 5, 19), [("yyilmaz", "COMMENTED", _dt(2026, 5, 19))]),
        ("tms", 142, "yyilmaz", _dt(2026, 8, 25), [("jweiss", "APPROVED", _dt(2026, 8, 25, 8))]),
        ("edi", 143, "pneumann", _dt(2026, 6, 10), [("jweiss", "APPROVED", _dt(2026, 6, 10, 16))]),
        (
            "tms",
            144,
            "jweiss",
            _dt(2026, 7, 14, 13),
            [("yyilmaz", "COMMENTED", _dt(2026, 7, 14, 9)), ("pneumann", "APPROVED", _dt(2026, 7, 14, 11))],
        ),
    ]
    for repo, n, author, merged, reviews in prs:
        pulls[repo].append(
            v.gh_pull(GH, repo, n, author=author, created=merged - days(1), merged=merged, title=f"Änderung {n}")
        )
        revs[(repo, n)] = [v.gh_review(GH, repo, n, reviewer=r, state=st, submitted=t) for r, st, t in reviews]
    for repo, lst in pulls.items():
        write_json(ev / "github" / f"{repo}-pulls.json", lst, exported=EXPORT)
    for (repo, n), r in revs.items():
        write_json(ev / "github" / f"{repo}-pull-{n}-reviews.json", r, exported=EXPORT)
    key.fine("ke-pr-tms-140", ["CHG-02"], f"{GH}/tms#140", "approved before merge")
    key.planted("ke-pr-edi-141", ["CHG-02"], f"{GH}/edi#141", "only a comment, no approval")
    key.fine("ke-pr-tms-142", ["CHG-02"], f"{GH}/tms#142", "approved before merge")
    key.planted(
        "ke-pr-edi-143",
        ["CHG-02"],
        f"{GH}/edi#143",
        "merged at 10:00 UTC on 10.06.2026, approved at 16:00 the same day: after the merge, and not an emergency",
    )
    key.fine(
        "ke-pr-tms-144",
        ["CHG-02"],
        f"{GH}/tms#144",
        "a comment by yyilmaz, then an approval by pneumann two hours before the merge",
    )

    # ---------------------------------------------------------------- Trivy series
    scans = [
        date(2026, 1, 19),
        date(2026, 3, 16),
        date(2026, 5, 11),
        date(2026, 7, 6),
        date(2026, 8, 31),
        date(2026, 10, 26),
    ]
    vulns = [
        ("CVE-2026-51001", "openssl", "CRITICAL", date(2026, 3, 16), date(2026, 5, 11)),
        ("CVE-2026-51002", "gnutls28", "HIGH", date(2026, 5, 11), date(2026, 5, 11)),
        ("CVE-2026-51003", "expat", "HIGH", date(2026, 1, 19), date(2026, 10, 26)),
        ("CVE-2026-51004", "zlib", "CRITICAL", date(2026, 10, 26), date(2026, 10, 26)),
    ]
    key.planted("ke-vuln-openssl", ["OPS-06"], "CVE-2026-51001", "critical from 16.03.2026 to at least 11.05.2026")
    key.fine(
        "ke-vuln-gnutls-bracketed", ["OPS-06"], "CVE-2026-51002", "high, seen 11.05 only, gone 06.07: at most 56 days"
    )
    key.planted("ke-vuln-expat", ["OPS-06"], "CVE-2026-51003", "high, open since 19.01.2026 (295 days)")
    key.fine("ke-vuln-zlib-new", ["OPS-06"], "CVE-2026-51004", "critical, first seen 26.10.2026: 15 days open")
    for s in scans:
        osv = [
            v.trivy_vuln(c, pk, "1.0-1", "1.0-2", sev, f"{pk}: flaw", a - days(5))
            for c, pk, sev, a, b in vulns
            if a <= s <= b
        ]
        write_json(
            ev / "scans" / f"trivy-tms-{s.isoformat()}.json",
            v.trivy_report(f"ghcr.io/{GH}/tms:main", at(s, 5), osv, []),
            exported=at(s, 6),
        )

    # ---------------------------------------------------------------- training (XLSX, day-first text dates)
    write_xlsx(
        ev / "training" / "Schulungsnachweise_2026.xlsx",
        ["Mitarbeiter", "E-Mail", "Kurs", "Abgeschlossen am", "Ergebnis"],
        [
            [p.name, p.email, "Informationssicherheit 2026", de(p.extra["training"]), "bestanden"]
            for p in staff
            if p.extra["training"] and p.term is None
        ],
        sheet="Nachweise",
        title_rows=[["Schulungsnachweise Informationssicherheit"], [f"Stand: {de(EXPORT.date())}"], []],
        exported=EXPORT,
    )
    # ---------------------------------------------------------------- background checks (UTF-8 BOM, semicolon)
    write_csv(
        ev / "records" / "Fuehrungszeugnisse.csv",
        ["Name", "E-Mail", "Art der Prüfung", "Status", "Datum"],
        [
            [p.name, p.email, "Erweitertes Führungszeugnis", p.extra["bg"], de(p.hire - days(20))]
            for p in staff
            if p.extra["bg"] and p.term is None
        ],
        delimiter=";",
        bom=True,
        exported=EXPORT,
    )
    # ---------------------------------------------------------------- access reviews (UTF-8 BOM, semicolon)
    ar = [
        [de(d), sysname, isb.email, 60, "abgeschlossen"]
        for d in (date(2026, 3, 27), date(2026, 6, 26), date(2026, 9, 25))
        for sysname in ("Google Workspace",)
    ]
    ar.append([de(date(2026, 3, 30)), "AWS", isb.email, 5, "abgeschlossen"])
    write_csv(
        ev / "records" / "Zugriffsrezertifizierung.csv",
        ["Datum", "System", "Prüfer", "Anzahl Konten", "Status"],
        ar,
        delimiter=";",
        bom=True,
        exported=EXPORT,
    )
    key.planted(
        "ke-access-review-aws", ["AC-08"], "aws", "AWS reviewed on 30.03.2026 only: Q2 and Q3 missing", match=[ACCOUNT]
    )
    key.fine(
        "ke-access-review-google",
        ["AC-08"],
        "google",
        "Google Workspace reviewed every quarter",
        match=["google workspace"],
    )

    # ---------------------------------------------------------------- vendors (XLSX with title rows, German)
    write_xlsx(
        ev / "vendors" / "Dienstleisterverzeichnis.xlsx",
        [
            "Dienstleister",
            "Leistung",
            "Kritikalität",
            "Personenbezogene Daten",
            "AVV unterzeichnet",
            "Nachweis (SOC 2 / ISO 27001)",
            "Nachweis vom",
            "Letzte Prüfung",
        ],
        [
            ["Hetzner Online GmbH", "Rechenzentrum", "kritisch", "ja", "ja", "ISO 27001", "15.04.2026", "20.04.2026"],
            [
                "Rechenzentrum Nord GmbH",
                "Backup-RZ",
                "kritisch",
                "ja",
                "ja",
                "SOC 2 Typ II",
                "01.06.2025",
                "10.06.2025",
            ],
            ["Mailwerk AG", "Newsletter", "mittel", "ja", "nein", "", "", "02.03.2026"],
            ["sevdesk GmbH", "Buchhaltung", "hoch", "ja", "ja", "ISO 27001", "11.02.2026", "20.02.2026"],
            [
                "Frachtwerk Cloud AG",
                "Sendungsverfolgung",
                "kritisch",
                "ja",
                "ja",
                "SOC 2 Typ II",
                "01.03.2026",
                "",
            ],
            ["Druckerei Nord KG", "Broschüren", "niedrig", "nein", "nein", "", "", "12.01.2026"],
        ],
        sheet="Verzeichnis",
        title_rows=[["Dienstleisterverzeichnis Kestrel Logistik"], []],
        exported=EXPORT,
    )
    key.fine(
        "ke-vendor-hetzner",
        ["VND-03", "VND-04", "VND-05"],
        "Hetzner Online GmbH",
        "ISO 27001 certificate of 15.04.2026, AVV signed, reviewed 20.04.2026",
        match=["Hetzner"],
    )
    key.planted(
        "ke-vendor-rz-nord",
        ["VND-03"],
        "Rechenzentrum Nord GmbH",
        "critical; SOC 2 report of 01.06.2025, older than 12 months",
        match=["Rechenzentrum Nord"],
    )
    key.planted(
        "ke-vendor-rz-nord-review",
        ["VND-05"],
        "Rechenzentrum Nord GmbH",
        "last reviewed 10.06.2025",
        match=["Rechenzentrum Nord"],
    )
    key.planted(
        "ke-vendor-mailwerk", ["VND-04"], "Mailwerk AG", "processes personal data, no AVV (DPA)", match=["Mailwerk"]
    )
    key.planted(
        "ke-vendor-frachtwerk-review",
        ["VND-05"],
        "Frachtwerk Cloud AG",
        "critical vendor with a current SOC 2 report (01.03.2026) that nobody ever reviewed: 'Letzte Prüfung' is empty",
        match=["Frachtwerk"],
    )
    key.fine(
        "ke-vendor-druckerei-low",
        ["VND-03", "VND-04"],
        "Druckerei Nord KG",
        "low tier (niedrig), no personal data: needs neither an assurance report nor an AVV",
        match=["Druckerei Nord"],
    )
    key.fine(
        "ke-vendor-sevdesk",
        ["VND-03", "VND-04", "VND-05"],
        "sevdesk GmbH",
        "ISO 27001 of 11.02.2026, AVV signed",
        match=["sevdesk"],
    )

    # ---------------------------------------------------------------- policies: status and approval in the body
    write_text(
        ev / "policies" / "Informationssicherheitsrichtlinie.md",
        "# Information Security Policy (Informationssicherheitsrichtlinie)\n\n"
        "| | |\n|---|---|\n| Status | Approved |\n| Version | 2.1 |\n| Owner | Jörg Weiß |\n"
        "| Approved by | Dr. Katrin Vogel (CEO), 2 February 2026 |\n| Next review | February 2027 |\n\n"
        "Policies are reviewed at least annually. Access is removed within 24 hours of an employee's last "
        "day. Multi-factor authentication is required on every system.\n",
    )
    key.fine(
        "ke-policy-infosec-md",
        ["GOV-04", "GOV-05"],
        "Information Security Policy",
        "approved on 2 February 2026, stated in the body's table",
        match=["information security", "information_security"],
    )
    write_docx(
        ev / "policies" / "Access_Control_Policy.docx",
        [
            ("Title", "Access Control Policy"),
            "Owner: Jörg Weiß",
            "Access is granted by role, reviewed quarterly and removed within 24 hours of leaving.",
            ("Heading1", "Revision history"),
        ],
        title="Access Control Policy",
        table=[
            ["Version", "Date", "Author", "Change", "Approved by"],
            ["1.0", "10.01.2025", "Jörg Weiß", "First version", "Katrin Vogel"],
            ["1.1", "14.01.2026", "Jörg Weiß", "Annual review", "Katrin Vogel"],
        ],
        exported=EXPORT,
    )
    key.fine(
        "ke-policy-access-docx",
        ["GOV-04", "GOV-05", "AC-01"],
        "Access Control Policy",
        "revision history: reviewed and approved 14.01.2026",
        match=["access control", "access_control"],
    )
    write_docx(
        ev / "policies" / "Change_Management_Policy.docx",
        [
            ("Title", "Change Management Policy"),
            "Status: Draft",
            "Version: 0.4",
            "Owner: Pavel Neumann",
            "Every change to production is reviewed by a second person.",
        ],
        title="Change Management Policy",
        exported=EXPORT,
    )
    key.planted(
        "ke-policy-change-draft",
        ["GOV-04", "CHG-01"],
        "Change Management Policy",
        "the body says 'Status: Draft'",
        match=["change management", "change_management"],
    )
    write_pdf(
        ev / "policies" / "Incident_Response_Plan.pdf",
        [
            "Incident Response Plan",
            "",
            "Version 1.3",
            "Approved by Katrin Vogel on 12 March 2024.",
            "Last reviewed: 12.03.2024",
            "",
            "The plan is tested by a tabletop exercise every year.",
            "Incidents are reviewed within 5 business days.",
        ],
        title="Incident Response Plan",
        exported=EXPORT,
    )
    key.planted(
        "ke-policy-ir-stale",
        ["GOV-05", "GOV-04", "OPS-08"],
        "Incident Response Plan",
        "approved and last reviewed 12.03.2024, over 12 months ago",
        match=["incident response", "incident_response"],
    )
    write_pdf(
        ev / "policies" / "Business_Continuity_Plan.pdf",
        [
            "Business Continuity Plan",
            "",
            "Status: Approved",
            "Approved by Katrin Vogel on 20 January 2026.",
            "RTO 8 hours, RPO 4 hours for the transport management system.",
        ],
        title="Business Continuity Plan",
        exported=EXPORT,
    )
    key.fine(
        "ke-policy-bcp-pdf",
        ["GOV-04", "GOV-05", "AV-04"],
        "Business Continuity Plan",
        "approved 20 January 2026, stated in the body",
        match=["business continuity", "business_continuity"],
    )
    write_text(
        ev / "policies" / "Vendor_Management_Policy.md",
        "# Vendor Management Policy\n\nStatus: In review\nOwner: Otto Keller\n\nCritical vendors provide a "
        "SOC 2 or ISO 27001 report every year.\n",
        encoding="cp1252",
    )
    key.planted(
        "ke-policy-vendor-in-review",
        ["GOV-04", "VND-01"],
        "Vendor Management Policy",
        "'Status: In review': never approved",
        match=["vendor management", "vendor_management"],
    )
    write_docx(
        ev / "policies" / "Datenschutzrichtlinie.docx",
        [
            ("Title", "Datenschutzrichtlinie (Data Protection Policy)"),
            "Status: Freigegeben",
            "Freigegeben von: Dr. Katrin Vogel am 05.02.2026",
            "Nächste Überprüfung: 02/2027",
            "Personenbezogene Daten werden nur für festgelegte Zwecke verarbeitet.",
        ],
        title="Datenschutzrichtlinie",
        exported=EXPORT,
    )
    key.fine(
        "ke-policy-dp-german",
        ["GOV-04", "GOV-05"],
        "Datenschutzrichtlinie",
        "approved ('Freigegeben') on 05.02.2026, in German",
        match=["data protection", "data_protection", "privacy"],
    )

    # ---------------------------------------------------------------- narrative records
    write_docx(
        ev / "records" / "Protokoll_Tabletop_Uebung_2026.docx",
        [
            ("Title", "Protokoll: Tabletop-Übung Ransomware"),
            "Datum: 22.04.2026",
            "Teilnehmende: Katrin Vogel, Jörg Weiß, Pavel Neumann, Otto Keller",
            "Szenario: Verschlüsselung des Lager-Servers.",
            "Ergebnis: Wiederherstellung aus Backup in 5 Stunden; Kontaktliste aktualisiert.",
        ],
        title="Tabletop-Übung 2026",
        exported=EXPORT,
    )
    key.fine(
        "ke-tabletop-docx",
        ["OPS-09"],
        "tabletop exercise",
        "tabletop minutes dated 22.04.2026 with participants",
        match=["incident response test", "tabletop"],
    )
    write_pdf(
        ev / "records" / "Post_Incident_Review_INC-2026-03.pdf",
        [
            "Post-incident review INC-2026-03",
            "",
            "Incident: EDI interface outage, 16.06.2026 07:10-09:40 CEST",
            "Review held: 18.06.2026",
            "Participants: Jörg Weiß, Pavel Neumann",
            "Root cause: expired certificate. Actions: certificate monitoring (done 25.06.2026).",
        ],
        title="Post-incident review INC-2026-03",
        exported=EXPORT,
    )
    key.fine("ke-pir-inc-2026-03", ["OPS-10"], "INC-2026-03", "reviewed two days after the incident")
    write_pdf(
        ev / "records" / "Risikobewertung_2026.pdf",
        [
            "Risikobewertung 2026 / Risk assessment 2026",
            "",
            "Datum: 09.03.2026",
            "Teilnehmende: Katrin Vogel, Jörg Weiß",
            "31 Risiken bewertet (Eintrittswahrscheinlichkeit x Auswirkung); Behandlung je Risiko festgelegt.",
        ],
        title="Risikobewertung 2026",
        exported=EXPORT,
    )
    key.fine("ke-risk-pdf", ["RSK-01"], "risk assessment", "risk assessment memo dated 09.03.2026")

    scope: dict[str, Any] = {
        "version": 1,
        "organisation": {
            "name": "Kestrel Logistik",
            "legal_name": "Kestrel Logistik GmbH",
            "industry": "Logistics software",
            "employees": len([p for p in staff if p.term is None]),
            "description": "Transport management software; offices in Hamburg and Leipzig.",
        },
        "categories": ["security", "confidentiality"],
        "report": {"type": "type2", "period": {"start": P_START.isoformat(), "end": P_END.isoformat()}},
        "systems": [
            {"name": "Google Workspace", "kind": "google", "role": "email", "mfa_required": True},
            {"name": "AWS eu-central-1", "kind": "aws", "role": "cloud", "mfa_required": True},
            {"name": "GitHub", "kind": "github", "role": "source_control", "mfa_required": True},
            {"name": "Personio", "kind": "hr", "role": "hris", "mfa_required": False},
        ],
        "roles": {"security_lead": f"{isb.name} <{isb.email}>"},
        "identity": {"service_accounts": {"tms-export": isb.email, "edi-gateway": iam_nomfa.email}},
        "parsers": {"github": {"emails": {lg: e for e, lg in logins.items()}}},
    }
    scope_time_zone(scope, "Europe/Berlin")
    write_yaml(org / "scope.yaml", scope, header="# Kestrel Logistik: benchmark organisation (generated; do not edit)")
    kp = out / f"{NAME}.key.yaml"
    key.write(kp, as_of=AS_OF, seed=seed, small=small, folder=NAME)
    return kp
