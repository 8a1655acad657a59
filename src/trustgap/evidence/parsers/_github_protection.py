"""Branch protection of GitHub repositories: classic protection rules and repository rulesets.

Classic protection is the answer of ``GET /repos/{owner}/{repo}/branches/{branch}/protection``
(https://docs.github.com/en/rest/branches/branch-protection#get-branch-protection): ``required_pull_request_reviews``
(``required_approving_review_count``, ``dismiss_stale_reviews``, ``require_code_owner_reviews``),
``required_status_checks`` (``contexts`` / ``checks``), ``enforce_admins.enabled``, ``allow_force_pushes.enabled``,
``allow_deletions.enabled``, ``required_linear_history.enabled``. GitHub answers 404 with the message
"Branch not protected" when the branch has no protection rule.

Rulesets are read from ``GET /repos/{owner}/{repo}/rules/branches/{branch}``
(https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch): every active rule that applies to the branch,
each with a ``type`` and, for some types, ``parameters``. The ``pull_request`` rule carries
``required_approving_review_count``, ``dismiss_stale_reviews_on_push`` and ``require_code_owner_review``;
``non_fast_forward`` blocks force pushes; ``required_status_checks`` lists ``required_status_checks``. The answer
does not show a ruleset's bypass list, so whether administrators may bypass it stays unknown (None).

:func:`merge` combines the classic rule and the rulesets of one branch into the one
:class:`~trustgap.facts.BranchProtection` the checks read: a setting counts as enforced when either source
enforces it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from trustgap.evidence.parsers._json_input import as_dict, as_list, text_or_none
from trustgap.facts import BranchProtection, Src

SYSTEM = "github"
RULES_LOCATOR = "$.rules"
# Rule types that control what reaches the branch (creation / deletion rules do not).
PROTECTIVE_RULES = frozenset({
    "pull_request", "required_status_checks", "non_fast_forward", "update", "required_linear_history",
    "required_signatures", "required_deployments", "merge_queue", "workflows", "code_scanning",
})
_PROTECTION_URL = re.compile(r"/repos/([^/]+/[^/]+)/branches/(.+)/protection/?$")


def location_from_url(url: Any) -> tuple[str, str] | None:
    """(owner/name, branch) from a protection answer's ``url``, or None."""
    if not isinstance(url, str):
        return None
    m = _PROTECTION_URL.search(url)
    if m is None:
        return None
    from urllib.parse import unquote

    return m.group(1), unquote(m.group(2))


def _enabled(value: Any) -> bool | None:
    """``{"enabled": true}`` -> True; a bare bool is accepted too; anything else -> None."""
    if isinstance(value, bool):
        return value
    flag = as_dict(value).get("enabled")
    return flag if isinstance(flag, bool) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def from_classic(body: dict[str, Any], src: Src, repository: str, branch: str, is_default: bool) -> BranchProtection:
    """A protected branch as the classic protection answer describes it."""
    reviews = body.get("required_pull_request_reviews")
    if isinstance(reviews, dict):
        approvals = _count(reviews.get("required_approving_review_count"))
        stale = reviews.get("dismiss_stale_reviews")
        owners = reviews.get("require_code_owner_reviews")
        dismiss: bool | None = stale if isinstance(stale, bool) else None
        code_owners: bool | None = owners if isinstance(owners, bool) else None
    else:  # pull requests are not required: nothing to approve
        approvals, dismiss, code_owners = 0, False, False
    checks = body.get("required_status_checks")
    status_checks: bool | None
    if isinstance(checks, dict):
        listed = [*as_list(checks.get("contexts")), *as_list(checks.get("checks"))]
        shown = "contexts" in checks or "checks" in checks
        status_checks = bool(listed) or not shown
    else:
        status_checks = False
    return BranchProtection(
        src=src, system=SYSTEM, repository=repository, branch=branch, is_default=is_default, protected=True,
        required_approvals=approvals, dismiss_stale_reviews=dismiss, require_code_owner_reviews=code_owners,
        enforce_admins=_enabled(body.get("enforce_admins")),
        allow_force_pushes=_enabled(body.get("allow_force_pushes")),
        require_status_checks=status_checks,
    )


def from_rules(rules: Iterable[dict[str, Any]], src: Src, repository: str, branch: str,
               is_default: bool) -> BranchProtection:
    """What the active rulesets enforce on a branch (``protected`` only when a rule controls its content)."""
    types: set[str] = set()
    approvals: int | None = None
    dismiss = False
    code_owners = False
    status_checks = False
    for rule in rules:
        kind = (text_or_none(rule.get("type")) or "").lower()
        types.add(kind)
        params = as_dict(rule.get("parameters"))
        if kind == "pull_request":
            count = _count(params.get("required_approving_review_count"))
            approvals = max(approvals or 0, count or 0)
            dismiss = dismiss or params.get("dismiss_stale_reviews_on_push") is True
            code_owners = code_owners or params.get("require_code_owner_review") is True
        elif kind == "required_status_checks":
            status_checks = status_checks or bool(as_list(params.get("required_status_checks"))) or not params
    has_pr = "pull_request" in types
    protected = bool(types & PROTECTIVE_RULES)
    return BranchProtection(
        src=src, system=SYSTEM, repository=repository, branch=branch, is_default=is_default, protected=protected,
        required_approvals=approvals if has_pr else 0, dismiss_stale_reviews=dismiss,
        require_code_owner_reviews=code_owners, enforce_admins=None if protected else False,
        allow_force_pushes="non_fast_forward" not in types, require_status_checks=status_checks,
    )


def is_from_rules(bp: BranchProtection) -> bool:
    return bp.src.locator.startswith(RULES_LOCATOR)


def _good_when_true(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _good_when_false(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def merge(facts: list[BranchProtection], defaults: dict[str, str]) -> list[BranchProtection]:
    """One fact per (repository, branch), combining classic protection and rulesets.

    ``defaults`` maps a lower-cased ``owner/name`` to the repository's default branch (from repository answers);
    a branch that is not the default is marked ``is_default=False``. A rulesets answer with no rule that controls
    the branch's content says nothing about classic protection, so alone it yields no fact."""
    groups: dict[tuple[str, str], list[BranchProtection]] = {}
    for bp in facts:
        groups.setdefault((bp.repository.lower(), bp.branch), []).append(bp)
    out: list[BranchProtection] = []
    for (repo_key, branch), group in groups.items():
        default = defaults.get(repo_key)
        is_default = all(bp.is_default for bp in group) and (default is None or default == branch)
        active = [bp for bp in group if bp.protected]
        classic = [bp for bp in group if not is_from_rules(bp)]
        if not active:
            if not classic:
                continue  # rulesets alone, none protective: classic protection unknown
            first = classic[0]
            out.append(_with(first, is_default=is_default))
            continue
        base = next((bp for bp in active if not is_from_rules(bp)), active[0])
        approvals = [bp.required_approvals for bp in active if bp.required_approvals is not None]
        out.append(BranchProtection(
            src=base.src, system=base.system, repository=base.repository, branch=branch, is_default=is_default,
            protected=True,
            required_approvals=max(approvals) if approvals else None,
            dismiss_stale_reviews=_good_when_true([bp.dismiss_stale_reviews for bp in active]),
            require_code_owner_reviews=_good_when_true([bp.require_code_owner_reviews for bp in active]),
            enforce_admins=_good_when_true([bp.enforce_admins for bp in active]),
            allow_force_pushes=_good_when_false([bp.allow_force_pushes for bp in active]),
            require_status_checks=_good_when_true([bp.require_status_checks for bp in active]),
        ))
    return out


def _with(bp: BranchProtection, *, is_default: bool) -> BranchProtection:
    if bp.is_default == is_default:
        return bp
    return BranchProtection(
        src=bp.src, system=bp.system, repository=bp.repository, branch=bp.branch, is_default=is_default,
        protected=bp.protected, required_approvals=bp.required_approvals,
        dismiss_stale_reviews=bp.dismiss_stale_reviews,
        require_code_owner_reviews=bp.require_code_owner_reviews, enforce_admins=bp.enforce_admins,
        allow_force_pushes=bp.allow_force_pushes, require_status_checks=bp.require_status_checks,
    )


def not_protected(doc: dict[str, Any], src: Src, where: tuple[str, str] | None) -> BranchProtection | None:
    """GitHub's 404 answer to ``GET .../branches/{branch}/protection`` for an unprotected branch
    (``{"message": "Branch not protected", "documentation_url": ...}``), attributed to the repository and branch its
    file path names; None when the answer is something else or the path names neither."""
    if "not protected" not in (text_or_none(doc.get("message")) or "").lower() or where is None:
        return None
    return BranchProtection(src=src, system="github", repository=where[0], branch=where[1], is_default=True,
                            protected=False)


def qualify(facts: list[BranchProtection], known: Iterable[str]) -> list[BranchProtection]:
    """Protections named by a file path with the repository's name alone get its full ``owner/name`` when exactly
    one repository of the evidence has that name."""
    by_name: dict[str, set[str]] = {}
    for full in known:
        if "/" in full:
            by_name.setdefault(full.rsplit("/", 1)[1].lower(), set()).add(full)
    out = []
    for bp in facts:
        names = by_name.get(bp.repository.lower(), set()) if "/" not in bp.repository else set()
        out.append(replace(bp, repository=next(iter(names))) if len(names) == 1 else bp)
    return out
