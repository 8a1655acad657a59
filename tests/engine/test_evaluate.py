"""Verdict logic: one test per status and gap kind, Type I vs Type II, promises and answers."""

from __future__ import annotations

from datetime import date

import pytest
from tests.engine.conftest import AS_OF, meta

from trustgap.answers import Assertion
from trustgap.checks.base import CheckResult, EntityResult
from trustgap.engine.evaluate import EvaluationInput, evaluate
from trustgap.engine.rollup import readiness_of, rollup_criteria
from trustgap.facts import Src
from trustgap.thresholds import Promise, ResolvedThresholds

SRC = Src("a" * 64, "row 2")


def ent(name: str, status: str = "pass", kind: str | None = None) -> EntityResult:
    return EntityResult("user", name, status, f"{name} is {status}", (SRC,), gap_kind=kind)  # type: ignore[arg-type]


def res(cid: str, *entities: EntityResult, status: str | None = None) -> CheckResult:
    if status is None:
        status = "pass" if all(e.status == "pass" for e in entities) else "fail"
    return CheckResult(cid, status, "summary", list(entities))  # type: ignore[arg-type]


def run(cat, results=(), metas=(), assertions=(), categories=("security",), na=None, promises=(),
        period_start=None, names=None):
    return evaluate(EvaluationInput(
        catalog=cat, categories=list(categories), not_applicable=na or {}, results=list(results),
        metas={m.id: m for m in metas}, assertions=list(assertions),
        thresholds=ResolvedThresholds({}, list(promises)), as_of=AS_OF, period_start=period_start,
        evidence_names={"a" * 64: "hr.csv"}, evidence_by_name=names or {},
    ))


def verdict(out, cid):
    return next(v for v in out.verdicts if v.control_id == cid)


def test_all_checks_pass_is_implemented(small_catalog):
    out = run(small_catalog, [res("c1", ent("ann")), res("c2", ent("bob"))],
              [meta("c1", ("AC-01",)), meta("c2", ("AC-01",))])
    v = verdict(out, "AC-01")
    assert v.status == "implemented" and v.gap_kind is None
    assert v.evidence[0].name == "hr.csv"
    assert out.findings == []


def test_one_failing_check_of_two_is_partial_and_names_entity(small_catalog):
    out = run(small_catalog, [res("c1", ent("ann")), res("c2", ent("bob", "fail"), ent("cy"))],
              [meta("c1", ("AC-01",)), meta("c2", ("AC-01",))])
    v = verdict(out, "AC-01")
    assert v.status == "partial" and v.gap_kind == "not_operating"
    assert [f.entity for f in out.findings] == ["bob"]
    assert out.findings[0].evidence[0].sha256 == "a" * 64 and out.findings[0].evidence[0].locator == "row 2"
    assert v.findings == [out.findings[0].id]


def test_all_failing_is_gap_with_the_checks_gap_kind(small_catalog):
    out = run(small_catalog, [res("c1", ent("doc", "fail", "missing"))], [meta("c1", ("AC-01",))])
    v = verdict(out, "AC-01")
    assert v.status == "gap" and v.gap_kind == "missing"


def test_critical_failure_is_gap_even_when_others_pass(small_catalog):
    out = run(small_catalog, [res("c1", ent("ann")), res("c2", ent("root", "fail"))],
              [meta("c1", ("AC-01",)), meta("c2", ("AC-01",), severity="critical")])
    assert verdict(out, "AC-01").status == "gap"


def test_stale_gap_kind_from_check(small_catalog):
    out = run(small_catalog, [res("c1", ent("policy", "fail", "stale"))], [meta("c1", ("AC-01",))])
    assert verdict(out, "AC-01").gap_kind == "stale"


def test_policy_promise_makes_failure_not_operating_and_is_quoted(small_catalog):
    p = Promise(key="offboarding_hours", value=24, quote="Access is revoked within 24 hours of termination.",
                source="policies/access.md", origin="policy", ref="b" * 64, locator="line 12")
    out = run(small_catalog, [res("off", ent("zoe", "fail", "not_operating"))],
              [meta("off", ("AC-02",), thresholds=("offboarding_hours",))], promises=[p])
    v = verdict(out, "AC-02")
    assert v.status == "gap" and v.gap_kind == "not_operating"
    assert "within 24 hours" in v.reason
    f = out.findings[0]
    assert f.gap_kind == "not_operating" and f.promise and f.promise.locator == "line 12"
    assert "policies/access.md" in f.reason


@pytest.mark.parametrize("kind", ["missing", "insufficient_evidence"])
def test_promise_not_quoted_against_absent_things_or_thin_evidence(small_catalog, kind):
    p = Promise(key="policy_review_months", value=12, quote="Policies are reviewed at least annually.",
                source="policies/isp.md", origin="policy", ref="c" * 64, locator="line 30")
    out = run(small_catalog, [res("pol", ent("encryption", "fail", kind))],
              [meta("pol", ("AC-02",), thresholds=("policy_review_months",))], promises=[p])
    f = out.findings[0]
    assert f.promise is None and f.gap_kind == kind
    assert verdict(out, "AC-02").gap_kind == kind


def test_default_threshold_failure_has_no_promise(small_catalog):
    out = run(small_catalog, [res("off", ent("zoe", "fail"))], [meta("off", ("AC-02",),
                                                                     thresholds=("offboarding_hours",))])
    assert out.findings[0].promise is None


def test_answer_yes_but_evidence_fails_is_not_operating(small_catalog):
    a = Assertion(control_id="AC-01", status="implemented", quote="we use MFA everywhere", source="answers.yaml:3")
    out = run(small_catalog, [res("c1", ent("bob", "fail", "missing"))], [meta("c1", ("AC-01",))], [a])
    v = verdict(out, "AC-01")
    assert v.gap_kind == "not_operating" and "we use MFA everywhere" in v.reason
    answer_findings = [f for f in out.findings if f.check_id is None]
    assert answer_findings and answer_findings[0].answer.quote == "we use MFA everywhere"


def test_checks_pass_but_answer_says_undocumented_is_partial(small_catalog):
    a = Assertion(control_id="AC-01", status="partial", gap_kind="undocumented", note="not written down")
    out = run(small_catalog, [res("c1", ent("ann"))], [meta("c1", ("AC-01",))], [a])
    v = verdict(out, "AC-01")
    assert (v.status, v.gap_kind) == ("partial", "undocumented")


def test_dont_know_is_not_assessed_never_passing(small_catalog):
    out = run(small_catalog, assertions=[Assertion(control_id="AC-03", status="unknown")])
    assert verdict(out, "AC-03").status == "not_assessed"


def test_answer_gap_defaults_to_missing(small_catalog):
    out = run(small_catalog, assertions=[Assertion(control_id="AC-01", status="gap", note="no policy")])
    v = verdict(out, "AC-01")
    assert (v.status, v.gap_kind) == ("gap", "missing")
    assert out.findings[0].entity == "AC-01"


def test_answer_partial_defaults_to_not_operating(small_catalog):
    out = run(small_catalog, assertions=[Assertion(control_id="AC-01", status="partial")])
    assert verdict(out, "AC-01").gap_kind == "not_operating"


def test_answer_yes_with_evidence_found_is_implemented(small_catalog):
    a = Assertion(control_id="AC-01", status="implemented", evidence=("records/mfa.csv",))
    out = run(small_catalog, assertions=[a], names={"records/mfa.csv": "c" * 64})
    v = verdict(out, "AC-01")
    assert v.status == "implemented" and v.evidence[0].sha256 == "c" * 64


def test_answer_yes_without_evidence_is_insufficient_evidence(small_catalog):
    out = run(small_catalog, assertions=[Assertion(control_id="AC-01", status="implemented")])
    v = verdict(out, "AC-01")
    assert (v.status, v.gap_kind) == ("partial", "insufficient_evidence")


def test_answer_with_missing_file_is_insufficient_evidence(small_catalog):
    a = Assertion(control_id="AC-01", status="implemented", evidence=("nowhere.csv",))
    v = verdict(run(small_catalog, assertions=[a]), "AC-01")
    assert v.gap_kind == "insufficient_evidence" and "nowhere.csv" in v.reason


def test_will_provide_opens_an_evidence_request(small_catalog):
    a = Assertion(control_id="AC-01", status="implemented", evidence=("will provide",), answered_by="dana@x.io")
    out = run(small_catalog, assertions=[a])
    assert verdict(out, "AC-01").gap_kind == "insufficient_evidence"
    assert out.evidence_requests[0].control_id == "AC-01" and out.evidence_requests[0].requested_from == "dana@x.io"


def test_inquiry_only_control_is_implemented_on_answer(small_catalog):
    out = run(small_catalog, assertions=[Assertion(control_id="AC-03", status="implemented")])
    assert verdict(out, "AC-03").status == "implemented"


def test_stale_answer_older_than_cadence(small_catalog):
    a = Assertion(control_id="AC-08", status="implemented", last_performed=date(2026, 5, 1),
                  evidence=("r.csv",))
    v = verdict(run(small_catalog, assertions=[a], names={"r.csv": "d" * 64}), "AC-08")
    assert (v.status, v.gap_kind) == ("partial", "stale")


def test_type2_requires_operation_from_period_start(small_catalog):
    a = Assertion(control_id="AC-03", status="implemented", since=date(2026, 6, 1))
    type2 = verdict(run(small_catalog, assertions=[a], period_start=date(2026, 1, 1)), "AC-03")
    type1 = verdict(run(small_catalog, assertions=[a]), "AC-03")
    assert (type2.status, type2.gap_kind) == ("partial", "not_operating")
    assert type1.status == "implemented"


def test_out_of_scope_category_and_scope_na(small_catalog):
    out = run(small_catalog, na={"AC-03": "We have no offices at all."})
    assert verdict(out, "PRV-01").status == "not_applicable"
    v = verdict(out, "AC-03")
    assert v.status == "not_applicable" and "no offices" in v.reason
    assert verdict(run(small_catalog, categories=("security", "privacy")), "PRV-01").status == "not_assessed"


def test_nothing_known_is_not_assessed_with_check_reason(small_catalog):
    out = run(small_catalog, [CheckResult("c1", "not_assessed", "no HR roster in the evidence")],
              [meta("c1", ("AC-01",))])
    v = verdict(out, "AC-01")
    assert v.status == "not_assessed" and "no HR roster" in v.reason
    assert verdict(out, "AC-02").reason == "no evidence and no answer yet"


def test_readiness_counts_partial_half_and_not_assessed_apart(small_catalog):
    out = run(small_catalog, [res("c1", ent("ann")), res("c2", ent("bob", "fail"), ent("x"))],
              [meta("c1", ("AC-01",)), meta("c2", ("AC-02",)), meta("c3", ("AC-02",))],
              assertions=[Assertion(control_id="AC-03", status="implemented")])
    # AC-01 implemented, AC-02 gap (its only check with data fails), AC-03 implemented, AC-08 not assessed
    r = readiness_of(out.verdicts)
    assert r.counts.implemented == 2 and r.counts.gap == 1 and r.counts.not_assessed == 1
    assert r.counts.not_applicable == 1
    assert r.score == 50.0 and r.assessed_score == round(100 * 2 / 3, 1)
    crit = {c.id: c for c in rollup_criteria(small_catalog, out.verdicts, ["security"])}
    assert crit["CC6.1"].status == "partial" and crit["P1.1"].status == "not_applicable"


def test_same_inputs_same_output(small_catalog):
    args = ([res("c2", ent("bob", "fail"), ent("amy", "fail"))], [meta("c2", ("AC-02",))])
    a, b = run(small_catalog, *args), run(small_catalog, *args)
    assert [f.model_dump() for f in a.findings] == [f.model_dump() for f in b.findings]
    assert [f.entity for f in a.findings] == ["amy", "bob"]


def test_cannot_tell_findings_are_kept_apart_from_proven_ones(small_catalog):
    thin = ent("cy", "partial", "insufficient_evidence")
    out = run(small_catalog, [res("c1", ent("ann")), res("c2", thin, status="partial"),
                              res("c3", ent("bob", "fail"))],
              [meta("c1", ("AC-01",)), meta("c2", ("AC-01",)), meta("c3", ("AC-02",))])
    by = {f.entity: f for f in out.findings}
    assert by["cy"].certainty == "cannot_tell" and by["bob"].certainty == "proven"
    assert verdict(out, "AC-01").status == "partial" and verdict(out, "AC-01").certainty == "cannot_tell"
    assert verdict(out, "AC-02").status == "gap" and verdict(out, "AC-02").certainty == "proven"
    assert verdict(out, "AC-03").certainty is None
    counts = readiness_of(out.verdicts).counts
    assert (counts.partial, counts.gap, counts.cannot_tell) == (1, 1, 1)
