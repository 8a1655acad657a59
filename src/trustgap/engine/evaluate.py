"""Control verdicts: check results and answers combined into Implemented / Partial / Gap / Not applicable /
Not assessed, with a gap kind, the entities at fault and the evidence behind each.

The rules (documented in the README's "How verdicts are decided"):

1. A control is **Not applicable** when none of its criteria is in a Trust Services category in scope,
   when the scope file marks it not applicable (with a justification), or when an answer does.
2. Automated checks decide first. A check has data when it passed, failed or partly passed.
   - all checks with data pass -> Implemented;
   - every check with data fails, or a failing check is critical -> Gap;
   - otherwise -> Partial.
   The gap kind is the failing checks' (most severe first). When a failing check compares practice with
   a threshold the organisation promised itself (a policy line, an interview answer), or an answer says
   the control is in place while the evidence shows otherwise, the kind is *not operating* and the
   finding quotes the promise.
   When evidence shows the control working but an answer says it is only partly in place (typically
   "done, but not written down"), the control is Partial with the answer's gap kind.
3. Without checks with data, an answer decides:
   - "don't know" -> Not assessed (never passing);
   - gap / partial -> Gap / Partial with the answer's gap kind (default missing / not operating);
   - implemented -> Implemented when the control can be confirmed by inquiry alone or the answer names
     evidence found among the collected files; Partial / *insufficient evidence* when the evidence is
     missing or only promised ("will provide", which also opens an evidence request);
     Partial / *stale* when the last occurrence is older than the control's cadence;
     Type II: Partial / *not operating* when the control only started during the audit period.
4. Nothing at all -> Not assessed, with the checks' reasons (e.g. "no HR roster in the evidence").
5. Before any of this, failing entities covered by an approved, unexpired security exception or risk acceptance
   become *accepted* (passing, the exception named in their reason and the verdict's ``accepted`` list); expired
   or unapproved exceptions do not count, and the findings they would have covered say why
   (:mod:`trustgap.checks.exceptions`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from trustgap.answers import Assertion
from trustgap.catalog.loader import Catalog, Control
from trustgap.checks.base import SEVERITY_ORDER, CheckMeta, CheckResult, EntityResult
from trustgap.checks.exceptions import accepted_notes, apply_acceptances
from trustgap.dates import add_months
from trustgap.engine.models import (
    AnswerInfo,
    CheckOutcome,
    EntityOutcome,
    EvidenceLink,
    EvidenceRequest,
    Finding,
    PromiseQuote,
    Verdict,
)
from trustgap.facts import Src
from trustgap.thresholds import ResolvedThresholds, cite

PASSING_EXAMPLES = 5


@dataclass
class EvaluationInput:
    catalog: Catalog
    categories: list[str]
    not_applicable: dict[str, str]  # control id -> justification (scope file)
    results: list[CheckResult]
    metas: dict[str, CheckMeta]
    assertions: list[Assertion]
    thresholds: ResolvedThresholds
    as_of: date
    period_start: date | None = None
    evidence_names: dict[str, str] | None = None  # sha256 -> evidence name
    evidence_by_name: dict[str, str] | None = None  # evidence name -> sha256 (answers referencing files)
    conflicts: dict[Src, list[str]] | None = None  # evidence a fact was taken from -> disagreements it won
    acceptances: list[Any] = field(default_factory=list)  # RiskAcceptance facts (security exceptions)


@dataclass
class EvaluationOutput:
    verdicts: list[Verdict]
    findings: list[Finding]
    checks: list[CheckOutcome]
    evidence_requests: list[EvidenceRequest]


# A finding is made per failing entity (tens of thousands in a large organisation) from values already of the right
# types, so it is constructed without validation, and every one shares one set of "fields set" (all of them), not a
# set of its own: the same fields, the same JSON, a third less memory.
_ALL_FINDING_FIELDS = set(Finding.model_fields)
_ALL_LINK_FIELDS = set(EvidenceLink.model_fields)


def _link(src: Src, names: dict[str, str]) -> EvidenceLink:
    return EvidenceLink.model_construct(_ALL_LINK_FIELDS, sha256=src.sha256, locator=src.locator,
                                        name=names.get(src.sha256))


def _finding_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def _answer_info(a: Assertion) -> AnswerInfo:
    return AnswerInfo(
        status=a.status,
        note=a.note,
        evidence=list(a.evidence),
        since=a.since,
        last_performed=a.last_performed,
        answered_by=a.answered_by,
        answered_at=a.answered_at,
        question_id=a.question_id,
        quote=a.quote,
        source=a.source,
        sha256=a.sha256,
    )


_NOT_A_BROKEN_PROMISE = frozenset({"missing", "insufficient_evidence"})


def _promise_for(meta: CheckMeta, thresholds: ResolvedThresholds) -> PromiseQuote | None:
    for key in meta.thresholds:
        try:
            tv = thresholds.get(key)
        except KeyError:
            continue
        if tv.promise is not None and tv.origin in ("policy", "answer", "scope"):
            p = tv.promise
            return PromiseQuote(key=p.key, value=p.value, quote=p.quote, source=p.source, origin=p.origin,
                                ref=p.ref, locator=p.locator, also=list(p.also))
    return None


def in_scope(control: Control, catalog: Catalog, categories: Iterable[str]) -> bool:
    return bool(catalog.categories_of(control) & set(categories))


def _check_outcome(meta: CheckMeta, res: CheckResult, names: dict[str, str]) -> CheckOutcome:
    srcs = res.evidence_sha256s()
    passing = [e for e in res.entities if e.status == "pass"][:PASSING_EXAMPLES]
    return CheckOutcome(
        check_id=meta.id,
        title=meta.title,
        controls=list(meta.controls),
        criteria=list(meta.criteria),
        severity=meta.severity,
        category=meta.category,
        status=res.status,
        summary=res.summary,
        gap_kind=res.gap_kind,
        entities_total=res.total,
        entities_failing=len(res.failing),
        passing=[
            EntityOutcome(entity_type=e.entity_type, entity=e.entity, status=e.status, reason=e.reason,
                          evidence=[_link(s, names) for s in e.evidence[:3]], measured=e.measured)
            for e in passing
        ],
        evidence=[EvidenceLink(sha256=s, name=names.get(s)) for s in sorted(srcs)],
    )


def certainty_of(status: str, gap_kind: str | None) -> str:
    """A finding proves a breach unless it is a partial result for want of evidence ("cannot tell")."""
    return "cannot_tell" if gap_kind == "insufficient_evidence" and status != "fail" else "proven"


def _entity_finding(meta: CheckMeta, res: CheckResult, e: EntityResult, control_id: str,
                    promise: PromiseQuote | None, names: dict[str, str],
                    conflicts: dict[Src, list[str]] | None = None) -> Finding:
    # a proven failure does not take "insufficient evidence" from the other entities of its check (a check with one
    # failing and one "cannot tell" entity carries the kind they share only when every failing entity shares it)
    inherited = res.gap_kind if not (e.status == "fail" and res.gap_kind == "insufficient_evidence") else None
    kind = "not_operating" if promise else (e.gap_kind or inherited or meta.gap_kind)
    disagreements = sorted({c for s in e.evidence for c in (conflicts or {}).get(s, [])})
    reason = e.reason
    if promise:
        also = f"; also {', '.join(promise.also)}" if promise.also else ""
        reason = f"{reason} (promised: \u201c{promise.quote}\u201d, {cite(promise.source, promise.locator)}{also})"
    return Finding.model_construct(
        _ALL_FINDING_FIELDS,
        id=_finding_id(meta.id, e.entity_type, e.entity),
        control_id=control_id,
        check_id=meta.id,
        criteria=list(meta.criteria),
        severity=meta.severity if e.status == "fail" else _lower(meta.severity),
        title=meta.title,
        gap_kind=kind,  # type: ignore[arg-type]
        entity_type=e.entity_type,
        entity=e.entity,
        reason=reason,
        evidence=[_link(s, names) for s in e.evidence],
        measured=e.measured,
        remediation=meta.remediation,
        promise=promise,
        certainty=certainty_of(e.status, kind),  # type: ignore[arg-type]
        conflicts=disagreements,
    )


def _kind_of(res: CheckResult, meta: CheckMeta) -> str:
    """A failing check's gap kind: its own, else the one its failing entities share, else the default."""
    if res.gap_kind:
        return res.gap_kind
    kinds = {e.gap_kind for e in res.failing if e.gap_kind}
    return kinds.pop() if len(kinds) == 1 else meta.gap_kind


def _lower(sev: str) -> str:
    order = ["critical", "high", "medium", "low"]
    return order[min(order.index(sev) + 1, 3)] if sev in order else sev


def evaluate(inp: EvaluationInput) -> EvaluationOutput:
    names = inp.evidence_names or {}
    by_name = inp.evidence_by_name or {}
    cat = inp.catalog
    results_by_control: dict[str, list[CheckResult]] = defaultdict(list)
    checks_out: list[CheckOutcome] = []
    findings: dict[str, Finding] = {}
    finding_ids_by_check: dict[str, list[str]] = {}
    promise_by_check: dict[str, PromiseQuote | None] = {}
    results = apply_acceptances(inp.results, inp.metas, inp.acceptances, inp.as_of)
    accepted = accepted_notes(results, inp.acceptances)

    for res in sorted(results, key=lambda r: r.check_id):
        meta = inp.metas[res.check_id]
        checks_out.append(_check_outcome(meta, res, names))
        controls_in_scope = [c for c in meta.controls if cat.has_control(c)
                             and in_scope(cat.control(c), cat, inp.categories)]
        for c in controls_in_scope:
            results_by_control[c].append(res)
        promise = _promise_for(meta, inp.thresholds) if res.failing else None
        promise_by_check[res.check_id] = None
        ids: list[str] = []
        if res.status in ("fail", "partial") and controls_in_scope:
            primary = controls_in_scope[0]
            for e in res.failing:
                # a promise is contradicted by practice that falls short of it (late, stale, not done), not by
                # a thing that does not exist at all or evidence too thin to judge
                own_kind = e.gap_kind or res.gap_kind or meta.gap_kind
                applies = promise if own_kind not in _NOT_A_BROKEN_PROMISE else None
                if applies is not None:
                    promise_by_check[res.check_id] = applies
                f = _entity_finding(meta, res, e, primary, applies, names, inp.conflicts)
                findings[f.id] = f
                ids.append(f.id)
        finding_ids_by_check[res.check_id] = ids

    assertions: dict[str, Assertion] = {}
    for a in inp.assertions:  # later assertions (interview) override earlier (file) ones
        assertions[a.control_id] = a

    verdicts: list[Verdict] = []
    requests: list[EvidenceRequest] = []
    for control in cat.controls:
        v, extra_findings, reqs = _verdict(control, inp, results_by_control.get(control.id, []), assertions.get(
            control.id), finding_ids_by_check, promise_by_check, names, by_name)
        for f in extra_findings:
            findings[f.id] = f
        v.accepted = sorted(n for c in v.checks for n in accepted.get(c, []))
        if v.accepted and v.status == "implemented":
            v.reason = f"{v.reason}; accepted risk: {'; '.join(v.accepted)}"
        if v.status in ("gap", "partial"):
            behind = [findings[i] for i in v.findings if i in findings]
            cannot_tell = bool(behind) and all(f.certainty == "cannot_tell" for f in behind)
            v.certainty = "cannot_tell" if cannot_tell else "proven"
        verdicts.append(v)
        requests.extend(reqs)

    ordered = sorted(findings.values(), key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.control_id,
                                                       f.check_id or "", f.entity or "", f.id))
    return EvaluationOutput(verdicts=verdicts, findings=ordered, checks=checks_out, evidence_requests=requests)


def _base(control: Control, cat: Catalog) -> dict[str, object]:
    return {
        "control_id": control.id,
        "title": control.title,
        "domain": control.domain,
        "category": control.category,
        "severity": control.severity,
        "effort": control.effort,
        "owner_role": control.owner_role,
        "criteria": list(control.criteria),
        "test_methods": list(control.test_methods),
    }


def _verdict(
    control: Control,
    inp: EvaluationInput,
    results: list[CheckResult],
    answer: Assertion | None,
    finding_ids_by_check: dict[str, list[str]],
    promise_by_check: dict[str, PromiseQuote | None],
    names: dict[str, str],
    by_name: dict[str, str],
) -> tuple[Verdict, list[Finding], list[EvidenceRequest]]:
    cat = inp.catalog
    base = _base(control, cat)
    check_ids = sorted(r.check_id for r in results)
    ans = _answer_info(answer) if answer else None

    if not in_scope(control, cat, inp.categories):
        cats = ", ".join(sorted(cat.categories_of(control)))
        return Verdict(**base, status="not_applicable", reason=f"{cats} not in scope", checks=check_ids), [], []
    if control.id in inp.not_applicable:
        return Verdict(**base, status="not_applicable", reason=f"Scope: {inp.not_applicable[control.id]}",
                       checks=check_ids), [], []
    if answer and answer.status == "not_applicable":
        return Verdict(**base, status="not_applicable", answer=ans,
                       reason=f"Answer: {answer.justification or answer.note}", checks=check_ids), [], []

    evidence: dict[tuple[str, str], EvidenceLink] = {}
    for r in results:
        for sha in sorted(r.evidence_sha256s()):
            evidence.setdefault((sha, ""), EvidenceLink(sha256=sha, name=names.get(sha)))
    if answer and answer.sha256:
        evidence.setdefault((answer.sha256, answer.source), EvidenceLink(sha256=answer.sha256,
                                                                          locator=answer.source,
                                                                          name=names.get(answer.sha256)))
    finding_ids = [fid for r in results for fid in finding_ids_by_check.get(r.check_id, [])]
    with_data = [r for r in results if r.status in ("pass", "fail", "partial")]
    extra: list[Finding] = []
    requests: list[EvidenceRequest] = []

    def verdict(status: str, reason: str, gap_kind: str | None = None) -> Verdict:
        basis = None if status == "not_assessed" else "evidence" if with_data else "interview"
        return Verdict(**base, status=status, gap_kind=gap_kind, reason=reason, checks=check_ids, answer=ans,
                       basis=basis,
                       evidence=sorted(evidence.values(), key=lambda e: (e.name or "", e.sha256)),
                       findings=sorted(set(finding_ids) | {f.id for f in extra}),
                       evidence_requests=[r.what for r in requests])

    if with_data:
        failing = [r for r in with_data if r.status != "pass"]
        if not failing:
            if answer and answer.status in ("partial", "gap"):
                kind = answer.gap_kind or "undocumented"
                extra.append(_answer_finding(control, answer, kind, "Evidence shows the control working, but "
                                             f"the answer says: {answer.quote or answer.note or answer.status}"))
                return verdict("partial", f"checks pass; answer: {answer.note or answer.status}", kind), extra, []
            return verdict("implemented", "; ".join(f"{r.check_id}: {r.summary}" for r in with_data)), extra, []
        failing.sort(key=lambda r: (r.status != "fail", SEVERITY_ORDER[inp.metas[r.check_id].severity]))
        worst = failing[0]
        critical = any(r.status == "fail" and inp.metas[r.check_id].severity == "critical" for r in failing)
        status = "gap" if critical or len(failing) == len(with_data) and worst.status == "fail" else "partial"
        kind = _kind_of(worst, inp.metas[worst.check_id])
        shown = "; ".join(f"{r.check_id}: {r.summary}" for r in failing)
        sides: list[str] = []
        broken = next((promise_by_check[r.check_id] for r in failing if promise_by_check.get(r.check_id)), None)
        said: str | None = None
        if answer and answer.status == "implemented":
            said = answer.quote or answer.note or "implemented"
            sides.append(f"answer says \u201c{said}\u201d ({answer.source})")
        if broken is not None and broken.quote != said:
            sides.append(f"promised \u201c{broken.quote}\u201d ({cite(broken.source, broken.locator)})")
        if broken is not None or (said is not None and worst.status == "fail"):
            # practice contradicts what was promised or said: the control does not operate as described
            kind, status = "not_operating", "gap"
        elif said is not None:
            kind = "not_operating"
        reason = f"{' and '.join(sides)}, but evidence shows: {shown}" if sides else shown
        if said is not None:
            extra.append(_answer_finding(control, answer, "not_operating",  # type: ignore[arg-type]
                                         f"Answer says \u201c{said}\u201d; evidence shows: {shown}",
                                         severity=inp.metas[worst.check_id].severity))
        return verdict(status, reason, kind), extra, []

    # no automated evidence with data: the answer decides
    not_assessed_reasons = "; ".join(f"{r.check_id}: {r.summary}" for r in results)
    if answer is None:
        return verdict("not_assessed", not_assessed_reasons or "no evidence and no answer yet"), [], []
    if answer.status == "unknown":
        return verdict("not_assessed", f"answer: don't know ({answer.source})"), [], []
    if answer.status in ("gap", "partial"):
        kind = answer.gap_kind or ("missing" if answer.status == "gap" else "not_operating")
        extra.append(_answer_finding(control, answer, kind, answer.quote or answer.note or
                                     f"answered {answer.status}"))
        return verdict(answer.status, f"answer: {answer.note or answer.status}", kind), extra, []

    # answered implemented
    if inp.period_start and answer.since and answer.since > inp.period_start:
        reason = f"in place only since {answer.since}, after the audit period start {inp.period_start}"
        extra.append(_answer_finding(control, answer, "not_operating", reason))
        return verdict("partial", reason, "not_operating"), extra, []
    if control.cadence_months and answer.last_performed:
        due = add_months(inp.as_of, -control.cadence_months)
        if answer.last_performed < due:
            reason = (f"last performed {answer.last_performed}, older than its {control.cadence_months}-month "
                      f"cadence (due since {due})")
            extra.append(_answer_finding(control, answer, "stale", reason))
            return verdict("partial", reason, "stale"), extra, []
    found = [p for p in answer.evidence_given if p in by_name]
    for p in found:
        evidence.setdefault((by_name[p], ""), EvidenceLink(sha256=by_name[p], name=p))
    missing = [p for p in answer.evidence_given if p not in by_name]
    if answer.evidence_requested:
        requests.append(EvidenceRequest(control_id=control.id, what="; ".join(control.evidence),
                                        requested_from=answer.answered_by, source=answer.source))
    needs_inspection = any(m != "inquiry" for m in control.test_methods)
    if found and not missing:
        return verdict("implemented", f"answer with evidence: {', '.join(found)}"), [], requests
    if needs_inspection:
        if missing:
            why = f"referenced evidence not in the evidence folder: {', '.join(missing)}"
        elif answer.evidence_requested:
            why = "evidence promised but not yet provided"
        else:
            why = "answered yes, but no evidence an auditor could inspect"
        extra.append(_answer_finding(control, answer, "insufficient_evidence", why, severity="low"))
        return verdict("partial", why, "insufficient_evidence"), extra, requests
    return verdict("implemented", f"answer: {answer.note or 'implemented'}"), [], requests


def _answer_finding(control: Control, answer: Assertion, kind: str, reason: str,
                    severity: str | None = None) -> Finding:
    return Finding(
        certainty="cannot_tell" if kind == "insufficient_evidence" else "proven",
        id=_finding_id(control.id, "answer", kind),
        control_id=control.id,
        check_id=None,
        criteria=list(control.criteria),
        severity=severity or control.severity,
        title=control.title,
        gap_kind=kind,  # type: ignore[arg-type]
        entity_type="control",
        entity=control.id,
        reason=reason,
        evidence=[EvidenceLink(sha256=answer.sha256, locator=answer.source)] if answer.sha256 else [],
        remediation=control.requirement,
        answer=_answer_info(answer),
    )
