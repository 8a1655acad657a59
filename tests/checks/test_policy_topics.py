"""Policies judged per topic, by the documents that cover the topic, and "cannot tell" on conflicting
statements; end to end from real files through the parser to the checks."""

from __future__ import annotations

from datetime import date

from tests.evidence.document_files import make_docx, run_parser

from trustgap.facts import Document, Src, Statement

S = Src("d" * 64, "line 1")
AS_OF = date(2026, 11, 1)


def doc(path: str, topics: dict[str, str], **kw: object) -> Document:
    kw.setdefault("status", "approved")
    kw.setdefault("approved_on", date(2026, 2, 10))
    keys = tuple(topics)
    return Document(src=S, path=path, title=path, policy_key=keys[0] if not topics[keys[0]].startswith("section")
                    else None, topics=keys, topic_basis=topics, **kw)  # type: ignore[arg-type]


def test_a_combined_standard_decides_encryption_and_a_stale_plan_decides_only_incidents(run) -> None:  # noqa: ANN001
    combined = doc("dc-enc.md", {"data_classification": "title", "encryption": "title"})
    stale_plan = doc("irp.md", {"incident_response": "title"}, approved_on=date(2024, 5, 20))
    res = run("policies.present_approved_and_current", [combined, stale_plan], as_of=AS_OF)
    by = {e.entity: e for e in res.entities}
    assert by["encryption (dc-enc.md)"].status == "pass"
    assert by["data_classification (dc-enc.md)"].status == "pass"
    assert by["incident_response (irp.md)"].status == "fail" and by["incident_response (irp.md)"].gap_kind == "stale"
    assert not any("irp.md" in e.entity for e in res.entities if not e.entity.startswith("incident_response"))


def test_a_covered_section_decides_its_topic_and_says_so(run) -> None:  # noqa: ANN001
    isp = doc("isp.md", {"information_security": "title", "access_control": "section: 2. Access Control (line 7)"})
    res = run("policies.access_control_documented", [isp], as_of=AS_OF)
    [e] = res.entities
    assert e.status == "pass" and e.entity == "access_control (isp.md)"
    assert "covered by 2. Access Control (line 7) of 'isp.md'" in e.reason


def test_a_dedicated_approved_policy_is_preferred_to_a_section(run) -> None:  # noqa: ANN001
    isp = doc("isp.md", {"information_security": "title", "access_control": "section: Access (line 9)"},
              approved_on=date(2026, 2, 10))
    acp = doc("acp.md", {"access_control": "title"}, approved_on=date(2026, 2, 10))
    [e] = run("policies.access_control_documented", [isp, acp], as_of=AS_OF).entities
    assert e.entity == "access_control (acp.md)" and "covered by" not in e.reason


def test_conflicting_status_is_cannot_tell_with_both_places(run) -> None:  # noqa: ANN001
    conflicts = (Statement("status", "draft", "line 8"), Statement("status", "approved", "front matter line 3"))
    cm = doc("change.md", {"change_management": "title"}, conflicts=conflicts)
    [e] = run("policies.change_management_documented", [cm], as_of=AS_OF).entities
    assert (e.status, e.gap_kind) == ("partial", "insufficient_evidence")
    assert "'draft' (line 8)" in e.reason and "'approved' (front matter line 3)" in e.reason


def test_conflicting_review_dates_decide_only_when_they_agree(run) -> None:  # noqa: ANN001
    agree = (Statement("last_reviewed", "2026-03-01", "line 3"), Statement("last_reviewed", "2026-01-05", "line 9"))
    risk = doc("risk.md", {"risk_management": "title"}, approved_on=None, last_reviewed=date(2026, 3, 1),
               conflicts=agree)
    [e] = run("policies.risk_management_documented", [risk], as_of=AS_OF).entities
    assert e.status == "pass"
    disagree = (Statement("last_reviewed", "2026-03-01", "line 3"), Statement("last_reviewed", "2024-05-05", "line 5"))
    risk = doc("risk.md", {"risk_management": "title"}, approved_on=None, last_reviewed=date(2026, 3, 1),
               conflicts=disagree)
    [e] = run("policies.risk_management_documented", [risk], as_of=AS_OF).entities
    assert (e.status, e.gap_kind) == ("partial", "insufficient_evidence")
    assert "'2024-05-05' (line 5)" in e.reason


def test_from_files_body_approval_is_never_approval_not_recorded(run) -> None:  # noqa: ANN001
    files = {
        "isp.md": b"# Information Security Policy\n\n| | |\n|---|---|\n| Status | Approved |\n"
                  b"| Approved by | Dr. K. Vogel (CEO), 2 February 2026 |\n",
        "acp.docx": make_docx([("title", "Access Control Policy"),
                               ("table", [["Version", "Date", "Author", "Change", "Approved by"],
                                          ["1.0", "10.01.2025", "J. Weiss", "First version", "K. Vogel"],
                                          ["1.1", "14.01.2026", "J. Weiss", "Annual review", "K. Vogel"]])]),
        "change.docx": make_docx([("title", "Change Management Policy"), "Status: Draft", "Version: 0.4"]),
        "dc-enc.md": b"# Data Classification and Encryption Standard\n\nApproved by Dana Lee on 10 February 2026.\n",
        "irp.md": b"# Incident Response Plan\n\nVersion 1.3\nApproved by K. Vogel on 12 March 2024.\n",
    }
    facts = [f for name, data in files.items() for f in run_parser(data, name).facts]
    res = run("policies.present_approved_and_current", facts, as_of=AS_OF)
    by = {e.entity.split(" (")[0]: e for e in res.entities}
    for key in ("information_security", "access_control", "data_classification", "encryption"):
        assert by[key].status == "pass", (key, by[key].reason)
    assert (by["change_management"].status, by["change_management"].reason) == ("fail", "draft, not approved")
    assert by["incident_response"].gap_kind == "stale"
    assert not any("approval not recorded" in e.reason for e in res.entities)
