"""GitHub REST API v3 answers: organisation, members, repositories, branch protection, pull requests and reviews.

Format references (GitHub REST API documentation, https://docs.github.com/en/rest):

- ``GET /orgs/{org}`` (https://docs.github.com/en/rest/orgs/orgs#get-an-organization): ``login``,
  ``two_factor_requirement_enabled`` (shown to organisation owners only), ``default_repository_permission``,
  ``members_can_create_repositories`` and the other ``members_can_*`` / ``*_enabled_for_new_repositories`` flags;
- ``GET /orgs/{org}/members`` (https://docs.github.com/en/rest/orgs/members#list-organization-members): an array of
  users (``login``, ``id``, ``type``, ``site_admin``); the query parameters ``role`` (all, admin, member) and
  ``filter`` (all, ``2fa_disabled``: members without two-factor authentication, for owners only) narrow it;
- ``GET /orgs/{org}/repos`` and ``GET /repos/{owner}/{repo}`` (https://docs.github.com/en/rest/repos/repos):
  ``full_name``, ``default_branch``, ``archived``, ``private``, ``visibility``, ``fork``;
- branch protection and rules for a branch: see :mod:`trustgap.evidence.parsers._github_protection`;
- ``GET /repos/{owner}/{repo}/pulls`` (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests): ``number``,
  ``title``, ``user.login``, ``created_at``, ``merged_at``, ``base.ref``, ``base.repo.full_name``, ``labels[].name``,
  ``html_url``, and ``merged_by.login`` where the answer has it (the single pull request answer does, lists do not);
- ``GET /repos/{owner}/{repo}/pulls/{n}/reviews`` (https://docs.github.com/en/rest/pulls/reviews): ``user.login``,
  ``state`` (APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING), ``submitted_at``, ``commit_id``,
  ``pull_request_url``.

An answer whose content does not say what it is about (which organisation a member list belongs to, which branch a
404 concerns) is saved by the live collector (:mod:`trustgap.collectors.github`) inside a small wrapper, which a
file export may use too:

- ``{"trustgap_github": "branch_protection", "repository", "branch", "status", "body"}``: status 200 with the
  protection object, or 404 with message "Branch not protected"; any other status is recorded as a collection
  problem (``github.protection``);
- ``{"trustgap_github": "branch_rules", "repository", "branch", "rules": [...]}``;
- ``{"trustgap_github": "pulls_with_reviews", "repository", "pulls": [... each with "reviews": [...]]}``; a pull
  with ``"reviews_unavailable": true`` lost its reviews to an API error and is recorded as a collection problem;
- ``{"trustgap_github": "members", "org", "role", "filter", "members": [...]}``.

A bare protection object is placed by its ``url`` (``.../repos/{owner}/{repo}/branches/{branch}/protection``); bare
reviews are joined to their pull request by ``pull_request_url``. An empty reviews answer (``[]``) names no pull
request, so a merged pull request with no review at all is only proven so by the ``pulls_with_reviews`` wrapper.

Facts
- :class:`Setting` per documented organisation flag (key ``github.org.<field>``, scope = org login);
- :class:`Resource` ``github.repository`` per repository (attrs ``default_branch``, ``archived``, ``private``,
  ``visibility``, ``fork``);
- :class:`BranchProtection` per repository default branch (classic rule and rulesets merged in ``finalize``);
- :class:`Change` per merged pull request with its :class:`Review` list; a change is an emergency when a label
  names it so (``emergency``, ``hotfix``, ``break-glass``, ``expedite``; or the labels listed in
  ``parsers.github.emergency_labels`` of the scope file);
- :class:`Account` (system ``github``) per organisation member; member lists carry no e-mail, so logins are joined
  to people through ``parsers.github.emails`` (``{login: email}``) in the scope file, or the ``email`` a user
  object shows.

``finalize`` joins reviews kept in separate answers to their pull requests, merges pages and member lists, and
turns a merged pull request without any review evidence into a ``github.pulls`` collection problem.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers import _api_paths as api_paths
from trustgap.evidence.parsers import _github_protection as protection
from trustgap.evidence.parsers._github_join import (
    MemberListing,
    PullAwaitingReviews,
    ReviewBatch,
    join_changes,
    merge_members,
)
from trustgap.evidence.parsers._json_input import as_dict, as_list, head_text, load_json, text_or_none
from trustgap.evidence.parsers._json_items import object_items
from trustgap.facts import Account, BranchProtection, Change, CollectionIssue, Resource, Review, Setting, norm_email

SYSTEM = "github"
WRAPPER = "trustgap_github"
ORG_FLAGS = (
    "two_factor_requirement_enabled", "default_repository_permission", "members_can_create_repositories",
    "members_allowed_repository_creation_type", "members_can_create_public_repositories",
    "members_can_create_private_repositories", "members_can_create_internal_repositories",
    "members_can_fork_private_repositories", "members_can_create_pages", "members_can_create_public_pages",
    "web_commit_signoff_required", "advanced_security_enabled_for_new_repositories",
    "dependabot_alerts_enabled_for_new_repositories", "dependabot_security_updates_enabled_for_new_repositories",
    "dependency_graph_enabled_for_new_repositories", "secret_scanning_enabled_for_new_repositories",
    "secret_scanning_push_protection_enabled_for_new_repositories", "is_verified",
)
REVIEW_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"})
_EMERGENCY = re.compile(r"emergency|hot[-_ ]?fix|break[-_ ]?glass|expedite", re.I)
_PULL_URL = re.compile(r"/repos/([^/]+/[^/]+)/pulls/(\d+)")
_REPO_NAME = re.compile(r"^[^/\s]+/[^/\s]+$")
_ORG_KEYS = ('"two_factor_requirement_enabled"', '"default_repository_permission"', '"members_can_create_repositories"')


# --------------------------------------------------------------------------- recognition


def sniff(data: bytes, name: str) -> int:
    head = head_text(data)
    stripped = head.lstrip()
    if not stripped.startswith(("{", "[")):
        return 0
    if f'"{WRAPPER}"' in head:
        return 10
    if stripped.startswith("{"):
        org_like = any(k in head for k in _ORG_KEYS) or ('"Organization"' in head and '"repos_url"' in head)
        if '"login"' in head and org_like:
            return 10
        if re.search(r'"url"\s*:\s*"[^"]*/branches/[^"]*/protection"', head) and (
                '"enforce_admins"' in head or '"required_pull_request_reviews"' in head
                or '"allow_force_pushes"' in head):
            return 10
        if '"full_name"' in head and '"default_branch"' in head:
            return 9
        if "not protected" in head.lower() and "branch-protection" in head and api_paths.branch_protection(name):
            return 9
        return 0
    if re.fullmatch(r"\[\s*\]\s*", stripped):  # an empty answer: its path says what it is about
        return 6 if api_paths.pull_reviews(name) or api_paths.member_filter(name) else 0
    if stripped == "[":
        return 0
    if '"merged_at"' in head and '"base"' in head and '"number"' in head:
        return 9
    if '"pull_request_url"' in head and '"submitted_at"' in head and '"state"' in head:
        return 9
    if '"full_name"' in head and '"default_branch"' in head:
        return 9
    if '"login"' in head and '"site_admin"' in head and '"avatar_url"' in head:
        return 8
    return 0


# --------------------------------------------------------------------------- small readers


def _when(value: Any, ctx: ParseContext, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        ctx.error(f"{where}: not a date: {value!r}", field=where)
        return None
    try:
        return parse_datetime(value)
    except (DateParseError, ValueError, OverflowError):
        ctx.error(f"{where}: not a date: {value!r}", field=where)
        return None


def _login(user: Any) -> str | None:
    return text_or_none(as_dict(user).get("login"))


def _repository(value: Any, ctx: ParseContext, field: str) -> str:
    repo = text_or_none(value)
    if repo is None or not _REPO_NAME.match(repo):
        raise InputError(ctx.path, f"{field} must name a repository as owner/name, got {value!r}", field=field)
    return repo


def _options_emails(ctx: ParseContext) -> dict[str, str]:
    raw = ctx.options.get("emails")
    if not isinstance(raw, dict):
        return {}
    return {str(k).lower(): e for k, v in raw.items() if (e := norm_email(str(v))) is not None}


# --------------------------------------------------------------------------- organisation and repositories


def _org(doc: dict[str, Any], ctx: ParseContext) -> list[Any]:
    login = text_or_none(doc.get("login"))
    if login is None:
        raise InputError(ctx.path, "organisation answer without a login", field="login")
    facts: list[Any] = []
    for key in ORG_FLAGS:
        if key not in doc:
            continue
        value = doc[key]
        if value is not None and not isinstance(value, bool | str | int):
            ctx.error(f"{key}: unexpected value {value!r}", field=key)
            continue
        facts.append(Setting(src=ctx.src(f"$.{key}"), system=SYSTEM, scope=login, key=f"github.org.{key}",
                             value=value))
    return facts


def _repo(item: dict[str, Any], ctx: ParseContext, where: str) -> Resource | None:
    full = text_or_none(item.get("full_name"))
    if full is None or not _REPO_NAME.match(full):
        ctx.error(f"{where} has no full_name (owner/name)", field=f"{where}.full_name")
        return None
    attrs: dict[str, Any] = {}
    for key in ("default_branch", "archived", "private", "visibility", "fork", "disabled"):
        value = item.get(key)
        if isinstance(value, bool | str):
            attrs[key] = value
    pushed = item.get("pushed_at")
    if isinstance(pushed, str):
        attrs["pushed_at"] = pushed
    return Resource(src=ctx.src(where), system=SYSTEM, kind="github.repository", resource_id=full,
                    name=text_or_none(item.get("name")) or full.split("/", 1)[1], attrs=attrs)


# --------------------------------------------------------------------------- members


def _members(items: list[Any], ctx: ParseContext, base: str, org: str | None, role: str,
             filter_: str) -> list[Any]:
    emails = _options_emails(ctx)
    facts: list[Any] = []
    logins: set[str] = set()
    for i, item in enumerate(items):
        where = f"{base}[{i}]"
        login = _login(item)
        if login is None:
            ctx.error(f"{where} is not a user with a login", field=where)
            continue
        logins.add(login.lower())
        user = as_dict(item)
        site_admin = user.get("site_admin") is True
        facts.append(Account(
            src=ctx.src(where), system=SYSTEM, account_id=login,
            email=emails.get(login.lower()) or norm_email(text_or_none(user.get("email"))),
            display_name=text_or_none(user.get("name")),
            kind="service" if text_or_none(user.get("type")) == "Bot" else "user",
            is_admin=True if role == "admin" or site_admin else (False if role == "member" else None),
            active=True, status="member",
            mfa_enabled=False if filter_ == "2fa_disabled" else None,
            groups=(org,) if org else (),
        ))
    facts.append(MemberListing(src=ctx.src(base), org=org, role=role, filter=filter_, logins=frozenset(logins)))
    return facts


# --------------------------------------------------------------------------- pull requests and reviews


def _review(item: Any, ctx: ParseContext, where: str) -> Review | None:
    if not isinstance(item, dict):
        ctx.error(f"{where} is not a review object", field=where)
        return None
    state = (text_or_none(item.get("state")) or "").upper()
    if state not in REVIEW_STATES:
        ctx.error(f"{where}.state: not a review state: {item.get('state')!r}", field=f"{where}.state")
        return None
    return Review(reviewer=_login(item.get("user")) or "ghost", state=state,
                  submitted_at=_when(item.get("submitted_at"), ctx, f"{where}.submitted_at"),
                  commit_id=text_or_none(item.get("commit_id")))


def _reviews(items: Any, ctx: ParseContext, where: str) -> tuple[Review, ...]:
    if not isinstance(items, list):
        ctx.error(f"{where} is not a list", field=where)
        return ()
    return tuple(r for i, item in enumerate(items) if (r := _review(item, ctx, f"{where}[{i}]")) is not None)


def _emergency(labels: tuple[str, ...], ctx: ParseContext) -> bool:
    wanted = ctx.options.get("emergency_labels")
    if isinstance(wanted, list):
        names = {str(w).strip().lower() for w in wanted}
        return any(label.lower() in names for label in labels)
    return any(_EMERGENCY.search(label) for label in labels)


def _pull(item: Any, ctx: ParseContext, where: str, repository: str | None) -> list[Any]:
    if not isinstance(item, dict):
        ctx.error(f"{where} is not a pull request object", field=where)
        return []
    number = item.get("number")
    if isinstance(number, bool) or not isinstance(number, int | str) or not str(number).strip().isdigit():
        ctx.error(f"{where}.number: not a pull request number: {number!r}", field=f"{where}.number")
        return []
    base = as_dict(item.get("base"))
    repo = repository or text_or_none(as_dict(base.get("repo")).get("full_name"))
    if repo is None:
        m = _PULL_URL.search(text_or_none(item.get("url")) or "")
        repo = m.group(1) if m else None
    if repo is None:
        ctx.error(f"{where}: cannot tell which repository this pull request belongs to", field=f"{where}.base.repo")
        return []
    merged_at = _when(item.get("merged_at"), ctx, f"{where}.merged_at")
    if merged_at is None:
        return []  # not merged: not a change
    number_text = str(number).strip()
    if item.get("reviews_unavailable") is True:
        return [CollectionIssue(src=ctx.src(where), source="github.pulls",
                                reason=f"{ctx.path}: the reviews of {repo}#{number_text} could not be read")]
    raw_reviews = item.get("reviews")
    labels = tuple(n for label in as_list(item.get("labels")) if (n := text_or_none(as_dict(label).get("name"))))
    change = Change(
        src=ctx.src(where), system=SYSTEM, repository=repo, change_id=number_text,
        title=text_or_none(item.get("title")), author=_login(item.get("user")),
        created_at=_when(item.get("created_at"), ctx, f"{where}.created_at"), merged_at=merged_at,
        merged_by=_login(item.get("merged_by")), base_branch=text_or_none(base.get("ref")),
        url=text_or_none(item.get("html_url")), labels=labels, emergency=_emergency(labels, ctx),
        reviews=() if raw_reviews is None else _reviews(raw_reviews, ctx, f"{where}.reviews"),
    )
    if raw_reviews is None:  # reviews not in this answer: they may be in another one
        return [PullAwaitingReviews(src=ctx.src(where), change=change)]
    return [change]


def _review_list(items: list[Any], ctx: ParseContext) -> list[Any]:
    """A bare reviews answer: grouped by the pull request each review names in ``pull_request_url``."""
    groups: dict[tuple[str, str], list[Review]] = {}
    for i, item in enumerate(items):
        m = _PULL_URL.search(text_or_none(as_dict(item).get("pull_request_url")) or "")
        if m is None:
            ctx.error(f"$[{i}] does not name its pull request (pull_request_url)", field=f"[{i}].pull_request_url")
            continue
        r = _review(item, ctx, f"$[{i}]")
        if r is not None:
            groups.setdefault((m.group(1), m.group(2)), []).append(r)
    return [ReviewBatch(src=ctx.src("$"), repository=repo, number=n, reviews=tuple(rs))
            for (repo, n), rs in groups.items()]


# --------------------------------------------------------------------------- wrappers


def _wrapped(doc: dict[str, Any], ctx: ParseContext) -> list[Any]:
    kind = doc.get(WRAPPER)
    if kind == "branch_protection":
        repo = _repository(doc.get("repository"), ctx, "repository")
        branch = text_or_none(doc.get("branch"))
        if branch is None:
            raise InputError(ctx.path, "no branch named", field="branch")
        is_default = doc.get("default") is not False
        status = doc.get("status")
        body = doc.get("body")
        if status == 200 and isinstance(body, dict):
            return [protection.from_classic(body, ctx.src("$.body"), repo, branch, is_default)]
        message = text_or_none(as_dict(body).get("message")) or ""
        if status == 404 and "not protected" in message.lower():
            return [BranchProtection(src=ctx.src("$.body"), system=SYSTEM, repository=repo, branch=branch,
                                     is_default=is_default, protected=False)]
        return [CollectionIssue(src=ctx.src("$.status"), source="github.protection",
                                reason=f"{ctx.path}: protection of {repo}:{branch} not readable "
                                       f"(HTTP {status}{': ' + message if message else ''})")]
    if kind == "branch_rules":
        repo = _repository(doc.get("repository"), ctx, "repository")
        branch = text_or_none(doc.get("branch"))
        if branch is None:
            raise InputError(ctx.path, "no branch named", field="branch")
        rules = doc.get("rules")
        if not isinstance(rules, list):
            raise InputError(ctx.path, "rules is not a list", field="rules")
        good = []
        for i, rule in enumerate(rules):
            if isinstance(rule, dict) and text_or_none(rule.get("type")):
                good.append(rule)
            else:
                ctx.error(f"rules[{i}] is not a rule with a type", field=f"rules[{i}]")
        return [protection.from_rules(good, ctx.src(protection.RULES_LOCATOR), repo, branch,
                                      doc.get("default") is not False)]
    if kind == "pulls_with_reviews":
        repo = _repository(doc.get("repository"), ctx, "repository")
        pulls = doc.get("pulls")
        if not isinstance(pulls, list):
            raise InputError(ctx.path, "pulls is not a list", field="pulls")
        return [f for i, p in enumerate(pulls) for f in _pull(p, ctx, f"$.pulls[{i}]", repo)]
    if kind == "members":
        org = text_or_none(doc.get("org"))
        role = (text_or_none(doc.get("role")) or "all").lower()
        filter_ = (text_or_none(doc.get("filter")) or "all").lower()
        if role not in ("all", "admin", "member"):
            raise InputError(ctx.path, f"role must be all, admin or member, got {doc.get('role')!r}", field="role")
        if filter_ not in ("all", "2fa_disabled"):
            raise InputError(ctx.path, f"filter must be all or 2fa_disabled, got {doc.get('filter')!r}",
                             field="filter")
        members = doc.get("members")
        if not isinstance(members, list):
            raise InputError(ctx.path, "members is not a list", field="members")
        return _members(members, ctx, "$.members", org, role, filter_)
    raise InputError(ctx.path, f"unknown {WRAPPER} kind {kind!r} (branch_protection, branch_rules, "
                     "pulls_with_reviews, members)", field=WRAPPER)


# --------------------------------------------------------------------------- dispatch


def _empty(ctx: ParseContext) -> list[Any]:
    """An empty answer: no reviews of the pull request, or nobody in the member list, its path names."""
    pull = api_paths.pull_reviews(ctx.path)
    if pull is not None:
        return [ReviewBatch(src=ctx.src("$"), repository=pull[0], number=pull[1], reviews=())]
    members = api_paths.member_filter(ctx.path)
    if members is not None:
        return _members([], ctx, "$", None, members[0], members[1])
    return []


def _list_kind(items: list[Any]) -> str | None:
    first = next((i for i in items if isinstance(i, dict)), None)
    if first is None:
        return None
    if "pull_request_url" in first and "state" in first:
        return "reviews"
    if "number" in first and ("merged_at" in first or "base" in first):
        return "pulls"
    if "full_name" in first:
        return "repos"
    if "login" in first:
        return "members"
    return None


def _streamed_pulls(data: bytes, ctx: ParseContext) -> list[Any] | None:
    """The facts of a ``pulls_with_reviews`` wrapper read one pull request at a time (a large export is never
    held whole as objects), or None when the file is not of that simple shape (it is then read whole)."""
    if f'"{WRAPPER}"' not in head_text(data, 4096):
        return None
    errors = len(ctx.errors)
    try:
        head, pulls = object_items(data, ctx.path, "pulls")
        repo = text_or_none(head.get("repository"))
        if head.get(WRAPPER) != "pulls_with_reviews" or repo is None or not _REPO_NAME.match(repo):
            return None
        return [f for i, p in enumerate(pulls) for f in _pull(p, ctx, f"$.pulls[{i}]", repo)]
    except Exception:  # noqa: BLE001 - any surprise: read whole, which gives the facts and errors it always gave
        del ctx.errors[errors:]
        return None


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    streamed = _streamed_pulls(data, ctx)
    if streamed is not None:
        return ParseResult(facts=streamed)
    doc = load_json(data, ctx.path)
    if isinstance(doc, dict):
        if WRAPPER in doc:
            return ParseResult(facts=_wrapped(doc, ctx))
        if "login" in doc and (any(k in doc for k in ORG_FLAGS) or doc.get("type") == "Organization"):
            return ParseResult(facts=_org(doc, ctx))
        place = protection.location_from_url(doc.get("url"))
        if place is not None:
            return ParseResult(facts=[protection.from_classic(doc, ctx.src("$"), place[0], place[1], True)])
        if "full_name" in doc:
            repo = _repo(doc, ctx, "$")
            return ParseResult(facts=[repo] if repo else [])
        unprotected = protection.not_protected(doc, ctx.src("$"), api_paths.branch_protection(ctx.path))
        if unprotected is not None:
            return ParseResult(facts=[unprotected])
        raise InputError(ctx.path, "not a GitHub answer this tool reads (organisation, repository, branch protection, "
                         "or a trustgap_github wrapper)", line=1)
    if not isinstance(doc, list):
        raise InputError(ctx.path, "not a GitHub answer: expected a JSON object or array", line=1)
    if not doc:
        return ParseResult(facts=_empty(ctx))
    kind = _list_kind(doc)
    if kind == "reviews":
        return ParseResult(facts=_review_list(doc, ctx))
    if kind == "pulls":
        return ParseResult(facts=[f for i, p in enumerate(doc) for f in _pull(p, ctx, f"$[{i}]", None)])
    if kind == "repos":
        facts = [r for i, item in enumerate(doc) if (r := _repo(as_dict(item), ctx, f"$[{i}]")) is not None]
        return ParseResult(facts=facts)
    if kind == "members":
        role, flt = api_paths.member_filter(ctx.path) or ("all", "all")
        return ParseResult(facts=_members(doc, ctx, "$", None, role, flt))
    raise InputError(ctx.path, "not a GitHub list answer (pull requests, reviews, repositories or members)", line=1)


# --------------------------------------------------------------------------- finalize


def finalize(facts: list[Any]) -> list[Any]:
    """Join and merge what separate answers said (see the module docstring); order of first appearance is kept."""
    changes: list[Change] = []
    waiting: list[PullAwaitingReviews] = []
    batches: list[ReviewBatch] = []
    accounts: list[Account] = []
    listings: list[MemberListing] = []
    protections: list[BranchProtection] = []
    repos: dict[str, Resource] = {}
    settings: dict[tuple[str, str, str], Setting] = {}
    rest: list[Any] = []
    for f in facts:
        if isinstance(f, Change):
            changes.append(f)
        elif isinstance(f, PullAwaitingReviews):
            waiting.append(f)
        elif isinstance(f, ReviewBatch):
            batches.append(f)
        elif isinstance(f, Account):
            accounts.append(f)
        elif isinstance(f, MemberListing):
            listings.append(f)
        elif isinstance(f, BranchProtection):
            protections.append(f)
        elif isinstance(f, Resource) and f.kind == "github.repository":
            repos.setdefault(f.resource_id.lower(), f)
        elif isinstance(f, Setting):
            settings.setdefault((f.scope, f.key, repr(f.value)), f)
        else:
            rest.append(f)
    defaults = {k: branch for k, r in repos.items() if isinstance(branch := r.attrs.get("default_branch"), str)}
    known = {r.resource_id for r in repos.values()} | {c.repository for c in changes} | {
        w.change.repository for w in waiting} | {p.repository for p in protections}
    protections = protection.qualify(protections, known)
    return [
        *settings.values(), *repos.values(), *protection.merge(protections, defaults),
        *merge_members(accounts, listings), *join_changes(changes, waiting, batches), *rest,
    ]


PARSER = register(
    Parser(
        name="github",
        title="GitHub REST API answers",
        sniff=sniff,
        parse=parse,
        finalize=finalize,
        sources=("github",),
        reference="https://docs.github.com/en/rest",
    )
)
