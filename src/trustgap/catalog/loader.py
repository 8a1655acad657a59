"""The catalog: SOC 2 criteria and the control library (versioned YAML in ``catalog/data``) and the other
frameworks with their mappings (one file each in ``catalog/frameworks``, see :mod:`trustgap.catalog.framework`),
validated on load (ids, references, coverage)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trustgap.catalog.framework import (
    Framework,
    Requirement,
    bundled_framework_sources,
    folder_framework_sources,
    parse_frameworks,
)
from trustgap.errors import InputError
from trustgap.yamlfile import LocatedYaml, load_yaml, validation_error

CategoryId = Literal["security", "availability", "confidentiality", "processing_integrity", "privacy"]
Domain = Literal[
    "control_environment",
    "risk",
    "access",
    "operations",
    "change",
    "vendors",
    "availability",
    "confidentiality",
    "processing_integrity",
    "privacy",
]
DOMAIN_ORDER: tuple[str, ...] = Domain.__args__  # type: ignore[attr-defined]
TestMethod = Literal["inquiry", "inspection", "observation", "reperformance"]

CRITERION_ID = re.compile(r"^(CC[1-9]\.\d|A1\.\d|C1\.\d|PI1\.\d|P[1-8]\.\d)$")
CONTROL_ID = re.compile(r"^[A-Z]{2,4}-\d{2}$")
CHECK_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")

# The policy keys controls may name (one policy document each; see trustgap.policies.library).
POLICY_KEYS: tuple[str, ...] = (
    "information_security", "acceptable_use", "access_control", "change_management", "incident_response",
    "vendor_management", "data_classification", "business_continuity", "encryption", "logging_monitoring",
    "secure_development", "risk_management", "code_of_conduct", "data_retention", "privacy",
)


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: CategoryId
    title: str
    summary: str


class Series(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    category: CategoryId


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CRITERION_ID.pattern)
    series: str
    category: CategoryId
    title: str
    summary: str


class Control(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CONTROL_ID.pattern)
    title: str
    requirement: str
    domain: Domain
    category: Literal["policy", "process", "technical"]
    owner_role: str
    effort: Literal["S", "M", "L"]
    severity: Literal["critical", "high", "medium", "low"]
    criteria: list[str] = Field(min_length=1)
    evidence: list[str] = Field(min_length=1, description="what an auditor inspects")
    test_methods: list[TestMethod] = Field(min_length=1)
    cadence_months: int | None = Field(None, ge=1)
    policy: str | None = Field(None, description="policy key this control expects to be documented in")
    checks: list[str] = Field(default_factory=list, description="ids of the automated checks that decide it")


FrameworkControl = Requirement  # one requirement of another framework (an Annex A control, a CSF subcategory)


class Role(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str


class Catalog(BaseModel):
    version: str
    categories: list[Category]
    series: list[Series]
    criteria: list[Criterion]
    controls: list[Control]
    roles: list[Role]
    frameworks: dict[str, Framework] = Field(default_factory=dict)  # by id, from catalog/frameworks

    # ---- lookups ---------------------------------------------------------------------------------
    def criterion(self, cid: str) -> Criterion:
        return self._criteria_by_id()[cid]

    def control(self, cid: str) -> Control:
        return self._controls_by_id()[cid]

    def has_control(self, cid: str) -> bool:
        return cid in self._controls_by_id()

    def _criteria_by_id(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criteria}

    def _controls_by_id(self) -> dict[str, Control]:
        return {c.id: c for c in self.controls}

    def controls_for_criterion(self, cid: str) -> list[Control]:
        return [c for c in self.controls if cid in c.criteria]

    def categories_of(self, control: Control) -> set[str]:
        by_id = self._criteria_by_id()
        return {by_id[c].category for c in control.criteria}

    def controls_for_check(self, check_id: str) -> list[Control]:
        return [c for c in self.controls if check_id in c.checks]

    def framework_info(self, name: str) -> Framework:
        """A framework by id or one of its aliases (KeyError when unknown)."""
        if name in self.frameworks:
            return self.frameworks[name]
        for fw in self.frameworks.values():
            if name in fw.aliases:
                return fw
        raise KeyError(name)

    def framework(self, name: str) -> list[Requirement]:
        """The requirements of a framework."""
        return self.framework_info(name).requirements

    def mapped(self, framework: str, control_id: str) -> list[str]:
        """The requirements of ``framework`` a control is mapped to."""
        return self.framework_info(framework).requirements_of(control_id)

    def controls_for_framework(self, name: str, fid: str) -> list[Control]:
        """Controls mapped to one requirement of a framework."""
        ids = set(self.framework_info(name).controls_for(fid))
        return [c for c in self.controls if c.id in ids]

    @property
    def iso27001(self) -> list[Requirement]:
        return self.framework("iso27001")

    @property
    def nist_csf(self) -> list[Requirement]:
        return self.framework("nist_csf")


# The 61 criteria of the 2017 Trust Services Criteria (revised points of focus 2022).
EXPECTED_CRITERIA: tuple[str, ...] = (
    *(f"CC1.{i}" for i in range(1, 6)),
    *(f"CC2.{i}" for i in range(1, 4)),
    *(f"CC3.{i}" for i in range(1, 5)),
    *(f"CC4.{i}" for i in range(1, 3)),
    *(f"CC5.{i}" for i in range(1, 4)),
    *(f"CC6.{i}" for i in range(1, 9)),
    *(f"CC7.{i}" for i in range(1, 6)),
    "CC8.1",
    "CC9.1",
    "CC9.2",
    *(f"A1.{i}" for i in range(1, 4)),
    *(f"C1.{i}" for i in range(1, 3)),
    *(f"PI1.{i}" for i in range(1, 6)),
    "P1.1",
    "P2.1",
    "P3.1",
    "P3.2",
    *(f"P4.{i}" for i in range(1, 4)),
    "P5.1",
    "P5.2",
    *(f"P6.{i}" for i in range(1, 8)),
    "P7.1",
    "P8.1",
)
assert len(EXPECTED_CRITERIA) == 61

_FILES = ("criteria.yaml", "controls.yaml")
# The file each top-level key belongs in (to name the right file when a key is missing).
_HOME = {"categories": "criteria.yaml", "series": "criteria.yaml", "criteria": "criteria.yaml",
         "roles": "criteria.yaml", "controls": "controls.yaml", "version": "criteria.yaml"}


def _read(name: str) -> tuple[str, str]:
    ref = resources.files("trustgap.catalog") / "data" / name
    return f"catalog/data/{name}", ref.read_text(encoding="utf-8")


def bundled_sources() -> dict[str, tuple[str, str]]:
    """The packaged catalog files as ``{file name: (path shown in errors, text)}``: the data files and every
    framework file (``frameworks/<file>``)."""
    return {**{n: _read(n) for n in _FILES}, **bundled_framework_sources()}


def load_catalog() -> Catalog:
    """The bundled catalog, plus the frameworks of ``TRUSTGAP_FRAMEWORKS_DIR`` when set (each read and
    validated once per process)."""
    from trustgap.config import frameworks_dir

    return _load_catalog(frameworks_dir())


@cache
def _load_catalog(extra: Path | None) -> Catalog:
    sources = bundled_sources()
    if extra is not None:
        sources.update(folder_framework_sources(extra))
    return parse_catalog(sources)


@lru_cache(maxsize=8)
def _parsed(path: str, text: str) -> LocatedYaml:
    """Parsed YAML of one file (kept: re-validating edited copies only re-parses the edited file)."""
    return load_yaml(path, text)


def parse_catalog(sources: Mapping[str, tuple[str, str]]) -> Catalog:
    """Validate a catalog given ``{file name: (path shown in errors, YAML text)}`` for the data files and the
    framework files (``frameworks/...``).

    Every data file carries the same ``version``; the other top-level keys are merged (each may appear in one
    file only). Errors are :class:`InputError` naming the file, line and field at fault.
    """
    docs = {n: _parsed(*sources[n]) for n in _FILES}
    merged: dict[str, object] = {}
    where: dict[str, str] = {}
    for name, doc in docs.items():
        if not isinstance(doc.data, dict):
            raise InputError(doc.path, "must be a mapping with a 'version' and the catalog's lists", line=1)
        if "version" not in doc.data:
            raise InputError(doc.path, "missing 'version'", line=1, field="version")
        for key, value in doc.data.items():
            if key == "version":
                if "version" in merged and value != merged["version"]:
                    raise InputError(doc.path, f"version {value!r} differs from {merged['version']!r} in "
                                     f"{docs[where['version']].path}", line=doc.line_of(("version",)), field="version")
            elif key in where:
                raise InputError(doc.path, f"{key!r} is already defined in {docs[where[key]].path}",
                                 line=doc.line_of((key,)), field=str(key))
            merged[key] = value
            where.setdefault(str(key), name)
    _no_mappings_in_controls(docs["controls.yaml"], sources)
    try:
        cat = Catalog.model_validate(merged)
    except ValidationError as exc:
        top = str(exc.errors()[0]["loc"][0])
        doc = docs[where.get(top, _HOME.get(top, "criteria.yaml"))]
        raise validation_error(doc, exc) from None
    _validate_references(cat, docs)
    cat.frameworks = parse_frameworks(sources, {c.id for c in cat.controls})
    return cat


def _no_mappings_in_controls(doc: LocatedYaml, sources: Mapping[str, tuple[str, str]]) -> None:
    """A control listing a framework's ids itself (as controls did before frameworks had their own files)."""
    stems = {Path(k).stem.lstrip("+") for k in sources if k.startswith("frameworks/")}
    controls = doc.data.get("controls") if isinstance(doc.data, dict) else None
    for i, ctl in enumerate(controls if isinstance(controls, list) else []):
        for key in sorted(set(ctl) & stems) if isinstance(ctl, dict) else ():
            raise InputError(doc.path, f"{ctl.get('id')}: the mapping to {key} is kept in "
                             f"catalog/frameworks/{key}.yaml (under mapping:, as '{ctl.get('id')}: [...]'), "
                             "not on the control", line=doc.line_of(("controls", i, key)), field=f"controls.{i}.{key}")


def _validate_references(cat: Catalog, docs: Mapping[str, LocatedYaml]) -> None:
    def fail(file: str, msg: str, loc: tuple[object, ...] = ()) -> None:
        doc = docs[file]
        raise InputError(doc.path, msg, line=doc.line_of(loc), field=".".join(map(str, loc)) or None)

    def unique(file: str, key: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for i, x in enumerate(ids):
            if x in seen:
                fail(file, f"duplicate id {x}", (key, i, "id"))
            seen.add(x)

    unique("criteria.yaml", "categories", [c.id for c in cat.categories])
    unique("criteria.yaml", "series", [s.id for s in cat.series])
    unique("criteria.yaml", "roles", [r.id for r in cat.roles])
    unique("controls.yaml", "controls", [c.id for c in cat.controls])

    ids = [c.id for c in cat.criteria]
    if tuple(ids) != EXPECTED_CRITERIA:
        missing = sorted(set(EXPECTED_CRITERIA) - set(ids))
        extra = sorted(set(ids) - set(EXPECTED_CRITERIA))
        fail("criteria.yaml", f"criteria must be exactly the 61 TSC ids in order; missing {missing}, extra {extra}",
             ("criteria",))
    series = {s.id: s for s in cat.series}
    for i, c in enumerate(cat.criteria):
        if c.series not in series or series[c.series].category != c.category:
            fail("criteria.yaml", f"criterion {c.id}: unknown series {c.series!r} or category mismatch",
                 ("criteria", i, "series"))
    roles = {r.id for r in cat.roles}
    crit = set(ids)
    for i, ctl in enumerate(cat.controls):
        for j, cid in enumerate(ctl.criteria):
            if cid not in crit:
                fail("controls.yaml", f"{ctl.id}: unknown criterion {cid}", ("controls", i, "criteria", j))
        if ctl.owner_role not in roles:
            fail("controls.yaml", f"{ctl.id}: unknown owner role {ctl.owner_role}", ("controls", i, "owner_role"))
        if ctl.policy is not None and ctl.policy not in POLICY_KEYS:
            fail("controls.yaml", f"{ctl.id}: unknown policy key {ctl.policy} (one of {', '.join(POLICY_KEYS)})",
                 ("controls", i, "policy"))
        for j, x in enumerate(ctl.checks):
            if not CHECK_ID.match(x) or ctl.checks.index(x) != j:
                fail("controls.yaml", f"{ctl.id}: bad or repeated check id {x!r}", ("controls", i, "checks", j))
    covered = {c for ctl in cat.controls for c in ctl.criteria}
    uncovered = [c for c in ids if c not in covered]
    if uncovered:
        fail("controls.yaml", f"criteria not covered by any control: {', '.join(uncovered)}", ("controls",))
