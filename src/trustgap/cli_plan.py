"""``trustgap roadmap``, ``trustgap risks`` and ``trustgap policy generate``: the plan of a stored run in the
formats people work from, and policy drafts for what is missing. Heavy modules load inside the commands."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from trustgap.cli_common import date_option
from trustgap.cli_common import fail as _fail

if TYPE_CHECKING:
    from trustgap.engine.models import AssessmentResult

ROADMAP_FORMATS = ("table", "md", "xlsx", "jira", "github", "json")
RISK_FORMATS = ("table", "md", "json", "csv")

RunArg = Annotated[str, typer.Argument(help="Stored run id (or unique prefix, or 'latest'), or a result JSON file.")]
OutOpt = Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write (default: stdout).")]  # noqa: UP045


def _console():  # type: ignore[no-untyped-def]
    """Plain output: titles and reasons come from data and are never read as markup."""
    from rich.console import Console

    return Console(highlight=False, markup=False)


def load_run(ref: str) -> tuple[str | None, AssessmentResult]:
    """A run by id / prefix / 'latest' from the run store, or a result JSON file (``--json`` of assess)."""
    from pydantic import ValidationError

    from trustgap.engine.models import AssessmentResult
    from trustgap.errors import InputError

    path = Path(ref)
    if path.suffix.lower() == ".json" or path.is_file():
        if not path.is_file():
            raise InputError(ref, "file not found")
        try:
            return None, AssessmentResult.from_json(path.read_text(encoding="utf-8"))
        except (ValidationError, UnicodeDecodeError) as exc:
            first = exc.errors()[0] if isinstance(exc, ValidationError) else {"loc": (), "msg": str(exc)}
            field = ".".join(str(p) for p in first["loc"]) or None
            raise InputError(ref, f"not a trustgap result JSON: {first['msg']}", field=field) from None
    from trustgap.store.runs import RunStore

    store = RunStore.open()
    try:
        rec, result = store.get(ref)
    finally:
        store.close()
    return rec.id, result


def _plan_of(result: AssessmentResult) -> dict:  # type: ignore[type-arg]
    from trustgap.errors import TrustgapError

    if not result.plan:
        raise TrustgapError("this run has no plan (it was stored before planning existed); assess again")
    return result.plan


def _emit(text: str, output: Path | None, what: str) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="")
    _console().print(f"{what}: {output.resolve()}")


def _roadmap_table(result: AssessmentResult) -> None:
    from rich.table import Table

    from trustgap.report.charts_plan import plan_context

    plan = _plan_of(result)
    ctx = plan_context(plan)
    con = _console()
    for line in ctx["summary"]:
        con.print(line)
    for ph in ctx["phases"]:
        table = Table("#", "control", "task", "owner", "category", "due", "score", "after",
                      title=f"Phase {ph['number']}: {ph['title']} ({ph['start']} to {ph['end']}), "
                            f"projected readiness {ph['projected']}", title_justify="left")
        for t in ph["tasks"]:
            table.add_row(str(t["rank"]), t["control_id"] + (" ★" if t["quick_win"] else ""), t["title"], t["owner"],
                          t["category"], t["due"], t["score"], t["depends_on"])
        con.print(table)
    for s in ctx["spills"]:
        con.print(f"spill: {s['control_id']} ({s['owner']}) phase {s['from']} -> {s['to']}: {s['reason']}")


def roadmap(
    run: RunArg = "latest",
    fmt: Annotated[str, typer.Option("--format", help="table, md, xlsx, jira, github or json.")] = "table",
    output: OutOpt = None,
    include_unscheduled: Annotated[bool, typer.Option("--all", help="jira/github: also tasks not scheduled.")] = False,
) -> None:
    """The prioritised remediation roadmap of a run, as a table, Markdown, XLSX workbook, Jira or GitHub CSV."""
    import json

    from trustgap.errors import TrustgapError

    try:
        if fmt not in ROADMAP_FORMATS:
            raise TrustgapError(f"--format: unknown format {fmt!r} (use one of {', '.join(ROADMAP_FORMATS)})")
        _, result = load_run(run)
        if fmt == "table":
            _roadmap_table(result)
        elif fmt == "md":
            from trustgap.report.charts_plan import plan_markdown

            _emit(plan_markdown(_plan_of(result)), output, "roadmap")
        elif fmt == "json":
            _emit(json.dumps(_plan_of(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n", output, "plan")
        elif fmt == "xlsx":
            from trustgap.report.xlsx import write_workbook

            target = output or Path("roadmap.xlsx")
            write_workbook(result, target)
            _console().print(f"workbook: {target.resolve()}")
        else:
            from trustgap.report.issues_csv import github_csv, jira_csv

            make = jira_csv if fmt == "jira" else github_csv
            _emit(make(_plan_of(result), result.organisation, include_unscheduled=include_unscheduled), output,
                  f"{fmt} CSV")
    except TrustgapError as exc:
        raise _fail(str(exc)) from None


def risks(
    run: RunArg = "latest",
    fmt: Annotated[str, typer.Option("--format", help="table, md, json or csv.")] = "table",
    output: OutOpt = None,
    treatment: Annotated[Optional[str], typer.Option(help="Only this treatment: accept, transfer, mitigate, avoid.")] = None,  # noqa: UP045,E501
) -> None:
    """The risk register of a run: gaps not scheduled, decisions from the scope file and risks added by hand."""
    import csv
    import io
    import json

    from trustgap.errors import TrustgapError
    from trustgap.report.safe import safe_row

    try:
        if fmt not in RISK_FORMATS:
            raise TrustgapError(f"--format: unknown format {fmt!r} (use one of {', '.join(RISK_FORMATS)})")
        _, result = load_run(run)
        register = _plan_of(result)["risk_register"]
        rows = [r for r in register["risks"] if treatment is None or r["treatment"] == treatment]
        if fmt == "json":
            _emit(json.dumps({**register, "risks": rows}, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                  output, "risk register")
        elif fmt == "csv":
            buf = io.StringIO()
            cols = ["id", "source", "title", "controls", "likelihood", "impact", "score", "rating", "owner",
                    "treatment", "status", "justification", "review_date"]
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(cols)
            for r in rows:
                w.writerow(safe_row(", ".join(r[c]) if isinstance(r[c], list) else ("" if r[c] is None else r[c])
                                    for c in cols))
            _emit(buf.getvalue(), output, "risk register")
        elif fmt == "md":
            from trustgap.report.charts_plan import plan_markdown

            text = plan_markdown(_plan_of(result))
            _emit(text[text.index("## Risk register"):], output, "risk register")
        else:
            from rich.table import Table
            from rich.text import Text

            table = Table("id", "risk", "L", "I", "rating", "owner", "treatment", "review", "justification")
            for r in rows:
                treat = Text("accepted", style="bold") if r["accepted"] else r["treatment"]
                table.add_row(r["id"], r["title"], str(r["likelihood"]), str(r["impact"]), r["rating"],
                              r["owner"] or "", treat, r["review_date"], r["justification"])
            con = _console()
            con.print(table)
            counts = ", ".join(f"{n} {k}" for k, n in register["counts"].items())
            con.print(f"{len(rows)} risks ({counts}); accepted: {', '.join(register['accepted']) or 'none'}")
    except TrustgapError as exc:
        raise _fail(str(exc)) from None


policy_app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                         help="Policy drafts written from the scope file.")


@policy_app.command("generate")
def policy_generate(
    folder: Annotated[Optional[Path], typer.Argument(help="Organisation folder (scope.yaml, evidence/).")] = None,  # noqa: UP045,E501
    scope: Annotated[Optional[Path], typer.Option(help="Scope file (instead of FOLDER).")] = None,  # noqa: UP045
    evidence: Annotated[Optional[Path], typer.Option(help="Evidence folder with the existing policies.")] = None,  # noqa: UP045,E501
    missing: Annotated[bool, typer.Option("--missing", help="Only policies missing or stale in the evidence.")] = False,
    out: Annotated[Optional[Path], typer.Option(help="Folder for the drafts (default: EVIDENCE/policies/drafts).")] = None,  # noqa: UP045,E501
    as_of: Annotated[Optional[date], date_option("--as-of", help="Date to judge staleness and date drafts.")] = None,  # noqa: UP045,E501
    force: Annotated[bool, typer.Option(help="Overwrite drafts that already exist.")] = False,
) -> None:
    """Write Markdown policy drafts (front matter: owner, version, status draft, dates, criteria)."""
    from trustgap.errors import TrustgapError

    when = as_of or date.today()
    try:
        _generate(folder, scope, evidence, missing, out, when, force)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None


def _generate(folder: Path | None, scope_path: Path | None, evidence: Path | None, missing: bool, out: Path | None,
              when: date, force: bool) -> None:
    from trustgap.assessment import policy_view
    from trustgap.errors import TrustgapError
    from trustgap.policies.generate import drafts_for, policy_states, write_drafts

    if folder is None and scope_path is None:
        raise TrustgapError("give the organisation FOLDER or --scope")
    answers: list[Path] = []
    if folder is not None:
        from trustgap.assessment import resolve_inputs

        inputs = resolve_inputs(folder, scope_path, evidence)
        scope_path, evidence, answers = inputs.scope_path, inputs.evidence_dir, inputs.answers
    assert scope_path is not None
    if evidence is None and (scope_path.parent / "evidence").is_dir():
        evidence = scope_path.parent / "evidence"
    view = policy_view(scope_path, evidence_dir=evidence, answers=answers, as_of=when)
    sc = view.loaded.scope
    con = _console()
    for err in view.errors:
        con.print(f"warning: {err}")
    thresholds = view.prepared.thresholds.as_dict()
    states = None
    if missing:
        states = policy_states(view.prepared.ctx)
        for s in states:
            con.print(f"{s.key:<22} {s.state:<10} {s.detail}")
    drafts = drafts_for(sc, when, thresholds, states=states)
    target = out or ((evidence / "policies" / "drafts") if evidence else scope_path.parent / "policy-drafts")
    if not drafts:
        con.print("every expected policy is present and current: nothing to draft")
        return
    for w in write_drafts(drafts, target, force=force):
        note = "kept (exists; --force to overwrite)" if w.skipped else "wrote"
        todo = f" (to complete before approval: {'; '.join(w.draft.open_items)})" if w.draft.open_items else ""
        con.print(f"{note} {w.path}{todo}")
    con.print("Drafts count as evidence once approved: set approved_on (and approved_by) in their front matter.")


def register(app: typer.Typer) -> None:
    app.command("roadmap")(roadmap)
    app.command("risks")(risks)
    app.add_typer(policy_app, name="policy", help="Policy drafts written from the scope file.")
