"""``trustgap interview``: the gap-analyst conversation in the terminal, or its answers from a file.

Heavy modules are imported inside the command so that ``trustgap --help`` stays fast.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from trustgap.cli_common import date_option

AsOf = Annotated[
    Optional[date],  # noqa: UP045 - typer needs Optional here
    date_option("--as-of", help="Evaluate as of this date. Default: today."),
]


def register(app: typer.Typer) -> None:
    from trustgap.cli import _guard

    app.command(name="interview")(_guard(interview))


def interview(
    folder: Annotated[Path, typer.Argument(help="Folder with scope.yaml and evidence/.")] = Path("."),
    answers: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--answers", help="Question-keyed answers file: assess with it, no questions asked.")] = None,
    export: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--export", help="Also write the interview answers to this YAML file.")] = None,
    as_of: AsOf = None,
    save_to: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--save-to", help="Where answers are saved after every answer (default: FOLDER/interview.yaml); "
        "an existing file is resumed.")] = None,
    who: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--who", help="Who is answering (email), recorded with every answer.")] = None,
    report: Annotated[Path, typer.Option(help="Write the report here at the end.")] = Path(
        "trustgap-out/interview-report.html"),
    fmt: Annotated[str, typer.Option("--format", help="Report format: html, md or json.")] = "html",
    save: Annotated[bool, typer.Option(help="Store the run in the database.")] = True,
    summaries: Annotated[bool, typer.Option(help="Show a summary at the end of each domain.")] = True,
) -> None:
    """Interview the organisation domain by domain about what the evidence cannot show, then assess."""
    from trustgap.assessment import resolve_inputs
    from trustgap.assessment_interview import finish, open_interview
    from trustgap.cli import _as_of, _console, _fail
    from trustgap.interview.prompts import Terminal, converse, domain_summary
    from trustgap.interview.record import write_record
    from trustgap.interview.run import DEFAULT_NAME

    when = _as_of(as_of)
    today = date.today()
    inputs = resolve_inputs(folder)
    con = _console()
    term = Terminal.rich(con)
    if answers is not None:
        if not answers.is_file():
            raise _fail(f"--answers: file not found: {answers}")
        iv = open_interview(inputs, answers, as_of=when, today=today, answered_by=who, autosave=False,
                            exclude=[folder / DEFAULT_NAME])
        result, run_id = finish(iv, save=save)
        done, total = iv.session.overall()
        if done < total:
            con.print(f"{done} of {total} questions answered; answer the rest with: trustgap interview {folder} "
                      f"--save-to {answers}")
        if summaries:
            for d in iv.session.domains():
                domain_summary(term, iv.session, d, result)
    else:
        path = save_to or folder / DEFAULT_NAME
        iv = open_interview(inputs, path, as_of=when, today=today, answered_by=who)
        con.print(f"[bold]{iv.context.organisation}[/]: interview as of {when}; answers saved to {path}"
                  + (" (resuming)" if iv.resumed else ""))
        try:
            done = converse(term, iv.session, iv.context, summaries=summaries)
        except (KeyboardInterrupt, EOFError):
            _stopped(con, iv, folder)
            raise typer.Exit(130) from None
        if not path.is_file():
            write_record(path, iv.session.record)
        if not done:
            _stopped(con, iv, folder)
            if export:
                _export(con, iv, export)
            return
        result, run_id = finish(iv, save=save)
    if export:
        _export(con, iv, export)
    _final(con, result, run_id, report, fmt)


def _stopped(con: Any, iv: Any, folder: Path) -> None:
    done, total = iv.session.overall()
    con.print(f"\nStopped after {done} of {total} questions; every answer is saved in {iv.record_path}.")
    con.print(f"Resume with: [bold]trustgap interview {folder} --save-to {iv.record_path}[/]")


def _export(con: Any, iv: Any, export: Path) -> None:
    from trustgap.interview.record import write_record

    write_record(export, iv.session.record, keep_other_keys=False)
    con.print(f"answers exported to {export}")


def _final(con: Any, result: Any, run_id: str | None, report: Path, fmt: str) -> None:
    from trustgap import config
    from trustgap.cli import _fail
    from trustgap.report import render
    from trustgap.report.summary import print_summary

    if fmt not in ("html", "md", "markdown", "json"):
        raise _fail(f"--format: unknown format {fmt!r} (use html, md or json)")
    con.print()
    print_summary(con, result)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render(result, fmt, run_id=run_id), encoding="utf-8")
    con.print(f"report: [bold]{report.resolve()}[/]")
    if run_id:
        con.print(f"run [bold]{run_id}[/] stored in {config.redact_url(config.database_url())}")
