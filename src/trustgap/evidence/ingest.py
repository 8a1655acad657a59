"""Turn raw evidence (files in a folder, or API answers from collectors) into stored evidence and facts.

Every piece goes to the :class:`EvidenceStore` first (so nothing collected is lost even when a parser
fails), then is recognised by content and parsed. Per-parser ``finalize`` hooks run once over all the
facts of a run (see :func:`finalize_facts`), after every source has been ingested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from trustgap.answers import Assertion
from trustgap.errors import InputError
from trustgap.evidence.archives import archive_item, is_archive
from trustgap.evidence.cache import DatedContext, FactCache, Parsed
from trustgap.evidence.compact import Interner
from trustgap.evidence.detect import Parser, Recognition, explain, load_parsers, parse_with, recognise
from trustgap.evidence.folder import IGNORED_NAMES, NotRead, display_name, read_file, scan_folder
from trustgap.evidence.limits import is_office_package, zip_refusal
from trustgap.evidence.secrets import find_secret
from trustgap.evidence.store import EvidenceRef, EvidenceStore, sha256_bytes
from trustgap.evidence_items import ErrorInfo, EvidenceItem
from trustgap.facts import CollectionIssue, Src

__all__ = ["IGNORED_NAMES", "SourceOutput", "finalize_facts", "ingest_bytes", "ingest_folder", "iter_evidence_files"]


@dataclass
class SourceOutput:
    """What one source (an evidence folder, a live collector) contributed to a run."""

    items: list[EvidenceItem] = field(default_factory=list)
    facts_by_parser: dict[str, list[Any]] = field(default_factory=dict)  # parser name -> facts (pre-finalize)
    facts: list[Any] = field(default_factory=list)  # facts that need no finalize (collectors' own facts)
    assertions: list[Assertion] = field(default_factory=list)
    parsers: dict[str, Parser] | None = None  # the formats recognised (with the organisation's own specs)

    def merge(self, other: SourceOutput) -> None:
        if self.parsers is None:
            self.parsers = other.parsers
        self.items.extend(other.items)
        for k, v in other.facts_by_parser.items():
            self.facts_by_parser.setdefault(k, []).extend(v)
        self.facts.extend(other.facts)
        self.assertions.extend(other.assertions)


def _error_infos(errors: Iterable[InputError]) -> list[ErrorInfo]:
    return [ErrorInfo(path=e.path, line=e.line, field=e.field, message=e.message) for e in errors]


def ingest_bytes(
    data: bytes,
    *,
    name: str,
    source: str,
    collected_at: datetime,
    store: EvidenceStore,
    as_of: date,
    options: dict[str, dict[str, Any]] | None = None,
    parser: Parser | None = None,
    media_type: str = "application/octet-stream",
    parsers: dict[str, Parser] | None = None,
    interner: Interner | None = None,
) -> tuple[EvidenceItem, str | None, list[Any], EvidenceRef]:
    """Store one piece of evidence, recognise and parse it.

    Returns (item, parser name or None, facts, ref). ``parser`` forces a format (collectors know what
    they fetched); otherwise the content decides. ``options`` maps parser name -> its options; ``parsers``
    is the set of formats to recognise (default: the built-in ones; an organisation's own specs added).
    ``interner``: values already held by the run's other facts, which this file's facts share.
    """
    from trustgap.evidence.understanding import understanding

    ref = store.put(data, name=name, source=source, collected_at=collected_at, media_type=media_type)
    pset = parsers if parsers is not None else load_parsers()
    base: dict[str, Any] = {
        "sha256": ref.sha256,
        "name": name,
        "source": source,
        "collected_at": collected_at.astimezone(UTC).isoformat(),
        "size": ref.size,
    }
    cache = FactCache(store, pset, as_of=as_of, options=options)  # unchanged bytes are not parsed again
    key = cache.key(ref.sha256, name=name, source=source, forced=parser.name if parser is not None else None)
    interner = interner if interner is not None else Interner()
    hit = cache.load(key, base["collected_at"])  # its facts share values as they did when parsed
    if hit is not None:
        return hit.item, hit.parser, hit.facts, ref
    rec = Recognition(chosen=parser) if parser is not None else explain(data, name, pset, options)
    chosen = rec.chosen
    if chosen is None:
        item = EvidenceItem(**base, status="not_recognised", understanding=understanding(rec, pset))
        cache.save(key, Parsed(item, None, []), dated=False)
        return item, None, [], ref
    ctx = DatedContext(ref=ref, path=name, as_of=as_of, options=(options or {}).get(chosen.name, {}))
    res = parse_with(chosen, data, ctx)
    if res.errors and not res.facts:
        status = "failed"
    elif res.errors:
        status = "parsed_with_errors"
    else:
        status = "parsed"
    facts = list(res.facts)
    interner.facts(facts)
    if status == "failed" and chosen.sources:
        first = res.errors[0]
        src = Src(sha256=ref.sha256, locator=f"line {first.line}" if first.line else "")
        facts.extend(CollectionIssue(src=src, source=s, reason=f"{name} could not be read: {first.message}")
                     for s in chosen.sources)
    item = EvidenceItem(
        **base,
        format=chosen.name,
        format_title=chosen.title,
        status=status,
        errors=_error_infos(res.errors),
        facts=len(res.facts),
        understanding=understanding(rec, pset, ctx.understanding, res.facts) if parser is None else None,
    )
    cache.save(key, Parsed(item, chosen.name, facts), dated=ctx.as_of_read)
    return item, chosen.name, facts, ref


def iter_evidence_files(folder: Path) -> list[Path]:
    """Every regular file below ``folder`` (recursively, sorted, hidden files and folders skipped, links never
    followed; see :func:`~trustgap.evidence.folder.scan_folder`)."""
    return scan_folder(folder).files


def ingest_folder(
    folder: Path,
    *,
    store: EvidenceStore,
    as_of: date,
    options: dict[str, dict[str, Any]] | None = None,
    skip: Iterable[Path] = (),
    on_file: Callable[[str], None] | None = None,
    parsers: dict[str, Parser] | None = None,
) -> SourceOutput:
    """Ingest every file of an evidence folder. A file's collection time is its modification time
    (so re-running on the same folder is reproducible). ``parsers``: the formats to recognise (default: the
    built-in ones)."""
    parsers = parsers if parsers is not None else load_parsers()
    out = SourceOutput(parsers=parsers)
    interner = Interner()  # equal values of the folder's facts held once
    skipped = {p.resolve() for p in skip}
    scan = scan_folder(folder)
    out.items.extend(_not_read(rel, why) for rel, why in scan.skipped)
    for path in scan.files:
        if path.resolve() in skipped:
            continue
        rel = display_name(path.relative_to(folder).as_posix())
        if on_file:
            on_file(rel)
        try:
            data, modified = read_file(path)
        except NotRead as exc:
            out.items.append(_not_read(rel, str(exc)))
            continue
        mtime = datetime.fromtimestamp(int(modified), tz=UTC)
        members = [(rel, data)]
        if is_archive(data):  # compressed evidence is read as its contents
            item, members = archive_item(data, rel, mtime, store,
                                         withheld=lambda n, body: find_secret(body, n) is not None)
            out.items.append(item)
        for name, body in members:
            _ingest_file(out, body, name, mtime, store=store, as_of=as_of, options=options, parsers=parsers,
                         interner=interner)
    return out


def _ingest_file(out: SourceOutput, data: bytes, rel: str, mtime: datetime, *, store: EvidenceStore, as_of: date,
                 options: dict[str, dict[str, Any]] | None, parsers: dict[str, Parser], interner: Interner) -> None:
    """One file (or archive member): refused past a limit, withheld when it holds a credential, else stored,
    recognised and parsed."""
    refused = zip_refusal(data) if is_office_package(data) else None
    if refused is not None:  # decided from the ZIP directory, before anything is inflated
        out.items.append(_not_read(rel, refused, data, mtime))
        return
    secret = find_secret(data, rel)
    if secret is not None:  # never stored; the checks that needed the file cannot pass without it
        out.items.append(_withheld(data, rel, mtime, *secret))
        chosen = recognise(data, rel, parsers, options)
        if chosen is not None and chosen.sources:
            src = Src(sha256=sha256_bytes(data), locator=f"line {secret[0]}")
            out.facts.extend(CollectionIssue(src=src, source=s, reason=f"{rel} was not read: it holds a "
                                             f"{secret[1]}") for s in chosen.sources)
        return
    try:
        item, pname, facts, _ = ingest_bytes(
            data, name=rel, source="file", collected_at=mtime, store=store, as_of=as_of, options=options,
            parsers=parsers, interner=interner,
        )
    except MemoryError:  # the other files are still read, and the run is still stored
        out.items.append(_not_read(rel, "not read: reading it ran out of memory", data, mtime))
        return
    out.items.append(item)
    if pname:
        out.facts_by_parser.setdefault(pname, []).extend(facts)


def _not_read(name: str, why: str, data: bytes | None = None, mtime: datetime | None = None) -> EvidenceItem:
    """A file that was not read (skipped, past a limit): listed with the reason, never stored."""
    return EvidenceItem(sha256="", name=name, source="file", collected_at=mtime.isoformat() if mtime else "",
                        size=len(data) if data is not None else 0, status="failed",
                        errors=[ErrorInfo(path=name, message=why)])


def _withheld(data: bytes, name: str, mtime: datetime, line: int, kind: str) -> EvidenceItem:
    message = (f"holds what looks like a {kind}: the file is not stored or read (remove the credential, "
               "rotate it, and run again)")
    # no sha256: nothing was stored, so `trustgap verify` has nothing to look for
    return EvidenceItem(sha256="", name=name, source="file", collected_at=mtime.isoformat(),
                        size=len(data), status="failed", errors=[ErrorInfo(path=name, line=line, message=message)])


def finalize_facts(output: SourceOutput, parsers: dict[str, Parser] | None = None) -> list[Any]:
    """Run each parser's finalize hook over all of its facts; return every fact of the run."""
    parsers = parsers if parsers is not None else output.parsers if output.parsers is not None else load_parsers()
    facts: list[Any] = []
    for pname in sorted(output.facts_by_parser):
        items = output.facts_by_parser[pname]
        p = parsers.get(pname)
        facts.extend(p.finalize(items) if p and p.finalize else items)
    facts.extend(output.facts)
    return facts
