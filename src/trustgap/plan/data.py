"""The planning data bundled in ``plan/data``: dependencies between remediation tasks, the phase each
control belongs to, how often auditors test each control, and the scoring scales. Validated on load;
an error names the file, the line and the field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trustgap.errors import InputError
from trustgap.yamlfile import LocatedYaml, validation_error

CONTROL_PATTERN = r"^[A-Z]{2,4}-\d{2}$"
PhaseKey = Literal["foundation", "controls", "evidence_testing"]
PHASE_KEYS: tuple[str, ...] = ("foundation", "controls", "evidence_testing")


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DependencyEntry(_M):
    task: str = Field(pattern=CONTROL_PATTERN)
    after: list[str] = Field(min_length=1)
    why: str = Field(min_length=3)


class DependencyFile(_M):
    version: int
    policy_controls: dict[str, str]
    dependencies: list[DependencyEntry]


class PhaseInfo(_M):
    key: PhaseKey
    title: str
    summary: str


class PhaseFile(_M):
    version: int
    phases: list[PhaseInfo] = Field(min_length=3, max_length=3)
    by_category: dict[Literal["policy", "process", "technical"], PhaseKey]
    controls: dict[PhaseKey, list[str]]


class Focus(_M):
    focus: int = Field(ge=1, le=5)
    why: str


class FocusFile(_M):
    version: int
    default: int = Field(ge=1, le=5)
    inquiry_only: int = Field(ge=1, le=5)
    controls: dict[str, Focus]


class ScoringFile(_M):
    version: int
    gap_kind: dict[Literal["not_operating", "missing", "stale", "insufficient_evidence", "not_assessed",
                           "undocumented"], int]
    severity: dict[Literal["critical", "high", "medium", "low"], int]


@dataclass(frozen=True)
class Edge:
    task: str
    after: str
    why: str
    origin: str  # "plan/data/dependencies.yaml:12", "catalog policy", "scope plan.dependencies"


@dataclass
class PlanData:
    dependencies: DependencyFile
    phases: PhaseFile
    focus: FocusFile
    scoring: ScoringFile
    dependency_lines: dict[int, int] = field(default_factory=dict)  # entry index -> line

    def phase_of(self, control_id: str, category: str) -> int:
        """1-based phase a control's task belongs to by default."""
        for key, ids in self.phases.controls.items():
            if control_id in ids:
                return PHASE_KEYS.index(key) + 1
        return PHASE_KEYS.index(self.phases.by_category.get(category, "controls")) + 1  # type: ignore[call-overload]


def _load(name: str, model: type[BaseModel]) -> tuple[Any, LocatedYaml]:
    path = f"plan/data/{name}"
    text = (resources.files("trustgap.plan") / "data" / name).read_text(encoding="utf-8")
    doc = LocatedYaml(path, text)
    if not isinstance(doc.data, dict):
        raise InputError(path, "must be a mapping", line=1)
    try:
        return model.model_validate(doc.data), doc
    except ValidationError as exc:
        raise validation_error(doc, exc) from None


def _check_ids(doc: LocatedYaml, ids: list[tuple[str, tuple[Any, ...]]]) -> None:
    for cid, loc in ids:
        if not re.match(CONTROL_PATTERN, cid):
            raise InputError(doc.path, f"not a control id: {cid!r}", line=doc.line_of(loc),
                             field=".".join(map(str, loc)))


@cache
def load_plan_data() -> PlanData:
    deps, ddoc = _load("dependencies.yaml", DependencyFile)
    phases, pdoc = _load("phases.yaml", PhaseFile)
    focus, fdoc = _load("audit_focus.yaml", FocusFile)
    scoring, _ = _load("scoring.yaml", ScoringFile)
    _check_ids(ddoc, [(d, ("dependencies", i, "after", j)) for i, e in enumerate(deps.dependencies)
                      for j, d in enumerate(e.after)])
    _check_ids(ddoc, [(c, ("policy_controls", k)) for k, c in deps.policy_controls.items()])
    _check_ids(pdoc, [(c, ("controls", k, i)) for k, ids in phases.controls.items() for i, c in enumerate(ids)])
    _check_ids(fdoc, [(c, ("controls", c)) for c in focus.controls])
    if [p.key for p in phases.phases] != list(PHASE_KEYS):
        raise InputError(pdoc.path, f"phases must be {', '.join(PHASE_KEYS)} in that order", line=pdoc.line_of(
            ("phases",)), field="phases")
    seen: dict[str, str] = {}
    for key, ids in phases.controls.items():
        for i, cid in enumerate(ids):
            if cid in seen:
                raise InputError(pdoc.path, f"{cid} is listed in both {seen[cid]} and {key}",
                                 line=pdoc.line_of(("controls", key, i)), field=f"controls.{key}")
            seen[cid] = key
    lines = {i: ddoc.line_of(("dependencies", i)) or 0 for i in range(len(deps.dependencies))}
    return PlanData(dependencies=deps, phases=phases, focus=focus, scoring=scoring, dependency_lines=lines)
