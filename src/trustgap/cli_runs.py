"""Commands over stored runs: ``trustgap diff`` (drift between two runs of one organisation), ``trustgap
package`` (the evidence package of a run, organised by criterion) and ``trustgap verify`` (its evidence is
still there and unchanged)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from trustgap.cli_common import fail as _fail

DIFF_FORMATS = ("table", "md", "json")


def _previous(newer_id: str, organisation: str) -> str:
    """The run stored just before ``newer_id`` for the same organisation."""
    from trustgap.store.runs import RunStore

    store = RunStore.open()
    try:
        return _previous_in(store, newer_id, organisation)
    finally:
        store.close()


def diff(
    runs: Annotated[Optional[list[str]], typer.Argument(help="[OLDER] NEWER: run ids, prefixes, 'latest' or result JSON files. One run: compared with the run before it; none: the latest run.")] = None,  # noqa: UP045,E501
    fmt: Annotated[Literal["table", "md", "json"], typer.Option("--format", help="Output format.")] = "table",
    fail_on_regression: Annotated[bool, typer.Option(help="Exit 1 when a control regressed or a critical or "
                                                          "high finding is new.")] = False,
) -> None:
    """What changed between two runs: controls improved or regressed, findings new and resolved, readiness."""
    from trustgap.errors import TrustgapError

    refs = list(runs or [])
    if len(refs) > 2:
        raise _fail("give at most two runs: OLDER NEWER")
    older, newer = (refs[0], refs[1]) if len(refs) == 2 else (None, refs[0] if refs else "latest")
    if fmt not in DIFF_FORMATS:
        raise _fail(f"--format: use one of {', '.join(DIFF_FORMATS)}")
    if not any(_is_file(r) for r in (older, newer) if r is not None):  # two stored runs: read their rows only
        try:
            d = _stored_drift(older, newer)
        except TrustgapError as exc:
            raise _fail(str(exc)) from None
        return _show(d, fmt, fail_on_regression)
    from trustgap.cli_plan import load_run
    from trustgap.engine.drift import compare

    try:
        newer_id, newer_result = load_run(newer)
        if older is None:
            if newer_id is None:
                raise TrustgapError("give the older run too when the newer one is a result JSON file")
            older = _previous(newer_id, newer_result.organisation)
        older_id, older_result = load_run(older)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    _show(compare(older_result, newer_result, older_id=older_id, newer_id=newer_id), fmt, fail_on_regression)


def _is_file(ref: str) -> bool:
    return Path(ref).suffix.lower() == ".json" or Path(ref).is_file()


def _stored_drift(older: str | None, newer: str):  # type: ignore[no-untyped-def]
    from trustgap import config
    from trustgap.store.drift_rows import fast_drift

    found = fast_drift(config.database_url(), older, newer)  # straight through the driver when it can
    if found is not None:
        return found
    from trustgap.store.runs import RunStore

    store = RunStore.open()
    try:
        if older is None:
            rec = store._resolve(newer)
            older = _previous_in(store, rec.id, rec.organisation)
        return store.drift(older, newer)
    finally:
        store.close()


def _previous_in(store, newer_id: str, organisation: str) -> str:  # type: ignore[no-untyped-def]
    from trustgap.errors import TrustgapError

    previous = store.previous(newer_id)
    if previous is None:
        raise TrustgapError(f"no earlier run of {organisation} to compare run {newer_id} with; give both runs")
    return str(previous)


def _show(d, fmt: str, fail_on_regression: bool) -> None:  # type: ignore[no-untyped-def]
    from trustgap.engine.drift import drift_markdown

    if fmt == "json":
        sys.stdout.write(json.dumps(d.as_dict(), indent=2, sort_keys=True, default=str) + "\n")
    elif fmt == "md":
        sys.stdout.write(drift_markdown(d))
    else:
        _print_table(d)
    new_severe = [f for f in d.new_findings if f.severity in ("critical", "high")]
    if fail_on_regression and (d.regressions or new_severe):
        raise typer.Exit(1)


def _print_table(d) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    from trustgap.engine.labels import STATUS_LABELS

    con = Console(highlight=False, markup=False)
    o, n = d.older, d.newer
    delta = f" ({d.readiness_delta:+.1f} points)" if d.readiness_delta is not None else ""
    con.print(f"{n['organisation']}: run {o['run']} (as of {o['as_of']}, readiness {o['readiness']}%) -> run "
              f"{n['run']} (as of {n['as_of']}, readiness {n['readiness']}%){delta}")
    if d.changes:
        t = Table("control", "title", "before", "after", "direction")
        for c in d.changes:
            t.add_row(c.control_id, c.title, STATUS_LABELS.get(c.before or "", "new"), STATUS_LABELS[c.after],
                      c.direction)
        con.print(t)
    else:
        con.print("no control changed status")
    con.print(f"findings: {len(d.new_findings)} new, {len(d.resolved_findings)} resolved, "
              f"{d.carried_findings} still open")
    for f in d.new_findings[:20]:
        con.print(f"  new [{f.severity}] {f.control_id} {f.entity or ''}: {f.reason[:110]}")
    for f in d.resolved_findings[:20]:
        con.print(f"  resolved {f.control_id} {f.entity or ''}")


def package(
    run: Annotated[str, typer.Argument(help="Run id, prefix, 'latest' or result JSON file.")] = "latest",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="ZIP file to write.")] = None,  # noqa: UP045
    force: Annotated[bool, typer.Option("--force", help="Replace the ZIP file if it exists.")] = False,
) -> None:
    """Write the evidence package of a run for the auditor: a ZIP organised by criterion, with every raw
    evidence file, its sha256 and the run itself."""
    from trustgap import config
    from trustgap.cli_common import refuse_existing
    from trustgap.cli_plan import load_run
    from trustgap.errors import TrustgapError
    from trustgap.evidence.store import EvidenceStore
    from trustgap.report.package import build_package

    try:
        if output is not None:
            refuse_existing(output, force)
        run_id, result = load_run(run)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    store = EvidenceStore(config.evidence_dir())
    checked = {e.sha256: (e.name, *store.check(e.sha256)) for e in result.evidence if e.sha256}
    altered = {sha: why for sha, (_, why, _) in checked.items() if why is not None and why != "missing"}
    data, missing = build_package(result, lambda sha: checked[sha][2] if sha in checked else store.read_verified(sha),
                                  run_id=run_id, altered=altered)
    out = output or Path(f"trustgap-evidence-{run_id or result.as_of.isoformat()}.zip")
    from rich.console import Console

    from trustgap.cli_common import write_output

    said = write_output(out, data, force=True, chosen=output is not None)
    con = Console(highlight=False, markup=False)
    con.print(f"evidence package: {out.resolve()}" + (" (replaced the previous one)" if said == "replaced" else ""))
    for sha, why in altered.items():
        con.print(f"  ALTERED  {checked[sha][0]} ({sha[:12]}): {why}; not included")
    if missing:
        con.print(f"{len(missing)} evidence file(s) not in the evidence store {config.evidence_dir()} "
                  "(listed in the package's README)")
    if altered or missing:  # the package is not the evidence the run rests on
        raise typer.Exit(1)


def verify(
    run: Annotated[str, typer.Argument(help="Run id, prefix, 'latest' or result JSON file.")] = "latest",
) -> None:
    """Check that every piece of evidence a run rests on is still in the evidence store, unchanged (its bytes
    still hash to the sha256 recorded in the run). Exit 1 when one is missing or altered."""
    from rich.console import Console

    from trustgap import config
    from trustgap.cli_plan import load_run
    from trustgap.errors import TrustgapError
    from trustgap.evidence.store import EvidenceStore

    try:
        run_id, result = load_run(run)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    store = EvidenceStore(config.evidence_dir())
    items = list({e.sha256: e for e in result.evidence if e.sha256}.values())
    problems = [(e, store.check(e.sha256)[0]) for e in items]
    missing = [e for e, why in problems if why == "missing"]
    altered = [(e, why) for e, why in problems if why is not None and why != "missing"]
    con = Console(highlight=False, markup=False)
    con.print(f"run {run_id or run}: {len(items) - len(missing) - len(altered)} of {len(items)} evidence items "
              f"present and unchanged in {config.evidence_dir()}")
    for e in missing:
        con.print(f"  missing  {e.name} ({e.sha256[:12]})")
    for e, why in altered:
        con.print(f"  ALTERED  {e.name} ({e.sha256[:12]}): {why}")
    if missing or altered:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)
    app.command("package")(package)
    app.command("verify")(verify)
