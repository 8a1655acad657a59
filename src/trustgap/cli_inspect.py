"""``trustgap inspect FILE...``: what trustgap understands of each file (the format and why, the runners-up, the
columns taken for each field with the evidence, rows read and skipped, sample facts); ``trustgap formats``: every
format spec, built-in and the organisation's."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from trustgap.cli_common import date_option
from trustgap.cli_common import fail as _fail

FORMATS = ("table", "json")


def _empty_understanding() -> dict[str, Any]:
    from trustgap.engine.models import Understanding

    return Understanding().model_dump(mode="json")


def _context(scope: Path | None) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[Any]]:
    """(parsers, per-format options, evidence items of the organisation's specs) for a scope file, or the
    built-in formats without one."""
    from trustgap.evidence.detect import load_parsers
    from trustgap.evidence.mapping_registry import organisation_parsers

    if scope is None:
        return load_parsers(), {}, []
    from trustgap.scope import load_scope

    loaded = load_scope(scope)
    parsers, items = organisation_parsers(scope.parent)
    return parsers, dict(loaded.scope.parsers), items


def _spec_errors(items: list[Any]) -> list[str]:
    return [str(e) for i in items for e in i.errors]


def inspect(
    files: Annotated[list[Path], typer.Argument(help="Files to explain.", exists=True, dir_okay=False)],
    scope: Annotated[Optional[Path], typer.Option(help="scope.yaml: its parsers options and the organisation's "  # noqa: UP045
                                                       "formats/ are used.", exists=True, dir_okay=False)] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    as_of: Annotated[Optional[date], date_option("--as-of", help="As-of date; default today.")] = None,  # noqa: UP045
) -> None:
    """Explain what trustgap understands of each file, and why."""
    from trustgap.errors import TrustgapError
    from trustgap.evidence.understanding import inspect_bytes

    if fmt not in FORMATS:
        raise _fail(f"--format: use one of {', '.join(FORMATS)}")
    when = as_of or date.today()
    try:
        parsers, options, items = _context(scope)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    from trustgap.evidence.archives import expand, is_archive

    out: list[dict[str, Any]] = []
    for path in files:
        data = path.read_bytes()
        members = [(str(path), data)]
        if is_archive(data):  # compressed: its files, each explained
            ex = expand(data, str(path))
            members = ex.members
            out.extend({"file": name, "understanding": {**_empty_understanding(), "not_understood": f"not read: {why}"},
                        "errors": [], "facts": 0} for name, why in ex.refused)
        for name, body in members:
            u, errors, facts = inspect_bytes(body, name, parsers, options, when)
            out.append({"file": name, "understanding": u.model_dump(mode="json"),
                        "errors": [str(e) for e in errors], "facts": len(facts)})
    if fmt == "json":
        typer.echo(json.dumps({"files": out, "spec_errors": _spec_errors(items)}, indent=2, ensure_ascii=False))
        return
    _print(out, _spec_errors(items))


def _print(out: list[dict[str, Any]], spec_errors: list[str]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    con = Console(highlight=False, soft_wrap=True)
    for err in spec_errors:
        con.print(f"[red]format spec error:[/] {escape(err)}")
    for entry in out:
        u = entry["understanding"]
        con.rule(escape(entry["file"]))
        if u["format"] is None:
            con.print(f"[bold yellow]not understood[/]: {escape(u['not_understood'] or '')}")
        else:
            bound = " [dim](bound by the scope file)[/]" if u["bound"] else ""
            con.print(f"[bold]{escape(u['title'])}[/] ({escape(u['format'])}), score {u['score']:.1f}/10{bound}")
            for r in u["reasons"]:
                con.print(f"  - {escape(r)}")
        if u["runners_up"]:
            con.print("runners-up: " + "; ".join(f"{escape(r['format'])} {r['score']:.1f}"
                                                 for r in u["runners_up"]))
        if u["table"]:
            con.print(f"table: {escape(u['table'])}")
        if u["columns"]:
            t = Table("column", "field", "score", "evidence", "sample", show_lines=False)
            for c in u["columns"]:
                t.add_row(escape(c["column"]), escape(c["field"]), f"{c['score']:.2f}", escape(c["evidence"]),
                          escape(", ".join(c["sample"])))
            con.print(t)
        if u["unmapped"]:
            con.print("columns not used: " + escape(", ".join(u["unmapped"])))
        if u["rows_read"] is not None:
            con.print(f"rows read: {u['rows_read']}, skipped: {u['rows_skipped']}")
            for s in u["skipped"]:
                con.print(f"  - line {s['line']}: {escape(s['reason'])}" if s["line"] else f"  - {escape(s['reason'])}")
        if u["format"] is not None:
            con.print(f"facts: {entry['facts']}")
        for s in u["samples"]:
            con.print(f"  e.g. {escape(s)}")
        for e in entry["errors"]:
            con.print(f"[red]error:[/] {escape(e)}")


def formats(
    scope: Annotated[Optional[Path], typer.Option(help="scope.yaml: also list the organisation's formats/.",  # noqa: UP045
                                                  exists=True, dir_okay=False)] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Every format trustgap reads: domain, title, where it is published, and whether it is the organisation's."""
    from trustgap.errors import TrustgapError

    if fmt not in FORMATS:
        raise _fail(f"--format: use one of {', '.join(FORMATS)}")
    try:
        parsers, _, items = _context(scope)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    from trustgap.evidence.mapping_registry import builtin_specs

    builtin = {s.id for s in builtin_specs()}
    rows = []
    for name, p in sorted(parsers.items()):
        spec = p.spec
        origin = "code" if spec is None else "built-in" if name in builtin and not spec.path.startswith(
            "formats/") else "organisation"
        rows.append({"id": name, "title": p.title, "domain": spec.domain if spec else _CODE_DOMAINS.get(name, ""),
                     "kind": origin, "input": spec.input if spec else "", "fact": spec.fact if spec else "",
                     "generic": bool(spec and spec.generic), "sources": list(spec.sources) if spec else
                     ([p.reference] if p.reference else []), "spec": spec.path if spec else None})
    if fmt == "json":
        typer.echo(json.dumps({"formats": rows, "spec_errors": _spec_errors(items)}, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    con = Console(highlight=False, soft_wrap=True)
    t = Table("id", "domain", "title", "kind", "source")
    for r in rows:
        t.add_row(escape(r["id"]), escape(r["domain"]), escape(r["title"]), r["kind"],
                  escape(r["sources"][0] if r["sources"] else ""))
    con.print(t)
    for err in _spec_errors(items):
        con.print(f"[red]format spec error:[/] {escape(err)}")


# domains of the formats still read by code (their parsers predate specs)
_CODE_DOMAINS = {
    "aws_iam_credential_report": "identity", "checkov": "vulnerabilities", "dependabot": "vulnerabilities",
    "entra_users": "identity", "github": "source_control", "google_users": "identity", "hr_roster": "hr",
    "lms_training": "training", "okta": "identity", "policy_document": "policies", "process_records": "records",
    "prowler": "cloud", "trivy": "vulnerabilities",
}


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)
    app.command("formats")(formats)
