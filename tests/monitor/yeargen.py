"""A generated year of an organisation's evidence, day by day, with planted lapses (the plan).

"Yearly Ltd" has eight staff in an HR roster (BambooHR's export columns), Google Workspace accounts
(Directory API ``users.list`` shape: ``isEnrolledIn2Sv``, ``isEnforcedIn2Sv``, ``isAdmin``, ...), an AWS
IAM credential report (its documented 22 columns) and access-review records. Each day's evidence folder
is what an export taken that morning would hold. The plan plants, against the audit period 2026-04-01 ..
2026-09-30:

- MFA lapses (AC-04, deadline 3 days from ``monitor.controls``): outside the period (alice in February, erin
  in October), straddling the start (frank, 5 days: late; gina, 3 days: in time), inside (bob, 2 days: in
  time; carol, 14 days: late, across a day whose Google export is broken), and one still open at the end
  (dave, from 2026-09-25);
- an account nobody in HR owns (AC-13, deadline 30 days) for 19 days in August: in time;
- no AWS credential report from 2026-07-10 to 2026-07-31: a 22-day hole for the root-MFA check (AC-05);
- access reviews in Q1, Q2 (on the period's first day) and Q4 but none in Q3 (AC-08, for both systems: a
  missed quarter is a deviation the day it ends, by both of the control's review checks).

A lapse is written as [first failing day, day the fix is seen): the entity fails on the first day and is
fixed on the second.

Everyone signs in at least once a week: the exports show each person's (and the AWS user's) last sign-in as
the Sunday before the export, so on most mornings the folder holds the same files as the day before (as a
real organisation's daily exports often do), and only the planted changes and the weekly sign-ins differ.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DOMAIN = "yearly.example"
STAFF = ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "hugo"]
PERIOD = (date(2026, 4, 1), date(2026, 9, 30))
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@dataclass(frozen=True)
class Planted:
    control: str
    entity: str
    start: date
    fixed: date | None  # None: never fixed within the year
    expected: str  # outside | remediated_in_time | deviation_remediated_late | deviation_open


MFA_LAPSES = [
    Planted("AC-04", "alice", date(2026, 2, 1), date(2026, 2, 20), "outside"),
    Planted("AC-04", "frank", date(2026, 3, 28), date(2026, 4, 2), "deviation_remediated_late"),
    Planted("AC-04", "gina", date(2026, 3, 30), date(2026, 4, 2), "remediated_in_time"),
    Planted("AC-04", "bob", date(2026, 5, 10), date(2026, 5, 12), "remediated_in_time"),
    Planted("AC-04", "carol", date(2026, 6, 1), date(2026, 6, 15), "deviation_remediated_late"),
    Planted("AC-04", "dave", date(2026, 9, 25), date(2026, 11, 10), "deviation_open"),
    Planted("AC-04", "erin", date(2026, 10, 15), date(2026, 10, 20), "outside"),
]
ORPHAN = Planted("AC-13", "old-contractor", date(2026, 8, 1), date(2026, 8, 20), "remediated_in_time")
AWS_MISSING = (date(2026, 7, 10), date(2026, 7, 31))  # inclusive
GOOGLE_BROKEN = date(2026, 6, 5)
REVIEWS = [date(2026, 3, 20), date(2026, 4, 1), date(2026, 12, 8)]  # none in Q3

SCOPE = f"""\
organisation: {{name: Yearly Ltd}}
report:
  type: type2
  period: {{start: {PERIOD[0]}, end: {PERIOD[1]}}}
  target_audit_date: 2026-11-15
systems:
  - {{name: Google Workspace, kind: google, role: idp}}
  - {{name: AWS, kind: aws, role: cloud}}
  - {{name: BambooHR, kind: hr, role: hris, mfa_required: false}}
monitor:
  schedules:
    - {{name: daily, cron: "0 6 * * *", collect: [files]}}
  controls: {{AC-04: 3, AC-13: 30}}
"""


def email(who: str) -> str:
    return f"{who}@{DOMAIN}"


def last_sign_in(day: date) -> date:
    """The Sunday before ``day`` (a week before, when ``day`` is a Sunday)."""
    return day - timedelta(days=day.weekday() + 1)


def failing(p: Planted, day: date) -> bool:
    return p.start <= day and (p.fixed is None or day < p.fixed)


def roster() -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Employee #", "First Name", "Last Name", "Work Email", "Department", "Job Title",
                "Employment Status", "Hire Date", "Termination Date", "Status"])
    for i, who in enumerate(STAFF):
        w.writerow([100 + i, who.title(), "Example", email(who), "Engineering", "Engineer", "Full-Time",
                    "01/15/2024", "", "Active"])
    return out.getvalue()


def google_users(day: date) -> str:
    users = []
    names = list(STAFF) + (["old-contractor"] if failing(ORPHAN, day) else [])
    for i, who in enumerate(names):
        enrolled = not any(p.entity == who and failing(p, day) for p in MFA_LAPSES)
        users.append({
            "kind": "admin#directory#user", "id": str(200000000000000000000 + i), "primaryEmail": email(who),
            "name": {"givenName": who.title(), "familyName": "Example", "fullName": f"{who.title()} Example"},
            "isAdmin": False, "isDelegatedAdmin": False,
            "lastLoginTime": f"{last_sign_in(day)}T08:00:00.000Z", "creationTime": "2024-01-15T09:00:00.000Z",
            "suspended": False, "archived": False, "isEnrolledIn2Sv": enrolled, "isEnforcedIn2Sv": True,
            "orgUnitPath": "/Staff", "customerId": "C0yearly1",
        })
    return json.dumps({"kind": "admin#directory#users", "users": users}, indent=1)


CRED_HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
               "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
               "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
               "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
               "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
               "cert_2_active,cert_2_last_rotated")


def credential_report(day: date) -> str:
    used = f"{last_sign_in(day)}T09:00:00+00:00"
    rows = [
        f"<root_account>,arn:aws:iam::111122223333:root,2024-01-01T10:00:00+00:00,not_supported,{used},"
        "not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        f"{email('hugo')},arn:aws:iam::111122223333:user/{email('hugo')},2024-01-16T10:00:00+00:00,true,{used},"
        "2026-01-02T10:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    ]
    return CRED_HEADER + "\n" + "\n".join(rows) + "\n"


def access_reviews(day: date) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Description", "Review Date", "System", "Reviewer", "Users Reviewed", "Access Removed", "Ticket",
                "Notes"])
    for d in REVIEWS:
        if d <= day:
            for system in ("Google Workspace", "AWS"):
                w.writerow([f"Q{(d.month - 1) // 3 + 1} {d.year} access review", d.isoformat(), system,
                            "Hugo Example", 8, 0, f"SEC-{d.month}", "all confirmed by managers"])
    return out.getvalue()


def write_day(folder: Path, day: date) -> None:
    """The organisation folder as it stands on the morning of ``day``."""
    ev = folder / "evidence"
    for sub in ("hr", "identity", "aws", "records"):
        (ev / sub).mkdir(parents=True, exist_ok=True)
    (folder / "scope.yaml").write_text(SCOPE)
    (ev / "hr" / "bamboohr-employees.csv").write_text(roster())
    google = ev / "identity" / "google-users.json"
    google.write_text('{"kind": "admin#directory#users", "users": [' if day == GOOGLE_BROKEN else google_users(day))
    cred = ev / "aws" / "credential-report.csv"
    if AWS_MISSING[0] <= day <= AWS_MISSING[1]:
        cred.unlink(missing_ok=True)
    else:
        cred.write_text(credential_report(day))
    (ev / "records" / "access-reviews.csv").write_text(access_reviews(day))


def days(start: date = YEAR[0], end: date = YEAR[1], step: int = 1) -> list[date]:
    return [start + timedelta(days=i) for i in range(0, (end - start).days + 1, step)]


def changes() -> set[date]:
    """The days on which a planted change starts or ends (a lapse, the broken export, the missing AWS report,
    a review)."""
    out = {GOOGLE_BROKEN, GOOGLE_BROKEN + timedelta(days=1), AWS_MISSING[0], AWS_MISSING[1] + timedelta(days=1),
           *REVIEWS}
    for p in [*MFA_LAPSES, ORPHAN]:
        out |= {p.start} | ({p.fixed} if p.fixed else set())
    return out


def sampled_days(margin: int = 7) -> list[date]:
    """The year as the audit period sees it: every day from ``margin`` days before the period to ``margin``
    days after it; outside that window every Thursday, plus each day a planted change starts or ends and the
    day before it. Holes are judged inside the period only, so the period reads exactly what the daily year
    gives it; the months around it keep every planted event (the lapses before and after the period)."""
    window = set(days(PERIOD[0] - timedelta(days=margin), PERIOD[1] + timedelta(days=margin)))
    weekly = {d for d in days() if d.weekday() == 3}
    edges = {d - timedelta(days=k) for d in changes() for k in (0, 1)}
    return sorted(d for d in window | weekly | edges | {YEAR[0], YEAR[1]} if YEAR[0] <= d <= YEAR[1])
