"""Lumen Care: a health-records SaaS in scope for all five Trust Services categories, Type II, with evidence
for each: availability (UptimeRobot getMonitors with logs and monthly uptime, Atlassian Statuspage
incidents, backup restore tests with RTO/RPO, a DR test report), processing integrity (reconciliation log,
Apache Airflow DAG runs with failures and re-runs, rejected inputs, a processing specification),
confidentiality (retention schedule, deletion job runs, disposal at contract end) and privacy (DSR log,
records of processing, privacy notice, breach assessments, processors with DPA/BAA).
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.accuracy.kit import (
    AnswerKey,
    People,
    at,
    days,
    iso_s,
    scope_time_zone,
    write_csv,
    write_json,
    write_text,
    write_yaml,
)

NAME = "lumen"
SEED = 37
AS_OF = date(2026, 10, 31)
P_START, P_END = date(2026, 1, 1), date(2026, 9, 30)
DOMAIN = "lumencare.example"
EXPORT = at(date(2026, 10, 28), 10)


def _dt(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return at(date(y, m, d), h, mi)


def _unix(dt: datetime) -> int:
    return int(dt.timestamp())


def generate(out: Path, *, small: bool = False, seed: int = SEED) -> Path:
    rnd = random.Random(seed)
    org = out / NAME
    ev = org / "evidence"
    key = AnswerKey(NAME)
    ppl = People(rnd, DOMAIN)
    sec = ppl.new(first="Amelie", last="Duarte", hire=date(2021, 3, 1), department="Security", title="CISO")
    dpo = ppl.new(first="Cyrus", last="Lopes", hire=date(2022, 1, 10), department="Legal", title="DPO")
    ops = ppl.new(first="Nadia", last="Gallo", hire=date(2020, 6, 1), department="Engineering", title="SRE Lead")
    data = ppl.new(first="Bilal", last="Young", hire=date(2023, 2, 6), department="Data", title="Data Engineer")

    # ---------------------------------------------------------------- availability: UptimeRobot
    # getMonitors (API v2, POST https://api.uptimerobot.com/v2/getMonitors with logs=1 and
    # custom_uptime_ranges=...): https://uptimerobot.com/api/ (monitor: id, friendly_name, url, type, interval,
    # status 0 paused / 1 not checked yet / 2 up / 8 seems down / 9 down; logs[]: type 1 down, 2 up, 98 started,
    # 99 paused, datetime, duration, reason; custom_uptime_ranges: ratios joined by "-").
    months = [(date(2026, m, 1), date(2026, m + 1, 1)) for m in range(1, 10)]
    ranges = "-".join(f"{_unix(at(a, 0))}_{_unix(at(b, 0)) - 1}" for a, b in months)

    def monitor(
        mid: int, name: str, url: str, status: int, ratios: list[float], logs: list[dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "id": mid,
            "friendly_name": name,
            "url": url,
            "type": 1,
            "sub_type": "",
            "keyword_type": None,
            "keyword_case_type": None,
            "keyword_value": "",
            "http_username": "",
            "http_password": "",
            "port": "",
            "interval": 60,
            "timeout": 30,
            "status": status,
            "create_datetime": _unix(_dt(2024, 5, 2)),
            "logs": logs,
            "custom_uptime_ranges": "-".join(f"{r:.3f}" for r in ratios),
        }

    down = {"type": 1, "reason": {"code": "503", "detail": "Service Unavailable"}}
    mons = [
        monitor(
            777001,
            "Lumen API",
            "https://api.lumencare.example/health",
            2,
            [99.99, 99.98, 99.97, 99.99, 99.95, 99.412, 99.96, 99.99, 99.98],
            [
                {"id": 9001, **down, "datetime": _unix(_dt(2026, 6, 17, 3)), "duration": 15240},
                {
                    "id": 9002,
                    "type": 2,
                    "datetime": _unix(_dt(2026, 6, 17, 7, 14)),
                    "duration": 1200000,
                    "reason": {"code": "200", "detail": "OK"},
                },
            ],
        ),
        monitor(
            777002,
            "Lumen Web",
            "https://app.lumencare.example/",
            2,
            [99.99, 99.99, 99.98, 99.99, 99.97, 99.99, 99.96, 99.99, 99.99],
            [],
        ),
        monitor(
            777003,
            "Lumen Webhooks",
            "https://hooks.lumencare.example/ping",
            0,
            [99.99, 99.99, 99.98, 99.99, 99.99, 99.99, 99.97, 0.0, 0.0],
            [
                {
                    "id": 9003,
                    "type": 99,
                    "datetime": _unix(_dt(2026, 7, 29, 16)),
                    "duration": 8000000,
                    "reason": {"code": "", "detail": "paused by user"},
                }
            ],
        ),
    ]
    write_json(
        ev / "availability" / "uptimerobot-getmonitors.json",
        {
            "stat": "ok",
            "pagination": {"offset": 0, "limit": 50, "total": len(mons)},
            "monitors": mons,
            "request": {"custom_uptime_ranges": ranges, "logs": 1},
        },
        exported=EXPORT,
    )
    key.planted(
        "lu-uptime-api-june",
        ["AV-07"],
        "Lumen API",
        "June 2026 uptime 99.412% against the 99.9% SLA (a 4 h 14 min outage on 2026-06-17)",
        criteria=["A1.1"],
        match=["api.lumencare.example"],
    )
    key.fine(
        "lu-uptime-web",
        ["AV-07"],
        "Lumen Web",
        "every month at or above 99.96%",
        criteria=["A1.1"],
        match=["app.lumencare.example"],
    )
    key.planted(
        "lu-monitor-webhooks-paused",
        ["AV-07"],
        "Lumen Webhooks",
        "monitor paused since 2026-07-29 on an in-scope endpoint",
        criteria=["A1.1"],
        match=["hooks.lumencare.example"],
    )

    # Atlassian Statuspage: GET /v1/pages/{page_id}/incidents
    # https://developer.statuspage.io/#operation/getPagesPageIdIncidents
    def sp(
        iid: str, name: str, impact: str, start: datetime, resolved: datetime, postmortem: datetime | None
    ) -> dict[str, Any]:
        return {
            "id": iid,
            "name": name,
            "status": "resolved",
            "impact": impact,
            "page_id": "lmn0p4g3id",
            "created_at": iso_s(start),
            "updated_at": iso_s(postmortem or resolved),
            "started_at": iso_s(start),
            "monitoring_at": iso_s(resolved - days(0)),
            "resolved_at": iso_s(resolved),
            "shortlink": f"https://stspg.io/{iid[:6]}",
            "scheduled_for": None,
            "scheduled_until": None,
            "postmortem_body": "Root cause and actions: see review." if postmortem else None,
            "postmortem_published_at": iso_s(postmortem) if postmortem else None,
            "postmortem_notified_subscribers": bool(postmortem),
            "incident_updates": [
                {
                    "id": iid + "u1",
                    "status": "investigating",
                    "body": "We are investigating.",
                    "created_at": iso_s(start),
                    "display_at": iso_s(start),
                },
                {
                    "id": iid + "u2",
                    "status": "resolved",
                    "body": "Resolved.",
                    "created_at": iso_s(resolved),
                    "display_at": iso_s(resolved),
                },
            ],
            "components": [{"id": "cmp1", "name": "API", "status": "operational"}],
        }

    write_json(
        ev / "availability" / "statuspage-incidents.json",
        [
            sp("k7l8m9n0p1q2", "API outage", "major", _dt(2026, 6, 17, 3), _dt(2026, 6, 17, 7, 14), None),
            sp(
                "a1b2c3d4e5f6",
                "Degraded document uploads",
                "major",
                _dt(2026, 3, 9, 14),
                _dt(2026, 3, 9, 16),
                _dt(2026, 3, 12, 10),
            ),
            sp("z9y8x7w6v5u4", "Slow search", "minor", _dt(2026, 8, 20, 9), _dt(2026, 8, 20, 10), None),
            sp(
                "m3n4b5v6c7x8",
                "Login failures",
                "major",
                _dt(2026, 8, 3, 7),
                _dt(2026, 8, 3, 9, 30),
                _dt(2026, 8, 14, 15),
            ),
        ],
        exported=EXPORT,
    )
    key.planted(
        "lu-incident-api-outage-no-pir",
        ["OPS-10"],
        "API outage",
        "major incident on 2026-06-17 with no post-incident review published",
        criteria=["A1.1"],
        match=["k7l8m9n0p1q2"],
    )
    key.fine(
        "lu-incident-uploads-pir",
        ["OPS-10"],
        "Degraded document uploads",
        "major incident with its postmortem published 3 days later",
        match=["a1b2c3d4e5f6"],
    )
    key.planted(
        "lu-incident-login-late-pir",
        ["OPS-10"],
        "Login failures",
        "major incident on Monday 2026-08-03; its postmortem was published on 2026-08-14, nine business days "
        "later (the policy says five): a review exists, but late",
        criteria=["A1.1"],
        match=["m3n4b5v6c7x8"],
    )
    key.fine(
        "lu-incident-search-minor",
        ["OPS-10"],
        "Slow search",
        "minor incident: no review required",
        match=["z9y8x7w6v5u4"],
    )

    write_csv(
        ev / "availability" / "backup-restore-tests.csv",
        [
            "Test Date",
            "System",
            "Tier",
            "Backup Source",
            "RTO Target (h)",
            "RTO Achieved (h)",
            "RPO Target (h)",
            "RPO Achieved (h)",
            "Result",
            "Tested By",
        ],
        [
            ["2026-03-18", "claims-db", "1", "AWS Backup snapshot", 4, 1.5, 1, 0.25, "Pass", ops.email],
            ["2026-06-16", "claims-db", "1", "AWS Backup snapshot", 4, 1.7, 1, 0.25, "Pass", ops.email],
            ["2026-09-15", "claims-db", "1", "AWS Backup snapshot", 4, 1.4, 1, 0.25, "Pass", ops.email],
            ["2026-03-19", "billing-db", "1", "pg_dump to S3", 4, 6.2, 1, 0.5, "Pass", ops.email],
            ["2026-06-17", "billing-db", "1", "pg_dump to S3", 4, 3.1, 1, 0.5, "Pass", ops.email],
            ["2026-09-16", "billing-db", "1", "pg_dump to S3", 4, 2.9, 1, 0.5, "Pass", ops.email],
            ["2026-02-24", "documents-bucket", "2", "S3 replication", 24, 8, 24, 1, "Pass", ops.email],
        ],
        exported=EXPORT,
    )
    key.fine("lu-restore-claims-db", ["AV-03"], "claims-db", "restored every quarter within RTO and RPO")
    key.planted(
        "lu-restore-billing-db-rto",
        ["AV-03"],
        "billing-db",
        "the Q1 restore took 6.2 h against an RTO of 4 h (recorded as Pass)",
    )
    key.planted(
        "lu-restore-documents-q2q3",
        ["AV-03"],
        "documents-bucket",
        "restore tested in Q1 only; none in Q2 or Q3 (quarterly)",
    )
    write_text(
        ev / "availability" / "dr-test-report-2025.md",
        "---\ntitle: Disaster Recovery Test Report 2025\ndate: 2025-09-09\nowner: Nadia Gallo\n---\n\n"
        "# Disaster Recovery Test Report 2025\n\nDate of test: 9 September 2025\n\nParticipants: Nadia Gallo, "
        "Amelie Duarte, Bilal Young\n\nScenario: loss of us-east-1; failover to us-west-2.\n\nOutcome: "
        "services restored in 3 h 20 min (RTO 4 h); data loss 10 min (RPO 1 h). Passed.\n",
    )
    key.planted(
        "lu-dr-test-stale",
        ["AV-05"],
        "disaster recovery test",
        "last DR test on 2025-09-09, none in the 2026 audit period",
        match=["dr test", "disaster recovery"],
    )

    # ---------------------------------------------------------------- processing integrity
    recon = [
        ["RC-0114", "2026-01-14", "claims", 120433, 120433, 0, "", "Matched"],
        ["RC-0714", "2026-07-14", "claims", 131207, 131188, 19, "2026-07-24", "Resolved"],
        ["RC-0802", "2026-08-02", "payments", 88410, 88402, 8, "2026-08-03", "Resolved"],
        ["RC-0911", "2026-09-11", "claims", 133950, 133921, 29, "", "Open"],
        ["RC-0918", "2026-09-18", "payments", 91207, 91199, 8, "2026-09-22", "Resolved"],
    ]
    for i in range(6 if small else 40):
        d = P_START + days(5 + i * 6)
        recon.append(
            [f"RC-A{i:03d}", d.isoformat(), ("claims", "payments")[i % 2], 90000 + i, 90000 + i, 0, "", "Matched"]
        )
    write_csv(
        ev / "processing" / "reconciliation-log.csv",
        ["Run ID", "Run Date", "Dataset", "Source Count", "Target Count", "Variance", "Resolved On", "Status"],
        recon,
        exported=EXPORT,
    )
    key.planted(
        "lu-recon-0714", ["PI-04"], "RC-0714", "variance of 19 records resolved after 8 business days (target 2)"
    )
    key.planted("lu-recon-0911", ["PI-04"], "RC-0911", "variance of 29 records still open seven weeks later")
    key.fine("lu-recon-0802", ["PI-04"], "RC-0802", "variance resolved the next day")
    key.fine(
        "lu-recon-0918-weekend",
        ["PI-04"],
        "RC-0918",
        "variance found on Friday 2026-09-18, resolved on Tuesday 2026-09-22: four calendar days, two business days "
        "(the target is 2 business days)",
    )
    key.fine("lu-recon-0114", ["PI-04"], "RC-0114", "no variance")

    # Apache Airflow REST API, GET /api/v1/dags/~/dagRuns:
    # https://airflow.apache.org/docs/apache-airflow/stable/stable-rest-api-ref.html#operation/get_dag_runs
    def run(
        dag: str,
        rid: str,
        state: str,
        start: datetime,
        end: datetime,
        run_type: str,
        conf: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return {
            "dag_id": dag,
            "dag_run_id": rid,
            "logical_date": iso_s(start),
            "execution_date": iso_s(start),
            "start_date": iso_s(start),
            "end_date": iso_s(end),
            "data_interval_start": iso_s(start - days(1)),
            "data_interval_end": iso_s(start),
            "last_scheduling_decision": iso_s(end),
            "run_type": run_type,
            "state": state,
            "external_trigger": run_type == "manual",
            "conf": conf or {},
            "note": None,
        }

    runs = [
        run(
            "nightly_claims_load",
            "scheduled__2026-08-03T02:00:00+00:00",
            "failed",
            _dt(2026, 8, 3, 2),
            _dt(2026, 8, 3, 2, 40),
            "scheduled",
        ),
        run(
            "nightly_claims_load",
            "manual__2026-08-05T09:12:00+00:00",
            "success",
            _dt(2026, 8, 5, 9, 12),
            _dt(2026, 8, 5, 10),
            "manual",
            {"rerun_of": "scheduled__2026-08-03T02:00:00+00:00"},
        ),
        run(
            "nightly_claims_load",
            "scheduled__2026-09-10T02:00:00+00:00",
            "failed",
            _dt(2026, 9, 10, 2),
            _dt(2026, 9, 10, 2, 30),
            "scheduled",
        ),
        run(
            "nightly_claims_load",
            "manual__2026-09-10T06:05:00+00:00",
            "success",
            _dt(2026, 9, 10, 6, 5),
            _dt(2026, 9, 10, 7),
            "manual",
            {"rerun_of": "scheduled__2026-09-10T02:00:00+00:00"},
        ),
        run(
            "eligibility_sync",
            "scheduled__2026-09-21T04:00:00+00:00",
            "failed",
            _dt(2026, 9, 21, 4),
            _dt(2026, 9, 21, 4, 10),
            "scheduled",
        ),
    ]
    for i in range(6 if small else 60):
        d = at(P_START + days(i * 4), 2)
        runs.append(
            run(
                ("nightly_claims_load", "eligibility_sync")[i % 2],
                f"scheduled__{iso_s(d)[:-1]}+00:00",
                "success",
                d,
                d + days(0) + (at(d.date(), 3) - at(d.date(), 2)),
                "scheduled",
            )
        )
    write_json(
        ev / "processing" / "airflow-dag-runs.json", {"dag_runs": runs, "total_entries": len(runs)}, exported=EXPORT
    )
    key.planted(
        "lu-job-claims-0803",
        ["PI-03"],
        "scheduled__2026-08-03T02:00:00+00:00",
        "nightly_claims_load failed 2026-08-03 02:40 UTC and was re-run 54 hours later (target 24 h)",
    )
    key.planted(
        "lu-job-eligibility-0921",
        ["PI-03"],
        "scheduled__2026-09-21T04:00:00+00:00",
        "eligibility_sync failed on 2026-09-21 and was never re-run",
    )
    key.fine(
        "lu-job-claims-0910",
        ["PI-03"],
        "scheduled__2026-09-10T02:00:00+00:00",
        "failed, re-run 3.5 hours later with success",
    )
    write_csv(
        ev / "processing" / "rejected-inputs.csv",
        ["Rejection ID", "Received", "Source", "Reason", "Corrected On", "Corrected By"],
        [
            ["RJ-1042", "2026-06-02", "SFTP clinic feed", "invalid member id", "2026-06-19", data.email],
            ["RJ-1050", "2026-06-10", "API", "missing diagnosis code", "2026-06-12", data.email],
            ["RJ-1077", "2026-08-12", "SFTP clinic feed", "duplicate claim", "", ""],
            ["RJ-1081", "2026-09-01", "API", "date out of range", "2026-09-03", data.email],
        ],
        exported=EXPORT,
    )
    key.planted("lu-reject-1042", ["PI-02", "PI-03"], "RJ-1042", "corrected after 13 business days (target 5)")
    key.planted("lu-reject-1077", ["PI-02", "PI-03"], "RJ-1077", "never corrected (received 2026-08-12)")
    key.fine("lu-reject-1050", ["PI-02", "PI-03"], "RJ-1050", "corrected in 2 days")
    key.fine("lu-reject-1081", ["PI-02", "PI-03"], "RJ-1081", "corrected in 2 days")

    def doc(path: str, title: str, body: str, approved: str = "2026-02-02") -> None:
        write_text(
            ev / path,
            f"---\ntitle: {title}\nowner: {sec.name}\nversion: '1.2'\nstatus: Approved\n"
            f"approved_on: {approved}\napproved_by: Executive team\nlast_reviewed: {approved}\n---\n\n# {title}\n\n"
            f"{body}\n",
        )

    doc(
        "processing/claims-processing-specification.md",
        "Claims Processing Specification",
        "Inputs: clinic claim files (X12 837) and API submissions. Validation: member id, diagnosis codes, dates. "
        "Outputs: adjudicated claims reconciled daily against the source counts. Variances are resolved within 2 "
        "business days; failed scheduled jobs are re-run within 24 hours; rejected inputs are corrected within 5 "
        "business days.",
    )
    key.fine(
        "lu-processing-spec",
        ["PI-01"],
        "processing specification",
        "approved Claims Processing Specification (2026-02-02)",
        match=["claims processing specification"],
    )

    # ---------------------------------------------------------------- confidentiality
    doc(
        "confidentiality/data-retention-schedule.md",
        "Data Retention Schedule",
        "| Data class | Retention | Disposal |\n|---|---|---|\n| Claims records | 7 years | purge job |\n"
        "| Support tickets | 2 years | purge-support-tickets job |\n| Application logs | 400 days | purge-app-logs "
        "job |\n\nCustomer data is deleted within 30 days of contract end.",
    )
    key.fine(
        "lu-retention-schedule",
        ["CNF-03"],
        "data retention schedule",
        "retention per data class, approved",
        match=["data retention", "retention schedule"],
    )
    jobs = []
    for i in range(0, 300, 1):
        d = P_START + days(i)
        if d > P_END:
            break
        jobs.append(["purge-app-logs", d.isoformat(), "success", 1000 + i])
        if d.day == 1:
            jobs.append(["purge-support-tickets", d.isoformat(), "success" if d < date(2026, 4, 1) else "failed", 0])
    if small:
        jobs = [j for j in jobs if j[0] == "purge-support-tickets" or j[1].endswith("-15")]
    write_csv(
        ev / "confidentiality" / "deletion-job-runs.csv",
        ["Job", "Run Date", "Status", "Records Deleted"],
        jobs,
        exported=EXPORT,
    )
    key.planted(
        "lu-deletion-support-tickets",
        ["CNF-03"],
        "purge-support-tickets",
        "the monthly purge has failed every run since 2026-04-01: tickets are kept past their 2 years",
        criteria=["C1.2"],
    )
    key.fine("lu-deletion-app-logs", ["CNF-03"], "purge-app-logs", "runs daily with success", criteria=["C1.2"])
    write_csv(
        ev / "confidentiality" / "customer-data-disposal.csv",
        ["Customer", "Contract End", "Deletion Requested", "Deleted On", "Certificate Sent"],
        [
            ["Acme Dental Group", "2026-06-30", "2026-06-30", "2026-09-15", "Yes"],
            ["Birch Clinics", "2026-08-31", "2026-08-31", "", "No"],
            ["Cedar Vision", "2026-05-31", "2026-05-31", "2026-06-12", "Yes"],
            ["Dover Physio", "2026-09-30", "2026-09-30", "2026-10-09", "Yes"],
        ],
        exported=EXPORT,
    )
    key.planted(
        "lu-disposal-acme", ["CNF-04"], "Acme Dental Group", "data deleted 77 days after contract end (target 30)"
    )
    key.planted(
        "lu-disposal-birch", ["CNF-04"], "Birch Clinics", "contract ended 2026-08-31; not deleted 61 days later"
    )
    key.fine("lu-disposal-cedar", ["CNF-04"], "Cedar Vision", "deleted 12 days after contract end")
    key.fine("lu-disposal-dover", ["CNF-04"], "Dover Physio", "deleted 9 days after contract end")

    # ---------------------------------------------------------------- privacy
    write_csv(
        ev / "privacy" / "dsr-log.csv",
        [
            "Request ID",
            "Type",
            "Received",
            "Identity Verified",
            "Extended",
            "Extension Notice Sent",
            "Completed",
            "Jurisdiction",
            "Handler",
        ],
        [
            ["DSR-2026-014", "Access", "2026-03-02", "2026-03-03", "No", "", "2026-04-20", "GDPR", dpo.email],
            [
                "DSR-2026-021",
                "Access",
                "2026-05-04",
                "2026-05-05",
                "Yes",
                "2026-05-28",
                "2026-07-15",
                "GDPR",
                dpo.email,
            ],
            [
                "DSR-2026-026",
                "Access",
                "2026-04-13",
                "2026-04-14",
                "Yes",
                "2026-05-27",
                "2026-06-30",
                "GDPR",
                dpo.email,
            ],
            ["DSR-2026-030", "Erasure", "2026-06-08", "2026-06-08", "No", "", "2026-06-17", "GDPR", dpo.email],
            ["DSR-2026-033", "Access", "2026-08-01", "2026-08-03", "No", "", "", "GDPR", dpo.email],
            ["DSR-2026-037", "Rectification", "2026-09-14", "2026-09-14", "No", "", "", "GDPR", dpo.email],
            ["DSR-2026-040", "Access", "2026-10-20", "2026-10-21", "No", "", "", "GDPR", dpo.email],
        ],
        exported=EXPORT,
    )
    key.planted(
        "lu-dsr-014",
        ["PRV-07"],
        "DSR-2026-014",
        "access request answered after 49 days with no extension (GDPR: one month)",
    )
    key.planted(
        "lu-dsr-033",
        ["PRV-07"],
        "DSR-2026-033",
        "access request received 2026-08-01, still open after three months, no extension",
    )
    key.planted("lu-dsr-037", ["PRV-08"], "DSR-2026-037", "rectification request open 47 days, no extension")
    key.fine(
        "lu-dsr-021-extended",
        ["PRV-07"],
        "DSR-2026-021",
        "extended with notice within the first month, answered within three months",
    )
    key.planted(
        "lu-dsr-026-late-extension",
        ["PRV-07"],
        "DSR-2026-026",
        "access request of 2026-04-13 marked extended, but the extension notice went out on 2026-05-27, after "
        "the one-month deadline (2026-05-13): the extension does not count, and the answer came on 2026-06-30",
    )
    key.fine("lu-dsr-030", ["PRV-06", "PRV-07"], "DSR-2026-030", "erasure done in 9 days")
    key.fine("lu-dsr-040-open-recent", ["PRV-07"], "DSR-2026-040", "received 11 days ago: not yet due")
    write_csv(
        ev / "privacy" / "records-of-processing.csv",
        [
            "Processing Activity",
            "Purpose",
            "Lawful Basis",
            "Data Subjects",
            "Personal Data Categories",
            "Recipients",
            "Third-Country Transfer",
            "Transfer Safeguard",
            "Retention",
        ],
        [
            [
                "Claims processing",
                "Adjudicate health claims",
                "Contract; Art. 9(2)(h)",
                "Patients",
                "Identity, health data",
                "Claimbridge",
                "No",
                "",
                "7 years",
            ],
            [
                "Support ticket triage",
                "Answer customer questions",
                "Legitimate interests",
                "Clinic staff",
                "Contact data",
                "HelpHive (US)",
                "Yes (United States)",
                "",
                "2 years",
            ],
            [
                "Marketing analytics",
                "Product analytics",
                "",
                "Clinic staff",
                "Usage data",
                "MailBlast",
                "No",
                "",
                "14 months",
            ],
            [
                "Payroll",
                "Pay employees",
                "Legal obligation",
                "Employees",
                "Bank details",
                "Payroll provider",
                "No",
                "",
                "10 years",
            ],
        ],
        exported=EXPORT,
    )
    key.planted(
        "lu-ropa-support-transfer",
        ["PRV-09", "PRV-13"],
        "Support ticket triage",
        "transfer to the United States with no safeguard recorded",
        criteria=["P6.1"],
    )
    key.planted(
        "lu-ropa-marketing-basis",
        ["PRV-03", "PRV-05"],
        "Marketing analytics",
        "no lawful basis recorded",
        criteria=["P3.1", "P4.1"],
    )
    key.fine(
        "lu-ropa-claims",
        ["PRV-03", "PRV-05", "PRV-09"],
        "Claims processing",
        "complete record",
        criteria=["P3.1", "P4.1", "P6.1"],
    )
    key.fine(
        "lu-ropa-payroll",
        ["PRV-03", "PRV-05", "PRV-09"],
        "Payroll",
        "complete record",
        criteria=["P3.1", "P4.1", "P6.1"],
    )
    doc(
        "privacy/privacy-notice.md",
        "Privacy Notice",
        "Lumen Care processes patient and clinic data to adjudicate claims. Data subjects may request access, "
        "rectification or erasure; we answer within one month.",
        approved="2026-02-16",
    )
    key.fine("lu-privacy-notice", ["PRV-01"], "privacy notice", "published and reviewed 2026-02-16")
    write_csv(
        ev / "privacy" / "breach-assessments.csv",
        [
            "Incident",
            "Detected At",
            "Assessed At",
            "Personal Data Involved",
            "Risk to Individuals",
            "Notifiable",
            "Authority Notified At",
            "Individuals Notified At",
        ],
        [
            ["INC-2026-04", "2026-04-02T10:00:00Z", "2026-04-02T15:00:00Z", "No", "None", "No", "", ""],
            [
                "INC-2026-07",
                "2026-07-10T09:00:00Z",
                "2026-07-11T12:00:00Z",
                "Yes",
                "High",
                "Yes",
                "2026-07-15T16:00:00Z",
                "2026-07-16T10:00:00Z",
            ],
            [
                "INC-2026-09",
                "2026-09-05T08:00:00Z",
                "2026-09-05T13:00:00Z",
                "Yes",
                "Medium",
                "Yes",
                "2026-09-06T17:00:00Z",
                "",
            ],
        ],
        exported=EXPORT,
    )
    key.planted(
        "lu-breach-07-late",
        ["PRV-15", "OPS-13"],
        "INC-2026-07",
        "notifiable breach detected 2026-07-10 09:00 UTC, authority notified 127 hours later (72 h)",
        criteria=["P6.6"],
    )
    key.fine(
        "lu-breach-04-not-notifiable",
        ["PRV-15", "OPS-13"],
        "INC-2026-04",
        "assessed the same day: no personal data, not notifiable",
        criteria=["P6.6"],
    )
    key.fine(
        "lu-breach-09-on-time",
        ["PRV-15", "OPS-13"],
        "INC-2026-09",
        "authority notified 33 hours after detection",
        criteria=["P6.6"],
    )
    write_csv(
        ev / "vendors" / "processors.csv",
        [
            "Vendor",
            "Service",
            "Tier",
            "Personal Data",
            "Health Data (PHI)",
            "DPA",
            "BAA",
            "SOC 2 Report",
            "Last Review",
        ],
        [
            [
                "Claimbridge",
                "Clearing house",
                "Critical",
                "Yes",
                "Yes",
                "2025-11-03",
                "2025-11-03",
                "2026-04-30",
                "2026-05-12",
            ],
            [
                "ScribeAI",
                "Clinical note transcription",
                "High",
                "Yes",
                "Yes",
                "2026-01-20",
                "",
                "2026-03-01",
                "2026-03-10",
            ],
            ["MailBlast", "E-mail marketing", "Medium", "Yes", "No", "", "", "2026-02-01", "2026-02-15"],
            ["HelpHive", "Support desk", "Medium", "Yes", "No", "2025-12-01", "", "2026-06-01", "2026-06-04"],
            ["Figstack", "Design tool", "Low", "No", "No", "", "", "", "2026-01-20"],
        ],
        exported=EXPORT,
    )
    key.planted("lu-vendor-scribeai-baa", ["VND-04", "PRV-13"], "ScribeAI", "processes health data without a BAA")
    key.planted("lu-vendor-mailblast-dpa", ["VND-04", "PRV-13"], "MailBlast", "processes personal data without a DPA")
    key.fine("lu-vendor-claimbridge", ["VND-03", "VND-04", "PRV-13"], "Claimbridge", "DPA, BAA, current SOC 2 report")
    key.fine("lu-vendor-figstack", ["VND-04", "PRV-13"], "Figstack", "no personal data: no DPA needed")

    # ---------------------------------------------------------------- a light security baseline
    staff = [sec, dpo, ops, data]
    for _ in range(6 if small else 30):
        f, ln = ppl.pick()
        staff.append(ppl.new(first=f, last=ln, hire=date(2019, 9, 2) + days(rnd.randint(0, 2200))))
    # Gusto employee export (People > Export): https://support.gusto.com/ "Export employee data" (first name,
    # last name, work email, start date, termination date, department, job title).
    write_csv(
        ev / "hr" / "gusto-employees.csv",
        [
            "First name",
            "Last name",
            "Work email",
            "Department",
            "Job title",
            "Start date",
            "Termination date",
            "Employment status",
        ],
        [[p.first, p.last, p.email, p.department, p.title, p.hire.isoformat(), "", "Active"] for p in staff],
        exported=EXPORT,
    )
    doc(
        "policies/information-security-policy.md",
        "Information Security Policy",
        "Policies are reviewed at least annually. Availability target: 99.9% monthly uptime for customer-facing "
        "services; major incidents get a post-incident review within 5 business days. Backups of tier 1 systems "
        "are restore-tested quarterly against their RTO and RPO.",
    )
    doc(
        "policies/privacy-policy.md",
        "Privacy and Data Protection Policy",
        "Data subject requests are answered within one month, extendable by two months with notice. Breaches are "
        "notified to the supervisory authority within 72 hours. Every processor of personal data signs a DPA, and "
        "every processor of health data a BAA.",
    )

    scope: dict[str, Any] = {
        "version": 1,
        "organisation": {
            "name": "Lumen Care",
            "legal_name": "Lumen Care B.V.",
            "industry": "Health records SaaS",
            "employees": len(staff),
        },
        "categories": ["security", "availability", "confidentiality", "processing_integrity", "privacy"],
        "report": {"type": "type2", "period": {"start": P_START.isoformat(), "end": P_END.isoformat()}},
        "systems": [
            {"name": "Lumen API", "kind": "aws", "role": "cloud", "mfa_required": True},
            {"name": "Gusto", "kind": "hr", "role": "hris", "mfa_required": False},
        ],
        "data_classes": ["health data", "claims records", "support tickets", "application logs"],
        "roles": {"security_lead": f"{sec.name} <{sec.email}>", "dpo": f"{dpo.name} <{dpo.email}>"},
    }
    scope_time_zone(scope, "Europe/Amsterdam")
    write_yaml(org / "scope.yaml", scope, header="# Lumen Care: benchmark organisation (generated; do not edit)")
    kp = out / f"{NAME}.key.yaml"
    key.write(kp, as_of=AS_OF, seed=seed, small=small, folder=NAME)
    return kp
