"""The check interface: a check is a pure function over facts plus its metadata, kept side by side.

    @check(
        id="idp.mfa_enforced",
        title="Every active identity-provider account has MFA",
        controls=("AC-05",),
        criteria=("CC6.1",),
        severity="high",
        effort="S",
        category="technical",
        remediation="Enforce 2-step verification for all users in the IdP ...",
        sources=("google.users", "okta.users", "azuread.users"),
        thresholds=("mfa_required",),
    )
    def idp_mfa_enforced(ctx: CheckContext) -> CheckResult:
        ...
        return ctx.result(entities)

A check reads ``ctx.facts`` (a :class:`~trustgap.facts.FactSet`), ``ctx.thresholds``, ``ctx.as_of``
and ``ctx.period``; it never reads files or calls networks. It returns one
:class:`EntityResult` per entity judged (the user, the bucket, the pull request), or
``ctx.not_assessed(reason)`` when the facts it needs are absent.

Registration happens when the module is imported; :func:`load_checks` imports every module of this
package once, on demand. There are no clients or other state at import time.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Literal, Protocol

from trustgap.dates import add_months
from trustgap.facts import FactSet, Src
from trustgap.thresholds import ResolvedThresholds

Severity = Literal["critical", "high", "medium", "low"]
Effort = Literal["S", "M", "L"]
Category = Literal["policy", "process", "technical"]
Status = Literal["pass", "fail", "partial", "not_assessed", "not_applicable"]
GapKind = Literal["missing", "undocumented", "not_operating", "insufficient_evidence", "stale"]

SEVERITY_ORDER: dict[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class CheckMeta:
    id: str
    title: str
    controls: tuple[str, ...]
    criteria: tuple[str, ...]
    severity: Severity
    effort: Effort
    category: Category
    remediation: str
    sources: tuple[str, ...] = ()  # collection topics it depends on (CollectionIssue.source)
    thresholds: tuple[str, ...] = ()  # Thresholds fields it uses (for promise reconciliation)
    description: str = ""
    gap_kind: GapKind = "not_operating"  # what a failure means by default


EntityStatus = Literal["pass", "fail", "partial"]


@dataclass(frozen=True, slots=True)
class EntityResult:
    """The verdict of a check on one entity (slotted: a check over many pull requests makes one per request)."""

    entity_type: str  # "user", "account", "bucket", "pull_request", "vendor", "policy", "quarter", ...
    entity: str  # its name as a person would look for it: email, bucket name, "acme/api#123"
    status: EntityStatus
    reason: str
    evidence: tuple[Src, ...] = ()
    gap_kind: GapKind | None = None  # overrides the check's default for this entity
    measured: dict[str, Any] | None = None  # numbers behind the verdict (hours, days, counts)


@dataclass
class CheckResult:
    check_id: str
    status: Status
    summary: str
    entities: list[EntityResult] = field(default_factory=list)
    gap_kind: GapKind | None = None
    # passing entities left out of ``entities`` by :func:`compact` (their number and the sha256 of the evidence
    # they read), so that a large population is not held entity by entity once it is judged
    passed_more: int = 0
    passed_evidence: tuple[str, ...] = ()

    @property
    def failing(self) -> list[EntityResult]:
        return [e for e in self.entities if e.status != "pass"]

    @property
    def total(self) -> int:
        """Entities judged, those left out by :func:`compact` included."""
        return len(self.entities) + self.passed_more

    def evidence_sha256s(self) -> set[str]:
        """The distinct evidence every entity judged read (those left out by :func:`compact` included)."""
        out = {s.sha256 for e in self.entities for s in e.evidence}
        out.update(self.passed_evidence)
        return out


@dataclass(frozen=True)
class Window:
    """A span of days that a cadence requires at least one occurrence in."""

    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.start.day == 1 and (self.end + timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            if months == 3 and self.start.month in (1, 4, 7, 10):
                return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
            if months == 1:
                return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


@dataclass
class CheckContext:
    facts: FactSet
    thresholds: ResolvedThresholds
    as_of: date
    period_start: date | None = None  # Type II audit period; None for Type I
    period_end: date | None = None
    systems_in_scope: tuple[str, ...] = ()  # system kinds in scope (google, aws, github, ...)
    mfa_systems: tuple[str, ...] = ()  # system kinds where MFA is required
    service_account_owners: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    # The metadata of the check being run, set by Check.run on its own copy of the context (so that
    # ctx.result() knows the check's id and default gap kind without any shared state).
    meta: CheckMeta | None = None

    def for_check(self, meta: CheckMeta) -> CheckContext:
        """This context as seen by one check: same facts and settings, carrying the check's metadata."""
        return self if self.meta is meta else replace(self, meta=meta)

    @property
    def type2(self) -> bool:
        return self.period_start is not None

    @property
    def evaluation_end(self) -> date:
        """The last day evidence is judged on: the as-of date, capped at the period end for Type II."""
        if self.period_end is not None:
            return min(self.as_of, self.period_end)
        return self.as_of

    def windows(self, cadence_months: int) -> list[Window]:
        """The windows in which a cadence must have been met.

        Type I: the single window ending on the as-of date (``as_of - cadence .. as_of``): the control is
        in place if it last ran within its cadence. Type II: the audit period cut into consecutive
        windows of the cadence from the period start (quarters of the period for a quarterly cadence),
        up to the as-of date; a partial last window is only due once it has ended, and a stub at the end of
        the period shorter than half the cadence is not due at all (a quarterly review is not expected in
        the last month of a period that does not end on a quarter).
        """
        if not self.type2:
            return [Window(add_months(self.as_of, -cadence_months) + timedelta(days=1), self.as_of)]
        assert self.period_start is not None and self.period_end is not None
        out: list[Window] = []
        start = self.period_start
        end_limit = self.evaluation_end
        while start <= end_limit:
            end = add_months(start, cadence_months) - timedelta(days=1)
            if end > self.period_end:
                end = self.period_end
            if end > end_limit:
                break  # window not over yet: not due
            if end == self.period_end and out and (end - start).days + 1 < cadence_months * 30.4375 / 2:
                break  # a stub shorter than half the cadence at the end of the period: the next run is not due yet
            out.append(Window(start, end))
            start = end + timedelta(days=1)
        if not out:  # period just started: the first window is the one running
            out.append(Window(self.period_start, min(add_months(self.period_start, cadence_months), end_limit)))
        return out

    def missing_windows(self, dates: Iterable[date], cadence_months: int) -> tuple[list[Window], list[Window]]:
        """(windows due, windows with no occurrence) for a cadence."""
        ds = sorted(set(dates))
        due = self.windows(cadence_months)
        missing = [w for w in due if not any(w.start <= d <= w.end for d in ds)]
        return due, missing

    def within(self, day: date | None, months: int) -> bool:
        """True when ``day`` is no older than ``months`` before the as-of date (and not in the future)."""
        return day is not None and add_months(self.as_of, -months) <= day <= self.as_of

    # ---- result builders -------------------------------------------------------------------------

    def result(self, entities: list[EntityResult], summary: str | None = None, *,
               empty: str = "nothing to judge") -> CheckResult:
        """Status from entities: none -> not assessed; all pass -> pass; any fail -> fail; else partial."""
        meta = self.meta
        check_id = meta.id if meta else "?"
        if not entities:
            return CheckResult(check_id, "not_assessed", empty)
        failing = [e for e in entities if e.status != "pass"]
        if not failing:
            status: Status = "pass"
        elif any(e.status == "fail" for e in failing):
            status = "fail"
        else:
            status = "partial"
        if summary is None:
            summary = (
                f"all {len(entities)} pass"
                if not failing
                else f"{len(failing)} of {len(entities)} {'fail' if status == 'fail' else 'partially met'}"
            )
        kinds = {e.gap_kind for e in failing if e.gap_kind}
        gap_kind = None
        if failing:
            gap_kind = next(iter(kinds)) if len(kinds) == 1 else (meta.gap_kind if meta else "not_operating")
        return CheckResult(check_id, status, summary, entities, gap_kind)

    def not_assessed(self, reason: str) -> CheckResult:
        return CheckResult(self.meta.id if self.meta else "?", "not_assessed", reason)

    def not_applicable(self, reason: str) -> CheckResult:
        return CheckResult(self.meta.id if self.meta else "?", "not_applicable", reason)


CheckFn = Callable[[CheckContext], CheckResult]


@dataclass(frozen=True)
class Check:
    meta: CheckMeta
    fn: CheckFn

    def run(self, ctx: CheckContext) -> CheckResult:
        """Run the check on its own view of ``ctx`` (carrying this check's metadata); safe to call from
        several threads at once, as nothing but the immutable registry is shared."""
        res = self.fn(ctx.for_check(self.meta))
        res.check_id = self.meta.id
        return res


# The registry is filled once, under a lock, by importing the check modules; afterwards it is only read,
# through the read-only view load_checks() returns.
_REGISTRY: dict[str, Check] = {}
_LOAD_LOCK = threading.RLock()
_LOADED: list[Mapping[str, Check]] = []  # the frozen, sorted view once every module is imported


def check(**meta: Any) -> Callable[[CheckFn], CheckFn]:
    """Register a check function with its metadata (see module docstring)."""

    def deco(fn: CheckFn) -> CheckFn:
        if _LOADED:
            raise RuntimeError(f"check {meta.get('id')!r} registered after the registry was loaded; "
                               "put it in a module of trustgap.checks")
        fields: dict[str, Any] = {k: tuple(v) if k in ("controls", "criteria", "sources", "thresholds") else v
                                  for k, v in meta.items()}
        m = CheckMeta(**fields)
        with _LOAD_LOCK:
            if m.id in _REGISTRY and _REGISTRY[m.id].fn.__qualname__ != fn.__qualname__:
                raise ValueError(f"check {m.id!r} registered twice")
            _REGISTRY[m.id] = Check(m, fn)
        return fn

    return deco


def load_checks() -> Mapping[str, Check]:
    """Import every check module of this package (once, under a lock: safe when several threads ask at
    the same time) and return the registry, sorted by id, as a read-only mapping."""
    if _LOADED:
        return _LOADED[0]
    with _LOAD_LOCK:
        if not _LOADED:
            from trustgap import checks as pkg

            for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
                if mod.name not in ("base",) and not mod.name.startswith("_"):
                    importlib.import_module(f"{pkg.__name__}.{mod.name}")
            _LOADED.append(MappingProxyType(dict(sorted(_REGISTRY.items()))))
        return _LOADED[0]


def checks_by_control() -> dict[str, list[str]]:
    """Control id -> the ids of the checks that decide it (from the checks' own ``controls``: the one place
    this mapping is kept)."""
    out: dict[str, list[str]] = {}
    for cid, chk in load_checks().items():
        for control in chk.meta.controls:
            out.setdefault(control, []).append(cid)
    return out


def compact(res: CheckResult, keep: int) -> CheckResult:
    """``res`` with only its failing entities and its first ``keep`` passing ones (in their order) kept whole; the
    other passing entities are counted and their evidence's sha256 kept. An assessment reads nothing else of
    them: the number judged, a few passing examples and the evidence read. A passing entity accepted by an
    exception is always kept."""
    passing = 0
    kept: list[EntityResult] = []
    dropped: set[str] = set()
    for e in res.entities:
        if e.status == "pass" and not (e.measured and "accepted" in e.measured):
            passing += 1
            if passing > keep:
                dropped.update(s.sha256 for s in e.evidence)
                continue
        kept.append(e)
    if len(kept) == len(res.entities):
        return res
    more = len(res.entities) - len(kept)
    return CheckResult(res.check_id, res.status, res.summary, kept, res.gap_kind, res.passed_more + more,
                       tuple(sorted(dropped.union(res.passed_evidence))))


class CheckRunner(Protocol):
    """Runs one check given the way to run it (a cache of results gives a kept one instead, when it can)."""

    def run(self, ctx: CheckContext, chk: Check, run_one: Callable[[CheckContext, Check], CheckResult]
            ) -> CheckResult: ...


def run_checks(ctx: CheckContext, checks: Iterable[Check] | None = None, *,
               runner: CheckRunner | None = None, passing_kept: int | None = None) -> list[CheckResult]:
    """Run checks; a check whose sources reported a collection problem is Not assessed unless it failed
    on what it did see (a failure found is still a failure; a "cannot tell" is not one). ``runner``: see
    :mod:`trustgap.engine.check_cache`. ``passing_kept``: keep only that many passing entities of each check
    whole (see :func:`compact`); default all."""
    todo = checks if checks is not None else load_checks().values()
    out = [runner.run(ctx, c, run_one) for c in todo] if runner is not None else [run_one(ctx, c) for c in todo]
    return out if passing_kept is None else [compact(r, passing_kept) for r in out]


def run_one(ctx: CheckContext, c: Check) -> CheckResult:
    """One check run as :func:`run_checks` runs it."""
    res = c.run(ctx)
    unproven = res.status == "partial" and all(e.gap_kind == "insufficient_evidence" for e in res.failing)
    if c.meta.sources and (res.status in ("pass", "not_assessed") or unproven):
        issues = ctx.facts.issues_for(c.meta.sources)
        if issues:
            reasons = "; ".join(sorted({f"{i.source}: {i.reason}" for i in issues}))
            res = CheckResult(c.meta.id, "not_assessed", f"could not collect all evidence ({reasons})")
    return res
