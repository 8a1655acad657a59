"""Change management over pull requests: reviewed by someone other than the author before merge.

Which changes: pull requests merged into a repository's default branch within the audit period (Type II)
or within the 90 days before the as-of date (Type I: a sample of recent practice). The default branch comes
from branch-protection evidence or the repository listing; without either, ``main`` and ``master`` count.

What counts as approval: a reviewer other than the author (case-insensitive) whose latest deciding review
(APPROVED, CHANGES_REQUESTED or DISMISSED; comments do not decide) is APPROVED, submitted no later than the
merge. An emergency change may instead be approved after the merge. Every check is one pass over the changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from trustgap.checks._util import srcs, utc
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, EntityStatus, check
from trustgap.dates import to_utc_start
from trustgap.facts import BranchProtection, Change

TYPE1_LOOKBACK_DAYS = 90
_DECIDING = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})
_FALLBACK_DEFAULTS = frozenset({"main", "master"})
_NO_APPROVERS: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


def _default_branches(ctx: CheckContext) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in [*ctx.facts.resources("github.repository"), *ctx.facts.resources("gitlab.project")]:
        branch = r.attrs.get("default_branch")
        if isinstance(branch, str):
            out[(r.name or r.resource_id).lower()] = branch
            out[r.resource_id.lower()] = branch
    for bp in ctx.facts.of(BranchProtection):
        if bp.is_default:
            out[bp.repository.lower()] = bp.branch
    return out


def _window(ctx: CheckContext) -> tuple[datetime, datetime]:
    end = to_utc_start(ctx.evaluation_end) + timedelta(days=1)
    if ctx.period_start is not None:
        return to_utc_start(ctx.period_start), end
    return end - timedelta(days=TYPE1_LOOKBACK_DAYS), end


def _changes(ctx: CheckContext) -> list[Change]:
    """Merged changes to default branches in the window, selected once per assessment and shared by the checks."""
    start, end = _window(ctx)
    key = (f"merged changes {start.isoformat()} {end.isoformat()}", 0)
    hit = ctx.facts.derived.get(key)
    if hit is None:
        hit = ctx.facts.derived[key] = list(_select_changes(ctx, start, end))
    return hit  # type: ignore[no-any-return]


def _select_changes(ctx: CheckContext, start: datetime, end: datetime) -> Iterator[Change]:
    defaults = _default_branches(ctx)
    for c in ctx.facts.of(Change):
        if c.merged_at is None:
            continue
        merged = utc(c.merged_at)
        if not (start <= merged < end):
            continue
        if c.base_branch is not None:
            default = defaults.get(c.repository.lower())
            targets_default = c.base_branch == default if default else c.base_branch in _FALLBACK_DEFAULTS
            if not targets_default:
                continue
        yield c


def _approvers(ctx: CheckContext, c: Change) -> tuple[frozenset[str], frozenset[str]]:
    """(approvers before or at merge, approvers after merge), computed once per pull request per assessment and
    shared by every check that needs them."""
    key = ("approvers", id(c))
    hit = ctx.facts.derived.get(key)
    if hit is None:
        hit = ctx.facts.derived[key] = _compute_approvers(c)
    return hit  # type: ignore[no-any-return]


def _compute_approvers(c: Change) -> tuple[frozenset[str], frozenset[str]]:
    """(approvers before or at merge, approvers after merge), authors excluded, latest decision per reviewer."""
    if not c.reviews:
        return _NO_APPROVERS
    author = (c.author or "").lower()
    latest: dict[str, tuple[str, datetime | None]] = {}
    reviews = c.reviews if len(c.reviews) == 1 else sorted(
        c.reviews, key=lambda r: (r.submitted_at is None, utc(r.submitted_at) if r.submitted_at else datetime.min))
    for r in reviews:
        state = r.state.upper()
        who = r.reviewer.lower()
        if state in _DECIDING and who != author:
            latest[who] = (state, r.submitted_at)
    before: set[str] = set()
    after: set[str] = set()
    merged = utc(c.merged_at) if c.merged_at else None
    for who, (state, when) in latest.items():
        if state != "APPROVED":
            continue
        if when is None or merged is None or utc(when) <= merged:
            before.add(who)
        else:
            after.add(who)
    return frozenset(before), frozenset(after)


def _label(c: Change) -> str:
    return f"{c.repository}#{c.change_id}"


def _empty(ctx: CheckContext) -> str:
    return ("no merged pull requests to default branches in the audit period" if ctx.type2
            else f"no merged pull requests to default branches in the {TYPE1_LOOKBACK_DAYS} days before the as-of "
            "date")


@check(
    id="change.pr_approved_by_other",
    title="Every merged change was approved by someone other than its author",
    controls=("CHG-02", "CHG-05"),
    criteria=("CC8.1",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Require at least one approving review from someone other than the author on every default "
    "branch (branch protection, admins included); for the changes named, obtain and record a retrospective "
    "review.",
    sources=("github.pulls", "gitlab.merge_requests"),
    description="Emergency changes pass when approved by another person after the merge.",
)
def pr_approved_by_other(ctx: CheckContext) -> CheckResult:
    if not ctx.facts.of(Change):
        return ctx.not_assessed("no pull request evidence")
    entities = []
    for c in _changes(ctx):
        before, after = _approvers(ctx, c)
        ev = srcs(c)
        if before:
            entities.append(EntityResult("pull_request", _label(c), "pass",
                                         f"approved by {', '.join(sorted(before))}", ev))
        elif c.emergency and after:
            entities.append(EntityResult("pull_request", _label(c), "pass",
                                         f"emergency change approved after merge by {', '.join(sorted(after))}", ev))
        else:
            merged_by = c.merged_by or "?"
            how = "its author" if merged_by.lower() == (c.author or "").lower() else merged_by
            extra = " (emergency change, no approval after merge either)" if c.emergency else ""
            entities.append(EntityResult("pull_request", _label(c), "fail",
                                         f"merged by {how} without approval by someone other than the author "
                                         f"{c.author or '?'}{extra}", ev))
    return ctx.result(entities, empty=_empty(ctx))


@check(
    id="change.min_approvals_met",
    title="Merged changes have the promised number of independent approvals",
    controls=("CHG-02",),
    criteria=("CC8.1",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Set the required number of approving reviews in branch protection to the promised minimum.",
    sources=("github.pulls", "gitlab.merge_requests"),
    thresholds=("change_min_approvals",),
)
def min_approvals_met(ctx: CheckContext) -> CheckResult:
    need = int(ctx.thresholds.change_min_approvals)
    if need <= 0:
        return ctx.not_applicable("no minimum number of approvals is required")
    if not ctx.facts.of(Change):
        return ctx.not_assessed("no pull request evidence")
    entities = []
    for c in _changes(ctx):
        before, after = _approvers(ctx, c)
        got = len(before) + (len(after) if c.emergency else 0)
        status: EntityStatus = "pass" if got >= need else "fail"
        entities.append(EntityResult("pull_request", _label(c), status, f"{got} independent approval(s), {need} "
                                     "required", srcs(c), measured={"approvals": got, "required": need}))
    return ctx.result(entities, empty=_empty(ctx))


@check(
    id="change.emergency_approved_after",
    title="Emergency changes were approved after the fact",
    controls=("CHG-05",),
    criteria=("CC8.1",),
    severity="medium",
    effort="S",
    category="process",
    remediation="After every emergency change, have a second engineer review the merged pull request and "
    "record the approval (an approving review or a linked ticket) within a working day.",
    sources=("github.pulls", "gitlab.merge_requests"),
)
def emergency_approved_after(ctx: CheckContext) -> CheckResult:
    if not ctx.facts.of(Change):
        return ctx.not_assessed("no pull request evidence")
    entities = []
    for c in _changes(ctx):
        if not c.emergency:
            continue
        before, after = _approvers(ctx, c)
        if before or after:
            entities.append(EntityResult("pull_request", _label(c), "pass",
                                         f"approved by {', '.join(sorted(before | after))}", srcs(c)))
        else:
            entities.append(EntityResult("pull_request", _label(c), "fail", "emergency change never approved",
                                         srcs(c)))
    if not entities:
        return ctx.not_applicable("no emergency changes in the window judged")
    return ctx.result(entities)


def _protections(ctx: CheckContext) -> dict[str, BranchProtection]:
    out: dict[str, BranchProtection] = {}
    for bp in ctx.facts.of(BranchProtection):
        if bp.is_default:
            out[bp.repository] = bp
    return out


def _active_repositories(ctx: CheckContext) -> set[str]:
    repos = {r.resource_id for r in [*ctx.facts.resources("github.repository"), *ctx.facts.resources("gitlab.project")]
             if not r.attrs.get("archived")}
    repos |= {c.repository for c in ctx.facts.of(Change) if c.kind != "ticket"}  # a ticket's project is no repository
    return repos


def _protection_check(ctx: CheckContext, attribute: str, good: str, bad: str,
                      judge: Callable[[BranchProtection], bool | None],
                      applies: Callable[[BranchProtection], bool] | None = None) -> CheckResult:
    protections = _protections(ctx)
    if not protections:
        return ctx.not_assessed("no branch protection evidence for default branches")
    entities = []
    for repo in sorted(set(protections) | _active_repositories(ctx)):
        bp = protections.get(repo)
        if bp is not None and applies is not None and not applies(bp):
            continue
        if bp is None:
            entities.append(EntityResult("repository", repo, "partial", "no branch protection evidence",
                                         gap_kind="insufficient_evidence"))
            continue
        label = f"{repo}:{bp.branch}"
        verdict = judge(bp)
        if verdict is None:
            entities.append(EntityResult("repository", label, "partial", f"{attribute} not shown",
                                         srcs(bp), gap_kind="insufficient_evidence"))
        elif verdict:
            entities.append(EntityResult("repository", label, "pass", good, srcs(bp)))
        else:
            entities.append(EntityResult("repository", label, "fail", bad, srcs(bp)))
    return ctx.result(entities)


@check(
    id="branch_protection.default_branch_protected",
    title="Default branches are protected",
    controls=("CHG-03",),
    criteria=("CC8.1",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Add a branch protection rule (or ruleset) on the default branch of every active repository.",
    sources=("github.protection", "gitlab.protection"),
)
def default_branch_protected(ctx: CheckContext) -> CheckResult:
    return _protection_check(ctx, "protection", "protected", "default branch is not protected",
                             lambda bp: bp.protected)


@check(
    id="branch_protection.required_approvals",
    title="Branch protection requires the promised number of approvals",
    controls=("CHG-03", "CHG-02"),
    criteria=("CC8.1",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Set 'Require approvals' in the default branch's protection to at least the promised minimum.",
    sources=("github.protection", "gitlab.protection"),
    thresholds=("change_min_approvals",),
)
def required_approvals(ctx: CheckContext) -> CheckResult:
    need = int(ctx.thresholds.change_min_approvals)

    def judge(bp: BranchProtection) -> bool | None:
        if not bp.protected:
            return False
        return None if bp.required_approvals is None else bp.required_approvals >= need

    return _protection_check(ctx, "required approvals", f"at least {need} approval(s) required",
                             f"fewer than {need} approval(s) required", judge)


@check(
    id="branch_protection.admins_enforced",
    title="Branch protection applies to administrators too",
    controls=("CHG-03",),
    criteria=("CC8.1",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Turn on 'Do not allow bypassing the above settings' (include administrators) on the default "
    "branch protection.",
    sources=("github.protection", "gitlab.protection"),
)
def admins_enforced(ctx: CheckContext) -> CheckResult:
    # GitLab has no "include administrators" switch: a protected branch's push and merge levels bind every role
    # (https://docs.gitlab.com/user/project/repository/branches/protected/), so the question does not apply there
    res = _protection_check(ctx, "admin enforcement", "administrators cannot bypass",
                            "administrators can bypass the rules",
                            lambda bp: False if not bp.protected else bp.enforce_admins,
                            applies=lambda bp: bp.system != "gitlab")
    if res.status == "not_assessed" and _protections(ctx):
        return ctx.not_applicable("GitLab protected branches have no administrator bypass setting to judge")
    return res


@check(
    id="branch_protection.force_push_disabled",
    title="Force pushes to default branches are blocked",
    controls=("CHG-03",),
    criteria=("CC8.1",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Disable 'Allow force pushes' on the default branch protection so history cannot be rewritten.",
    sources=("github.protection", "gitlab.protection"),
)
def force_push_disabled(ctx: CheckContext) -> CheckResult:
    return _protection_check(
        ctx, "force-push setting", "force pushes blocked", "force pushes allowed",
        lambda bp: False if not bp.protected else (
            None if bp.allow_force_pushes is None else not bp.allow_force_pushes
        ),
    )


@check(
    id="branch_protection.status_checks_required",
    title="Automated checks must pass before merging",
    controls=("CHG-04",),
    criteria=("CC8.1",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Require the CI status checks (tests, linters, security scans) to pass before merging to the "
    "default branch.",
    sources=("github.protection", "gitlab.protection"),
)
def status_checks_required(ctx: CheckContext) -> CheckResult:
    return _protection_check(ctx, "status check requirement", "status checks required",
                             "merges do not wait for status checks",
                             lambda bp: False if not bp.protected else bp.require_status_checks)


@check(
    id="branch_protection.stale_reviews_dismissed",
    title="Approvals are dismissed when new commits are pushed",
    controls=("CHG-02",),
    criteria=("CC8.1",),
    severity="low",
    effort="S",
    category="technical",
    remediation="Turn on 'Dismiss stale pull request approvals when new commits are pushed' so what is merged "
    "is what was reviewed.",
    sources=("github.protection", "gitlab.protection"),
)
def stale_reviews_dismissed(ctx: CheckContext) -> CheckResult:
    return _protection_check(ctx, "stale review dismissal", "stale approvals dismissed",
                             "approvals survive new commits",
                             lambda bp: False if not bp.protected else bp.dismiss_stale_reviews)

