"""The one entry every face calls: scope + evidence + answers + as-of date -> a stored assessment.

collect (files, live APIs, answers) -> facts -> promises -> thresholds -> checks -> verdicts -> roll-ups
-> plan -> save. This module is the only place that gathers sources (:func:`gather_sources`), turns them
into facts, promises, thresholds and the check context (:func:`prepare`, :func:`check_context`) and saves
a run (:func:`save_run`). The CLI (``assess``, ``collect``, ``interview``, ``policy generate``), the web app
and the scheduler only call these functions, so every face judges the same facts the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from trustgap import __version__
from trustgap.answers import Assertion, load_answers
from trustgap.catalog.loader import Catalog, load_catalog
from trustgap.checks.base import Check, CheckContext, CheckResult, load_checks, run_checks
from trustgap.conflicts import conflicts_by_src, observed_times, reconcile
from trustgap.engine.check_cache import CheckCache, paused_collection
from trustgap.engine.evaluate import PASSING_EXAMPLES, EvaluationInput, evaluate
from trustgap.engine.models import AssessmentResult, ErrorInfo, EvidenceItem
from trustgap.engine.rollup import readiness_of, rollup_categories, rollup_criteria, rollup_frameworks
from trustgap.errors import InputError
from trustgap.evidence.ingest import SourceOutput, finalize_facts, ingest_folder
from trustgap.evidence.mapping_registry import organisation_parsers
from trustgap.evidence.store import EvidenceStore, sha256_bytes
from trustgap.facts import Account, CollectionIssue, Document, FactSet, RiskAcceptance
from trustgap.scope import LoadedScope, Scope, load_scope
from trustgap.thresholds import Promise, ResolvedThresholds

Progress = Callable[[str, str], None]  # (stage, detail)

SCOPE_NAMES = ("scope.yaml", "scope.yml", "trustgap.yaml")
ANSWER_NAMES = ("answers.yaml", "answers.yml", "interview.yaml")


@dataclass
class AssessmentInputs:
    """Where an assessment's inputs are, resolved from a folder or given one by one."""

    scope_path: Path
    evidence_dir: Path | None = None
    answers: list[Path] = field(default_factory=list)


def resolve_inputs(folder: Path, scope: Path | None = None, evidence: Path | None = None,
                   answers: Sequence[Path] = ()) -> AssessmentInputs:
    """A folder holds ``scope.yaml``, optionally ``answers.yaml`` and an ``evidence/`` folder."""
    if not folder.is_dir():
        raise InputError(str(folder), "not a folder (expected one holding scope.yaml and evidence/)")
    scope_path = scope or next((folder / n for n in SCOPE_NAMES if (folder / n).is_file()), None)
    if scope_path is None:
        raise InputError(str(folder), f"no scope file found (looked for {', '.join(SCOPE_NAMES)}); "
                                      "run 'trustgap init' to write one")
    answer_paths = list(answers) or [folder / n for n in ANSWER_NAMES if (folder / n).is_file()]
    ev = evidence or (folder / "evidence" if (folder / "evidence").is_dir() else None)
    return AssessmentInputs(scope_path=scope_path, evidence_dir=ev, answers=answer_paths)


def _store_text_input(path: Path, store: EvidenceStore, status: str, name: str | None = None) -> EvidenceItem:
    """Keep a scope or answers file as evidence; one holding a credential is refused, never stored."""
    from trustgap.evidence.secrets import find_secret

    data = path.read_bytes()
    secret = find_secret(data)
    if secret is not None:
        raise InputError(str(path), f"holds what looks like a {secret[1]}: credentials belong in environment "
                                    "variables, never in this file (remove it, rotate it, and run again)",
                         line=secret[0])
    mtime = datetime.fromtimestamp(int(path.stat().st_mtime), tz=UTC)
    ref = store.put(data, name=name or path.name, source="file", collected_at=mtime)
    return EvidenceItem(sha256=ref.sha256, name=ref.name, source="file", collected_at=mtime.isoformat(),
                        size=ref.size, status=status)  # type: ignore[arg-type]


def load_answer_files(paths: Sequence[Path], catalog: Catalog, store: EvidenceStore
                      ) -> tuple[list[Assertion], list[Promise], list[EvidenceItem]]:
    """Control-keyed and question-keyed answers files -> assertions and promises (and their evidence)."""
    if not paths:
        return [], [], []
    from trustgap.interview.answers import load_question_answers

    assertions: list[Assertion] = []
    promises: list[Promise] = []
    items: list[EvidenceItem] = []
    known = {c.id for c in catalog.controls}
    for p in paths:
        item = _store_text_input(p, store, "answers")
        try:
            assertions.extend(load_answers(p, known, sha256=item.sha256))
            qa, qp = load_question_answers(p, sha256=item.sha256)
            assertions.extend(qa)
            promises.extend(qp)
        except InputError as exc:
            item = item.model_copy(update={"status": "failed", "errors": [ErrorInfo(**exc.as_dict())]})
        items.append(item)
    return assertions, promises, items


@dataclass(frozen=True)
class Prepared:
    """What the checks of one run read: the joined facts, the promises found, the thresholds they resolve to
    and the check context built from them and the scope."""

    facts: FactSet
    promises: list[Promise]
    thresholds: ResolvedThresholds
    ctx: CheckContext


def build_facts(scope: Scope, sources: SourceOutput, as_of: date) -> FactSet:
    """The sources' facts finalised, reconciled across exports (newest observation wins) and joined with the
    scope's identity settings (aliases, account map, service accounts, time zone)."""
    observed = observed_times((i.sha256, i.name, i.collected_at) for i in sources.items)
    merged = reconcile(finalize_facts(sources), observed, as_of, formats={i.sha256: i.format for i in sources.items})
    facts = FactSet(merged.facts, identity=scope.identity.config(scope.organisation.time_zone), observed=observed,
                    conflicts=merged.conflicts, history=merged.history)
    facts.conflicts.extend(facts.identity.conflicts)
    return facts


def check_context(scope: Scope, facts: FactSet, thresholds: ResolvedThresholds, as_of: date) -> CheckContext:
    """The one way a check context is built from a scope: audit period (Type II only), systems and MFA
    systems in scope, service-account owners (lower case, as identities are compared), categories."""
    period = scope.report.period if scope.report.type == "type2" else None
    systems = scope.in_scope_systems()
    return CheckContext(
        facts=facts,
        thresholds=thresholds,
        as_of=as_of,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        systems_in_scope=tuple(sorted({s.kind for s in systems})),
        mfa_systems=tuple(sorted({s.kind for s in systems if s.mfa_required})),
        service_account_owners={k.lower(): v.lower() for k, v in scope.identity.service_accounts.items()},
        options={"categories": tuple(scope.categories), "organisation": scope.organisation.name},
    )


def prepare(scope: Scope, sources: SourceOutput, as_of: date, *, extra_promises: Sequence[Promise] = (),
            threshold_lines: dict[str, int] | None = None) -> Prepared:
    """Facts, promises (policy documents first, then answers), thresholds and the check context of a run."""
    from trustgap.engine.reconcile import extract_promises

    facts = build_facts(scope, sources, as_of)
    promises = [*extract_promises(facts.of(Document)), *extra_promises]
    thresholds = ResolvedThresholds(scope.thresholds, promises, threshold_lines)
    return Prepared(facts, promises, thresholds, check_context(scope, facts, thresholds, as_of))


def check_sources(scope: Scope, sources: SourceOutput, as_of: date, checks: Sequence[Check] | None = None,
                  ) -> tuple[Prepared, list[CheckResult]]:
    """Run checks (default: all) over already-collected sources exactly as an assessment runs them: what
    ``trustgap collect`` shows after a collection."""
    from trustgap.checks.exceptions import apply_acceptances

    prepared = prepare(scope, sources, as_of)
    results = run_checks(prepared.ctx, checks if checks is not None else load_checks().values())
    # documented exceptions apply here as the evaluation applies them, so both show the same verdicts
    metas = {k: c.meta for k, c in load_checks().items()}
    return prepared, apply_acceptances(results, metas, prepared.facts.of(RiskAcceptance), as_of)


def assess(
    loaded: LoadedScope,
    sources: SourceOutput,
    *,
    as_of: date,
    extra_promises: Sequence[Promise] = (),
    catalog: Catalog | None = None,
    progress: Progress | None = None,
    release_facts: bool = False,
    check_cache: CheckCache | None = None,
) -> AssessmentResult:
    """Evaluate already-collected sources. Pure: no I/O, no clock; same inputs give the same result.

    ``release_facts``: the caller needs the sources' facts no more, so they are let go once the checks have run
    (``sources.facts`` and ``sources.facts_by_parser`` are emptied) and are not held while verdicts are decided.
    ``check_cache``: results of checks whose inputs are unchanged since an earlier run are read from it; the
    result is the same."""
    from trustgap.plan import build_plan

    say = progress or (lambda stage, detail: None)
    cat = catalog or load_catalog()
    scope = loaded.scope
    loaded.check_control_ids({c.id for c in cat.controls})
    say("facts", "joining facts")
    say("reconcile", "reading promises from policies and answers")
    prepared = prepare(scope, sources, as_of, extra_promises=extra_promises, threshold_lines=loaded.threshold_lines)
    facts, promises, thresholds, ctx = prepared.facts, prepared.promises, prepared.thresholds, prepared.ctx
    identity = facts.identity
    period = scope.report.period if scope.report.type == "type2" else None
    say("checks", "running automated checks")
    registry = load_checks()
    session = (check_cache.session(ctx, sources.items, scope.parsers, passing_kept=PASSING_EXAMPLES)
               if check_cache is not None else None)
    results = run_checks(ctx, registry.values(), runner=session, passing_kept=PASSING_EXAMPLES)
    if session is not None:
        session.close()
    # what the result reads of the facts, taken now: the facts can then go before the verdicts are decided
    acceptances = facts.of(RiskAcceptance)
    conflicts = {src: [c.describe() for c in cs] for src, cs in conflicts_by_src(facts.conflicts).items()}
    collection_issues = sorted({f"{i.source}: {i.reason}" for i in facts.of(CollectionIssue)})
    fact_counts = facts.counts()
    identity_summary = identity.summary(facts.of(Account))
    described_conflicts = sorted(c.describe() for c in facts.conflicts)
    if release_facts:
        sources.facts.clear()
        sources.facts_by_parser.clear()
    del prepared, facts, ctx, identity

    say("verdicts", "deciding control verdicts")
    names = {i.sha256: i.name for i in sources.items if i.sha256}
    out = evaluate(EvaluationInput(
        catalog=cat,
        categories=scope.categories,
        not_applicable=scope.not_applicable_map(),
        results=results,
        metas={k: c.meta for k, c in registry.items()},
        assertions=sources.assertions,
        thresholds=thresholds,
        as_of=as_of,
        period_start=period.start if period else None,
        evidence_names=names,
        evidence_by_name={i.name: i.sha256 for i in sources.items if i.sha256},
        conflicts=conflicts,
        acceptances=acceptances,
    ))
    result = AssessmentResult(
        tool_version=__version__,
        catalog_version=cat.version,
        organisation=scope.organisation.name,
        as_of=as_of,
        report_type=scope.report.type,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        target_audit_date=scope.report.target_audit_date,
        categories=scope.categories,
        scope=scope.model_dump(mode="json", exclude={"collect", "monitor", "alerts"}),
        thresholds=thresholds.provenance(),
        threshold_conflicts=thresholds.conflicts,
        evidence=sorted(sources.items, key=lambda i: (i.name, i.source, i.sha256)),
        collection_issues=collection_issues,
        fact_counts=fact_counts,
        checks=out.checks,
        verdicts=out.verdicts,
        findings=out.findings,
        criteria=rollup_criteria(cat, out.verdicts, scope.categories),
        category_rollups=rollup_categories(cat, out.verdicts, scope.categories),
        frameworks=rollup_frameworks(cat, out.verdicts),
        readiness=readiness_of(out.verdicts),
        evidence_requests=out.evidence_requests,
        identity=identity_summary,
        conflicts=described_conflicts,
        promises=[
            {"key": p.key, "value": p.value, "quote": p.quote, "source": p.source, "origin": p.origin,
             "ref": p.ref, "locator": p.locator}  # type: ignore[misc]
            for p in promises
        ],
    )
    say("plan", "prioritising and planning remediation")
    result.plan = build_plan(result, cat, scope, thresholds.as_dict())
    return result


@dataclass
class Gathered:
    """Everything one run reads, gathered once: the scope, the sources (scope file, the organisation's format
    specs, the evidence folder, live collections, answers files) and the promises made in answers files."""

    loaded: LoadedScope
    sources: SourceOutput
    answer_promises: list[Promise]
    catalog: Catalog
    answer_items: list[EvidenceItem] = field(default_factory=list)  # the answers files (also in sources.items)


def gather_sources(
    scope_path: Path,
    *,
    evidence_dir: Path | None,
    answers: Sequence[Path] = (),
    as_of: date,
    store: EvidenceStore,
    collect: Sequence[str] = (),
    collected: SourceOutput | None = None,
    progress: Progress | None = None,
) -> Gathered:
    """Read the scope, keep it as evidence, and gather every source of a run into ``store``.

    ``collected`` is live evidence already gathered elsewhere (a monitor job, or Celery workers collecting
    one account and region each): it is merged as if ``collect`` had gathered it here."""
    say = progress or (lambda stage, detail: None)
    loaded = load_scope(scope_path)
    cat = load_catalog()
    sources = SourceOutput()
    sources.items.append(_store_text_input(scope_path, store, "scope"))
    skip = [scope_path, *answers]
    parsers, spec_items = organisation_parsers(scope_path.parent, store)  # the organisation's formats/*.yaml
    sources.items.extend(spec_items)
    if evidence_dir is not None:
        if not evidence_dir.is_dir():
            raise InputError(str(evidence_dir), "evidence folder not found")
        skip.extend((scope_path.parent / "formats").glob("*.y*ml"))
        sources.merge(ingest_folder(evidence_dir, store=store, as_of=as_of, options=loaded.scope.parsers,
                                    skip=skip, on_file=lambda name: say("evidence", name), parsers=parsers))
    if collect:
        sources.merge(collect_live(loaded.scope, collect, store=store, as_of=as_of, progress=progress))
    if collected is not None:
        sources.merge(collected)
    a, p, items = load_answer_files(list(answers), cat, store)
    sources.assertions.extend(a)
    sources.items.extend(items)
    return Gathered(loaded, sources, p, cat, items)


def sources_needed(scope: Scope) -> set[str]:
    """Collection topics (check ``sources``) of the checks that judge a control the scope needs: what a live
    collection must ask for (:func:`trustgap.collectors.runner.narrow` leaves out the rest)."""
    cat = load_catalog()
    not_applicable = scope.not_applicable_map()
    categories = set(scope.categories)
    needed: set[str] = set()
    for chk in load_checks().values():
        controls = [cat.control(c) for c in chk.meta.controls if cat.has_control(c)]
        if any(c.id not in not_applicable and cat.categories_of(c) & categories for c in controls):
            needed.update(chk.meta.sources)
    return needed


def collect_live(scope: Scope, names: Sequence[str], *, store: EvidenceStore, as_of: date,
                 progress: Progress | None = None, env: Mapping[str, str] | None = None) -> SourceOutput:
    """Run the named live collectors, asking only for what the scope's checks need."""
    from trustgap.collectors.runner import collect_sources

    say = progress or (lambda stage, detail: None)
    return collect_sources(scope, list(names), store=store, as_of=as_of, env=env, needed=sources_needed(scope),
                           progress=lambda what, done, total: say("collect", what))


def save_run(result: AssessmentResult, *, source: str, store_url: str | None = None,
             created_at: datetime | None = None, text: str | bytes | bytearray | None = None) -> str:
    """Store a run (the one save step of every face) and return its id (``text``: its JSON, or the UTF-8 encoding
    of it, when made already)."""
    from trustgap.store.runs import RunStore

    rs = RunStore.open(store_url)
    try:
        return rs.save(result, created_at=created_at or datetime.now(UTC), source=source, text=text).id
    finally:
        rs.close()


def _result_cache(store: EvidenceStore, scope_path: Path, evidence_dir: Path | None, answers: Sequence[Path],
                  as_of: date) -> Any:
    """Where the result of a run over files alone is kept, under a key of everything the run reads."""
    from trustgap.evidence.cache import ResultCache
    from trustgap.evidence.ingest import iter_evidence_files

    formats = sorted((scope_path.parent / "formats").glob("*.y*ml"))
    files = ([(p.relative_to(evidence_dir).as_posix(), p) for p in iter_evidence_files(evidence_dir)]
             if evidence_dir is not None and evidence_dir.is_dir() else [])
    return ResultCache.for_files(store, as_of=as_of, inputs=[scope_path, *answers, *formats], evidence=files)


def run_assessment(
    scope_path: Path,
    *,
    evidence_dir: Path | None,
    answers: Sequence[Path] = (),
    as_of: date,
    collect: Sequence[str] = (),
    collected: SourceOutput | None = None,
    extra_assertions: Sequence[Assertion] = (),
    extra_promises: Sequence[Promise] = (),
    save: bool = True,
    store_url: str | None = None,
    evidence_store: EvidenceStore | None = None,
    progress: Progress | None = None,
    created_at: datetime | None = None,
    interview: dict[str, Any] | None = None,
) -> tuple[AssessmentResult, str | None]:
    """Collect, evaluate and (by default) save. Returns the result and the stored run id.

    ``collected``: see :func:`gather_sources`. ``interview``: the interview's progress to store with the run
    (default: summarised from the answers files)."""
    from trustgap import config

    say = progress or (lambda stage, detail: None)
    store = evidence_store or EvidenceStore(config.evidence_dir())
    source = str(evidence_dir or scope_path.parent)
    reuse = None if collect or collected or extra_assertions or extra_promises or interview is not None else (
        _result_cache(store, scope_path, evidence_dir, answers, as_of))
    text = reuse.load_bytes() if reuse is not None else None
    if text is not None:  # nothing the run reads changed: the stored result, byte for byte (kept as UTF-8 bytes)
        say("evidence", "nothing changed since the last run of these files")
        reused = AssessmentResult.from_json(text)
        if save:
            say("save", "saving the run")
        return reused, save_run(reused, source=source, store_url=store_url, created_at=created_at,
                                text=text) if save else None
    with paused_collection():  # the facts of every file are loaded: all live on (see paused_collection)
        got = gather_sources(scope_path, evidence_dir=evidence_dir, answers=answers, as_of=as_of, store=store,
                             collect=collect, collected=collected, progress=progress)
    got.sources.assertions.extend(extra_assertions)
    result = assess(got.loaded, got.sources, as_of=as_of, extra_promises=[*got.answer_promises, *extra_promises],
                    catalog=got.catalog, progress=progress, release_facts=True,
                    check_cache=CheckCache(store) if reuse is not None else None)  # runs from files alone
    if interview is not None:
        result.interview = interview
    elif answers:
        from trustgap.interview.answers import interview_summary

        result.interview = interview_summary(list(answers))
    data = result.to_json_bytes() if reuse is not None or save else None
    if reuse is not None and data is not None:
        reuse.save(data)
    run_id = None
    if save:
        say("save", "saving the run")
        run_id = save_run(result, source=source, store_url=store_url, created_at=created_at, text=data)
    return result, run_id


@dataclass(frozen=True)
class PolicyView:
    """An organisation's evidence read as an assessment reads it, nothing stored: what policy drafting judges
    missing or stale, with the thresholds the policies promise."""

    loaded: LoadedScope
    prepared: Prepared
    errors: list[InputError]  # evidence files that could not be read

    @property
    def documents(self) -> list[Document]:
        return self.prepared.facts.of(Document)


def policy_view(scope_path: Path, *, evidence_dir: Path | None, answers: Sequence[Path] = (), as_of: date
                ) -> PolicyView:
    """Gather and prepare the sources of a run in memory (no evidence stored, no run saved)."""
    got = gather_sources(scope_path, evidence_dir=evidence_dir, answers=answers, as_of=as_of,
                         store=EvidenceStore(None))
    prepared = prepare(got.loaded.scope, got.sources, as_of, extra_promises=got.answer_promises,
                       threshold_lines=got.loaded.threshold_lines)
    errors = [InputError(e.path, e.message, line=e.line, field=e.field)
              for i in got.sources.items if i.status == "failed" for e in i.errors]
    return PolicyView(got.loaded, prepared, errors)


def result_digest(result: AssessmentResult) -> str:
    return sha256_bytes(result.to_json().encode())


def summary_counts(result: AssessmentResult) -> dict[str, Any]:
    c = result.readiness.counts
    return {"readiness": result.readiness.score, "implemented": c.implemented, "partial": c.partial,
            "gap": c.gap, "not_assessed": c.not_assessed, "not_applicable": c.not_applicable,
            "findings": len(result.findings)}
