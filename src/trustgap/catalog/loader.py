"""The catalog: SOC 2 criteria, the control library, ISO/IEC 27001:2022 Annex A and NIST CSF 2.0, loaded
from versioned YAML in ``catalog/data`` and validated on load (ids, references, coverage)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trustgap.errors import InputError
from trustgap.yamlfile import load_yaml, validation_error

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
    iso27001: list[str] = Field(min_length=1)
    nist_csf: list[str] = Field(min_length=1)


class FrameworkControl(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    group: str  # ISO theme (Organizational / People / Physical / Technological) or NIST category


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
    iso27001: list[FrameworkControl]
    nist_csf: list[FrameworkControl]

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

    def framework(self, name: str) -> list[FrameworkControl]:
        if name in ("iso27001", "iso", "iso27001:2022"):
            return self.iso27001
        if name in ("nist_csf", "nist", "csf", "nist-csf"):
            return self.nist_csf
        raise KeyError(name)


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

_FILES = ("criteria.yaml", "controls.yaml", "iso27001.yaml", "nist_csf.yaml")


def _read(name: str) -> tuple[str, str]:
    ref = resources.files("trustgap.catalog") / "data" / name
    return f"catalog/data/{name}", ref.read_text(encoding="utf-8")


@cache
def load_catalog() -> Catalog:
    """Load and validate the bundled catalog (cached: the YAML is read once per process)."""
    docs = {n: load_yaml(*_read(n)) for n in _FILES}
    merged: dict[str, object] = {}
    where: dict[str, str] = {}
    for name, doc in docs.items():
        if not isinstance(doc.data, dict):
            raise InputError(doc.path, "must be a mapping", line=1)
        for key, value in doc.data.items():
            if key == "version":
                merged.setdefault("version", value)
                continue
            merged[key] = value
            where[key] = name
    try:
        cat = Catalog.model_validate(merged)
    except ValidationError as exc:
        top = exc.errors()[0]["loc"][0]
        doc = docs[where.get(str(top), "criteria.yaml")]
        raise validation_error(doc, exc) from None
    _validate_references(cat, docs)
    return cat


def _validate_references(cat: Catalog, docs: dict[str, object]) -> None:
    def fail(file: str, msg: str, loc: tuple[object, ...] = ()) -> None:
        doc = docs[file]
        raise InputError(f"catalog/data/{file}", msg, line=doc.line_of(loc), field=".".join(map(str, loc)) or None)  # type: ignore[attr-defined]

    ids = [c.id for c in cat.criteria]
    if tuple(ids) != EXPECTED_CRITERIA:
        missing = sorted(set(EXPECTED_CRITERIA) - set(ids))
        extra = sorted(set(ids) - set(EXPECTED_CRITERIA))
        fail("criteria.yaml", f"criteria must be exactly the 61 TSC ids in order; missing {missing}, extra {extra}")
    series = {s.id: s for s in cat.series}
    for i, c in enumerate(cat.criteria):
        if c.series not in series or series[c.series].category != c.category:
            fail("criteria.yaml", f"criterion {c.id}: unknown series {c.series!r} or category mismatch",
                 ("criteria", i, "series"))
    roles = {r.id for r in cat.roles}
    iso = {f.id for f in cat.iso27001}
    nist = {f.id for f in cat.nist_csf}
    seen: set[str] = set()
    crit = set(ids)
    for i, ctl in enumerate(cat.controls):
        if ctl.id in seen:
            fail("controls.yaml", f"duplicate control id {ctl.id}", ("controls", i, "id"))
        seen.add(ctl.id)
        for j, c in enumerate(ctl.criteria):
            if c not in crit:
                fail("controls.yaml", f"{ctl.id}: unknown criterion {c}", ("controls", i, "criteria", j))
        if ctl.owner_role not in roles:
            fail("controls.yaml", f"{ctl.id}: unknown owner role {ctl.owner_role}", ("controls", i, "owner_role"))
        for j, x in enumerate(ctl.iso27001):
            if x not in iso:
                fail("controls.yaml", f"{ctl.id}: unknown ISO 27001 control {x}", ("controls", i, "iso27001", j))
        for j, x in enumerate(ctl.nist_csf):
            if x not in nist:
                fail("controls.yaml", f"{ctl.id}: unknown NIST CSF subcategory {x}", ("controls", i, "nist_csf", j))
    covered = {c for ctl in cat.controls for c in ctl.criteria}
    uncovered = [c for c in ids if c not in covered]
    if uncovered:
        fail("controls.yaml", f"criteria not covered by any control: {', '.join(uncovered)}")
