"""The command line: parses arguments, calls trustgap.assessment / store / report, prints. Nothing else.

Heavy modules are imported inside the commands so that ``trustgap --help`` starts fast.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer

from trustgap.cli_common import Group, date_option, refuse_existing, write_output
from trustgap.cli_common import fail as _fail

if TYPE_CHECKING:
    from trustgap.engine.models import AssessmentResult

app = typer.Typer(
    name="trustgap",
    help="SOC 2 gap analysis with evidence: where you stand against each criterion, and what to fix first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)

# this module's own commands; the top-level group builds each one when it is used (trustgap.cli_lazy)
_commands = typer.Typer(add_completion=False)

Force = Annotated[bool, typer.Option("--force", help="Replace an output file that already exists.")]

AsOf = Annotated[
    Optional[date],  # noqa: UP045 - typer needs Optional here
    date_option("--as-of", help="Evaluate as of this date. Default: today."),
]


def _version(value: bool) -> None:
    if value:  # the package's own version, which a test holds equal to the installed metadata's (importlib.metadata
        # alone would double the time this takes)
        from trustgap import __version__

        typer.echo(f"trustgap {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """SOC 2 gap analysis with evidence: where you stand against each criterion, and what to fix first."""


def _console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=False, highlight=False)


def _as_of(value: date | None) -> date:
    return date.today() if value is None else value


def _guard(fn):  # type: ignore[no-untyped-def]
    """Turn TrustgapError (bad input) into one clear line and exit code 2, never a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        from trustgap.errors import TrustgapError

        try:
            return fn(*args, **kwargs)
        except TrustgapError as exc:
            raise _fail(str(exc)) from None

    return wrapper


@_commands.command()
@_guard
def init(
    folder: Annotated[Path, typer.Argument(help="Folder to create the starter files in.")] = Path("."),
    organisation: Annotated[str, typer.Option("--org", help="Organisation name.")] = "Example Corp",
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
) -> None:
    """Write a commented starter scope.yaml, answers.yaml and an evidence/ folder."""
    from trustgap.starter import write_starter

    written = write_starter(folder, organisation=organisation, force=force)
    con = _console()
    for p in written:
        con.print(f"wrote {p}")
    con.print(f"Next: edit {folder / 'scope.yaml'}, drop exports into {folder / 'evidence'}, then "
              f"[bold]trustgap assess {folder}[/]")


@_commands.command()
@_guard
def assess(
    folder: Annotated[Path, typer.Argument(help="Folder with scope.yaml, optional answers.yaml and evidence/.")],
    scope: Annotated[Optional[Path], typer.Option(help="Scope file (default: FOLDER/scope.yaml).")] = None,  # noqa: UP045
    evidence: Annotated[Optional[Path], typer.Option(help="Evidence folder (default: FOLDER/evidence).")] = None,  # noqa: UP045
    answers: Annotated[Optional[list[Path]], typer.Option(help="Answers file(s) (default: FOLDER/answers.yaml).")] = None,  # noqa: UP045,E501
    as_of: AsOf = None,
    collect: Annotated[Optional[list[str]], typer.Option(help="Also collect live: aws, github, google, okta, entra, iac.")] = None,  # noqa: UP045,E501
    fail_under: Annotated[Optional[float], typer.Option(help="Exit 1 when readiness is below this percentage.")] = None,  # noqa: UP045,E501
    report: Annotated[Optional[Path], typer.Option("-o", "--output", "--report", help="Also write the report to this file.")] = None,  # noqa: UP045,E501
    fmt: Annotated[Literal["html", "md", "json"], typer.Option("--format", help="Report format.")] = "html",
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the result JSON here.")] = None,  # noqa: UP045
    save: Annotated[bool, typer.Option(help="Store the run in the database.")] = True,
    allow_collect_failure: Annotated[bool, typer.Option(
        "--allow-collect-failure", help="Exit 0 even when a --collect source could not be collected.")] = False,
    force: Force = False,
) -> None:
    """Assess an organisation: collect evidence, run checks, decide verdicts, store the run."""
    from trustgap.assessment import resolve_inputs

    for target in (report, json_out):  # before the work, not after it
        if target is not None:
            refuse_existing(target, force)
    inputs = resolve_inputs(folder, scope, evidence, answers or [])
    result, run_id = _run_with_progress(inputs.scope_path, inputs.evidence_dir, inputs.answers,
                                        _as_of(as_of), collect or [], save)
    _after_assess(result, run_id, report, fmt, json_out, chosen=True)
    _next_steps(result, folder, inputs.evidence_dir)
    # a bad answers file does not stop the assessment (the rest is decided, reported and stored), but the
    # command says so and exits 2, as for any bad input the person must fix
    answer_names = {p.name for p in inputs.answers}
    bad = [err for e in result.evidence if e.status == "failed" and e.name in answer_names for err in e.errors]
    if bad:
        raise _fail("; ".join(str(err) for err in bad[:5]) + " (the rest of the assessment was completed)")
    failed = _failed_collections(result, collect or [])
    if failed and not allow_collect_failure:
        raise _fail(f"could not collect {', '.join(failed)} (why: above; the run {'was stored' if run_id else 'ran'} "
                    "without it); fix the access, or pass --allow-collect-failure to accept such a run", 1)
    if fail_under is not None and (result.readiness.score or 0) < fail_under:
        score = "n/a (nothing assessed)" if result.readiness.score is None else f"{result.readiness.score:.1f}%"
        raise _fail(f"readiness {score} is under {fail_under:g} (--fail-under)", 1)


def _next_steps(result: AssessmentResult, folder: Path, evidence_dir: Path | None) -> None:
    """An organisation with no evidence and no answers yet is told what to do next, once, after its summary."""
    if any(e.status not in ("scope", "answers") for e in result.evidence) or result.readiness.counts.assessed:
        return
    where = evidence_dir or folder / "evidence"
    con = _console()
    con.print("[bold]No evidence yet.[/] Next:", highlight=False)
    for line in (f"1. drop the exports you have into {where} (HR roster, Okta / Google / Entra user lists, the AWS "
                 "IAM credential report, GitHub pull requests, scanner results, policies, vendor list, risk register)",
                 "2. see what trustgap reads in a file: trustgap inspect FILE",
                 f"3. answer what no file shows: trustgap interview {folder}",
                 f"4. or collect live: trustgap assess {folder} --collect aws,github (see trustgap collect --help)",
                 f"then run trustgap assess {folder} again"):
        con.print(f"  {line}", markup=False, highlight=False)


def _failed_collections(result: AssessmentResult, collect: list[str]) -> list[str]:
    """The ``--collect`` names whose collection reported an issue (``aws``, ``github``)."""
    from trustgap.collectors.registry import collectors
    from trustgap.collectors.runner import split_names

    topics = {i.split(":", 1)[0].split(".", 1)[0] for i in result.collection_issues}
    known = collectors()
    return [n for n in split_names(collect) if (known[n].topic if n in known else n) in topics]


def _run_with_progress(scope_path: Path, evidence_dir: Path | None, answers: list[Path], as_of: date,
                       collect: list[str], save: bool) -> tuple[AssessmentResult, str | None]:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from trustgap.assessment import run_assessment

    stages = ["evidence", "collect", "facts", "reconcile", "checks", "verdicts", "plan", "save"]
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.fields[stage]:<10}"), BarColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(), transient=True,
                  disable=not sys.stderr.isatty(), console=None) as bar:
        task = bar.add_task("starting", total=len(stages), stage="")

        def progress(stage: str, detail: str) -> None:
            done = stages.index(stage) if stage in stages else 0
            bar.update(task, completed=done, description=detail[:60], stage=stage)

        return run_assessment(scope_path, evidence_dir=evidence_dir, answers=answers, as_of=as_of,
                              collect=collect, save=save, progress=progress)


def _after_assess(result: AssessmentResult, run_id: str | None, report: Path | None, fmt: str,
                  json_out: Path | None, *, chosen: bool) -> None:
    """Print the summary and write the outputs; ``chosen`` paths were checked before the run (``--force``)."""
    from trustgap import config
    from trustgap.report.summary import print_summary

    con = _console()
    print_summary(con, result)
    if json_out:
        said = write_output(json_out, result.to_json(), force=True, chosen=chosen)
        con.print(f"result JSON: {json_out}" + (" (replaced the previous one)" if said == "replaced" else ""))
    if report:
        from trustgap.report import render

        monitoring = None
        if run_id and fmt == "html":  # a stored run: with monitoring, when there is some
            from trustgap.report.monitoring import build_monitoring

            monitoring = build_monitoring(result, run_id, store_url=config.database_url())
        said = write_output(report, render(result, fmt, run_id=run_id, monitoring=monitoring), force=True,
                            chosen=chosen)
        con.print(f"report: [bold]{report.resolve()}[/]" + (" (replaced the previous one)" if said == "replaced"
                                                               else ""))
    if run_id:
        con.print(f"run [bold]{run_id}[/] stored in {config.redact_url(config.database_url())}")
        since = _since_previous(result, run_id)
        if since:
            con.print(since, markup=False)


def _since_previous(result: AssessmentResult, run_id: str) -> str | None:
    """One line of drift against the organisation's previous stored run (``trustgap diff`` has the detail)."""
    from trustgap.errors import TrustgapError
    from trustgap.store.runs import RunStore

    try:
        store = RunStore.open()
        try:
            previous = store.previous(run_id)
            if previous is None:
                return None
            d = store.drift(previous, run_id)  # from the two runs' rows: neither result is read back
        finally:
            store.close()
    except TrustgapError:
        return None
    delta = f"{d.readiness_delta:+.1f} points" if d.readiness_delta is not None else "readiness n/a"
    return (f"since run {previous} (as of {d.older['as_of']}): {delta}, {len(d.improvements)} control(s) improved, "
            f"{len(d.regressions)} regressed; {len(d.new_findings)} new finding(s), {len(d.resolved_findings)} "
            f"resolved (trustgap diff shows them)")


@_commands.command()
@_guard
def report(
    run: Annotated[str, typer.Argument(help="Run id (or a unique prefix, or 'latest').")] = "latest",
    fmt: Annotated[Literal["html", "md", "json"], typer.Option("--format", help="Report format.")] = "html",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write (default: stdout; HTML on a terminal: a file).")] = None,  # noqa: UP045,E501
    force: Force = False,
) -> None:
    """Render a stored run as HTML, Markdown or JSON."""
    from trustgap import config
    from trustgap.report.stored import StoredReports, render_stored

    reports = StoredReports(config.database_url())  # reads the run's tables, not its whole result
    try:
        stored = reports.load(run)
        rec, result = stored.record, stored.result
        if output is not None:
            refuse_existing(output, force)
        monitoring = reports.monitoring(stored) if fmt == "html" else None  # with monitoring, when stored
        text = render_stored(stored, fmt, whole=lambda: reports.whole(stored), monitoring=monitoring)
    finally:
        reports.close()
    if output is None and fmt == "html" and _stdout_is_terminal():
        # a page of HTML is no use in a terminal: keep it in a file and say where
        output = Path(f"trustgap-report-{rec.id}.html")
        said = write_output(output, text, force=True, chosen=False)
        _console().print(f"{rec.organisation} as of {result.as_of}: readiness "
                         f"{'n/a' if result.readiness.score is None else f'{result.readiness.score:.1f}%'}; "
                         f"HTML report {said}: [bold]{output.resolve()}[/] (open it in a browser; -o FILE to choose "
                         "the name, or pipe the command to get the HTML on stdout)")
        return
    if output is None:
        sys.stdout.write(text)
        return
    write_output(output, text, force=True)
    _console().print(f"report: {output.resolve()}")


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@_commands.command()
@_guard
def runs(
    limit: Annotated[int, typer.Option(help="How many runs to list.")] = 20,
    organisation: Annotated[Optional[str], typer.Option("--org", help="Only this organisation.")] = None,  # noqa: UP045
) -> None:
    """List stored runs, newest first."""
    from rich.table import Column, Table

    from trustgap import config
    from trustgap.store.listing import stored_runs

    records = stored_runs(config.database_url(), limit=limit, organisation=organisation)
    table = Table("organisation", "as of", "type", "readiness", "gaps", "created (UTC)")
    table.columns.insert(0, Column("run", no_wrap=True))  # the id is what `report RUN` takes: keep it whole
    for r in records:
        table.add_row(r.id, r.organisation, str(r.as_of), r.report_type,
                      "-" if r.readiness is None else f"{r.readiness:.1f}%", str(r.counts.get("gap", 0)),
                      r.created_at.strftime("%Y-%m-%d %H:%M"))
    con = _console()
    con.print(table)
    con.print(f"database: {config.redact_url(config.database_url())}")


@_commands.command()
@_guard
def catalog(
    kind: Annotated[Literal["criteria", "controls", "mappings", "frameworks"], typer.Option(help="What to list.")] = "controls",  # noqa: E501
    criterion: Annotated[Optional[str], typer.Option(help="Only this criterion, e.g. CC6.1.")] = None,  # noqa: UP045
    framework: Annotated[Optional[str], typer.Option(help="A framework id (iso27001, nist_csf, or any file in catalog/frameworks).")] = None,  # noqa: UP045,E501
    fmt: Annotated[Literal["table", "json"], typer.Option("--format", help="Output format.")] = "table",
) -> None:
    """List the SOC 2 criteria, the control library and its ISO 27001 / NIST CSF mappings."""
    import json

    from trustgap.catalog.loader import load_catalog
    from trustgap.catalog.query import catalog_json, catalog_rows

    cat = load_catalog()
    if framework and framework not in cat.frameworks:  # any framework file of the catalog (or one of its aliases)
        try:
            framework = cat.framework_info(framework).id
        except KeyError:
            raise _fail(f"--framework: unknown framework {framework!r} (use {', '.join(cat.frameworks)})") from None
    if criterion and criterion not in {c.id for c in cat.criteria}:
        raise _fail(f"--criterion: unknown criterion {criterion!r}")
    if fmt == "json":
        from trustgap.checks.base import checks_by_control

        sys.stdout.write(json.dumps(catalog_json(cat, criterion=criterion, framework=framework,
                                                 checks=checks_by_control()), indent=2, sort_keys=True) + "\n")
        return
    from rich.table import Table

    rows = catalog_rows(cat, kind=kind, criterion=criterion, framework=framework)  # type: ignore[arg-type]
    if not rows:
        _console().print("nothing matches")
        return
    table = Table(*rows[0].keys())
    for row in rows:
        table.add_row(*(", ".join(v) if isinstance(v, list) else str(v) for v in row.values()))
    _console().print(table)


@_commands.command()
@_guard
def demo(
    out: Annotated[Path, typer.Option("-o", "--output", "--out", help="Folder for the report and result JSON (they are replaced, and said so, on every run).")] = Path("trustgap-out"),  # noqa: E501
    as_of: AsOf = None,
    save: Annotated[bool, typer.Option(help="Store the run in the database.")] = True,
) -> None:
    """Assess the bundled demo organisation and write its HTML report."""
    from trustgap.demo import DEMO_AS_OF, demo_folder

    folder = demo_folder()
    when = as_of or DEMO_AS_OF
    from trustgap.assessment import resolve_inputs

    inputs = resolve_inputs(folder)
    result, run_id = _run_with_progress(inputs.scope_path, inputs.evidence_dir, inputs.answers, when, [], save)
    _after_assess(result, run_id, out / "demo-report.html", "html", out / "demo-result.json", chosen=False)


def register(target: typer.Typer) -> None:
    """Add this module's commands to ``target`` (see :data:`trustgap.cli_lazy.COMMANDS`)."""
    target.registered_commands.extend(_commands.registered_commands)


def main() -> None:
    app()
