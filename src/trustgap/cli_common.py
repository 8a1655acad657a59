"""What every command module shares: the one way a command reports bad input, the one date option, the one
way a command writes a file the person named, and the group that prints every usage error as one line."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer

try:  # typer 0.2x vendors its own click; earlier versions use click itself
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as click_errors  # type: ignore[no-redef]
from typer.core import TyperGroup

DATE_METAVAR = "YYYY-MM-DD"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit to raise (2: bad input). The message is data,
    never markup; soft wrap keeps a long path or field name on one line, so it can be copied and searched."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {escape(message)}", markup=True,
                                                soft_wrap=True)
    return typer.Exit(code)


def parse_day(value: str | date) -> date:
    """A calendar day written ``YYYY-MM-DD``; anything else (``2026-13-01``, ``2026-02-30``, ``03/01/2026``) is
    a usage error that the command line prints as one line naming the option, exit 2."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if not _ISO_DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not a date: {text!r} (use {DATE_METAVAR}, a real calendar day)") from None


def date_option(*names: str, help: str) -> Any:  # noqa: A002 - the name typer uses
    """The one option type for a date (``--as-of``, ``--start``, ``--since`` ...): parsed and checked before the
    command runs."""
    return typer.Option(*names, parser=parse_day, metavar=DATE_METAVAR, help=help)


def write_output(path: Path, data: str | bytes, *, force: bool, chosen: bool = True) -> str:
    """Write ``data`` to ``path``. A file the person named (``chosen``) is never replaced silently: it must not
    exist unless ``--force``. A default path of trustgap's own is replaced, and the returned word says so."""
    from trustgap.errors import TrustgapError

    existed = path.exists()
    if existed and chosen and not force:
        raise TrustgapError(f"{path}: already exists (use --force to replace it, or choose another -o/--output)")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write(data)
    return "replaced" if existed else "wrote"


def refuse_existing(path: Path, force: bool) -> None:
    """For writers that open the file themselves (XLSX, ZIP): the same rule as :func:`write_output`."""
    from trustgap.errors import TrustgapError

    if path.exists() and not force:
        raise TrustgapError(f"{path}: already exists (use --force to replace it, or choose another -o/--output)")


class Group(TyperGroup):
    """The top-level command group: a usage error (unknown option, bad date, bad choice) is one line,
    ``error: ...`` with the command to ask for help, exit 2, the same prefix as every other error. Its commands
    are built when first looked up (:mod:`trustgap.cli_lazy`), so a command starts without building the others."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from trustgap.cli_lazy import COMMANDS, LazyCommands

        self.commands = LazyCommands(self.commands, COMMANDS, prepare=prepare_command)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names only: listing builds nothing

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,  # type: ignore[override]
             standalone_mode: bool = True, **extra: Any) -> Any:
        _tidy((), self)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except getattr(click_errors, "NoArgsIsHelpError", ()) as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else "")
            sys.exit(exc.exit_code)
        except click_errors.ClickException as exc:
            ctx = getattr(exc, "ctx", None)
            where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            message = exc.format_message().replace("Value error, ", "")
            raise SystemExit(_exit_code(fail(message + where, exc.exit_code))) from None
        except typer.Abort:
            raise SystemExit(_exit_code(fail("aborted", 1))) from None
        sys.exit(rv if isinstance(rv, int) else 0)


def _exit_code(exc: typer.Exit) -> int:
    return int(exc.exit_code)


_METAVARS = {"Path": "PATH", "str": "TEXT", "int": "N", "float": "NUMBER", "date": DATE_METAVAR}


def commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command under ``group`` with its path of names (``("collect", "aws")``), groups included."""
    found: list[tuple[tuple[str, ...], Any]] = []
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        found.append(((*path, name), cmd))
        found.extend(commands(cmd, (*path, name)))
    return found


def plain_metavars(group: Any) -> None:
    """Help shows words (``PATH``, ``TEXT``, ``N``, ``YYYY-MM-DD``, the allowed values of a choice), never Python
    type names (``<str>``, ``<list[Path]>``); a flag shows no type; an argument is shown by its upper-case name."""
    _tidy((), group)
    for path, cmd in commands(group):
        _tidy(path, cmd)


def prepare_command(path: tuple[str, ...], cmd: Any) -> None:
    """What the top-level group does to a command it has just built (and to the sub-commands of a group)."""
    for where, one in [(path, cmd), *commands(cmd, path)]:
        _tidy(where, one)


def _tidy(path: tuple[str, ...], cmd: Any) -> None:
    """One command's help examples, plain metavars and light value conversion (see :func:`plain_metavars`)."""
    from trustgap.cli_examples import add_examples
    from trustgap.cli_lazy import fast_params

    if getattr(cmd, "_trustgap_tidy", False):
        return
    cmd._trustgap_tidy = True
    fast_params(cmd)
    add_examples(path, cmd)
    cmd.get_help_option = _flag_help_option(cmd.get_help_option)
    for param in getattr(cmd, "params", []):
        desc = getattr(param, "type_descriptor", None)
        if desc is None or desc.is_choice:
            continue
        if param.param_type_name == "argument":
            param.metavar = param.metavar or param.name.upper()
            param.display_type_rich = _no_type
            continue
        if param.metavar is not None:
            continue
        if getattr(param, "is_flag", False):
            param.metavar = ""
            continue
        annotation = desc.annotation
        element = annotation.__args__[0] if desc.is_list and getattr(annotation, "__args__", None) else annotation
        param.metavar = _METAVARS.get(getattr(element, "__name__", ""), "VALUE")


def _flag_help_option(make: Any) -> Any:
    def get_help_option(ctx: Any) -> Any:
        from trustgap.cli_lazy import fast_param

        option = make(ctx)
        if option is not None and option.metavar is None:
            option.metavar = ""
        if option is not None:
            fast_param(option)
        return option

    return get_help_option


def _no_type(ctx: Any) -> str:
    return ""
