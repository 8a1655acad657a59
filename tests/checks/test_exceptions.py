"""Security exceptions: accepted rather than a gap while approved and unexpired; the register read from a CSV."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.engine.conftest import meta

from trustgap.checks.base import CheckResult, EntityResult
from trustgap.checks.exceptions import apply_acceptances, covers, valid_on
from trustgap.evidence.ingest import finalize_facts, ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import RiskAcceptance, Src

S = Src("f" * 64, "row 2")
DAY = date(2026, 11, 16)
REGISTER = """Exception ID,Title,Control,Applies to,Justification,Approved by,Approval date,Expiry date,Status
EX-01,Break-glass account without MFA,AC-04,breakglass@acme.io,Sealed credentials in a safe,CISO,2026-03-01,2027-03-01,\
Approved
EX-02,Partner bucket public,AC-23,partner-share,Partner portal pending,CTO,2025-01-10,2025-12-31,Approved
EX-03,Old build server,OPS-12,build-01,Replacement ordered,,,2027-01-01,Pending
"""


def _register(tmp_path: Path) -> list[RiskAcceptance]:
    ev = tmp_path / "evidence" / "risk"
    ev.mkdir(parents=True)
    (ev / "security-exceptions.csv").write_text(REGISTER)
    facts = finalize_facts(ingest_folder(tmp_path / "evidence", store=EvidenceStore(tmp_path / "store"), as_of=DAY))
    assert all(isinstance(f, RiskAcceptance) for f in facts) and len(facts) == 3
    return facts


def test_register_is_read_with_what_each_exception_covers(tmp_path: Path) -> None:
    by = {r.ref: r for r in _register(tmp_path)}
    assert by["EX-01"].covers == ("AC-04", "breakglass@acme.io")
    assert by["EX-01"].expires_on == date(2027, 3, 1) and by["EX-01"].approved_by == "CISO"
    assert valid_on(by["EX-01"], DAY) == (True, "")
    assert valid_on(by["EX-02"], DAY) == (False, "it expired on 2025-12-31")
    assert valid_on(by["EX-03"], DAY)[0] is False


def test_matching_by_control_check_and_entity() -> None:
    m = meta("idp.mfa_enforced", ("AC-04",))
    both = RiskAcceptance(src=S, ref="A", covers=("AC-04", "breakglass@acme.io"))
    assert covers(both, m, "breakglass@acme.io (azuread)", [m.id])
    assert not covers(both, m, "ann@acme.io (azuread)", [m.id])
    assert covers(RiskAcceptance(src=S, ref="B", covers=("idp.mfa_enforced",)), m, "anyone", [m.id])
    assert not covers(RiskAcceptance(src=S, ref="C", covers=("AC-19",)), m, "anyone", [m.id])
    assert covers(RiskAcceptance(src=S, ref="D", covers=("breakglass@acme.io",)), m, "breakglass@acme.io", [m.id])


def _results() -> list[CheckResult]:
    return [
        CheckResult("idp.mfa_enforced", "fail", "2 of 3 fail", [
            EntityResult("account", "breakglass@acme.io (azuread)", "fail", "no MFA", (S,)),
            EntityResult("account", "ann@acme.io (azuread)", "pass", "MFA", (S,)),
        ]),
        CheckResult("cloud.buckets_not_public", "fail", "1 of 1 fail", [
            EntityResult("bucket", "partner-share", "fail", "public: allUsers", (S,)),
        ]),
    ]


def test_accepted_not_a_gap_and_expired_says_why(tmp_path: Path) -> None:
    reg = _register(tmp_path)
    metas = {m.id: m for m in (meta("idp.mfa_enforced", ("AC-01",)), meta("cloud.buckets_not_public", ("AC-02",)))}
    # the register's controls are the real catalog's; here the small catalog's AC-01 / AC-02 stand in for them
    reg = [RiskAcceptance(**{**{f: getattr(r, f) for f in r.__dataclass_fields__},
                             "covers": tuple({"AC-04": "AC-01", "AC-23": "AC-02"}.get(c, c) for c in r.covers)})
           for r in reg]
    out = apply_acceptances(_results(), metas, reg, DAY)
    mfa, bucket = out
    assert mfa.status == "pass" and "accepted by a documented exception" in mfa.summary
    (acc,) = [e for e in mfa.entities if e.entity.startswith("breakglass")]
    assert acc.measured == {"accepted": "EX-01"} and "accepted risk EX-01" in acc.reason
    assert bucket.status == "fail" and "exception EX-02 does not count: it expired on 2025-12-31" in \
        bucket.entities[0].reason
    assert apply_acceptances(_results(), metas, [], DAY)[0].status == "fail"


def test_register_check(tmp_path: Path, run) -> None:  # noqa: ANN001
    res = run("exceptions.approved_and_current", _register(tmp_path), as_of=DAY)
    by = {e.entity.split(" ")[0]: e for e in res.entities}
    assert by["EX-01"].status == "pass"
    assert by["EX-02"].status == "fail" and by["EX-02"].gap_kind == "stale"
    assert by["EX-03"].status == "fail" and "Pending" in by["EX-03"].reason
    open_ended = RiskAcceptance(src=S, ref="EX-9", covers=("AC-19",), approved_by="CTO", approved_on=date(2026, 1, 1))
    (e,) = run("exceptions.approved_and_current", [open_ended], as_of=DAY).entities
    assert e.status == "partial" and "never comes up for renewal" in e.reason


def test_demo_shows_the_accepted_exception_in_its_report(tmp_path: Path) -> None:
    import shutil

    from trustgap.assessment import run_assessment
    from trustgap.demo import DEMO_AS_OF, demo_folder
    from trustgap.report.markdown import render_markdown

    org = tmp_path / "demo"
    shutil.copytree(demo_folder(), org)
    result, _ = run_assessment(org / "scope.yaml", evidence_dir=org / "evidence", answers=[org / "answers.yaml"],
                               as_of=DEMO_AS_OF, save=False, evidence_store=EvidenceStore(tmp_path / "store"))
    ac12 = result.verdict("AC-12")
    assert any("legacy-backup" in a and "EX-2026-03" in a for a in ac12.accepted)
    assert not any(f.entity and f.entity.startswith("legacy-backup access_key") and
                   f.check_id == "credentials.keys_rotated" for f in result.findings)
    assert any(f.check_id == "exceptions.approved_and_current" and "EX-2025-07" in (f.entity or "")
               for f in result.findings)
    md = render_markdown(result)
    assert "Accepted by a documented exception" in md and "EX-2026-03" in md
