"""The command table of ``trustgap``: a command is built (its module imported, its parameters read) only when it is
used, so ``trustgap runs`` pays for one command and not for forty.

Building a command is the costly part of starting: typer reads every parameter's annotations, and converting a
value goes through a pydantic adapter (pydantic alone costs about a tenth of a second to import). So the top-level
group holds :class:`LazyCommands`, which knows every command's name (in the order help lists them) and the module
that registers it, and builds one on first use; and :func:`fast_params` converts the plain values of a command
line (a word, a whole number, a path, one of a few choices, a date) without pydantic, handing anything else to
typer's own conversion so that every result and every error stays what it was.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

# (command, module whose ``register(app)`` adds it), in the order ``trustgap --help`` lists them: the commands,
# then the groups (typer lists a group after every plain command). tests/test_cli_lazy.py holds this table equal
# to what the modules register.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("init", "trustgap.cli"), ("assess", "trustgap.cli"), ("report", "trustgap.cli"), ("runs", "trustgap.cli"),
    ("catalog", "trustgap.cli"), ("demo", "trustgap.cli"),
    ("interview", "trustgap.cli_interview"),
    ("roadmap", "trustgap.cli_plan"), ("risks", "trustgap.cli_plan"),
    ("diff", "trustgap.cli_runs"), ("package", "trustgap.cli_runs"), ("verify", "trustgap.cli_runs"),
    ("monitor", "trustgap.cli_monitor"), ("snapshots", "trustgap.cli_monitor"), ("timeline", "trustgap.cli_monitor"),
    ("freshness", "trustgap.cli_monitor"), ("trend", "trustgap.cli_monitor"), ("worker", "trustgap.cli_monitor"),
    ("inspect", "trustgap.cli_inspect"), ("formats", "trustgap.cli_inspect"),
    ("serve", "trustgap.cli_web"),
    ("collect", "trustgap.cli_collect"),
    ("policy", "trustgap.cli_plan"),
    ("users", "trustgap.cli_web"), ("orgs", "trustgap.cli_web"),
)


def command_name(info: Any) -> str:
    """The name typer gives a registered command (its own, or its function's with ``_`` as ``-``)."""
    from typer.main import get_command_name

    return str(info.name or get_command_name(info.callback.__name__))


def build_command(module: str, name: str) -> Any:
    """The click command ``name`` that ``module``'s ``register(app)`` adds, built alone."""
    import typer
    from typer.main import get_command

    scratch = typer.Typer(add_completion=False)
    importlib.import_module(module).register(scratch)  # type: ignore[attr-defined]
    scratch.registered_commands = [c for c in scratch.registered_commands if command_name(c) == name]
    scratch.registered_groups = [g for g in scratch.registered_groups if g.name == name]
    if scratch.registered_commands and not scratch.registered_groups:
        return get_command(scratch)  # one command and no callback: typer returns the command itself
    if scratch.registered_groups and not scratch.registered_commands:
        holder: Any = get_command(scratch)  # a nameless group holding the one sub-group
        return holder.commands[name]
    raise LookupError(f"{module} registers {'no' if not scratch.registered_commands else 'more than one'} "
                      f"command {name!r}")


class LazyCommands(MutableMapping[str, Any]):
    """The sub-commands of the top-level group: names known up front, each command built when it is looked up
    (``prepare(path, command)`` runs once on it, as the group's own set-up ran on every command before)."""

    def __init__(self, built: MutableMapping[str, Any], table: tuple[tuple[str, str], ...],
                 prepare: Callable[[tuple[str, ...], Any], None]) -> None:
        self._built = dict(built)
        self._modules = {name: module for name, module in table if name not in self._built}
        self._order = [name for name, _ in table if name not in self._built] + list(self._built)
        self._prepare = prepare

    def __getitem__(self, name: str) -> Any:
        if name in self._built:
            return self._built[name]
        module = self._modules.get(name)
        if module is None:
            raise KeyError(name)
        cmd = build_command(module, name)
        self._prepare((name,), cmd)
        self._built[name] = cmd
        return cmd

    def __contains__(self, name: object) -> bool:
        return name in self._built or name in self._modules

    def __setitem__(self, name: str, cmd: Any) -> None:
        if name not in self:
            self._order.append(name)
        self._modules.pop(name, None)
        self._built[name] = cmd

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._built.pop(name, None)
        self._modules.pop(name, None)
        self._order.remove(name)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)


# -- converting plain values without pydantic ---------------------------------------------------------------------

_SLOW = object()
_WHOLE = re.compile(r"-?[0-9]{1,15}")
_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")


def _leaf(desc: Any, annotation: Any, value: Any, param: Any, ctx: Any, *, alone: bool = True) -> Any:
    """``value`` converted as typer would convert it to ``annotation``, or ``_SLOW`` when that is not certain
    (``alone``: the parameter's value itself, not an item of a list)."""
    info = desc.parameter_info
    if annotation is str:
        return value if type(value) is str else _SLOW
    if annotation is int or annotation is float:
        if info.min is not None or info.max is not None or info.clamp:
            return _SLOW
        if type(value) is annotation:
            return value
        if type(value) is str and (_WHOLE if annotation is int else _DECIMAL).fullmatch(value):
            return annotation(value)
        return _SLOW
    if alone and getattr(desc, "is_choice", False):
        choices = desc.choices or ()
        if (type(value) is str and info.case_sensitive and getattr(ctx, "token_normalize_func", None) is None
                and all(type(c) is str for c in choices) and value in choices):
            return value
        return _SLOW
    if annotation is Path and info.path_type is None and type(value) is str and value:
        from typer._param_types import coerce_cli_path

        # typer's own path checks, given the Path its pydantic step would make (a refusal: typer words it)
        return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    return _SLOW


class _FastRuntime:
    """Typer's value conversion for one parameter, doing the plain cases itself (see the module)."""

    def __init__(self, param: Any, slow: Callable[[], Any]) -> None:
        self._param = param
        self._slow = slow

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multi = param.multiple or param.nargs == -1
        if value is None:  # as typer's conversion: nothing given is None, or () for a repeatable parameter
            return () if multi else None
        try:
            converted = self._fast(value, param, ctx, multi)
        except Exception:  # noqa: BLE001 - a refusal, or a typer whose internals moved: typer's own conversion decides
            converted = _SLOW
        if converted is _SLOW:
            return self._slow().coerce(value, param=param, ctx=ctx)
        return converted

    def _fast(self, value: Any, param: Any, ctx: Any, multi: bool) -> Any:
        desc = param.type_descriptor
        if desc.file_annotation is not None or desc.is_tuple:
            return _SLOW
        parser = desc.parameter_info.parser
        if parser is not None:
            if multi or desc.is_list:
                return _SLOW
            return parser(value)  # when it refuses the value, typer's own conversion words the error
        if desc.is_list:
            if not (multi and isinstance(value, (list, tuple))):
                return _SLOW
            element = desc.annotation.__args__[0] if getattr(desc.annotation, "__args__", None) else _SLOW
            items = [_leaf(desc, element, item, param, ctx, alone=False) for item in value]
            return _SLOW if any(i is _SLOW for i in items) else items
        if multi:
            return _SLOW
        return _leaf(desc, desc.annotation, value, param, ctx)


def fast_params(cmd: Any) -> None:
    """Let ``cmd``'s parameters convert plain values without pydantic (a typer without this machinery: unchanged)."""
    for param in getattr(cmd, "params", []):
        fast_param(param)


def fast_param(param: Any) -> None:
    """:func:`fast_params` for one parameter (``--help``, made afresh for each command line, is one)."""
    slow = getattr(param, "get_runtime_param", None)
    if slow is None or getattr(param, "type_descriptor", None) is None or isinstance(slow, _FastGetter):
        return
    param.get_runtime_param = _FastGetter(_FastRuntime(param, slow))


class _FastGetter:
    def __init__(self, runtime: _FastRuntime) -> None:
        self._runtime = runtime

    def __call__(self) -> _FastRuntime:
        return self._runtime
