"""Change control over change tickets: a Jira CSV export read by its spec, and tickets linked to pull requests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from trustgap.evidence.ingest import finalize_facts, ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import Change, Person, Review, Src

S = Src("e" * 64, "x")
PERIOD = (date(2026, 4, 1), date(2026, 9, 30))

# Jira "Export Excel CSV (all fields)": header names as Jira writes them, custom fields as "Custom field (Name)",
# dates in the default dd/MMM/yy h:mm a (https://support.atlassian.com/jira-software-cloud/docs/export-issues/).
JIRA = """Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Reporter,Created,Updated,Resolved,\
Custom field (Change type),Custom field (Approver),Custom field (Approval date)
Hotfix claims import,CHG-112,10000,Change,Done,High,Sven Weber,flarsen,01/Jul/26 03:00 AM,02/Jul/26 03:00 AM,\
02/Jul/26 03:00 AM,Emergency,,
Rotate API gateway certificates,CHG-118,10001,Change,Done,Medium,Sven Weber,flarsen,04/Aug/26 02:00 PM,\
05/Aug/26 02:00 PM,05/Aug/26 02:00 PM,Normal,,
Block abusive IP range,CHG-120,10002,Change,Done,High,Sven Weber,flarsen,21/Aug/26 02:00 AM,22/Aug/26 02:00 AM,\
22/Aug/26 02:00 AM,Emergency,Fiona Larsen,22/Aug/26 03:00 PM
Upgrade PostgreSQL minor version,CHG-121,10003,Change,Done,Medium,Sven Weber,flarsen,07/Sep/26 02:00 PM,\
08/Sep/26 02:00 PM,08/Sep/26 02:00 PM,Normal,Fiona Larsen,07/Sep/26 02:00 PM
Late emergency fix,CHG-130,10004,Change,Done,High,Sven Weber,flarsen,01/Sep/26 02:00 PM,02/Sep/26 02:00 PM,\
02/Sep/26 02:00 PM,Emergency,Fiona Larsen,15/Sep/26 02:00 PM
Approved after the fact,CHG-131,10005,Change,Done,Medium,Sven Weber,flarsen,01/Sep/26 02:00 PM,02/Sep/26 02:00 PM,\
02/Sep/26 02:00 PM,Normal,Fiona Larsen,10/Sep/26 02:00 PM
Dropped idea,CHG-132,10006,Change,Cancelled,Medium,Sven Weber,flarsen,01/Sep/26 02:00 PM,02/Sep/26 02:00 PM,,Normal,,
Old change,CHG-90,10007,Change,Done,Medium,Sven Weber,flarsen,01/Feb/26 02:00 PM,02/Feb/26 02:00 PM,\
02/Feb/26 02:00 PM,Normal,,
"""


def _jira(tmp_path: Path) -> list[Any]:
    ev = tmp_path / "evidence" / "tickets"
    ev.mkdir(parents=True)
    (ev / "jira-changes.csv").write_text(JIRA)
    out = ingest_folder(tmp_path / "evidence", store=EvidenceStore(tmp_path / "store"), as_of=date(2026, 10, 20))
    facts = finalize_facts(out)
    assert all(isinstance(f, Change) and f.kind == "ticket" for f in facts), facts
    return facts


def test_jira_dates_are_read(tmp_path: Path) -> None:
    by = {c.change_id: c for c in _jira(tmp_path)}
    assert by["CHG-120"].closed_at == datetime(2026, 8, 22, 2, tzinfo=UTC)
    assert by["CHG-120"].approved_at == datetime(2026, 8, 22, 15, tzinfo=UTC)
    assert by["CHG-112"].emergency and not by["CHG-118"].emergency


def test_normal_tickets_need_an_approval_before_they_are_done(tmp_path: Path, run) -> None:  # noqa: ANN001
    res = run("change.tickets_approved", _jira(tmp_path), as_of=date(2026, 10, 20), period=PERIOD)
    by = {e.entity: e for e in res.entities}
    assert set(by) == {"CHG-118", "CHG-121", "CHG-131"}  # emergencies, cancelled and out-of-period left out
    assert by["CHG-121"].status == "pass"
    assert by["CHG-118"].status == "fail" and "no approver" in by["CHG-118"].reason
    assert by["CHG-131"].status == "fail" and "after it was done" in by["CHG-131"].reason


def test_emergency_tickets_approved_after_the_fact_in_time(tmp_path: Path, run) -> None:  # noqa: ANN001
    facts = _jira(tmp_path)
    res = run("change.emergency_tickets_reviewed", facts, as_of=date(2026, 10, 20), period=PERIOD)
    by = {e.entity: e for e in res.entities}
    assert by["CHG-120"].status == "pass"
    assert by["CHG-112"].status == "fail" and "no approval" in by["CHG-112"].reason
    assert by["CHG-130"].status == "fail" and by["CHG-130"].measured == {"working_days": 9}
    # a policy allowing 10 working days makes the late one timely
    loose = run("change.emergency_tickets_reviewed", facts, as_of=date(2026, 10, 20), period=PERIOD,
                thresholds={"emergency_review_working_days": 10})
    assert {e.entity for e in loose.failing} == {"CHG-112"}
    # an emergency done yesterday is not due yet
    fresh = Change(src=S, system="jira", repository="CHG", change_id="CHG-200", kind="ticket", emergency=True,
                   status="Done", closed_at=datetime(2026, 10, 19, 9, tzinfo=UTC))
    assert run("change.emergency_tickets_reviewed", [fresh], as_of=date(2026, 10, 20)).status == "not_assessed"
    normal = Change(src=S, system="jira", repository="CHG", change_id="CHG-201", kind="ticket", status="Done",
                    closed_at=datetime(2026, 10, 1, 9, tzinfo=UTC), approvers=("Ann",))
    assert run("change.emergency_tickets_reviewed", [normal], as_of=date(2026, 10, 20)).status == "not_applicable"


def _pr(number: str, author: str, approver: str | None) -> Change:
    reviews = (Review(reviewer=approver, state="APPROVED", submitted_at=datetime(2026, 9, 1, tzinfo=UTC)),) \
        if approver else ()
    return Change(src=S, system="github", repository="acme/api", change_id=number, author=author,
                  merged_at=datetime(2026, 9, 2, tzinfo=UTC), base_branch="main", reviews=reviews,
                  url=f"https://github.com/acme/api/pull/{number}")


def test_tickets_linked_to_reviewed_pull_requests(run) -> None:  # noqa: ANN001
    done = datetime(2026, 9, 3, tzinfo=UTC)

    def ticket(key: str, *links: str) -> Change:
        return Change(src=S, system="jira", repository="OPS", change_id=key, kind="ticket", status="Done",
                      closed_at=done, approvers=("Ann",), links=links)

    facts = [_pr("12", "bob", "carol"), _pr("13", "bob", "bob"), _pr("14", "bob", None),
             ticket("OPS-1", "https://github.com/acme/api/pull/12"), ticket("OPS-2", "acme/api#13", "acme/api#14"),
             ticket("OPS-3", "https://github.com/acme/api/pull/99"), ticket("OPS-4")]
    res = run("change.tickets_linked_to_reviews", facts, as_of=date(2026, 10, 20))
    by = {e.entity: e for e in res.entities}
    assert set(by) == {"OPS-1", "OPS-2", "OPS-3"}
    assert by["OPS-1"].status == "pass" and "carol" in by["OPS-1"].reason
    assert by["OPS-2"].status == "fail"
    assert by["OPS-3"].status == "partial" and by["OPS-3"].gap_kind == "insufficient_evidence"


def test_ticket_approved_only_by_its_implementer(run) -> None:  # noqa: ANN001
    people = [Person(src=S, email="fiona.larsen@acme.io", name="Fiona Larsen", hire_date=date(2021, 1, 4)),
              Person(src=S, email="sven.weber@acme.io", name="Sven Weber", hire_date=date(2021, 1, 4))]
    done = datetime(2026, 9, 8, 14, tzinfo=UTC)

    def ticket(key: str, assignee: str, approver: str) -> Change:
        return Change(src=S, system="jira", repository="CHG", change_id=key, kind="ticket", status="Done",
                      author="flarsen", merged_by=assignee, approvers=(approver,), closed_at=done)

    facts = [*people, ticket("CHG-1", "Sven Weber", "Sven Weber"), ticket("CHG-2", "Sven Weber", "Fiona Larsen"),
             ticket("CHG-3", "Nobody Known", "Nobody Known")]
    by = {e.entity: e for e in run("change.tickets_approved", facts, as_of=date(2026, 10, 20)).entities}
    assert by["CHG-1"].status == "fail" and "who also carried it out" in by["CHG-1"].reason
    assert by["CHG-2"].status == "pass"  # the reporter approving someone else's change is fine
    assert by["CHG-3"].status == "pass"  # names that resolve to no one are never compared
