from __future__ import annotations

from datetime import date

import pytest

from trustgap.checks.policies import ALWAYS
from trustgap.facts import Document, Record, Src

S = Src("e" * 64, "doc")


def doc(key: str, **kw: object) -> Document:
    kw.setdefault("status", "approved")
    kw.setdefault("approved_on", date(2026, 3, 1))
    return Document(src=S, path=f"policies/{key}.md", title=key, policy_key=key, **kw)  # type: ignore[arg-type]


def rec(kind: str, day: date, **kw: object) -> Record:
    return Record(src=S, kind=kind, performed_on=day, **kw)  # type: ignore[arg-type]


def test_policies_missing_draft_and_stale_named(run) -> None:  # noqa: ANN001
    docs = [doc(k) for k in ALWAYS if k not in ("encryption", "acceptable_use", "access_control")]
    docs += [doc("acceptable_use", status="draft", approved_on=None),
             doc("access_control", approved_on=date(2024, 5, 1))]
    res = run("policies.present_approved_and_current", docs)
    assert res.status == "fail"
    bad = {e.entity: e for e in res.entities if e.status != "pass"}
    assert set(bad) == {"encryption", "acceptable_use (policies/acceptable_use.md)",
                        "access_control (policies/access_control.md)"}
    assert bad["encryption"].gap_kind == "missing"
    assert bad["acceptable_use (policies/acceptable_use.md)"].reason == "draft, not approved"
    stale = bad["access_control (policies/access_control.md)"]
    assert stale.gap_kind == "stale" and stale.measured["months_since_review"] == 30  # type: ignore[index]


def test_policies_all_present_pass_and_scope_adds_retention(run) -> None:  # noqa: ANN001
    docs = [doc(k) for k in ALWAYS]
    assert run("policies.present_approved_and_current", docs).status == "pass"
    res = run("policies.present_approved_and_current", docs, options={"categories": ("security", "privacy")})
    assert res.status == "fail" and {e.entity for e in res.failing} == {"data_retention", "privacy"}
    assert run("policies.present_approved_and_current", []).status == "not_assessed"


SINGLE = [
    ("policies.information_security_approved", "information_security"),
    ("policies.access_control_documented", "access_control"),
    ("policies.change_management_documented", "change_management"),
    ("policies.vendor_management_documented", "vendor_management"),
    ("policies.incident_response_documented", "incident_response"),
    ("policies.data_classification_documented", "data_classification"),
    ("policies.code_of_conduct_documented", "code_of_conduct"),
    ("policies.risk_management_documented", "risk_management"),
    ("policies.secure_development_documented", "secure_development"),
]


@pytest.mark.parametrize(("check_id", "key"), SINGLE)
def test_single_policy_checks(run, check_id: str, key: str) -> None:  # noqa: ANN001
    other = doc("encryption")
    assert run(check_id, [other, doc(key)]).status == "pass"
    res = run(check_id, [other])
    assert res.status == "fail" and res.entities[0].entity == key


def test_business_continuity_needs_rto_rpo(run) -> None:  # noqa: ANN001
    good = doc("business_continuity", text="RTO 4 hours; RPO 1 hour")
    assert run("policies.business_continuity_documented", [good]).status == "pass"
    res = run("policies.business_continuity_documented", [doc("business_continuity", text="We recover.")])
    assert res.status == "partial" and "RTO or RPO" in res.entities[0].reason
    assert run("policies.business_continuity_documented", [doc("encryption")]).status == "fail"


def test_privacy_and_retention_depend_on_scope(run) -> None:  # noqa: ANN001
    priv = {"categories": ("security", "privacy")}
    assert run("policies.privacy_notice_documented", [doc("encryption")]).status == "not_applicable"
    assert run("policies.privacy_notice_documented", [doc("encryption")], options=priv).status == "fail"
    assert run("policies.privacy_notice_documented", [doc("privacy")], options=priv).status == "pass"
    conf = {"categories": ("security", "confidentiality")}
    assert run("policies.data_retention_documented", [doc("encryption")], options=conf).status == "fail"
    assert run("policies.data_retention_documented", [doc("data_retention")], options=conf).status == "pass"


CADENCE = [
    ("risk.assessment_performed", "risk_assessment"),
    ("dr.tested", "dr_test"),
    ("backup.restore_tested", "backup_restore_test"),
    ("pentest.performed", "penetration_test"),
    ("governance.oversight_meetings_held", "board_meeting"),
]


@pytest.mark.parametrize(("check_id", "kind"), CADENCE)
def test_yearly_activities(run, check_id: str, kind: str) -> None:  # noqa: ANN001
    assert run(check_id, [rec(kind, date(2026, 2, 1))]).status == "pass"
    res = run(check_id, [rec(kind, date(2025, 6, 1))])
    assert res.status == "fail" and res.entities[0].gap_kind == "stale"
    assert "2025-06-01" in res.entities[0].reason
    assert run(check_id, []).status == "not_assessed"


def test_type2_half_yearly_windows_named(run) -> None:  # noqa: ANN001
    res = run("dr.tested", [rec("dr_test", date(2026, 2, 1))], as_of=date(2026, 12, 31),
              period=(date(2026, 1, 1), date(2026, 12, 31)), thresholds={"dr_test_months": 6})
    assert res.status == "fail"
    assert res.entities[0].measured["missing"] == ["2026-07-01..2026-12-31"]  # type: ignore[index]


def test_incident_response_test_needs_participants(run) -> None:  # noqa: ANN001
    ok = rec("tabletop_exercise", date(2026, 4, 1), participants=("a@x.io", "b@x.io"))
    assert run("incident.response_tested", [ok]).status == "pass"
    bare = rec("tabletop_exercise", date(2026, 4, 1))
    res = run("incident.response_tested", [bare])
    assert res.status == "partial" and res.entities[0].gap_kind == "insufficient_evidence"
    assert run("incident.response_tested", [rec("incident_response_test", date(2024, 4, 1))]).status == "fail"


def test_risk_scored_and_treated(run) -> None:  # noqa: ANN001
    good = rec("risk_assessment", date(2026, 2, 1), details={"likelihood": True, "impact": True, "treatment": True})
    assert run("risk.scored_and_treated", [good]).status == "pass"
    res = run("risk.scored_and_treated", [rec("risk_assessment", date(2026, 2, 1), details={"likelihood": True})])
    assert res.status == "partial" and "impact, treatment" in res.entities[0].reason


def test_incident_root_cause(run) -> None:  # noqa: ANN001
    ok = rec("incident", date(2026, 5, 1), title="SEV2 login outage", details={"root_cause": "expired cert"})
    bad = rec("incident", date(2026, 6, 1), title="leaked key")
    assert run("incidents.root_cause_recorded", [ok]).status == "pass"
    res = run("incidents.root_cause_recorded", [ok, bad])
    assert res.status == "partial" and res.failing[0].entity == "leaked key (2026-06-01)"
