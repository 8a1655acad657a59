"""Policies present, approved and reviewed on time.

The expected set follows the policy keys the catalogue names: always the core policies; data retention
when confidentiality or privacy is in scope; a privacy notice when privacy is in scope. Judging a document:

* missing: no document carries the key (gap kind ``missing``);
* draft: status "draft" (or another non-approved status) and no approval date: "draft, not approved"
  (gap kind ``missing``: the control is not yet in place);
* approval not recorded: no status and no approval date: partial (``insufficient_evidence``);
* review overdue: the latest of last review, approval and effective dates is older than
  ``policy_review_months`` (gap kind ``stale``, months since review shown).

A topic is judged only by the documents that cover it (``Document.topics``): a document whose title or
purpose is the topic, or a wider document with a section on it (the finding says which section). Among
several, the approved and most recently reviewed one decides; a document never decides another topic.
When a document's places disagree (``Document.conflicts``: front matter "approved", body "Status: Draft";
two review dates giving different verdicts), the verdict is "cannot tell" (``insufficient_evidence``) with
both statements quoted, not whichever was read first.

When no documents were provided at all the checks are not assessed rather than failed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from trustgap.checks._util import months_ago, srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Document, Statement

ALWAYS: tuple[str, ...] = (
    "information_security", "acceptable_use", "access_control", "change_management", "incident_response",
    "vendor_management", "data_classification", "business_continuity", "encryption", "logging_monitoring",
    "secure_development", "risk_management", "code_of_conduct",
)
_APPROVED = frozenset({"approved", "published", "active", "final", "effective", "current", "in effect"})


def expected_keys(ctx: CheckContext) -> list[str]:
    cats = {str(c).lower() for c in ctx.options.get("categories", ("security",))}
    keys = list(ALWAYS)
    if cats & {"confidentiality", "privacy"}:
        keys.append("data_retention")
    if "privacy" in cats:
        keys.append("privacy")
    return keys


_REVIEW_FIELDS = ("last_reviewed", "approved_on", "effective_date")


def _reviewed_on(d: Document) -> date | None:
    days = [x for x in (d.last_reviewed, d.approved_on, d.effective_date) if x is not None]
    return max(days) if days else None


def _status_conflict(d: Document) -> list[Statement]:
    return [c for c in d.conflicts if c.field == "status"]


def _approved(d: Document) -> bool | None:
    if _status_conflict(d):
        return None
    status = (d.status or "").strip().lower()
    if d.approved_on is not None or status in _APPROVED:
        return True
    if status:
        return False
    return None


def _basis(d: Document, key: str) -> str:
    return d.topic_basis.get(key) or ("title" if key == d.policy_key else "")


def _best(docs: list[Document], key: str = "") -> Document:
    return max(docs, key=lambda d: (_approved(d) is True, _reviewed_on(d) or date.min,
                                    not _basis(d, key).startswith("section")))


def _quote(statements: list[Statement]) -> str:
    return "; ".join(f"'{c.value}' ({c.where})" for c in statements)


def _reviewed_alternatives(d: Document) -> list[date]:
    """Every review date the document's places state (one per conflicting statement), as the latest of review,
    approval and effective date would be with that statement."""
    alternatives: set[date] = set()
    for c in d.conflicts:
        if c.field not in _REVIEW_FIELDS:
            continue
        try:
            stated = date.fromisoformat(c.value)
        except ValueError:
            continue
        others = [getattr(d, f) for f in _REVIEW_FIELDS if f != c.field and getattr(d, f) is not None]
        alternatives.add(max([stated, *others]))
    return sorted(alternatives)


def judge_policy(ctx: CheckContext, key: str, docs: list[Document]) -> EntityResult:
    months = int(ctx.thresholds.policy_review_months)
    if not docs:
        # the evidence for an absence is the set of documents searched for it
        searched = sorted(ctx.facts.of(Document), key=lambda d: d.path)
        return EntityResult("policy", key, "fail",
                            f"no document for this policy among the {len(searched)} policy documents provided",
                            srcs(*searched), gap_kind="missing")
    d = _best(docs, key)
    name = f"{key} ({d.path})"
    basis = _basis(d, key)
    where = f" (covered by {basis.removeprefix('section: ')} of '{d.title}')" if basis.startswith("section") else ""
    if conflict := _status_conflict(d):
        return EntityResult("policy", name, "partial", f"cannot tell whether it is approved: the document states "
                            f"{_quote(conflict)}{where}", srcs(d), gap_kind="insufficient_evidence")
    approved = _approved(d)
    if approved is False:
        return EntityResult("policy", name, "fail", f"{d.status}, not approved{where}", srcs(d), gap_kind="missing")
    reviewed = _reviewed_on(d)
    if approved is None:
        return EntityResult("policy", name, "partial", f"approval not recorded (no status or approval date){where}",
                            srcs(d), gap_kind="insufficient_evidence")
    if reviewed is None:
        return EntityResult("policy", name, "partial", f"approved, but no review or approval date{where}", srcs(d),
                            gap_kind="insufficient_evidence")
    age = months_ago(ctx, reviewed)
    measured = {"months_since_review": age, "reviewed": reviewed.isoformat()}
    stale = [day for day in [reviewed, *_reviewed_alternatives(d)]
             if not ctx.within(day, months) and day <= ctx.as_of]
    if stale and len(stale) < len({reviewed, *_reviewed_alternatives(d)}):
        dated = [c for c in d.conflicts if c.field in _REVIEW_FIELDS]
        return EntityResult("policy", name, "partial", f"cannot tell when it was last reviewed: the document states "
                            f"{_quote(dated)}, and only some of these are within the {months}-month cadence{where}",
                            srcs(d), gap_kind="insufficient_evidence", measured=measured)
    if stale:
        return EntityResult("policy", name, "fail",
                            f"last reviewed {reviewed.isoformat()}, {age} months ago (cadence {months} months){where}",
                            srcs(d), gap_kind="stale", measured=measured)
    return EntityResult("policy", name, "pass", f"approved, reviewed {reviewed.isoformat()}{where}", srcs(d),
                        measured=measured)


def _by_key(ctx: CheckContext) -> dict[str, list[Document]]:
    """Topic -> the documents covering it (a document counts for every topic it covers, and only those)."""
    out: dict[str, list[Document]] = {}
    for d in ctx.facts.of(Document):
        for key in d.topics or ((d.policy_key,) if d.policy_key else ()):
            out.setdefault(key, []).append(d)
    return out


@check(
    id="policies.present_approved_and_current",
    title="Every expected policy exists, is approved and was reviewed within the cadence",
    controls=("GOV-04", "GOV-05"),
    criteria=("CC5.3", "CC2.2"),
    severity="high",
    effort="M",
    category="policy",
    remediation="Write the missing policies (start from the generated templates), have management approve "
    "every draft with a dated sign-off, and put a yearly review on the calendar for each owner.",
    sources=("policies",),
    thresholds=("policy_review_months",),
    gap_kind="missing",
)
def present_approved_and_current(ctx: CheckContext) -> CheckResult:
    if not ctx.facts.of(Document):
        return ctx.not_assessed("no policies provided in the evidence")
    by_key = _by_key(ctx)
    return ctx.result([judge_policy(ctx, k, by_key.get(k, [])) for k in expected_keys(ctx)])


def _single_policy_check(key: str, cid: str, title: str, controls: tuple[str, ...], criteria: tuple[str, ...],
                         severity: str, remediation: str, extra: Callable[[Document], str | None] | None = None,
                         ) -> None:
    def fn(ctx: CheckContext) -> CheckResult:
        if not ctx.facts.of(Document):
            return ctx.not_assessed("no policies provided in the evidence")
        if key not in expected_keys(ctx):
            return ctx.not_applicable(f"the {key} policy is only expected when its category is in scope")
        docs = _by_key(ctx).get(key, [])
        entity = judge_policy(ctx, key, docs)
        if entity.status == "pass" and extra is not None:
            problem = extra(_best(docs, key))
            if problem:
                entity = EntityResult("policy", entity.entity, "partial", problem, entity.evidence,
                                      gap_kind="undocumented", measured=entity.measured)
        return ctx.result([entity])

    fn.__name__ = fn.__qualname__ = f"policy_{key}"
    check(id=cid, title=title, controls=controls, criteria=criteria, severity=severity, effort="S",
          category="policy", remediation=remediation, sources=("policies",), thresholds=("policy_review_months",),
          gap_kind="missing")(fn)


def _rto_rpo(d: Document) -> str | None:
    text = d.text.upper()
    missing = [w for w in ("RTO", "RPO") if w not in text and
               {"RTO": "RECOVERY TIME", "RPO": "RECOVERY POINT"}[w] not in text]
    return f"plan does not define {' or '.join(missing)}" if missing else None


_single_policy_check("information_security", "policies.information_security_approved",
                     "An information security policy is approved and current", ("GOV-04",), ("CC5.3", "CC2.2"),
                     "high", "Adopt an information security policy signed off by management and publish it to staff.")
_single_policy_check("access_control", "policies.access_control_documented",
                     "An access control policy is approved and current", ("AC-01",), ("CC6.1", "CC6.2"),
                     "medium", "Document how access is requested, approved, reviewed and revoked; have it approved.")
_single_policy_check("change_management", "policies.change_management_documented",
                     "A change management policy is approved and current", ("CHG-01",), ("CC8.1",),
                     "medium", "Document how changes are reviewed, tested, approved and deployed, including "
                     "emergency changes; have it approved.")
_single_policy_check("vendor_management", "policies.vendor_management_documented",
                     "A vendor management policy is approved and current", ("VND-01",), ("CC9.2",),
                     "medium", "Document vendor tiers, the assurance each tier needs and the review cadence.")
_single_policy_check("incident_response", "policies.incident_response_documented",
                     "An incident response plan is approved and current", ("OPS-08",), ("CC7.3", "CC7.4"),
                     "high", "Write an incident response plan with roles, severity levels, contacts and "
                     "notification duties; have it approved and tested.")
_single_policy_check("business_continuity", "policies.business_continuity_documented",
                     "A business continuity and disaster recovery plan with RTO and RPO is approved",
                     ("AV-04",), ("A1.2", "A1.3", "CC9.1"), "medium",
                     "Write a continuity and recovery plan that states recovery time and recovery point "
                     "objectives for each critical system; have it approved.", extra=_rto_rpo)
_single_policy_check("data_classification", "policies.data_classification_documented",
                     "A data classification policy is approved and current", ("CNF-01",), ("C1.1",),
                     "medium", "Define data classes, their handling rules and who decides the class.")
_single_policy_check("data_retention", "policies.data_retention_documented",
                     "A data retention and disposal schedule is approved and current", ("PRV-11", "CNF-03"),
                     ("C1.2",), "medium", "Publish a retention schedule per data type with the disposal method.")
_single_policy_check("privacy", "policies.privacy_notice_documented",
                     "A privacy notice is approved and current", ("PRV-01",), ("P1.1",),
                     "medium", "Publish a privacy notice describing collection, use, retention, disclosure and "
                     "data subject rights.")
_single_policy_check("code_of_conduct", "policies.code_of_conduct_documented",
                     "A code of conduct is approved and current", ("GOV-01",), ("CC1.1",),
                     "low", "Adopt a code of conduct covering integrity and ethical values; have it approved.")
_single_policy_check("risk_management", "policies.risk_management_documented",
                     "A risk management policy is approved and current", ("RSK-01",), ("CC3.1", "CC3.2"),
                     "medium", "Document how risks are identified, scored on likelihood and impact, treated and "
                     "re-assessed every year.")
_single_policy_check("secure_development", "policies.secure_development_documented",
                     "A secure development policy is approved and current", ("CHG-07",), ("CC8.1",),
                     "low", "Document secure coding, code review, dependency and secret scanning practices.")
