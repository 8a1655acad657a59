"""Run the live collectors a scope configures (found by :mod:`trustgap.collectors.registry`).

``collect_sources(scope, ["aws", "github"], store=..., as_of=..., needed=...)`` validates ``scope.collect``, runs the
named collectors side by side (each bounds its own parallelism) and merges what they return. A
collector that cannot run at all (no credentials, no checkov) contributes a CollectionIssue, never an
exception; a name the scope does not configure is an input error. Names may also come comma-separated
(``["aws,github"]``, as ``trustgap assess --collect aws,github`` passes them).

No call is made for a service nothing in scope needs: ``needed``
(:func:`trustgap.assessment.sources_needed`, which knows the catalog and the checks) lists the collection
topics (``aws.backup``, ``github.pulls``, ...) of the checks that judge at least one control in the
scope's Trust Services categories and not marked not applicable, and :func:`narrow` drops the AWS
services and GitHub parts outside that list, unless the scope's ``collect`` section names them itself
(``collect.aws.services``, ``collect.github.parts``). A Security-only scope therefore never calls AWS
Backup, whose checks serve Availability (A1.2) alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from trustgap.collectors.base import (
    AWS_SERVICES,
    GITHUB_PARTS,
    GITLAB_PARTS,
    AwsConfig,
    CollectConfig,
    Progress,
    parse_collect_config,
)
from trustgap.collectors.registry import CollectRun, collector
from trustgap.errors import InputError
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore
from trustgap.scope import Scope


def _period(scope: Scope) -> tuple[date, date] | None:
    p = scope.report.period
    return (p.start, p.end) if p else None


# GitHub parts whose facts feed checks under another topic than github.<part>
GITHUB_PART_TOPICS = {"dependabot": "scans.dependabot"}


def narrow(cfg: CollectConfig, needed: set[str]) -> tuple[CollectConfig, list[str]]:
    """``cfg`` without the AWS services and GitHub parts no needed topic asks for (unless the scope file
    lists them explicitly), and the names of what was left out (``aws.backup``, ``github.pulls``)."""
    skipped: list[str] = []
    updates: dict[str, object] = {}
    aws = cfg.aws or AwsConfig()
    if cfg.aws is None or "services" not in cfg.aws.model_fields_set:
        keep = [s for s in aws.services if f"aws.{s}" in needed]
        skipped += [f"aws.{s}" for s in AWS_SERVICES if s in aws.services and s not in keep]
        updates["aws"] = aws.model_copy(update={"services": keep})
    gh = cfg.github
    if gh is not None and "parts" not in gh.model_fields_set:
        keep_parts = [p for p in gh.parts if GITHUB_PART_TOPICS.get(p, f"github.{p}") in needed]
        skipped += [f"github.{p}" for p in GITHUB_PARTS if p in gh.parts and p not in keep_parts]
        updates["github"] = gh.model_copy(update={"parts": keep_parts})
    gl = cfg.gitlab
    if gl is not None and "parts" not in gl.model_fields_set:
        # users and members feed the identity checks whatever their topics; the rest only when a check needs it
        keep_gl = [p for p in gl.parts if p in ("users", "members") or f"gitlab.{p}" in needed]
        skipped += [f"gitlab.{p}" for p in GITLAB_PARTS if p in gl.parts and p not in keep_gl]
        updates["gitlab"] = gl.model_copy(update={"parts": keep_gl})
    return cfg.model_copy(update=updates), skipped


def split_names(names: list[str]) -> list[str]:
    """``["aws,github", "okta"]`` -> ``["aws", "github", "okta"]`` (lower case, no repeats)."""
    parts = (p.strip().lower() for n in names for p in n.split(","))
    return list(dict.fromkeys(p for p in parts if p))


def run_collector(
    name: str,
    cfg: CollectConfig,
    *,
    store: EvidenceStore,
    as_of: date,
    period: tuple[date, date] | None = None,
    progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SourceOutput:
    """Run one collector by name (from the registry) with an already validated configuration."""
    return collector(name).fetch(cfg, CollectRun(store=store, as_of=as_of, period=period, progress=progress, env=env,
                                                 options=options, sleep=sleep))


def collect_sources(
    scope: Scope,
    names: list[str],
    *,
    store: EvidenceStore,
    as_of: date,
    progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
    needed: set[str] | None = None,
) -> SourceOutput:
    """Collect live evidence from the named collectors (any of :func:`~trustgap.collectors.registry.collectors`).
    ``needed``: the check sources the scope needs (see :func:`narrow`); None collects everything configured."""
    cfg = parse_collect_config(scope.collect)
    if needed is not None:
        cfg, skipped = narrow(cfg, needed)
        if skipped and progress is not None:
            progress(f"not collected (nothing in scope needs it): {', '.join(skipped)}", 0, 0)
    wanted = split_names(names)
    for n in wanted:
        if collector(n).needs_section and cfg.section(n) is None:
            raise InputError("scope", f"'{n}' is not configured in the scope file", field=f"collect.{n}")
    out = SourceOutput()
    if not wanted:
        return out
    period = _period(scope)
    with ThreadPoolExecutor(max_workers=len(wanted), thread_name_prefix="trustgap-collect") as pool:
        futures = [pool.submit(run_collector, n, cfg, store=store, as_of=as_of, period=period, progress=progress,
                               env=env, options=scope.parsers) for n in wanted]
        for fut in futures:  # merged in the order asked, whatever finished first
            out.merge(fut.result())
    return out
