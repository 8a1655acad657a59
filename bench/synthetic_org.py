"""Generate a synthetic organisation's evidence folder in the real export formats, at any size.

Default size (the issue's benchmark): 10,000 people (HR roster, Okta and Google users, IAM credential
report), 100,000 pull requests with reviews, 20,000 vulnerabilities (a series of Trivy reports),
2,000 vendors, and 500 policies and records. Deterministic for a given seed.

    python bench/synthetic_org.py OUT_DIR [--people N] [--pulls N] [--vulns N] [--vendors N] [--docs N]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

DOMAIN = "synthetic.example"
START = date(2026, 1, 1)


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def write_org(out: Path, *, people: int = 10_000, pulls: int = 100_000, vulns: int = 20_000,
              vendors: int = 2_000, docs: int = 500, seed: int = 1) -> dict[str, int]:
    rnd = random.Random(seed)
    ev = out / "evidence"
    for d in ("hr", "identity", "aws", "github", "scans", "vendors", "policies", "records"):
        (ev / d).mkdir(parents=True, exist_ok=True)
    (out / "scope.yaml").write_text(
        f"organisation: {{name: Synthetic Corp, employees: {people}}}\n"
        "categories: [security, availability, confidentiality]\n"
        "report: {type: type2, period: {start: 2026-01-01, end: 2026-12-31}}\n"
        "systems:\n  - {name: Okta, kind: okta}\n  - {name: Google, kind: google}\n"
        "  - {name: AWS, kind: aws}\n  - {name: GitHub, kind: github}\n"
    )
    emails = [f"user{i:05d}@{DOMAIN}" for i in range(people)]
    terminated = set(rnd.sample(range(people), people // 10))

    with (ev / "hr" / "roster.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Employee #", "First Name", "Last Name", "Work Email", "Department", "Job Title",
                    "Hire Date", "Termination Date", "Status"])
        for i, e in enumerate(emails):
            hire = START - timedelta(days=rnd.randint(30, 2000))
            term = START + timedelta(days=rnd.randint(0, 300)) if i in terminated else None
            w.writerow([i, f"First{i}", f"Last{i}", e, rnd.choice(["Eng", "Sales", "Ops", "Finance"]), "Staff",
                        hire.strftime("%m/%d/%Y"), term.strftime("%m/%d/%Y") if term else "",
                        "Inactive" if term else "Active"])

    okta = []
    for i, e in enumerate(emails):
        created = datetime(2024, 1, 1) + timedelta(days=i % 700)
        status = "DEPROVISIONED" if i in terminated and rnd.random() < 0.8 else "ACTIVE"
        changed = created + timedelta(days=rnd.randint(1, 800))
        okta.append({"id": f"00u{i:08d}", "status": status, "created": _iso(created), "activated": _iso(created),
                     "statusChanged": _iso(changed), "lastLogin": _iso(changed), "lastUpdated": _iso(changed),
                     "passwordChanged": _iso(created), "type": {"id": "oty1"},
                     "profile": {"login": e, "email": e, "firstName": f"First{i}", "lastName": f"Last{i}"}})
    (ev / "identity" / "okta-users.json").write_text(json.dumps(okta))

    gusers = [{"kind": "admin#directory#user", "id": str(10**20 + i), "primaryEmail": e,
               "name": {"fullName": f"First{i} Last{i}"}, "isAdmin": i % 200 == 0, "isDelegatedAdmin": False,
               "suspended": i in terminated and rnd.random() < 0.9, "archived": False,
               "isEnrolledIn2Sv": rnd.random() < 0.95, "isEnforcedIn2Sv": False,
               "creationTime": "2024-01-01T00:00:00.000Z", "lastLoginTime": "2026-10-01T00:00:00.000Z",
               "orgUnitPath": "/"} for i, e in enumerate(emails)]
    (ev / "identity" / "google-users.json").write_text(json.dumps({"kind": "admin#directory#users",
                                                                    "users": gusers}))

    header = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
              "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
              "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
              "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
              "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
              "cert_2_active,cert_2_last_rotated")
    lines = [header, "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,"
             "2026-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,"
             "N/A,false,N/A,false,N/A"]
    for e in emails[: people // 5]:
        key = rnd.random() < 0.3
        rot = f"2025-{rnd.randint(1, 12):02d}-01T00:00:00+00:00" if key else "N/A"
        lines.append(f"{e},arn:aws:iam::123456789012:user/{e},2024-01-01T00:00:00+00:00,true,"
                     f"2026-10-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,N/A,{str(rnd.random() < 0.9).lower()},"
                     f"{str(key).lower()},{rot},N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
    (ev / "aws" / "credential-report.csv").write_text("\n".join(lines) + "\n")

    logins = [f"dev{i:04d}" for i in range(max(10, people // 20))]
    repos = [f"synthetic/repo{r:02d}" for r in range(20)]
    per_repo = pulls // len(repos)
    n = 0
    for repo in repos:
        items = []
        for _ in range(per_repo):
            n += 1
            created = datetime(2026, 1, 1) + timedelta(minutes=n * 4)
            merged = created + timedelta(hours=5)
            author = rnd.choice(logins)
            reviews = []
            if rnd.random() < 0.97:
                reviewer = rnd.choice(logins)
                reviews.append({"user": {"login": reviewer}, "state": "APPROVED", "submitted_at": _iso(merged),
                                "commit_id": "a" * 40, "pull_request_url": f"https://api.github.com/repos/{repo}/pulls/{n}"})
            items.append({"url": f"https://api.github.com/repos/{repo}/pulls/{n}", "number": n, "state": "closed",
                          "title": f"Change {n}", "user": {"login": author}, "created_at": _iso(created),
                          "merged_at": _iso(merged), "base": {"ref": "main", "repo": {"full_name": repo}},
                          "html_url": f"https://github.com/{repo}/pull/{n}", "labels": [], "reviews": reviews})
        (ev / "github" / f"{repo.split('/')[1]}-pulls.json").write_text(json.dumps(
            {"trustgap_github": "pulls_with_reviews", "repository": repo, "pulls": items}))

    scans = 4
    per_scan = vulns // scans
    sev = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
    for s in range(scans):
        when = datetime(2026, 2, 1) + timedelta(days=90 * s)
        vs = [{"VulnerabilityID": f"CVE-2026-{(s * per_scan // 2 + k):05d}", "PkgName": f"pkg{k % 500}",
               "InstalledVersion": "1.0", "FixedVersion": "1.1", "Severity": sev[k % 4], "Title": "t"}
              for k in range(per_scan)]
        (ev / "scans" / f"trivy-{s}.json").write_text(json.dumps({
            "SchemaVersion": 2, "CreatedAt": _iso(when), "ArtifactName": "synthetic/app:main",
            "ArtifactType": "container_image", "Results": [{"Target": "app", "Class": "lang-pkgs", "Type": "pip",
                                                            "Vulnerabilities": vs}]}))

    with (ev / "vendors" / "vendors.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Vendor Name", "Service", "Data Access", "Risk Tier", "SOC 2 Report Date", "DPA Signed",
                    "Last Review Date", "Processes Customer Data"])
        for v in range(vendors):
            w.writerow([f"Vendor {v}", "SaaS", "customer data" if v % 3 == 0 else "none",
                        rnd.choice(["Critical", "High", "Medium", "Low"]),
                        f"2026-{rnd.randint(1, 10):02d}-01" if rnd.random() < 0.8 else "",
                        rnd.choice(["Yes", "No"]), f"2026-{rnd.randint(1, 10):02d}-15",
                        "Yes" if v % 3 == 0 else "No"])

    keys = ["information_security", "access_control", "change_management", "incident_response",
            "vendor_management", "data_classification", "business_continuity", "encryption"]
    for d in range(docs // 2):
        k = keys[d % len(keys)]
        (ev / "policies" / f"policy-{d:03d}.md").write_text(
            f"---\ntitle: {k.replace('_', ' ').title()} Policy {d}\npolicy: {k}\nowner: Security\n"
            f"version: '1.{d}'\napproved_on: 2026-0{1 + d % 9}-01\nlast_reviewed: 2026-0{1 + d % 9}-01\n---\n"
            f"# Policy {d}\n\nUser access is reviewed quarterly. Access is revoked within 24 hours of termination.\n")
    with (ev / "records" / "access-reviews.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["record_type", "date", "system", "reviewer", "users_reviewed"])
        for r in range(docs // 2):
            w.writerow(["access_review", (START + timedelta(days=r % 300)).isoformat(), f"system{r % 10}",
                        "security@" + DOMAIN, rnd.randint(10, 500)])
    return {"people": people, "pulls": per_repo * len(repos), "vulns": per_scan * scans, "vendors": vendors,
            "docs": docs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--pulls", type=int, default=100_000)
    ap.add_argument("--vulns", type=int, default=20_000)
    ap.add_argument("--vendors", type=int, default=2_000)
    ap.add_argument("--docs", type=int, default=500)
    a = ap.parse_args()
    print(write_org(a.out, people=a.people, pulls=a.pulls, vulns=a.vulns, vendors=a.vendors, docs=a.docs))


if __name__ == "__main__":
    main()
