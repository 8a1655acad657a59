"""Check results kept compact (failing entities and a few passing examples whole, the other passing ones counted)
give the same check outcomes, verdicts and findings as the results kept whole."""

from __future__ import annotations

from datetime import date

from tests.engine.conftest import meta

from trustgap.catalog.loader import Catalog
from trustgap.checks.base import CheckResult, EntityResult, compact
from trustgap.engine.evaluate import PASSING_EXAMPLES, EvaluationInput, EvaluationOutput, evaluate
from trustgap.facts import RiskAcceptance, Src
from trustgap.thresholds import ResolvedThresholds

DAY = date(2026, 11, 16)


def _src(n: int) -> Src:
    return Src(f"{n:064x}", f"row {n}")


def _results() -> list[CheckResult]:
    # failing entities among many passing ones, each passing entity reading its own file, one failure accepted
    users = [EntityResult("account", f"u{i}@acme.io", "fail" if i in (3, 9, 40) else "pass",
                          "no MFA" if i in (3, 9, 40) else "MFA", (_src(i),)) for i in range(60)]
    buckets = [EntityResult("bucket", f"b{i}", "pass", "private", (_src(100 + i % 7),)) for i in range(30)]
    return [CheckResult("idp.mfa_enforced", "fail", "3 of 60 fail", users),
            CheckResult("cloud.buckets_not_public", "pass", "all 30 pass", buckets),
            CheckResult("hr.roster", "not_assessed", "no HR roster in the evidence")]


def _run(catalog: Catalog, results: list[CheckResult]) -> EvaluationOutput:
    metas = [meta("idp.mfa_enforced", ("AC-01",)), meta("cloud.buckets_not_public", ("AC-02",)),
             meta("hr.roster", ("AC-08",))]
    accepted = [RiskAcceptance(src=_src(999), ref="EX-01", title="Break-glass", covers=("AC-01", "u9@acme.io"),
                               approved_by="CISO", approved_on=date(2026, 3, 1), expires_on=date(2027, 3, 1))]
    return evaluate(EvaluationInput(catalog=catalog, categories=["security"], not_applicable={}, results=results,
                                    metas={m.id: m for m in metas}, assertions=[], thresholds=ResolvedThresholds({}),
                                    as_of=DAY, acceptances=accepted))


def test_compact_keeps_failing_and_first_passing_entities_and_counts_the_rest() -> None:
    res = compact(_results()[0], PASSING_EXAMPLES)
    assert [e.entity for e in res.entities] == ["u0@acme.io", "u1@acme.io", "u2@acme.io", "u3@acme.io",
                                                "u4@acme.io", "u5@acme.io", "u9@acme.io", "u40@acme.io"]
    assert res.total == 60 and res.passed_more == 52
    assert res.evidence_sha256s() == {_src(i).sha256 for i in range(60)}
    assert compact(res, PASSING_EXAMPLES) is res  # nothing more to leave out


def test_compact_results_evaluate_as_the_whole_results(small_catalog: Catalog) -> None:
    whole = _run(small_catalog, _results())
    small = _run(small_catalog, [compact(r, PASSING_EXAMPLES) for r in _results()])
    assert [c.model_dump() for c in small.checks] == [c.model_dump() for c in whole.checks]
    assert [v.model_dump() for v in small.verdicts] == [v.model_dump() for v in whole.verdicts]
    assert [f.model_dump() for f in small.findings] == [f.model_dump() for f in whole.findings]
    mfa = next(c for c in whole.checks if c.check_id == "idp.mfa_enforced")
    assert mfa.entities_total == 60 and len(mfa.evidence) == 61  # 60 accounts' rows and the exception's
    assert "2 of 60 fail; 1 accepted" in mfa.summary
