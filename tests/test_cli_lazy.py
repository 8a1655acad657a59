"""Commands start light: the top-level group builds only the command that runs (its table matches what the command
modules register), plain option values convert exactly as typer's own conversion would, and ``runs``, ``diff`` and
``--version`` load none of the heavy machinery (checked on the modules a fresh interpreter has loaded, not timed)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal, Optional

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from trustgap.cli import app
from trustgap.cli_common import date_option
from trustgap.cli_lazy import COMMANDS, _FastGetter, command_name, fast_params

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})

# never needed to list runs, compare two stored runs or print the version
HEAVY = ("pydantic", "sqlalchemy", "alembic", "jinja2", "psycopg", "yaml", "httpx", "openpyxl", "boto3",
         "trustgap.engine.models", "trustgap.catalog.loader", "trustgap.store.runs", "trustgap.cli_collect",
         "trustgap.cli_web", "trustgap.cli_monitor", "trustgap.cli_plan")


def test_the_command_table_is_what_the_modules_register() -> None:
    by_module: dict[str, list[str]] = {}
    for name, module in COMMANDS:
        by_module.setdefault(module, []).append(name)
    for module, names in by_module.items():
        scratch = typer.Typer(add_completion=False)
        __import__(module, fromlist=["register"]).register(scratch)
        registered = [command_name(c) for c in scratch.registered_commands] + [
            str(g.name) for g in scratch.registered_groups]
        assert sorted(registered) == sorted(names), module
    # typer lists plain commands before groups: so does the table
    kinds = [hasattr(get_command(app).commands[name], "commands") for name, _ in COMMANDS]
    assert kinds == sorted(kinds)
    helped = runner.invoke(app, ["--help"])
    assert helped.exit_code == 0
    listed = [line.split()[1] for line in helped.output.splitlines() if line.startswith("│ ") and len(line.split()) > 2]
    assert [n for n in listed if n in dict(COMMANDS)] == [n for n, _ in COMMANDS]


def test_a_command_is_built_only_when_used() -> None:
    group = get_command(app)
    commands = group.commands
    assert list(commands) == [n for n, _ in COMMANDS]
    assert "runs" in commands and "nosuchcommand" not in commands
    assert not commands._built  # type: ignore[attr-defined]
    assert commands["runs"].name == "runs"
    assert set(commands._built) == {"runs"}  # type: ignore[attr-defined]
    assert commands.get("nosuchcommand") is None


def _probe() -> typer.Typer:
    probe = typer.Typer(add_completion=False)

    @probe.command()
    def everything(  # noqa: PLR0913 - one parameter per kind of value
        names: Annotated[Optional[list[str]], typer.Argument()] = None,  # noqa: UP045
        count: Annotated[int, typer.Option()] = 20,
        ratio: Annotated[Optional[float], typer.Option()] = None,  # noqa: UP045
        word: Annotated[str, typer.Option()] = "latest",
        where: Annotated[Optional[Path], typer.Option()] = None,  # noqa: UP045
        folder: Annotated[Path, typer.Option(exists=True, file_okay=False)] = Path("."),
        fmt: Annotated[Literal["html", "md", "json"], typer.Option()] = "html",
        day: Annotated[Optional[date], date_option("--day", help="A day.")] = None,  # noqa: UP045
        small: Annotated[int, typer.Option(min=1, max=5)] = 2,
        flag: Annotated[bool, typer.Option()] = False,
    ) -> None:
        """Nothing."""

    @probe.command()
    def other() -> None:
        """Nothing."""

    return probe


VALUES = {
    "names": [(), ("a", "b"), ["x"], "solo"],
    "count": [20, "007", "-3", "1.5", "x", " 5", "+5", "1_000", "", True, 5.0, "9" * 40],
    "ratio": [0.5, "80", "80.25", "1e3", "nan", "x", 80, "-0.0"],
    "word": ["latest", "", "ünïcode", 5, b"bytes"],
    "where": ["out.html", "", "-", "a/b/", "./x", Path("p")],
    "folder": [".", "src", "no/such/folder", "pyproject.toml"],
    "fmt": ["html", "md", "HTML", "pdf", "", 3],
    "day": ["2026-11-01", "2026-02-30", "tomorrow", date(2026, 1, 1), "2026-1-1"],
    "small": [2, "3", "0", "9"],
    "flag": [True, False, "true", "no", ""],
}


def _outcome(runtime: object, value: object, param: object, ctx: object) -> tuple[str, str]:
    """What converting ``value`` gives: the value with its type (nan included), or the error and its words."""
    try:
        got = runtime.coerce(value, param=param, ctx=ctx)  # type: ignore[attr-defined]
        return "ok", f"{type(got).__name__}: {got!r}"
    except Exception as exc:  # noqa: BLE001 - the error itself is what is compared
        return type(exc).__name__, str(getattr(exc, "message", exc))


def test_plain_values_convert_exactly_as_typer_converts_them() -> None:
    cmd = get_command(_probe()).commands["everything"]  # type: ignore[attr-defined]
    slow = {p.name: p.get_runtime_param() for p in cmd.params if hasattr(p, "get_runtime_param")}
    fast_params(cmd)
    ctx = cmd.make_context("everything", [], resilient_parsing=True)
    checked = 0
    for param in cmd.params:
        if param.name not in VALUES:
            continue
        assert isinstance(param.get_runtime_param, _FastGetter), param.name
        fast = param.get_runtime_param()
        for value in VALUES[param.name]:
            assert _outcome(fast, value, param, ctx) == _outcome(slow[param.name], value, param, ctx), (param.name,
                                                                                                    value)
            checked += 1
    assert checked > 50


def _loaded(args: list[str], env: dict[str, str]) -> tuple[str, list[str]]:
    code = ("import sys\nfrom trustgap.cli import main\n"
            f"sys.argv = ['trustgap', *{args!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**env, "COLUMNS": "200", "PATH": "",
                              **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}})
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    assert last.startswith("LOADED"), out.stderr
    return out.stdout, eval(last.split(" ", 1)[1])  # noqa: S307 - our own printed list


@pytest.mark.parametrize("with_changes", [False, True])
def test_runs_diff_and_version_load_no_heavy_machinery(tmp_path: Path, with_changes: bool) -> None:
    from tests.store.conftest import make_result

    from trustgap.store.runs import RunStore

    url = f"sqlite:///{tmp_path / 'runs.db'}"
    with RunStore.open(url) as store:
        a = store.save(make_result(findings=3), created_at=datetime(2026, 11, 1, tzinfo=UTC))
        newer = make_result(findings=3, statuses=("implemented", "gap", "partial", "not_applicable")
                            if with_changes else ("gap", "implemented", "partial", "not_applicable"))
        b = store.save(newer, created_at=datetime(2026, 11, 2, tzinfo=UTC))
    env = {"TRUSTGAP_DATABASE_URL": url, "TRUSTGAP_HOME": str(tmp_path)}
    out, heavy = _loaded(["runs"], env)
    assert a.id in out and b.id in out and heavy == []
    for fmt in ("table", "md", "json"):
        out, heavy = _loaded(["diff", "--format", fmt], env)
        assert b.id in out and heavy == [], (fmt, out)
        assert ("regressed" in out.lower()) == with_changes, out
    out, heavy = _loaded(["--version"], env)
    assert out.startswith("trustgap ") and heavy == []
