"""Joining GitLab facts read from separate answers: approvals to merge requests, protected branches and approval
rules to their projects, one account seen in several listings.

The intermediate facts below exist only between a file's parse and the GitLab parser's ``finalize``; the checks
never see them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Any

from trustgap.facts import Account, BranchProtection, Change, CollectionIssue, Review, Src

SYSTEM = "gitlab"
# rule types that ask people for approval (report_approver rules gate on security reports, not on review)
_REVIEW_RULES = frozenset({"regular", "any_approver", "code_owner"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectInfo:
    src: Src
    project_id: int | None
    path: str
    default_branch: str | None
    pipeline_required: bool | None = None  # only_allow_merge_if_pipeline_succeeds


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtectedPattern:
    src: Src
    name: str  # a branch name or a wildcard pattern (release/*)
    allow_force_push: bool | None
    code_owner_approval_required: bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtectedList:
    """The whole ``GET /projects/:id/protected_branches`` answer of one project (empty: nothing protected)."""

    src: Src
    project: str
    branches: tuple[ProtectedPattern, ...]
    unnamed_path: str = ""  # a bare answer: the file whose path must name the project


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprovalRule:
    name: str
    rule_type: str
    approvals_required: int
    all_branches: bool
    branches: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleList:
    src: Src
    project: str
    rules: tuple[ApprovalRule, ...]
    unnamed_path: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectApprovalSettings:
    src: Src
    project: str
    reset_on_push: bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeRequestSeen:
    """A merged merge request read without its approvals."""

    src: Src
    project_id: int | None
    change: Change


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprovalBatch:
    """The answer of ``GET /projects/:id/merge_requests/:iid/approvals``."""

    src: Src
    project_id: int
    iid: str
    reviews: tuple[Review, ...]
    approvals_required: int | None = None  # what the rules in force required of this merge request


def _union(a: tuple[Review, ...], b: tuple[Review, ...]) -> tuple[Review, ...]:
    seen = {(r.reviewer.lower(), r.submitted_at) for r in a}
    return a + tuple(r for r in b if (r.reviewer.lower(), r.submitted_at) not in seen)


def _merge_accounts(accounts: list[Account]) -> list[Account]:
    """One account per username: the instance listing's fields first, group memberships added, admin if any
    listing says so."""
    by_name: dict[str, list[Account]] = defaultdict(list)
    for a in accounts:
        by_name[a.account_id.lower()].append(a)
    out: list[Account] = []
    for group in by_name.values():
        # the instance user listing (no group) knows most; among member rows keep the first
        group.sort(key=lambda a: (bool(a.groups), a.mfa_enabled is None, a.email is None))
        base = group[0]
        groups = tuple(dict.fromkeys(g for a in group for g in a.groups))
        admin_flags = [a.is_admin for a in group if a.is_admin is not None]
        merged = replace(
            base,
            groups=groups,
            is_admin=any(admin_flags) if admin_flags else None,
            email=base.email or next((a.email for a in group if a.email), None),
            mfa_enabled=base.mfa_enabled if base.mfa_enabled is not None
            else next((a.mfa_enabled for a in group if a.mfa_enabled is not None), None),
            active=base.active if base.active is not None else next((a.active for a in group
                                                                      if a.active is not None), None),
        )
        out.append(merged)
    return out


def _required(rules: list[ApprovalRule], branch: str) -> int | None:
    counts = [r.approvals_required for r in rules if r.rule_type in _REVIEW_RULES
              and (r.all_branches or any(fnmatchcase(branch, b) for b in r.branches))]
    return max(counts) if counts else None


def _protections(projects: dict[str, ProjectInfo], lists: list[ProtectedList], rules: dict[str, list[ApprovalRule]],
                 settings: dict[str, ProjectApprovalSettings],
                 required_seen: dict[str, int] | None = None) -> list[BranchProtection]:
    out: list[BranchProtection] = []
    for pl in lists:
        info = projects.get(pl.project.lower())
        default = info.default_branch if info else None
        project_rules = rules.get(pl.project.lower(), [])
        reset = settings[pl.project.lower()].reset_on_push if pl.project.lower() in settings else None
        # the rule for the default branch: its exact name, else the first wildcard that covers it
        covering = [b for b in pl.branches if default is not None and fnmatchcase(default, b.name)]
        chosen = next((b for b in covering if b.name == default), covering[0] if covering else None)
        for b in pl.branches:
            is_default = b is chosen
            branch = default if is_default and default else b.name
            out.append(BranchProtection(
                src=b.src, system=SYSTEM, repository=pl.project, branch=branch, is_default=is_default,
                protected=True, required_approvals=_required(project_rules, branch) if project_rules else (
                    (required_seen or {}).get(pl.project.lower()) if is_default else None),
                dismiss_stale_reviews=reset, require_code_owner_reviews=b.code_owner_approval_required,
                allow_force_pushes=b.allow_force_push,
                require_status_checks=info.pipeline_required if info is not None and is_default else None,
            ))
        if default is not None and chosen is None:
            out.append(BranchProtection(src=pl.src, system=SYSTEM, repository=pl.project, branch=default,
                                        is_default=True, protected=False))
    return out


def _required_seen(seen: list[MergeRequestSeen], required: dict[tuple[int, str], int],
                   projects: dict[str, ProjectInfo], paths_by_id: dict[int, str]) -> dict[str, int]:
    """Project path -> the fewest approvals any merge request into its default branch was required to have (GitLab
    says so in each merge request's approvals answer): the protection's requirement when its approval rules were not
    exported."""
    out: dict[str, int] = {}
    for s in seen:
        if s.project_id is None or (s.project_id, s.change.change_id) not in required:
            continue
        path = paths_by_id.get(s.project_id) or s.change.repository
        info = projects.get(path.lower())
        if info is None or info.default_branch is None or s.change.base_branch != info.default_branch:
            continue
        n = required[(s.project_id, s.change.change_id)]
        out[path.lower()] = min(n, out.get(path.lower(), n))
    return out


def _named_in(path: str, projects: dict[str, ProjectInfo]) -> str | None:
    """The project a file's path names: the longest project path, or else project name, found in it as a whole
    word (``acme/api``, ``api-protected-branches.json``); None when none or several equally long ones are."""
    lowered = path.lower()
    hits: dict[str, str] = {}
    for key, info in projects.items():
        for name in (key, key.rsplit("/", 1)[-1], key.replace("/", "-"), key.replace("/", "_")):
            if re.search(rf"(?:^|[^a-z0-9]){re.escape(name)}(?:$|[^a-z0-9])", lowered):
                hits[name] = info.path
    if not hits:
        return None
    longest = max(len(n) for n in hits)
    chosen = {p for n, p in hits.items() if len(n) == longest}
    return chosen.pop() if len(chosen) == 1 else None


def resolve_projects(facts: list[Any], projects: dict[str, ProjectInfo]) -> tuple[list[Any], list[Any]]:
    """Bare protected-branches and approval-rules answers named by their file's path; (resolved, problems)."""
    kept: list[Any] = []
    problems: list[Any] = []
    for f in facts:
        if isinstance(f, ProtectedList | RuleList) and f.unnamed_path:
            project = _named_in(f.unnamed_path, projects)
            if project is None:
                problems.append(CollectionIssue(src=f.src, source="gitlab.protection", reason=(
                    f"{f.unnamed_path}: which project this answer is about cannot be told (name the file after a "
                    "project of the projects answer, or use the trustgap_gitlab wrapper)")))
                continue
            f = replace(f, project=project, unnamed_path="")
        kept.append(f)
    return kept, problems


def finalize(facts: list[Any]) -> list[Any]:
    by_path = {f.path.lower(): f for f in facts if isinstance(f, ProjectInfo)}
    facts, problems = resolve_projects(facts, by_path)
    out: list[Any] = list(problems)
    accounts: list[Account] = []
    projects: dict[str, ProjectInfo] = {}
    paths_by_id: dict[int, str] = {}
    lists: dict[str, ProtectedList] = {}
    rules: dict[str, list[ApprovalRule]] = {}
    settings: dict[str, ProjectApprovalSettings] = {}
    seen: list[MergeRequestSeen] = []
    approvals: dict[tuple[int, str], tuple[Review, ...]] = {}
    required: dict[tuple[int, str], int] = {}
    for f in facts:
        if isinstance(f, Account):
            accounts.append(f)
        elif isinstance(f, ProjectInfo):
            projects[f.path.lower()] = f
            if f.project_id is not None:
                paths_by_id[f.project_id] = f.path
        elif isinstance(f, ProtectedList):
            lists[f.project.lower()] = f  # the latest answer for a project wins
        elif isinstance(f, RuleList):
            rules[f.project.lower()] = list(f.rules)
        elif isinstance(f, ProjectApprovalSettings):
            settings[f.project.lower()] = f
        elif isinstance(f, MergeRequestSeen):
            seen.append(f)
        elif isinstance(f, ApprovalBatch):
            key = (f.project_id, f.iid)
            approvals[key] = _union(approvals.get(key, ()), f.reviews)
            if f.approvals_required is not None:
                required[key] = f.approvals_required
        else:
            out.append(f)
    out.extend(_merge_accounts(accounts))
    out.extend(_protections(projects, list(lists.values()), rules, settings,
                            _required_seen(seen, required, projects, paths_by_id)))
    changes: dict[tuple[str, str], Change] = {}
    missing: list[MergeRequestSeen] = []
    for s in seen:
        c = s.change
        if s.project_id is not None and c.repository.startswith("project ") and s.project_id in paths_by_id:
            c = replace(c, repository=paths_by_id[s.project_id])
        reviews = approvals.get((s.project_id, c.change_id)) if s.project_id is not None else None
        if reviews is None:
            missing.append(replace(s, change=c))
            continue
        ckey = (c.repository.lower(), c.change_id)
        known = changes.get(ckey)
        changes[ckey] = replace(c, reviews=reviews if known is None else _union(known.reviews, reviews))
    for s in missing:
        if (s.change.repository.lower(), s.change.change_id) in changes:
            continue
        out.append(CollectionIssue(src=s.src, source="gitlab.merge_requests",
                                   reason=f"the approvals of merge request {s.change.repository}!{s.change.change_id} "
                                   "are not in the evidence"))
    out.extend(changes.values())
    return out
