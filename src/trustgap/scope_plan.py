"""The scope file's ``plan:`` section: start date, capacity, weights, risk matrix, risk decisions and risks.

Every field is optional. Errors name the field (``scope: field 'plan.capacity.cto': ...``)::

    plan:
      start_date: 2026-11-23            # day 1 of the roadmap (default: the as-of date)
      phase_days: 30                    # length of each of the three phases
      capacity: {security_lead: 6, devops_lead: [4, 6, 6]}  # effort points per phase (S=1, M=2, L=3)
      audit_ready_at: 90                # readiness (%) at which the organisation counts as audit-ready
      weights: {likelihood: 0.6, impact: 0.4, effort: 1.0, gap_kind: 0.5, severity: 0.25, audit_focus: 0.25}
      owners: {AC-04: it_admin}         # control -> role, instead of the catalog's default owner role
      dependencies: [{task: AC-08, after: [HR-08], why: ...}]
      risk_matrix: {bands: {low: 4, medium: 9, high: 16, critical: 25}}
      decisions: {AC-20: {treatment: accept, justification: ..., review_date: 2027-05-01}}
      risks: [{title: ..., likelihood: 3, impact: 4, treatment: transfer, justification: ...}]
      github_logins: {security_lead: priya-r}
      policy_values: {rto: 4 hours, rpo: 1 hour}
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from trustgap.errors import InputError
from trustgap.yamlfile import LocatedYaml

Treatment = Literal["accept", "transfer", "mitigate", "avoid"]
PHASES = 3

LIKELIHOOD_WORDS = {"rare": 1, "very low": 1, "unlikely": 2, "low": 2, "possible": 3, "medium": 3, "moderate": 3,
                    "likely": 4, "high": 4, "almost certain": 5, "very high": 5, "certain": 5}
IMPACT_WORDS = {"negligible": 1, "very low": 1, "insignificant": 1, "minor": 2, "low": 2, "moderate": 3,
                "medium": 3, "major": 4, "high": 4, "severe": 5, "critical": 5, "very high": 5}


def _scale(value: Any, words: dict[str, int], what: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{what} must be 1-5 or a word such as {', '.join(sorted(set(words))[:5])}")
    if isinstance(value, int | float) and float(value).is_integer() and 1 <= int(value) <= 5:
        return int(value)
    if isinstance(value, str):
        s = value.strip().lower()
        if s.isdigit() and 1 <= int(s) <= 5:
            return int(s)
        if s in words:
            return words[s]
    raise ValueError(f"{what} must be 1-5 or one of: {', '.join(sorted(words))}")


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Weights(_M):
    """How the priority score combines its parts. ``likelihood``/``impact`` weigh the value of closing a
    gap; ``effort`` is the exponent on the effort points the value is divided by (0 ignores effort);
    ``gap_kind``/``severity``/``audit_focus`` weigh the three parts of the likelihood."""

    likelihood: float = Field(0.6, ge=0)
    impact: float = Field(0.4, ge=0)
    effort: float = Field(1.0, ge=0, le=3)
    gap_kind: float = Field(0.5, ge=0)
    severity: float = Field(0.25, ge=0)
    audit_focus: float = Field(0.25, ge=0)

    @model_validator(mode="after")
    def _some(self) -> Weights:
        if self.likelihood + self.impact <= 0:
            raise ValueError("likelihood and impact weights cannot both be 0")
        if self.gap_kind + self.severity + self.audit_focus <= 0:
            raise ValueError("gap_kind, severity and audit_focus weights cannot all be 0")
        return self


class Dependency(_M):
    task: str = Field(pattern=r"^[A-Z]{2,4}-\d{2}$")
    after: list[str] = Field(min_length=1)
    why: str = ""

    @field_validator("after", mode="before")
    @classmethod
    def _list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class RiskMatrix(_M):
    """Rating of a risk from likelihood x impact (1-25): ``bands`` gives each level its highest score, in
    order from least to most severe; or ``grid`` names the level of every cell (rows: likelihood 1 to 5,
    columns: impact 1 to 5) using the levels of ``bands``."""

    bands: dict[str, int] = Field(default_factory=lambda: {"low": 4, "medium": 9, "high": 16, "critical": 25})
    grid: list[list[str]] | None = None

    @model_validator(mode="after")
    def _check(self) -> RiskMatrix:
        values = list(self.bands.values())
        if not values or values != sorted(values) or len(set(values)) != len(values):
            raise ValueError("bands must list levels from least to most severe with increasing top scores")
        if values[-1] < 25:
            raise ValueError("the last band must reach 25 (likelihood 5 x impact 5)")
        if self.grid is not None:
            if len(self.grid) != 5 or any(len(row) != 5 for row in self.grid):
                raise ValueError("grid must have 5 rows (likelihood 1-5) of 5 cells (impact 1-5)")
            unknown = sorted({c for row in self.grid for c in row} - set(self.bands))
            if unknown:
                raise ValueError(f"grid uses levels not in bands: {', '.join(unknown)}")
        return self

    @property
    def levels(self) -> list[str]:
        return list(self.bands)

    def rate(self, likelihood: int, impact: int) -> str:
        if self.grid is not None:
            return self.grid[likelihood - 1][impact - 1]
        score = likelihood * impact
        return next(level for level, top in self.bands.items() if score <= top)


class Decision(_M):
    """A treatment decided for a control's gap. Anything but ``mitigate`` takes the gap off the roadmap
    and onto the risk register with this decision."""

    treatment: Treatment
    justification: str = Field(min_length=10)
    review_date: date | None = None
    owner: str | None = None

    @field_validator("treatment", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _review(self) -> Decision:
        if self.treatment == "accept" and self.review_date is None:
            raise ValueError("an accepted risk needs a review_date")
        return self


class ManualRisk(_M):
    """A risk added by hand (not found by an automated check)."""

    id: str | None = None
    title: str = Field(min_length=3)
    description: str = ""
    likelihood: int
    impact: int
    owner: str | None = None
    treatment: Treatment = "mitigate"
    justification: str = Field(min_length=10)
    review_date: date | None = None
    controls: list[str] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list)

    @field_validator("likelihood", mode="before")
    @classmethod
    def _likelihood(cls, v: Any) -> int:
        return _scale(v, LIKELIHOOD_WORDS, "likelihood")

    @field_validator("impact", mode="before")
    @classmethod
    def _impact(cls, v: Any) -> int:
        return _scale(v, IMPACT_WORDS, "impact")

    @field_validator("treatment", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _review(self) -> ManualRisk:
        if self.treatment == "accept" and self.review_date is None:
            raise ValueError("an accepted risk needs a review_date")
        return self


def _default_points() -> dict[Literal["S", "M", "L"], int]:
    return {"S": 1, "M": 2, "L": 3}


class PlanSettings(_M):
    start_date: date | None = None
    phase_days: int = Field(30, ge=7, le=120)
    capacity: dict[str, list[int]] = Field(default_factory=dict)
    effort_points: dict[Literal["S", "M", "L"], int] = Field(default_factory=_default_points)
    days_per_point: int = Field(5, ge=1, le=30, description="task length per effort point when an owner has "
                                                            "no capacity set")
    audit_ready_at: float = Field(90.0, gt=0, le=100)
    include_not_assessed: bool = True
    weights: Weights = Field(default_factory=Weights)
    owners: dict[str, str] = Field(default_factory=dict)
    dependencies: list[Dependency] = Field(default_factory=list)
    risk_matrix: RiskMatrix = Field(default_factory=RiskMatrix)
    decisions: dict[str, Decision] = Field(default_factory=dict)
    risks: list[ManualRisk] = Field(default_factory=list)
    github_logins: dict[str, str] = Field(default_factory=dict)
    policy_values: dict[str, str] = Field(default_factory=dict)

    @field_validator("capacity", mode="before")
    @classmethod
    def _capacity(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        out: dict[str, Any] = {}
        for role, value in v.items():
            if isinstance(value, int) and not isinstance(value, bool):
                out[role] = [value] * PHASES
            elif isinstance(value, list) and len(value) != PHASES:
                raise ValueError(f"{role}: give one number for every phase or a list of {PHASES}")
            else:
                out[role] = value
        return out

    @field_validator("capacity")
    @classmethod
    def _non_negative(cls, v: dict[str, list[int]]) -> dict[str, list[int]]:
        for role, points in v.items():
            if any(p < 0 for p in points):
                raise ValueError(f"{role}: capacity cannot be negative")
        return v

    @field_validator("effort_points")
    @classmethod
    def _points(cls, v: dict[str, int]) -> dict[str, int]:
        full = {"S": 1, "M": 2, "L": 3, **v}
        if any(p < 1 for p in full.values()):
            raise ValueError("effort points must be at least 1")
        return full

    def capacity_of(self, role: str, phase: int) -> int | None:
        """Points ``role`` can take on in ``phase`` (1-based); None when not limited."""
        caps = self.capacity.get(role)
        return None if caps is None else caps[phase - 1]


def parse_plan_settings(section: dict[str, Any] | None, *, known_roles: set[str] | None = None,
                        known_controls: set[str] | None = None, source: str = "scope",
                        doc: LocatedYaml | None = None) -> PlanSettings:
    """Validate the scope's ``plan:`` mapping; an error names the field under ``plan`` (and, given the
    scope file's parsed ``doc``, its file and line)."""
    try:
        settings = PlanSettings.model_validate(section or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ("plan", *err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        raise InputError(doc.path if doc else source, msg, line=doc.line_of(loc) if doc else None,
                         field=".".join(str(p) for p in loc)) from None
    if known_roles is not None:
        for role in settings.capacity:
            if role not in known_roles:
                raise InputError(source, f"unknown role {role!r}; known roles: {', '.join(sorted(known_roles))}",
                                 field=f"plan.capacity.{role}")
        for cid, role in settings.owners.items():
            if role not in known_roles:
                raise InputError(source, f"unknown role {role!r}; known roles: {', '.join(sorted(known_roles))}",
                                 field=f"plan.owners.{cid}")
    if known_controls is not None:
        for name, ids in (("owners", settings.owners), ("decisions", settings.decisions)):
            for cid in ids:
                if cid not in known_controls:
                    raise InputError(source, f"unknown control {cid!r}", field=f"plan.{name}.{cid}")
        for i, risk in enumerate(settings.risks):
            for cid in risk.controls:
                if cid not in known_controls:
                    raise InputError(source, f"unknown control {cid!r}", field=f"plan.risks.{i}.controls")
        for i, dep in enumerate(settings.dependencies):
            for cid in (dep.task, *dep.after):
                if cid not in known_controls:
                    raise InputError(source, f"unknown control {cid!r}", field=f"plan.dependencies.{i}")
    return settings
