"""The declarative format spec: one YAML file per export format, validated on load.

A spec says what a file is (id, title, domain, the publisher's documentation), how to recognise it (the
fields it must have, the ones that tell it apart, JSON keys, file-name hints), where its records are (a JSON
path with paging wrappers, a sheet and header row), which fact it yields (a dataclass of :mod:`trustgap.facts`
with constant fields) and how each field maps (column synonyms or a JSON path, a type, date formats, a time
zone, an enum map, a unit conversion, a default). ``docs/formats.md`` explains it with a worked example.

Errors name the spec file, the line and the dotted field (``fields.status.type``).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from trustgap import facts as facts_module
from trustgap.errors import InputError
from trustgap.yamlfile import LocatedYaml, validation_error

FieldType = Literal["text", "email", "date", "datetime", "bool", "int", "float", "enum", "list", "people",
                    "severity", "date_in_text", "raw"]
Domain = Literal["identity", "hr", "source_control", "vulnerabilities", "cloud", "endpoint", "incidents",
                 "status_pages", "monitoring", "ticketing", "training", "screening", "esignature", "vendors",
                 "risk", "records", "policies", "logging", "generic"]

# shapes a value of each type is expected to have (recognition compares them with the column's values)
TYPE_SHAPES: dict[str, tuple[str, ...]] = {
    "email": ("email",), "date": ("date", "datetime"), "datetime": ("datetime", "date"), "bool": ("bool",),
    "int": ("number",), "float": ("number",), "severity": ("severity",), "people": ("email", "name"),
    "date_in_text": ("date", "datetime"),
}
UNITS: dict[str, tuple[str, float]] = {
    "ms": ("time", 0.001), "s": ("time", 1.0), "min": ("time", 60.0), "h": ("time", 3600.0), "d": ("time", 86400.0),
    "b": ("size", 1.0), "kb": ("size", 1e3), "mb": ("size", 1e6), "gb": ("size", 1e9), "kib": ("size", 1024.0),
    "mib": ("size", 1024.0**2), "gib": ("size", 1024.0**3), "ratio": ("share", 1.0), "percent": ("share", 0.01),
}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class _S(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Synonym(_S):
    """A header name a column of this field may have, with how much it says (1 = it is this field)."""

    name: str
    weight: float = Field(1.0, gt=0, le=1)


class Convert(_S):
    """Unit conversion: ``{from: min, to: h}`` (time: ms s min h d; size: b kb mb gb kib mib gib; share: ratio
    percent)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_: str = Field(alias="from")
    to: str

    @model_validator(mode="after")
    def _same_dimension(self) -> Convert:
        a, b = UNITS.get(self.from_.lower()), UNITS.get(self.to.lower())
        if a is None or b is None:
            raise ValueError(f"unknown unit (known: {', '.join(UNITS)})")
        if a[0] != b[0]:
            raise ValueError(f"cannot convert {a[0]} ({self.from_}) to {b[0]} ({self.to})")
        return self

    @property
    def factor(self) -> float:
        return UNITS[self.from_.lower()][1] / UNITS[self.to.lower()][1]


class FieldSpec(_S):
    """How one field of the fact is read."""

    columns: list[Synonym] = Field(default_factory=list)  # header synonyms (tables; JSON keys without a path)
    path: str | None = None  # JSON: dotted path inside a record (``profile.login``, ``labels[*].name``)
    type: FieldType = "text"
    shape: list[str] | None = None  # expected value shapes (default: from the type)
    values: list[str] = Field(default_factory=list)  # words its values use (besides the keys of ``map``)
    avoid: list[str] = Field(default_factory=list)  # header words that rule a column out (``personal``)
    required: bool = False  # a record without it is reported and skipped
    map: dict[str, Any] = Field(default_factory=dict)  # value map (keys compared lower-cased, spaces folded)
    unmapped: Literal["keep", "null", "error"] = "keep"  # a value the map does not name
    date_formats: list[str] = Field(default_factory=list)  # strptime formats tried first
    day_first: bool | None = None  # 03/04/2026 is 3 April (default: the spec's, else month first)
    timezone: str | None = None  # zone of times written without one (default: the spec's, else UTC)
    end_of_day: bool = False  # a date-only value of a datetime field means the end of that local day
    split: str | None = None  # separator (regex) of list / people values; default ; | , and new lines
    convert: Convert | None = None
    default: Any = None
    weight: float = Field(1.0, gt=0, le=3)  # how much finding this field says about the format

    @field_validator("columns", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            for v in value:
                if isinstance(v, bool):
                    raise ValueError("quote header names such as 'no', 'yes', 'on', 'off' (YAML reads them as "
                                     "true / false)")
            return [{"name": str(v)} if isinstance(v, str | int | float) else v for v in value]
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return _check_zone(value)

    @field_validator("map", mode="before")
    @classmethod
    def _map_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for k in value:
                if isinstance(k, bool) or k is None:
                    raise ValueError("quote map keys such as 'yes', 'no', 'on', 'off', 'null' (YAML reads them as "
                                     "true / false / null)")
            return {str(k): v for k, v in value.items()}
        return value

    @field_validator("shape")
    @classmethod
    def _shapes(cls, value: list[str] | None) -> list[str] | None:
        from trustgap.evidence.shapes import SHAPES

        for s in value or []:
            if s not in SHAPES:
                raise ValueError(f"unknown shape {s!r} (known: {', '.join(SHAPES)})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type == "enum" and not self.map:
            raise ValueError("an enum field needs a map of values")
        return self

    def expected_shapes(self) -> tuple[str, ...]:
        return tuple(self.shape) if self.shape is not None else TYPE_SHAPES.get(self.type, ())

    def vocabulary(self) -> list[str]:
        return [*self.values, *(str(k) for k in self.map)]


class Recognise(_S):
    """How a file of this format is told from others."""

    required: list[str] = Field(default_factory=list)  # fields that must be found (plus every required field)
    required_any: list[str] = Field(default_factory=list)  # at least one of these must be found
    signals: list[str] | None = None  # fields that tell this format (default: all the others)
    min_signals: int = Field(1, ge=0)
    reject_headers: list[str] = Field(default_factory=list)  # a table with one of these is another format
    top_keys: list[str] = Field(default_factory=list)  # JSON: keys the document itself has (all of them)
    keys: list[str] = Field(default_factory=list)  # JSON: paths every record has
    keys_any: list[str] = Field(default_factory=list)  # JSON: paths of which a record has at least one
    file_names: list[str] = Field(default_factory=list)  # glob hints on the file's path (never enough alone)
    min_confidence: float = Field(0.5, ge=0, le=1)


class Records(_S):
    """Where the records are."""

    path: str | None = None  # JSON: dotted path of the list of records ("" or absent: found by the wrappers)
    wrappers: list[str] = Field(default_factory=lambda: ["values", "results", "data", "items", "records", "value",
                                                         "entries", "nodes", "users", "members"])
    sheet: str | None = None  # XLSX: the sheet to read (default: the one that fits best)
    header_row: int | None = Field(None, ge=1)  # default: found among the first 10 rows


class FormatSpec(_S):
    id: str
    title: str
    version: int | str = 1
    domain: Domain
    sources: list[str] = Field(min_length=1)  # where the format is published
    input: Literal["table", "json"]
    generic: bool = False  # a format of last resort, for files of no known vendor
    topics: list[str] = Field(default_factory=list)  # collection topics a failed file leaves Not assessed
    fact: str  # a dataclass of trustgap.facts
    constants: dict[str, Any] = Field(default_factory=dict)
    fields: dict[str, FieldSpec]  # fact fields; details.x / attrs.x; _x: read for recognition only
    recognise: Recognise = Field(default_factory=Recognise)
    records: Records = Field(default_factory=Records)
    timezone: str | None = None
    day_first: bool = False
    hook: str | None = None  # a registered post-processing hook for what a mapping cannot say
    empty: str | None = None  # what an empty list of records means ("no reviews"): a fact, not an unknown file
    path: str = Field("", exclude=True)  # the spec file (set by the loader)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("an id is lower-case letters, digits and _ (e.g. knowbe4_enrollments)")
        return value

    @field_validator("sources")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not re.match(r"^https?://\S+$", url):
                raise ValueError(f"a source is the URL where the format is published (got {url!r})")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return _check_zone(value)

    @model_validator(mode="after")
    def _fits_fact(self) -> FormatSpec:
        problem = _problem(self)
        if problem is not None:
            raise SpecProblem(*problem)
        return self

    def required_fields(self) -> list[str]:
        out = list(self.recognise.required)
        out.extend(k for k, f in self.fields.items() if f.required and k not in out)
        return out

    def signal_fields(self) -> list[str]:
        req = set(self.required_fields()) | set(self.recognise.required_any)
        if self.recognise.signals is not None:
            return [k for k in self.recognise.signals if k not in req]
        return [k for k in self.fields if k not in req]


class SpecProblem(ValueError):
    """A spec that is well-formed but does not fit together; ``loc`` is the path of keys at fault."""

    def __init__(self, loc: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def _problem(spec: FormatSpec) -> tuple[tuple[str, ...], str] | None:
    """The first inconsistency between the spec's parts (fields, constants, recognition, fact type)."""
    try:
        cls = fact_class(spec.fact)
    except ValueError as exc:
        return ("fact",), str(exc)
    names = {f.name for f in dataclasses.fields(cls)}
    bag = "details" if "details" in names else "attrs" if "attrs" in names else None
    for key in spec.constants:
        if key not in names:
            return ("constants", key), f"{spec.fact} has no field {key!r}"
    for key, fs in spec.fields.items():
        head = key.split(".", 1)[0]
        if "." in key and head != bag:
            return ("fields", key), f"only {bag or 'no'} sub-keys are allowed on {spec.fact}"
        if "." not in key and key not in names and spec.hook is None and not key.startswith("_"):
            hint = f"{bag}.{key}" if bag else "one of " + ", ".join(sorted(names - {"src"}))
            return ("fields", key), f"{spec.fact} has no field {key!r} (name a hook that reads it, or write {hint})"
        if spec.input == "json" and fs.path is None and not fs.columns:
            return ("fields", key), "a JSON field needs a path (or column synonyms)"
        if spec.input == "table" and not fs.columns:
            return ("fields", key), "a table field needs columns (header synonyms)"
    needed = {f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING
              and f.default_factory is dataclasses.MISSING and f.name != "src"}
    missing = sorted(needed - set(spec.fields) - set(spec.constants))
    if missing and spec.hook is None:
        return ("fields",), f"{spec.fact} needs {', '.join(missing)}: map them in fields or constants"
    for part in ("required", "signals", "required_any"):
        for key in getattr(spec.recognise, part) or []:
            if key not in spec.fields:
                return ("recognise", part), f"{key!r} is not in fields"
    if not spec.required_fields() and not spec.recognise.required_any:
        return ("recognise", "required"), ("name what the format cannot be without (or mark a field "
                                           "required: true)")
    return None


def _check_zone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (an IANA name such as Europe/Berlin)") from None
    return value


def fact_class(name: str) -> type:
    cls = getattr(facts_module, name, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls) and "src" in
            {f.name for f in dataclasses.fields(cls)}):
        known = sorted(n for n, c in vars(facts_module).items() if isinstance(c, type) and dataclasses.is_dataclass(c)
                       and "src" in {f.name for f in dataclasses.fields(c)})
        raise ValueError(f"unknown fact type {name!r} (known: {', '.join(known)})")
    return cls


def load_spec(path: Path, text: str | None = None, shown: str | None = None) -> FormatSpec:
    """Read and validate one spec file; an error names the file, the line and the field."""
    name = shown or str(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(name, f"cannot read the format spec: {exc}") from None
    doc = LocatedYaml(name, text)
    if not isinstance(doc.data, dict):
        raise InputError(name, "a format spec is a mapping (id, title, domain, sources, input, fact, fields...)",
                         line=1)
    try:
        return FormatSpec.model_validate({**doc.data, "path": name})
    except ValidationError as exc:
        for err in exc.errors():
            problem = (err.get("ctx") or {}).get("error")
            if isinstance(problem, SpecProblem):
                raise InputError(name, str(problem), line=doc.line_of(problem.loc),
                                 field=".".join(problem.loc)) from None
        raise validation_error(doc, exc) from None
