"""The engine makes failures covered by an approved, unexpired security exception accepted, not a gap."""

from __future__ import annotations

from datetime import date

from tests.engine.conftest import meta

from trustgap.checks.base import CheckResult, EntityResult
from trustgap.engine.evaluate import EvaluationInput, evaluate
from trustgap.facts import RiskAcceptance, Src
from trustgap.thresholds import ResolvedThresholds

S = Src("f" * 64, "row 2")
DAY = date(2026, 11, 16)


def _results() -> list[CheckResult]:
    return [
        CheckResult("idp.mfa_enforced", "fail", "1 of 2 fail", [
            EntityResult("account", "breakglass@acme.io (azuread)", "fail", "no MFA", (S,)),
            EntityResult("account", "ann@acme.io (azuread)", "pass", "MFA", (S,)),
        ]),
        CheckResult("cloud.buckets_not_public", "fail", "1 of 1 fail", [
            EntityResult("bucket", "partner-share", "fail", "public: allUsers", (S,)),
        ]),
    ]


def test_engine_shows_accepted_risk_on_the_verdict(small_catalog) -> None:  # noqa: ANN001
    metas = [meta("idp.mfa_enforced", ("AC-01",)), meta("cloud.buckets_not_public", ("AC-02",))]
    reg = [RiskAcceptance(src=S, ref="EX-01", title="Break-glass", covers=("AC-01", "breakglass@acme.io"),
                          approved_by="CISO", approved_on=date(2026, 3, 1), expires_on=date(2027, 3, 1)),
           RiskAcceptance(src=S, ref="EX-02", covers=("AC-02", "partner-share"), approved_by="CTO",
                          expires_on=date(2025, 12, 31))]
    out = evaluate(EvaluationInput(catalog=small_catalog, categories=["security"], not_applicable={},
                                   results=_results(), metas={m.id: m for m in metas}, assertions=[],
                                   thresholds=ResolvedThresholds({}), as_of=DAY, acceptances=reg))
    v1 = next(v for v in out.verdicts if v.control_id == "AC-01")
    v2 = next(v for v in out.verdicts if v.control_id == "AC-02")
    assert v1.status == "implemented" and v1.accepted and "EX-01" in v1.reason
    assert v2.status == "gap" and not v2.accepted
    assert [f.entity for f in out.findings] == ["partner-share"]
    assert "EX-02 does not count" in out.findings[0].reason




def test_a_proven_failure_stays_proven_beside_cannot_tell_entities(small_catalog) -> None:  # noqa: ANN001
    res = CheckResult("c1", "fail", "2 of 2", [
        EntityResult("repository", "acme/portal:main", "fail", "force pushes allowed", (S,)),
        EntityResult("repository", "acme/web", "partial", "no protection evidence", (),
                     gap_kind="insufficient_evidence"),
    ], gap_kind="insufficient_evidence")
    out = evaluate(EvaluationInput(catalog=small_catalog, categories=["security"], not_applicable={}, results=[res],
                                   metas={"c1": meta("c1", ("AC-01",))}, assertions=[],
                                   thresholds=ResolvedThresholds({}), as_of=DAY))
    by = {f.entity: f for f in out.findings}
    assert by["acme/portal:main"].gap_kind == "not_operating" and by["acme/portal:main"].certainty == "proven"
    assert by["acme/web"].gap_kind == "insufficient_evidence" and by["acme/web"].certainty == "cannot_tell"
