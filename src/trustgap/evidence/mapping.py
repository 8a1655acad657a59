"""The mapping engine: recognise a file against a format spec, and read its records into facts.

Recognition (:func:`examine`) reads the file once into a :class:`FileView` (its tables, or its JSON records as a
flattened table), assigns columns to the spec's fields by header meaning and value shape
(:mod:`trustgap.evidence.columns`), and scores the format on the whole: every required field found, the fields that
tell this format apart, how much of the file the format explains, columns that say it is something else, the
file-name hint. The score and its reasons are kept for ``trustgap inspect``.

Reading (:func:`parse`) converts each row's assigned cells to typed values (:mod:`trustgap.evidence.mapping_values`);
a value that does not fit is an error naming the line and the file's own column, a row missing a required field is
skipped with its reason, and the rows become facts: directly (the spec's fact type, constants, ``details.*``), or
through the spec's registered hook for what a mapping cannot say.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.columns import Assignment, FieldWant, assign, tokens, wants_from
from trustgap.evidence.mapping_json import JsonRecords, find_records, json_table, looks_json
from trustgap.evidence.mapping_spec import FormatSpec, fact_class
from trustgap.evidence.mapping_table import Table, looks_tabular, read_tables
from trustgap.evidence.mapping_values import Defaults, ValueProblem, convert
from trustgap.facts import CollectionIssue

MAX_SKIPPED_SHOWN = 20
DOCUMENT_SUFFIXES = (".md", ".markdown", ".rst", ".html", ".htm", ".docx", ".pdf")


# --------------------------------------------------------------------------- the file, read once


class FileView:
    """One file's bytes with its tables and JSON document, each read at most once."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.name = name
        self._tables: list[Table] | None = None
        self._table_error: str | None = None
        self._doc: Any = None
        self._doc_read = False
        self._records: dict[tuple[str | None, tuple[str, ...]], tuple[JsonRecords, Table]] = {}

    def tables(self) -> list[Table]:
        if self._tables is None:
            self._tables = []
            # Markdown, reStructuredText, HTML, DOCX and PDF are documents: the document reader reads their tables
            # (a record of processing written as a Markdown table is a document with a table, not a CSV)
            if not self.name.lower().endswith(DOCUMENT_SUFFIXES) and looks_tabular(self.data):
                try:
                    self._tables = read_tables(self.data, self.name)
                except InputError as exc:
                    self._table_error = exc.message
        return self._tables

    def doc(self) -> Any:
        if not self._doc_read:
            self._doc_read = True
            if looks_json(self.data):
                from trustgap.evidence.parsers._json_input import load_json

                try:
                    self._doc = load_json(self.data, self.name)
                except InputError:
                    self._doc = None
        return self._doc

    def json(self, path: str | None, wrappers: list[str]) -> tuple[JsonRecords, Table] | None:
        doc = self.doc()
        if doc is None:
            return None
        k = (path, tuple(wrappers))
        if k not in self._records:
            recs = find_records(doc, path, wrappers)
            self._records[k] = (recs, json_table(recs))
        return self._records[k]


# --------------------------------------------------------------------------- a spec, ready to use


@dataclass(frozen=True)
class Compiled:
    spec: FormatSpec
    wants: dict[str, FieldWant]

    @classmethod
    def of(cls, spec: FormatSpec) -> Compiled:
        wants = {}
        for name, fs in spec.fields.items():
            syns = tuple((s.name, s.weight) for s in fs.columns)
            if fs.path and spec.input == "json":
                syns = ((fs.path, 1.0), *syns)
            wants[name] = FieldWant(name, syns, fs.expected_shapes(), tuple(fs.vocabulary()), tuple(fs.avoid),
                                    by_values=name in spec.required_fields())
        return cls(spec, wants)

    def forced(self, options: dict[str, Any]) -> dict[str, str]:
        """Field -> column: the user's column map, and JSON paths (a path names its key exactly)."""
        out = {name: fs.path for name, fs in self.spec.fields.items() if fs.path and self.spec.input == "json"}
        columns = options.get("columns")
        if isinstance(columns, dict):
            out.update({str(k): str(v) for k, v in columns.items() if str(k) in self.spec.fields})
        return {k: v for k, v in out.items() if v}


@dataclass
class Candidate:
    """How well one format fits one file, and why."""

    format: str
    title: str
    score: float  # 0..10
    reasons: list[str] = field(default_factory=list)
    tables: list[tuple[Table, Assignment, float]] = field(default_factory=list)  # fitting tables, best first
    json: JsonRecords | None = None


def _name_hint(spec: FormatSpec, name: str) -> bool:
    low = name.lower()
    return any(fnmatch.fnmatch(low, g.lower()) or fnmatch.fnmatch(low.rsplit("/", 1)[-1], g.lower())
               for g in spec.recognise.file_names)


def score_table(c: Compiled, table: Table, forced: dict[str, str], name: str) -> tuple[float, list[str], Assignment]:
    """(confidence 0..1, reasons, assignment) of one table for one spec."""
    spec = c.spec
    reject = {tokens(h) for h in spec.recognise.reject_headers}
    hit = [h for h in table.headers if h.strip() and tokens(h) in reject]
    if hit and not forced:
        return 0.0, [f"has column {hit[0]!r}, which {spec.title} does not have"], Assignment()
    a = assign(table.profiles, wants_from(c.wants, forced))
    required = spec.required_fields()
    missing = [f for f in required if f not in a.pairs]
    if missing:
        looked = "; ".join(f"{f} (e.g. {', '.join(s for s, _ in c.wants[f].synonyms[:3])})" for f in missing)
        return 0.0, [f"no column for {looked}"], a
    for f, col in forced.items():
        if f in c.wants and a.column(f) != col and spec.fields[f].required:
            return 0.0, [f"the column {col!r} named for {f} is not in the file"], a
    any_of = spec.recognise.required_any
    if any_of and not any(f in a.pairs for f in any_of):
        return 0.0, [f"no column for any of {', '.join(any_of)}"], a
    scores = [min(a.score(f), 1.0) for f in required]
    if any_of:
        scores.append(max(min(a.score(f), 1.0) for f in any_of))
    req = sum(scores) / len(scores)
    signals = spec.signal_fields()
    found = [s for s in signals if a.score(s) >= 0.5]
    if len(found) < min(spec.recognise.min_signals, len(signals)):
        names = ", ".join(signals[:8])
        return 0.0, [f"only {len(found)} of the columns that tell this format ({names}); needs "
                     f"{spec.recognise.min_signals}"], a
    weights = sum(spec.fields[s].weight for s in signals)
    strength = sum(min(a.score(s), 1.0) * spec.fields[s].weight for s in signals)
    sig = min(1.0, strength / min(weights, 4.0)) if weights else 1.0
    filled = [h for h in table.headers if h.strip()]
    explained = len(a.pairs) / len(filled) if filled else 0.0
    conf = 0.45 * req + 0.4 * sig + 0.15 * explained
    shown = [*required, *(f for f in any_of if f in a.pairs)]
    reasons = [f"required: {', '.join(f'{f} <- {a.column(f)!r}' for f in shown)}",
               f"{len(found)} distinguishing column(s): {', '.join(found[:6]) or 'none'}",
               f"{len(a.pairs)} of {len(filled)} columns understood"]
    if _name_hint(spec, name):
        conf += 0.05
        reasons.append("file name fits")
    if spec.generic:
        conf *= 0.7
        reasons.append("a generic format: any vendor's export with these columns")
    return min(conf, 1.0), reasons, a


def _json_keys(c: Compiled, recs: JsonRecords, table: Table) -> str | None:
    """Why the JSON keys rule this spec out, or None."""
    r = c.spec.recognise
    missing_top = [k for k in r.top_keys if k not in recs.top_keys]
    if missing_top:
        return f"no top-level key {missing_top[0]!r}"
    sample = [flat for _, flat in zip(range(50), (dict(zip(table.headers, cells, strict=False))
                                                  for _, cells in table.rows), strict=False)]
    if not sample:
        return None
    for k in r.keys:
        share = sum(1 for f in sample if k in f and f[k] is not None or k in f) / len(sample)
        if share < 0.5:
            return f"records have no key {k!r}"
    if r.keys_any and not any(any(k in f for k in r.keys_any) for f in sample):
        return f"records have none of the keys {', '.join(r.keys_any)}"
    return None


def examine(c: Compiled, view: FileView, options: dict[str, Any] | None = None) -> Candidate:
    """How well the spec fits the file (score 0 with the reason when it does not)."""
    spec = c.spec
    options = options or {}
    forced = c.forced(options)
    cand = Candidate(spec.id, spec.title, 0.0)
    if spec.input == "json":
        found = view.json(spec.records.path, spec.records.wrappers)
        if found is None:
            cand.reasons.append("not JSON")
            return cand
        recs, table = found
        cand.json = recs
        if not recs.records:
            if spec.empty and (_name_hint(spec, view.name) or (spec.recognise.top_keys and
                                                                set(spec.recognise.top_keys) <= recs.top_keys)):
                cand.score = 6.0
                cand.reasons.append(f"an empty answer whose name fits: {spec.empty}")
            else:
                cand.reasons.append("no records")
            return cand
        why = _json_keys(c, recs, table)
        if why:
            cand.reasons.append(why)
            return cand
        tables = [table]
    else:
        if spec.records.sheet or spec.records.header_row:
            try:
                tables = read_tables(view.data, view.name, spec.records.sheet, spec.records.header_row)
            except InputError as exc:
                cand.reasons.append(exc.message)
                return cand
        else:
            tables = view.tables()
        if not tables:
            cand.reasons.append(view._table_error or "not a table")
            return cand
    scored = []
    for t in tables:
        conf, reasons, a = score_table(c, t, forced, view.name)
        scored.append((conf, t, a, reasons))
    scored.sort(key=lambda x: -x[0])
    best_conf, best_t, _, best_reasons = scored[0]
    if len(tables) > 1 and best_t.sheet:
        best_reasons = [f"{best_t.label()}", *best_reasons]
    threshold = spec.recognise.min_confidence
    if forced and any(k in spec.fields for k in (options.get("columns") or {})):
        threshold = min(threshold, 0.3)  # the user named the columns: trust them
    if best_conf < threshold:
        extra = [] if best_conf == 0 else [f"confidence {best_conf:.2f} below {threshold:.2f}"]
        cand.reasons = [*best_reasons, *extra]
        return cand
    cand.score = round(best_conf * 10, 2)
    cand.reasons = best_reasons
    cand.tables = [(t, a, conf) for conf, t, a, _ in scored if conf >= threshold]
    return cand


# --------------------------------------------------------------------------- reading records


@dataclass
class MappedRow:
    """One record with its fields read: what a hook (or the default builder) turns into facts."""

    line: int | None  # CSV line or XLSX row; None for JSON
    locator: str  # "row 12", "People!row 4", "$.values[3]"
    values: dict[str, Any]  # field -> typed value (None: the source says nothing)
    raw: dict[str, Any]  # every column of the row: header -> value as written
    headers: dict[str, str]  # field -> the file's own column name
    bad: set[str] = field(default_factory=set)  # fields whose value could not be read

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def header(self, name: str) -> str:
        return self.headers.get(name, name)


@dataclass
class Reading:
    """What reading a file did, for ``trustgap inspect`` and the run's evidence section."""

    table: str | None = None
    columns: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    rows_read: int = 0
    skipped: list[tuple[int | None, str]] = field(default_factory=list)


class HookContext:
    """What a hook gets besides the rows: the parse context, the spec, error and skip reporting."""

    def __init__(self, ctx: Any, spec: FormatSpec, reading: Reading) -> None:
        self.ctx = ctx
        self.spec = spec
        self.reading = reading
        self.dropped: list[int | str] = []  # lines of a table, JSON paths of records
        self.lost: list[Any] = []  # collection issues of rows that could not be read at all
        self.document: Any = None  # JSON: the whole document (keys beside the records, e.g. the request echoed)

    def error(self, message: str, row: MappedRow | None = None, field: str | None = None) -> None:
        self.ctx.error(message, line=row.line if row else None,
                       field=row.header(field) if row and field else field)

    def skip(self, row: MappedRow, reason: str, field: str | None = None, count_as_lost: bool = True) -> None:
        """A row that yields nothing: reported, and (when it may hide something) counted as lost evidence."""
        self.error(reason, row, field)
        self.reading.skipped.append((row.line, reason))
        if count_as_lost:
            self.dropped.append(row.line if row.line is not None else row.locator)

    def require(self, row: MappedRow, *fields: str, values: Mapping[str, Any] | None = None) -> bool:
        """True when every one of ``fields`` has a value (in ``values``, default the row's own); else the row is
        skipped, naming the file's column of the first empty one."""
        got = row.values if values is None else values
        for f in fields:
            if got.get(f) in (None, ""):
                self.skip(row, f"{row.header(f)} is empty: the row is skipped", f)
                return False
        return True

    def fact(self, row: MappedRow, **overrides: Any) -> Any:
        """The spec's fact from a row (constants, mapped fields, ``details.*``), with ``overrides``."""
        return build_fact(self.spec, row, self.ctx, overrides)


Hook = Callable[[list[MappedRow], HookContext], list[Any]]


def build_fact(spec: FormatSpec, row: MappedRow, ctx: Any, overrides: dict[str, Any] | None = None) -> Any:
    cls = fact_class(spec.fact)
    names = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {k: v for k, v in spec.constants.items()}
    bag: dict[str, Any] = {}
    for name, value in row.values.items():
        if "." in name:
            if value is not None:
                bag[name.split(".", 1)[1]] = value.isoformat() if hasattr(value, "isoformat") else value
        elif name in names and (value is not None or (names[name].default is dataclasses.MISSING and
                                                       names[name].default_factory is dataclasses.MISSING)):
            kwargs[name] = value
    if bag:
        kwargs["details" if "details" in names else "attrs"] = bag
    kwargs.update(overrides or {})
    kwargs = {k: v for k, v in kwargs.items() if v is not None or k in names and
              names[k].default is dataclasses.MISSING and names[k].default_factory is dataclasses.MISSING}
    kwargs = {k: v for k, v in kwargs.items() if k in names}
    kwargs["src"] = ctx.src(row.locator)
    for k, v in list(kwargs.items()):
        if isinstance(v, list):
            kwargs[k] = tuple(v)
    return cls(**kwargs)


def _needed(spec: FormatSpec) -> list[str]:
    cls = fact_class(spec.fact)
    return [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING and f.name != "src"]


def read_rows(spec: FormatSpec, table: Table, a: Assignment, ctx: Any, reading: Reading,
              locator: Callable[[int], str], json_rows: bool = False) -> list[MappedRow]:
    """Every row of a table with its assigned fields converted; problems reported with the line and column."""
    defaults = Defaults(day_first=bool(ctx.options.get("day_first", spec.day_first)),
                        timezone=ctx.options.get("timezone") or spec.timezone)
    index = {h: i for i, h in enumerate(table.headers)}
    cols = {f: p.column for f, p in a.pairs.items()}
    out: list[MappedRow] = []
    for line, cells in table.rows:
        raw = {h: (cells[i] if i < len(cells) else None) for h, i in index.items() if h}
        values: dict[str, Any] = {}
        bad: set[str] = set()
        shown_line = None if json_rows else line
        for fname, fs in spec.fields.items():
            col = cols.get(fname)
            value = raw.get(col) if col is not None else None
            try:
                values[fname] = convert(value, fs, defaults)
            except ValueProblem as exc:
                ctx.error(str(exc), line=shown_line, field=col if not json_rows else f"{locator(line)}.{col}")
                values[fname] = None
                bad.add(fname)
        out.append(MappedRow(shown_line, locator(line), values, raw, dict(cols), bad))
    reading.rows_read += len(out)
    return out


def _default_build(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    spec = hc.spec
    needed = [n for n in _needed(spec) if n not in spec.constants]
    required = spec.required_fields()
    out = []
    for row in rows:
        lacking = [f for f in required if row.get(f) in (None, "", ())]
        lacking += [n for n in needed if n not in lacking and row.get(n) in (None, "", ())]
        if lacking:
            f = lacking[0]
            why = "could not be read" if f in row.bad else "is empty"
            hc.reading.skipped.append((row.line, f"{row.header(f)} {why}"))
            if f not in row.bad:
                hc.error(f"{row.header(f)} is empty: the row is skipped", row, f)
            hc.dropped.append(row.line if row.line is not None else row.locator)
            continue
        out.append(hc.fact(row))
    return out


def parse(c: Compiled, data: bytes, ctx: Any, hooks: dict[str, Hook], view: FileView | None = None) -> Any:
    """Facts of a file of this format (a :class:`~trustgap.evidence.detect.ParseResult`)."""
    from trustgap.evidence.detect import ParseResult

    spec = c.spec
    columns = ctx.options.get("columns")
    if isinstance(columns, dict):
        unknown = sorted(str(k) for k in columns if str(k) not in spec.fields)
        if unknown:
            raise InputError(ctx.path, f"parsers.{spec.id}.columns names unknown field(s) {', '.join(unknown)}; "
                             f"known: {', '.join(spec.fields)}", field=f"parsers.{spec.id}.columns")
    view = view or FileView(data, ctx.path)
    cand = examine(c, view, ctx.options)
    reading = Reading()
    hc = HookContext(ctx, spec, reading)
    hook = hooks.get(spec.hook) if spec.hook else _default_build
    if hook is None:
        raise InputError(ctx.path, f"the format spec {spec.path or spec.id} names hook {spec.hook!r}, which is not "
                         "registered", field="hook")
    rows: list[MappedRow] = []
    if spec.input == "json":
        hc.document = view.doc()
        if cand.json is None:
            found = view.json(spec.records.path, spec.records.wrappers)
            if found is None:
                from trustgap.evidence.parsers._json_input import load_json

                load_json(data, ctx.path)  # raises the syntax error with its line
                raise InputError(ctx.path, f"not JSON of {spec.title}")
            cand.json = found[0]
        recs = cand.json
        if not recs.records:
            ctx.understanding = _understanding(reading)
            facts = hook([], hc)
            return ParseResult(facts=facts, notes=[spec.empty or "no records"])
        if not cand.tables:
            _, table = view.json(spec.records.path, spec.records.wrappers) or (recs, json_table(recs))
            a = assign(table.profiles, wants_from(c.wants, c.forced(ctx.options)))
            cand.tables = [(table, a, 0.0)]
        table, a, _ = cand.tables[0]
        base = recs.base
        rows = read_rows(spec, table, a, ctx, reading, lambda i: f"{base}[{i}]", json_rows=True)
        _describe(reading, table, a)
    else:
        if not cand.tables:
            tables = read_tables(data, ctx.path, spec.records.sheet, spec.records.header_row)
            if not tables:
                raise InputError(ctx.path, f"no table of {spec.title} in the file", line=1)
            forced = c.forced(ctx.options)
            picked = [(t, assign(t.profiles, wants_from(c.wants, forced))) for t in tables]
            missing = [f for f in spec.required_fields() if f not in picked[0][1].pairs]
            if missing:
                raise InputError(ctx.path, f"missing required column(s) {', '.join(missing)}; found "
                                 f"{tables[0].headers}", line=tables[0].header_line)
            cand.tables = [(t, a, 0.0) for t, a in picked[:1]]
        for table, a, _ in cand.tables:
            rows.extend(read_rows(spec, table, a, ctx, reading, table.where))
            _describe(reading, table, a)
            if table.tail_error is not None:
                tail = table.tail_error
                ctx.errors.append(tail)
                reading.skipped.append((tail.line, f"rows from line {tail.line} on could not be read"))
                facts_tail = [CollectionIssue(src=ctx.src(f"row {tail.line}"), source=t,
                                              reason=f"{ctx.path}: rows from line {tail.line} on could not be read")
                              for t in spec.topics]
                hc.lost.extend(facts_tail)
    facts = list(hook(rows, hc))
    facts.extend(hc.lost)
    if hc.dropped and spec.topics:
        lines = sorted(set(hc.dropped), key=lambda v: (isinstance(v, str), v if isinstance(v, int) else 0, str(v)))
        shown = ", ".join(str(n) for n in lines[:10]) + (" ..." if len(lines) > 10 else "")
        json_rows = isinstance(lines[0], str)
        where = f"at {shown}" if json_rows else f"line {shown}"
        facts.extend(CollectionIssue(src=ctx.src(str(lines[0]) if json_rows else f"row {lines[0]}"), source=t,
                                     reason=f"{ctx.path}: {len(lines)} {'record' if json_rows else 'row'}(s) could "
                                     f"not be read ({where})")
                     for t in spec.topics)
    ctx.understanding = _understanding(reading)
    return ParseResult(facts=facts)


def _describe(reading: Reading, table: Table, a: Assignment) -> None:
    if reading.table is None:
        reading.table = table.label() if table.header_line else None
    by_header = {p.header: p for p in table.profiles}
    for fname, pair in sorted(a.pairs.items(), key=lambda kv: by_header[kv[1].column].index):
        prof = by_header[pair.column]
        reading.columns.append({"column": pair.column, "field": fname, "score": round(min(pair.score, 1.0), 2),
                                "evidence": pair.why(), "sample": list(prof.samples)})
    for h in a.unassigned:
        if h not in reading.unmapped:
            reading.unmapped.append(h)


def _understanding(reading: Reading) -> dict[str, Any]:
    return {"table": reading.table, "columns": reading.columns, "unmapped": reading.unmapped,
            "rows_read": reading.rows_read, "rows_skipped": len(reading.skipped),
            "skipped": [{"line": ln, "reason": r} for ln, r in reading.skipped[:MAX_SKIPPED_SHOWN]]}
