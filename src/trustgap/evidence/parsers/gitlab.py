"""GitLab REST API v4 answers: users, group members, projects, protected branches, approval rules and settings,
merge requests and their approvals (gitlab.com and self-managed GitLab alike).

Format references (GitLab's REST API documentation, https://docs.gitlab.com/api/ , source ``doc/api/*.md`` in
https://gitlab.com/gitlab-org/gitlab):

- ``GET /users`` (users.md, "List users"; an administrator sees ``email``, ``is_admin``, ``two_factor_enabled``,
  ``last_sign_in_at``, ``current_sign_in_at``, ``last_activity_on``, ``created_at``, ``bot``, ``external``);
  ``state`` is ``active``, ``blocked``, ``deactivated``, ``banned``, ``ldap_blocked`` or
  ``blocked_pending_approval``;
- ``GET /groups/:id/members/all`` (members.md): users with ``access_level`` (10 guest ... 40 maintainer, 50
  owner), ``state``, ``membership_state``, ``expires_at``, ``created_at`` and, for enterprise users, ``email``;
- ``GET /groups/:id/projects`` / ``GET /projects`` (projects.md): ``id``, ``path_with_namespace``,
  ``default_branch``, ``visibility``, ``archived``, ``only_allow_merge_if_pipeline_succeeds`` (read as the default
  branch's required status checks);
- ``GET /projects/:id/protected_branches`` (protected_branches.md): ``name`` (may be a wildcard such as
  ``release/*``), ``push_access_levels``, ``merge_access_levels``, ``allow_force_push``,
  ``code_owner_approval_required``;
- ``GET /projects/:id/approval_rules`` and ``GET /projects/:id/approvals`` (merge_request_approvals.md): rules
  with ``rule_type`` (``regular``, ``any_approver``, ``code_owner``, ``report_approver``),
  ``approvals_required``, ``applies_to_all_protected_branches`` and ``protected_branches``; settings
  ``merge_requests_author_approval``, ``merge_requests_disable_committers_approval``, ``reset_approvals_on_push``;
- ``GET /projects/:id/merge_requests`` (merge_requests.md): ``iid``, ``project_id``, ``title``, ``state``
  (``opened``, ``closed``, ``locked``, ``merged``), ``author.username``, ``created_at``, ``merged_at``,
  ``merge_user`` (GitLab 14.7 and later) or the older ``merged_by``, ``target_branch``, ``labels`` (names, or
  objects with ``name`` when ``with_labels_details=true``), ``web_url``, ``references.full``;
- ``GET /projects/:id/merge_requests/:iid/approvals`` (merge_request_approvals.md): ``project_id``, ``iid``,
  ``approved_by[].user.username`` and, in current versions, ``approved_by[].approved_at``; ``approvals_required``,
  ``approvals_left``.

Answers that do not say which project or group they belong to (protected branches, approval rules and settings,
group members) are saved by the live collector (:mod:`trustgap.collectors.gitlab`) in a small wrapper that a file
export may use too: ``{"trustgap_gitlab": "protected_branches" | "approval_rules" | "approval_settings" |
"members", "project": "group/name" (or "group": "path"), "items": [...] or "settings": {...}}``. A bare
protected-branches or approval-rules answer saved to a file is attributed to the project the file's path names (the
longest project path or name of the projects answer found in it, as ``api-protected-branches.json``); when no known
project is named, it becomes a ``gitlab.protection`` collection problem saying so.

Facts
- :class:`Account` (system ``gitlab``) per user and per group member: username, e-mail when shown,
  ``mfa_enabled`` from ``two_factor_enabled`` (None when the answer does not show it), ``is_admin`` for instance
  administrators and group owners, ``active`` for state ``active``, bots as service accounts;
- :class:`Resource` ``gitlab.project`` (attrs ``default_branch``, ``visibility``, ``archived``);
- :class:`BranchProtection` per protected branch (approvals required from the rules that apply to it; without the
  rules, the fewest ``approvals_required`` of the merge requests into the default branch), and an unprotected one
  for a default branch no protection pattern covers, when that project's list was collected;
- :class:`Setting` ``gitlab.project.<setting>`` per approval setting (scope = project path);
- :class:`Change` (kind ``merge_request``) per merged merge request, its approvals as ``APPROVED`` reviews; a merged
  merge request whose approvals are nowhere in the evidence becomes a ``gitlab.merge_requests`` collection problem
  instead (approval cannot be judged without them); ``approved_by: []`` is evidence of no approval.

``finalize`` joins approvals to merge requests by ``(project_id, iid)``, projects to their protected branches and
rules, and merges an account seen in several listings.
"""

from __future__ import annotations

import re
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers import _gitlab_join as join
from trustgap.evidence.parsers._json_input import (
    as_dict,
    as_list,
    head_text,
    json_field,
    json_when,
    load_json,
    text_or_none,
)
from trustgap.facts import Account, Change, Resource, Review, Setting, norm_email

SYSTEM = join.SYSTEM
WRAPPER = "trustgap_gitlab"
OWNER_ACCESS = 50
APPROVAL_SETTINGS = ("merge_requests_author_approval", "merge_requests_disable_committers_approval",
                     "reset_approvals_on_push", "disable_overriding_approvers_per_merge_request",
                     "require_password_to_approve", "require_reauthentication_to_approve",
                     "selective_code_owner_removals")
_EMERGENCY = re.compile(r"emergency|hot[-_ ]?fix|break[-_ ]?glass|expedite", re.I)
_MR_URL = re.compile(r"https?://[^/]+/(.+?)/-/merge_requests/(\d+)")
_REF_FULL = re.compile(r"^(.+)!(\d+)$")


# --------------------------------------------------------------------------- recognition


def sniff(data: bytes, name: str) -> int:
    head = head_text(data)
    stripped = head.lstrip()
    if not stripped.startswith(("{", "[")):
        return 0
    if f'"{WRAPPER}"' in head:
        return 10
    if '"approved_by"' in head and '"iid"' in head and '"project_id"' in head:
        return 10  # one merge request's approvals
    if '"iid"' in head and '"project_id"' in head and '"target_branch"' in head and '"source_branch"' in head:
        return 10  # merge requests
    if '"path_with_namespace"' in head and '"default_branch"' in head:
        return 9  # projects
    if '"push_access_levels"' in head and '"merge_access_levels"' in head:
        return 9  # a project's protected branches (named by the file's path)
    if '"rule_type"' in head and '"approvals_required"' in head and '"eligible_approvers"' in head:
        return 9  # a project's approval rules (named by the file's path)
    if '"username"' in head and '"web_url"' in head and '"state"' in head and '"login"' not in head:
        if '"access_level"' in head:
            return 9  # group members
        if any(k in head for k in ('"two_factor_enabled"', '"is_admin"', '"last_sign_in_at"', '"avatar_url"')):
            return 8  # users
    return 0


# --------------------------------------------------------------------------- small readers


def _username(user: Any) -> str | None:
    return text_or_none(as_dict(user).get("username"))


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _flag(value: Any) -> bool | None:
    """A boolean as GitLab writes it (``true``, or ``"false"`` as a string in some examples)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _project_of_mr(item: dict[str, Any]) -> str | None:
    m = _REF_FULL.match(text_or_none(as_dict(item.get("references")).get("full")) or "")
    if m:
        return m.group(1)
    m = _MR_URL.match(text_or_none(item.get("web_url")) or "")
    return m.group(1) if m else None


# --------------------------------------------------------------------------- users and members


def _account(item: Any, ctx: ParseContext, where: str, group: str | None) -> Account | None:
    if not isinstance(item, dict):
        ctx.error(f"{where} is not a user object", field=json_field(where))
        return None
    username = _username(item)
    if username is None:
        ctx.error(f"{where} has no username", field=json_field(where, "username"))
        return None
    state = text_or_none(item.get("state"))
    access = _int(item.get("access_level"))
    membership = text_or_none(item.get("membership_state"))
    is_admin = _flag(item.get("is_admin"))
    if access is not None:
        is_admin = True if access >= OWNER_ACCESS else (is_admin if is_admin else False)
    last = [t for key in ("last_sign_in_at", "current_sign_in_at")
            if (t := json_when(item, key, where, ctx)) is not None]
    active = None if state is None else (state == "active" and membership in (None, "active"))
    return Account(
        src=ctx.src(where), system=SYSTEM, account_id=username,
        email=norm_email(text_or_none(item.get("email")) or text_or_none(item.get("public_email"))),
        display_name=text_or_none(item.get("name")),
        kind="service" if _flag(item.get("bot")) else "user",
        is_admin=is_admin, active=active, status=state,
        mfa_enabled=_flag(item.get("two_factor_enabled")),
        created_at=json_when(item, "created_at", where, ctx),
        last_login_at=max(last) if last else None,
        groups=(group,) if group else (),
    )


def _accounts(items: list[Any], ctx: ParseContext, base: str, group: str | None) -> list[Any]:
    return [a for i, item in enumerate(items) if (a := _account(item, ctx, f"{base}[{i}]", group)) is not None]


# --------------------------------------------------------------------------- projects and protection


def _project(item: Any, ctx: ParseContext, where: str) -> list[Any]:
    if not isinstance(item, dict):
        ctx.error(f"{where} is not a project object", field=json_field(where))
        return []
    path = text_or_none(item.get("path_with_namespace"))
    if path is None:
        ctx.error(f"{where} has no path_with_namespace", field=json_field(where, "path_with_namespace"))
        return []
    attrs = {k: item[k] for k in ("default_branch", "visibility", "archived") if isinstance(item.get(k), str | bool)}
    resource = Resource(src=ctx.src(where), system=SYSTEM, kind="gitlab.project", resource_id=path,
                        name=text_or_none(item.get("name")) or path.rsplit("/", 1)[-1], attrs=attrs)
    return [resource, join.ProjectInfo(src=ctx.src(where), project_id=_int(item.get("id")), path=path,
                                       default_branch=text_or_none(item.get("default_branch")),
                                       pipeline_required=_flag(item.get("only_allow_merge_if_pipeline_succeeds")))]


def _protected(items: list[Any], ctx: ParseContext, base: str, project: str, unnamed_path: str = "") -> list[Any]:
    branches: list[join.ProtectedPattern] = []
    for i, item in enumerate(items):
        where = f"{base}[{i}]"
        name = text_or_none(as_dict(item).get("name"))
        if name is None:
            ctx.error(f"{where} is not a protected branch with a name", field=json_field(where, "name"))
            continue
        branches.append(join.ProtectedPattern(
            src=ctx.src(where), name=name, allow_force_push=_flag(item.get("allow_force_push")),
            code_owner_approval_required=_flag(item.get("code_owner_approval_required"))))
    return [join.ProtectedList(src=ctx.src(base), project=project, branches=tuple(branches), unnamed_path=unnamed_path)]


def _rules(items: list[Any], ctx: ParseContext, base: str, project: str, unnamed_path: str = "") -> list[Any]:
    rules: list[join.ApprovalRule] = []
    for i, item in enumerate(items):
        where = f"{base}[{i}]"
        rule = as_dict(item)
        required = _int(rule.get("approvals_required"))
        if required is None:
            ctx.error(f"{where}.approvals_required: not a number: {rule.get('approvals_required')!r}",
                      field=json_field(where, "approvals_required"))
            continue
        branches = tuple(n for b in as_list(rule.get("protected_branches"))
                         if (n := text_or_none(as_dict(b).get("name"))))
        rules.append(join.ApprovalRule(
            name=text_or_none(rule.get("name")) or "", rule_type=text_or_none(rule.get("rule_type")) or "regular",
            approvals_required=required, all_branches=_flag(rule.get("applies_to_all_protected_branches")) is True
            or not branches, branches=branches))
    return [join.RuleList(src=ctx.src(base), project=project, rules=tuple(rules), unnamed_path=unnamed_path)]


def _settings(doc: dict[str, Any], ctx: ParseContext, base: str, project: str) -> list[Any]:
    facts: list[Any] = []
    for key in APPROVAL_SETTINGS:
        value = _flag(doc.get(key))
        if value is not None:
            facts.append(Setting(src=ctx.src(f"{base}.{key}"), system=SYSTEM, scope=project,
                                 key=f"gitlab.project.{key}", value=value))
    reset = _flag(doc.get("reset_approvals_on_push"))
    facts.append(join.ProjectApprovalSettings(src=ctx.src(base), project=project, reset_on_push=reset))
    return facts


# --------------------------------------------------------------------------- merge requests and approvals


def _emergency(labels: tuple[str, ...], ctx: ParseContext) -> bool:
    wanted = ctx.options.get("emergency_labels")
    if isinstance(wanted, list):
        names = {str(w).strip().lower() for w in wanted}
        return any(label.lower() in names for label in labels)
    return any(_EMERGENCY.search(label) for label in labels)


def _merge_request(item: Any, ctx: ParseContext, where: str) -> list[Any]:
    if not isinstance(item, dict):
        ctx.error(f"{where} is not a merge request object", field=json_field(where))
        return []
    iid = _int(item.get("iid"))
    if iid is None:
        ctx.error(f"{where}.iid: not a merge request number: {item.get('iid')!r}", field=json_field(where, "iid"))
        return []
    merged_at = json_when(item, "merged_at", where, ctx)
    if merged_at is None and item.get("state") != "merged":
        return []  # not merged: not a change
    project = _project_of_mr(item)
    project_id = _int(item.get("project_id"))
    if project is None and project_id is None:
        ctx.error(f"{where}: cannot tell which project this merge request belongs to",
                  field=json_field(where, "references"))
        return []
    labels = tuple(n for label in as_list(item.get("labels"))
                   if (n := text_or_none(label) if not isinstance(label, dict) else text_or_none(label.get("name"))))
    change = Change(
        src=ctx.src(where), system=SYSTEM, kind="merge_request", repository=project or f"project {project_id}",
        change_id=str(iid), title=text_or_none(item.get("title")), author=_username(item.get("author")),
        created_at=json_when(item, "created_at", where, ctx), merged_at=merged_at,
        merged_by=_username(item.get("merge_user")) or _username(item.get("merged_by")),
        base_branch=text_or_none(item.get("target_branch")), url=text_or_none(item.get("web_url")),
        labels=labels, emergency=_emergency(labels, ctx), status=text_or_none(item.get("state")),
        closed_at=json_when(item, "closed_at", where, ctx),
    )
    return [join.MergeRequestSeen(src=ctx.src(where), project_id=project_id, change=change)]


def _approvals(doc: dict[str, Any], ctx: ParseContext, where: str) -> list[Any]:
    project_id = _int(doc.get("project_id"))
    iid = _int(doc.get("iid"))
    if project_id is None or iid is None:
        ctx.error(f"{where}: approvals without project_id and iid", field=json_field(where, "iid"))
        return []
    entries = doc.get("approved_by")
    if not isinstance(entries, list):
        ctx.error(f"{where}.approved_by is not a list", field=json_field(where, "approved_by"))
        return []
    reviews: list[Review] = []
    for i, entry in enumerate(entries):
        e = as_dict(entry)
        user = _username(e.get("user")) or _username(e)
        if user is None:
            ctx.error(f"{where}.approved_by[{i}] names no user",
                      field=json_field(f"{where}.approved_by[{i}]", "user.username"))
            continue
        reviews.append(Review(reviewer=user, state="APPROVED",
                              submitted_at=json_when(e, "approved_at", f"{where}.approved_by[{i}]", ctx)))
    return [join.ApprovalBatch(src=ctx.src(where), project_id=project_id, iid=str(iid), reviews=tuple(reviews),
                               approvals_required=_int(doc.get("approvals_required")))]


# --------------------------------------------------------------------------- dispatch


def _wrapped(doc: dict[str, Any], ctx: ParseContext) -> list[Any]:
    kind = doc.get(WRAPPER)
    project = text_or_none(doc.get("project"))
    items = doc.get("items")
    if kind == "members":
        if not isinstance(items, list):
            raise InputError(ctx.path, "members wrapper without an items list", field="items")
        return _accounts(items, ctx, "$.items", text_or_none(doc.get("group")))
    if kind in ("protected_branches", "approval_rules", "approval_settings") and project is None:
        raise InputError(ctx.path, f"{kind} wrapper without the project it belongs to", field="project")
    assert project is not None
    if kind == "approval_settings":
        return _settings(as_dict(doc.get("settings")), ctx, "$.settings", project)
    if not isinstance(items, list):
        raise InputError(ctx.path, f"{kind} wrapper without an items list", field="items")
    if kind == "protected_branches":
        return _protected(items, ctx, "$.items", project)
    if kind == "approval_rules":
        return _rules(items, ctx, "$.items", project)
    raise InputError(ctx.path, f"unknown {WRAPPER} kind {kind!r}", field=WRAPPER)


def _item_kind(item: dict[str, Any]) -> str:
    if WRAPPER in item:
        return "wrapper"
    if "approved_by" in item and "iid" in item:
        return "approvals"
    if "iid" in item and ("target_branch" in item or "merged_at" in item):
        return "merge_request"
    if "path_with_namespace" in item:
        return "project"
    if "push_access_levels" in item or "merge_access_levels" in item:
        return "protected_branch"
    if "rule_type" in item and "approvals_required" in item:
        return "approval_rule"
    if "username" in item:
        return "member" if "access_level" in item else "user"
    return "unknown"


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    items = doc if isinstance(doc, list) else [doc]
    base_of = (lambda i: f"$[{i}]") if isinstance(doc, list) else (lambda i: "$")
    facts: list[Any] = []
    for i, item in enumerate(items):
        where = base_of(i)
        if not isinstance(item, dict):
            ctx.error(f"{where} is not a JSON object", field=json_field(where))
            continue
        kind = _item_kind(item)
        if kind == "wrapper":
            facts.extend(_wrapped(item, ctx))
        elif kind == "approvals":
            facts.extend(_approvals(item, ctx, where))
        elif kind == "merge_request":
            facts.extend(_merge_request(item, ctx, where))
        elif kind == "project":
            facts.extend(_project(item, ctx, where))
        elif kind in ("member", "user"):
            if (a := _account(item, ctx, where, None)) is not None:
                facts.append(a)
        elif kind in ("protected_branch", "approval_rule"):
            # a bare answer does not name its project: the file's path must (see join.resolve_projects)
            read = _protected if kind == "protected_branch" else _rules
            return ParseResult(facts=read(items, ctx, "$", "", unnamed_path=ctx.path))
        else:
            ctx.error(f"{where} is not a GitLab user, member, project, merge request or approvals object",
                      field=json_field(where))
    return ParseResult(facts=facts)


PARSER = register(
    Parser(
        name="gitlab",
        title="GitLab REST API v4 (users, members, projects, protected branches, merge requests, approvals)",
        sniff=sniff,
        parse=parse,
        finalize=join.finalize,
        sources=("gitlab.users", "gitlab.members", "gitlab.protection", "gitlab.merge_requests"),
        reference="https://docs.gitlab.com/api/merge_requests/ ; https://docs.gitlab.com/api/merge_request_approvals/",
    )
)
