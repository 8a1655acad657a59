"""Format specs found by a registry: the built-in ones (``trustgap/evidence/formats/*.yaml``), an organisation's own
(``<organisation folder>/formats/*.yaml``), and the hooks specs may name.

A hook is registered by the parser module that holds it (``@register_hook("hr_roster")``); modules register at
import time, without I/O, like parsers. Built-in specs are read once on first use and validated; a broken built-in
spec is a bug and raises. An organisation's spec that does not validate is reported (file, line, field) and left
out; the rest of the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from pathlib import Path
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.mapping import Compiled, FileView, Hook, examine, parse
from trustgap.evidence.mapping_spec import FormatSpec, load_spec

SPEC_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class HookEntry:
    build: Hook
    finalize: Callable[[list[Any]], list[Any]] | None = None


_HOOKS: dict[str, HookEntry] = {}


def register_hook(name: str, finalize: Callable[[list[Any]], list[Any]] | None = None) -> Callable[[Hook], Hook]:
    """Register ``fn(rows, hook_context) -> facts`` under ``name`` (a spec's ``hook:``)."""

    def deco(fn: Hook) -> Hook:
        if name in _HOOKS and _HOOKS[name].build is not fn:
            raise ValueError(f"hook {name!r} registered twice")
        _HOOKS[name] = HookEntry(fn, finalize)
        return fn

    return deco


def hooks() -> dict[str, HookEntry]:
    from trustgap.evidence.detect import load_parsers

    load_parsers()  # parser modules register the hooks
    return dict(_HOOKS)


@cache
def builtin_specs() -> tuple[FormatSpec, ...]:
    """Every built-in spec, validated (sorted by id)."""
    root = resources.files("trustgap.evidence.formats")
    out: list[FormatSpec] = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(SPEC_SUFFIXES):
            out.append(load_spec(Path(entry.name), entry.read_text(encoding="utf-8"),
                                 shown=f"trustgap/evidence/formats/{entry.name}"))
    ids = [s.id for s in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"built-in format specs share an id: {', '.join(dupes)}")
    return tuple(sorted(out, key=lambda s: s.id))


def org_specs(folder: Path, shown_root: Path | None = None) -> tuple[list[FormatSpec], list[InputError]]:
    """An organisation's specs (``folder/*.yaml``) and the errors of the ones that do not validate."""
    specs: list[FormatSpec] = []
    errors: list[InputError] = []
    if not folder.is_dir():
        return specs, errors
    known = hooks()
    seen: dict[str, str] = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SPEC_SUFFIXES and p.is_file()):
        shown = path.relative_to(shown_root).as_posix() if shown_root else str(path)
        try:
            spec = load_spec(path, shown=shown)
        except InputError as exc:
            errors.append(exc)
            continue
        if spec.hook and spec.hook not in known:
            errors.append(InputError(shown, f"names hook {spec.hook!r}, which is not registered (known: "
                                     f"{', '.join(sorted(known)) or 'none'})", field="hook"))
            continue
        if spec.id in seen:
            errors.append(InputError(shown, f"has the id {spec.id!r} of {seen[spec.id]}", field="id"))
            continue
        seen[spec.id] = shown
        specs.append(spec)
    return specs, errors


def spec_parser(spec: FormatSpec) -> Any:
    """The :class:`~trustgap.evidence.detect.Parser` reading files of this spec."""
    from trustgap.evidence.detect import Parser

    compiled = Compiled.of(spec)
    entry = _HOOKS.get(spec.hook) if spec.hook else None

    def run(data: bytes, ctx: Any) -> Any:
        table = {k: e.build for k, e in _HOOKS.items()}
        return parse(compiled, data, ctx, table)

    def sniff(data: bytes, name: str) -> float:
        return examine(compiled, FileView(data, name)).score

    return Parser(
        name=spec.id,
        title=spec.title,
        sniff=sniff,
        parse=run,
        finalize=entry.finalize if entry else None,
        reference=spec.sources[0],
        sources=tuple(spec.topics),
        examine=partial(examine, compiled),
        spec=spec,
    )


FORMATS_FOLDER = "formats"


def organisation_parsers(org_dir: Path | None, store: Any = None) -> tuple[dict[str, Any], list[Any]]:
    """The formats a run recognises: the built-in ones plus the organisation's ``formats/*.yaml`` (an organisation's
    spec with the id of a built-in one replaces it). Returns (parsers, evidence items): each spec file is kept as
    evidence (status ``format_spec``; ``failed`` with its error when it does not validate)."""
    from datetime import UTC, datetime

    from trustgap.evidence.detect import load_parsers
    from trustgap.evidence.store import sha256_bytes
    from trustgap.evidence_items import ErrorInfo, EvidenceItem

    parsers = load_parsers()
    items: list[Any] = []
    folder = org_dir / FORMATS_FOLDER if org_dir is not None else None
    if folder is None or not folder.is_dir():
        return parsers, items
    specs, errors = org_specs(folder, shown_root=org_dir)
    failed = {e.path: e for e in errors}
    for spec in specs:
        parsers[spec.id] = spec_parser(spec)
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SPEC_SUFFIXES and p.is_file()):
        shown = path.relative_to(org_dir).as_posix() if org_dir else path.name
        data = path.read_bytes()
        mtime = datetime.fromtimestamp(int(path.stat().st_mtime), tz=UTC)
        sha = store.put(data, name=shown, source="file", collected_at=mtime).sha256 if store else sha256_bytes(data)
        err = failed.get(shown)
        items.append(EvidenceItem(
            sha256=sha, name=shown, source="file", collected_at=mtime.isoformat(), size=len(data),
            status="failed" if err else "format_spec", format=None if err else "format_spec",
            format_title=None if err else "Format spec of the organisation",
            errors=[ErrorInfo(path=err.path, line=err.line, field=err.field, message=err.message)] if err else []))
    return parsers, items
