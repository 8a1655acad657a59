"""Policy drafts: Markdown with YAML front matter, written from the templates in ``policies/templates`` and
filled from the scope file (company, roles, the thresholds and cadences chosen).

A draft says ``status: draft`` with an empty ``approved_on``: the policy parser reads it as a draft,
and the policy checks count it only once someone approves it (fills in ``approved_on``, and
``approved_by``). Values the scope file does not give (a recovery time objective, say) are written as
"to be completed" and listed under ``open_items`` so the approver sees what to settle first.

Which policies need a draft is judged exactly as the policy checks judge them
(:func:`trustgap.checks.policies.judge_policy`): *missing* (no document) and *stale* (last reviewed
longer ago than the review cadence). A document that exists as an unapproved draft needs approval,
not another draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined

from trustgap import __version__
from trustgap.checks.base import CheckContext
from trustgap.checks.policies import expected_keys, judge_policy
from trustgap.dates import add_months
from trustgap.facts import Document
from trustgap.plan.settings import parse_plan_settings
from trustgap.plan.tasks import owner_of
from trustgap.policies.library import BY_KEY, PolicySpec, policies_for
from trustgap.scope import Scope


def cadence_words(months: int) -> str:
    """3 -> 'quarterly', 12 -> 'annually', 6 -> 'every six months'."""
    words = {1: "monthly", 3: "quarterly", 6: "every six months", 12: "annually", 24: "every two years"}
    return words.get(int(months), f"every {int(months)} months")


@dataclass
class Draft:
    key: str
    title: str
    filename: str
    text: str
    criteria: list[str]
    open_items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PolicyState:
    key: str
    state: str  # missing, stale, draft, unapproved, current
    detail: str
    path: str | None = None

    @property
    def needs_draft(self) -> bool:
        return self.state in ("missing", "stale")


def _env() -> Environment:
    return Environment(undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                       autoescape=False)  # noqa: S701 - Markdown, not HTML


def _template(spec: PolicySpec) -> str:
    return (resources.files("trustgap.policies") / "templates" / spec.template).read_text(encoding="utf-8")


def _owner_role(spec: PolicySpec, roles: dict[str, str]) -> str:
    for role in (spec.owner_role, "security_lead", "cto", "ceo"):
        if role in roles:
            return role
    return next(iter(sorted(roles)), spec.owner_role)


def render_policy(spec: PolicySpec, scope: Scope, thresholds: dict[str, Any], as_of: date,
                  replaces: str | None = None) -> Draft:
    """One policy draft, front matter and body, filled from the scope."""
    roles = dict(scope.roles)
    open_items: list[str] = []
    categories = set(scope.categories)

    def todo(what: str) -> str:
        open_items.append(what)
        return f"**[to be completed: {what}]**"

    def person(role: str) -> str:
        o = owner_of(role, roles)
        return o.label if role in roles else f"the {role.replace('_', ' ')}"

    values = parse_plan_settings(scope.plan).policy_values

    def value(key: str, what: str) -> str:
        return values.get(key) or todo(what)

    owner_role = _owner_role(spec, roles)
    owner = owner_of(owner_role, roles)
    approver_role = next((r for r in ("ceo", "cto") if r in roles), owner_role)
    systems = scope.in_scope_systems()

    def system_named(role: str) -> str | None:
        return next((s.name for s in systems if s.role == role), None)

    privacy_contact = ""
    if spec.key == "privacy":
        privacy_contact = values.get("privacy_contact") or owner.email or todo("where people write about their data")
    ctx = {
        "title": spec.title,
        "org": scope.organisation.name,
        "legal": scope.organisation.legal_name or scope.organisation.name,
        "owner": owner.label if owner_role in roles else f"the {owner_role.replace('_', ' ')}",
        "owner_role_title": owner_role.replace("_", " "),
        "approver": person(approver_role),
        "person": person,
        "t": thresholds,
        "cadence": cadence_words,
        "systems": [{"name": s.name, "kind": s.kind, "role": s.role} for s in systems],
        "idp": system_named("idp"),
        "cloud": system_named("cloud"),
        "source_control": system_named("source_control"),
        "data_classes": list(scope.data_classes),
        "vendors": list(scope.vendors_in_scope),
        "categories": sorted(categories),
        "contacts": [(r.replace("_", " "), p) for r, p in sorted(roles.items())],
        "privacy_contact": privacy_contact,
        "todo": todo,
        "value": value,
    }
    body = _env().from_string(_template(spec)).render(**ctx)
    criteria = spec.criteria_in_scope(categories)
    front: dict[str, Any] = {
        "title": spec.title,
        "policy_key": spec.key,
        "owner": f"{owner.label} ({owner_role.replace('_', ' ')})" if owner_role in roles else ctx["owner"],
        "version": "0.1",
        "status": "draft",
        "effective_date": as_of,
        "next_review": add_months(as_of, int(thresholds.get("policy_review_months", 12))),
        "approved_on": None,
        "approved_by": None,
        "criteria": criteria,
    }
    if replaces:
        front["replaces"] = replaces
    if open_items:
        front["open_items"] = list(dict.fromkeys(open_items))
    front["generated_by"] = f"trustgap {__version__}"
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    note = "# A draft counts as evidence once approved: fill in approved_on (a date) and approved_by.\n"
    return Draft(key=spec.key, title=spec.title, filename=spec.filename, text=f"---\n{note}{head}---\n{body}",
                 criteria=criteria, open_items=list(dict.fromkeys(open_items)))


def policy_states(ctx: CheckContext) -> list[PolicyState]:
    """The state of every policy the checks expect, judged as the checks judge it, over the documents of the
    check context an assessment builds (:func:`trustgap.assessment.policy_view`)."""
    docs = ctx.facts.of(Document)
    by_key: dict[str, list[Document]] = {}
    for d in docs:
        if d.policy_key:
            by_key.setdefault(d.policy_key, []).append(d)
    out = []
    for key in expected_keys(ctx):
        found = by_key.get(key, [])
        e = judge_policy(ctx, key, found)
        path = e.entity.split(" (", 1)[1].rstrip(")") if " (" in e.entity else None
        if e.status == "pass":
            state = "current"
        elif not found:
            state = "missing"
        elif e.gap_kind == "stale":
            state = "stale"
        elif e.gap_kind == "missing":
            state = "draft"
        else:
            state = "unapproved"
        out.append(PolicyState(key, state, e.reason, path))
    return out


def drafts_for(scope: Scope, as_of: date, thresholds: dict[str, Any], *,
               states: Sequence[PolicyState] | None = None) -> list[Draft]:
    """Drafts for every policy of the scope, or, given ``states``, only for the missing and stale ones."""
    specs = policies_for(scope.categories)
    if states is None:
        return [render_policy(s, scope, thresholds, as_of) for s in specs]
    wanted = {s.key: s for s in states if s.needs_draft}
    return [render_policy(BY_KEY[k], scope, thresholds, as_of, replaces=wanted[k].path if wanted[k].state == "stale"
                          else None) for k in (s.key for s in specs) if k in wanted]


@dataclass(frozen=True)
class Written:
    path: Path
    draft: Draft
    skipped: bool  # the file existed and was kept


def write_drafts(drafts: Sequence[Draft], out_dir: Path, *, force: bool = False) -> list[Written]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for d in drafts:
        target = out_dir / d.filename
        if target.exists() and not force:
            written.append(Written(target, d, True))
            continue
        target.write_text(d.text, encoding="utf-8")
        written.append(Written(target, d, False))
    return written
