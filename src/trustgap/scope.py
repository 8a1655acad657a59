"""The scope file: what is being assessed, against which criteria, with which thresholds.

Errors name the file, the line and the field (``scope.yaml:7: field 'report.period.end': ...``).
Sections owned by later stages (``collect``, ``plan``, ``interview``, ``parsers``, ``monitor``, ``alerts``) are
kept as plain mappings here and validated by the module that uses them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from trustgap.errors import InputError
from trustgap.identity import IdentityConfig
from trustgap.thresholds import Thresholds
from trustgap.yamlfile import load_yaml, validation_error

CATEGORY_IDS = ("security", "availability", "confidentiality", "processing_integrity", "privacy")
CATEGORY_ALIASES = {
    "security": "security",
    "common criteria": "security",
    "cc": "security",
    "availability": "availability",
    "a": "availability",
    "confidentiality": "confidentiality",
    "c": "confidentiality",
    "processing integrity": "processing_integrity",
    "processing_integrity": "processing_integrity",
    "pi": "processing_integrity",
    "privacy": "privacy",
    "p": "privacy",
}


class Organisation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1)
    legal_name: str | None = None
    industry: str | None = None
    website: str | None = None
    description: str | None = None
    employees: int | None = Field(None, ge=1)
    time_zone: str = Field("UTC", description="IANA time zone the organisation's dates are written in "
                           "(Europe/Berlin): a termination dated by day ends at the end of that local day")

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str) -> str:
        from trustgap.dates import DateParseError, zone

        try:
            zone(v)
        except DateParseError as exc:
            raise ValueError(str(exc)) from None
        return v.strip()


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: date
    end: date

    @model_validator(mode="after")
    def _order(self) -> Period:
        if self.end <= self.start:
            raise ValueError("period end must be after its start")
        return self


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["type1", "type2"] = "type1"
    period: Period | None = None
    target_audit_date: date | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, v: Any) -> str:
        s = str(v).strip().lower().replace(" ", "").replace("_", "").replace("-", "")
        mapping = {"type1": "type1", "typei": "type1", "1": "type1", "i": "type1",
                   "type2": "type2", "typeii": "type2", "2": "type2", "ii": "type2"}
        if s not in mapping:
            raise ValueError("report type must be 'type1' or 'type2'")
        return mapping[s]

    @model_validator(mode="after")
    def _period(self) -> Report:
        if self.type == "type2" and self.period is None:
            raise ValueError("a Type II report needs an audit period (period.start and period.end)")
        return self


class System(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1)
    kind: str = Field(min_length=1, description="short system token used by evidence: google, okta, aws, github, ...")
    role: str | None = Field(None, description="idp, cloud, email, source_control, vpn, admin_tool, hris, ...")
    in_scope: bool = True
    mfa_required: bool = True
    owner: str | None = None
    description: str | None = None
    data_classes: list[str] = Field(default_factory=list)


class NotApplicable(BaseModel):
    model_config = ConfigDict(extra="forbid")
    control: str
    justification: str = Field(min_length=10)


class DataFlow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    source: str
    destination: str
    data_classes: list[str] = Field(default_factory=list)
    encrypted_in_transit: bool | None = None


class Identity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    aliases: dict[str, str] = Field(default_factory=dict, description="alias email -> canonical email")
    service_accounts: dict[str, str] = Field(
        default_factory=dict, description="service account id or email -> owner email"
    )
    accounts: dict[str, str] = Field(
        default_factory=dict, description="account name (login, IAM user, 'system:login') -> the person's e-mail"
    )
    email_domains: list[str] = Field(default_factory=list)

    def config(self, time_zone: str = "UTC") -> IdentityConfig:
        from trustgap.dates import zone

        return IdentityConfig(aliases=self.aliases, accounts=self.accounts, service_accounts=self.service_accounts,
                              time_zone=zone(time_zone))


class Scope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = 1
    organisation: Organisation
    categories: list[str] = Field(default_factory=lambda: ["security"])
    report: Report = Field(default_factory=Report)
    systems: list[System] = Field(default_factory=list)
    data_classes: list[str] = Field(default_factory=list)
    data_flows: list[DataFlow] = Field(default_factory=list)
    vendors_in_scope: list[str] = Field(default_factory=list)
    roles: dict[str, str] = Field(default_factory=dict, description="role -> person (name <email>)")
    identity: Identity = Field(default_factory=Identity)
    thresholds: dict[str, Any] = Field(default_factory=dict)
    not_applicable: list[NotApplicable] = Field(default_factory=list)
    parsers: dict[str, dict[str, Any]] = Field(default_factory=dict, description="per-format options")
    collect: dict[str, Any] = Field(default_factory=dict)
    plan: dict[str, Any] = Field(default_factory=dict)
    interview: dict[str, Any] = Field(default_factory=dict)
    monitor: dict[str, Any] = Field(default_factory=dict, description="schedules (trustgap.monitor.config)")
    alerts: dict[str, Any] = Field(default_factory=dict, description="alert channels (trustgap.monitor.config)")

    @field_validator("categories", mode="before")
    @classmethod
    def _categories(cls, v: Any) -> list[str]:
        if isinstance(v, str):
            v = [v]
        if v is not None and not isinstance(v, list):
            raise ValueError(f"categories must be a list such as [security, availability], not {type(v).__name__} "
                             f"{v!r}")
        out = ["security"]
        for item in v or []:
            key = CATEGORY_ALIASES.get(str(item).strip().lower().replace("-", " "))
            if key is None:
                raise ValueError(f"unknown Trust Services category {item!r}; use one of {', '.join(CATEGORY_IDS)}")
            if key not in out:
                out.append(key)
        return [c for c in CATEGORY_IDS if c in out]

    @field_validator("systems")
    @classmethod
    def _unique_systems(cls, v: list[System]) -> list[System]:
        seen: set[tuple[str, str]] = set()
        for s in v:
            key = (s.name.lower(), s.kind.lower())
            if key in seen:
                raise ValueError(f"system {s.name!r} ({s.kind}) is listed twice")
            seen.add(key)
        return v

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, v: dict[str, Any]) -> dict[str, Any]:
        Thresholds(**v)  # validates names and values; errors carry the field name
        return v

    def in_scope_systems(self) -> list[System]:
        return [s for s in self.systems if s.in_scope]

    def not_applicable_map(self) -> dict[str, str]:
        return {n.control: n.justification for n in self.not_applicable}


class LoadedScope(BaseModel):
    """A validated scope plus where it came from (for error lines and provenance)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    scope: Scope
    path: str
    threshold_lines: dict[str, int] = Field(default_factory=dict)
    not_applicable_lines: list[int] = Field(default_factory=list)

    def check_control_ids(self, known: set[str]) -> None:
        """Raise :class:`InputError` (file, line, field) for a ``not_applicable`` entry naming no control of the
        catalog: a typo there would otherwise silently leave the control in scope."""
        for i, na in enumerate(self.scope.not_applicable):
            if na.control not in known:
                line = self.not_applicable_lines[i] if i < len(self.not_applicable_lines) else None
                raise InputError(self.path, f"unknown control id {na.control!r} (see `trustgap catalog`)",
                                 line=line, field=f"not_applicable.{i}.control")


def load_scope(path: Path | str) -> LoadedScope:
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise InputError(str(path), "the scope file must be a mapping with at least 'organisation'", line=1)
    try:
        scope = Scope.model_validate(doc.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        # errors raised inside the thresholds validator carry the inner field in the message
        if (err["loc"] and err["loc"][0] == "thresholds" and len(err["loc"]) == 1
                and isinstance(doc.data.get("thresholds"), dict)):
            try:
                Thresholds(**doc.data.get("thresholds", {}))
            except ValidationError as inner:
                raise validation_error(doc, inner, prefix=("thresholds",)) from None
        raise validation_error(doc, exc) from None
    if scope.plan:
        from trustgap.plan.settings import parse_plan_settings

        parse_plan_settings(scope.plan, source=str(path), doc=doc)
    if scope.monitor or scope.alerts:
        from trustgap.monitor.config import parse_monitor_settings

        parse_monitor_settings(scope, source=str(path), doc=doc)
    lines = {k: doc.line_of(("thresholds", k)) or 0 for k in scope.thresholds}
    na_lines = [doc.line_of(("not_applicable", i, "control")) or 0 for i in range(len(scope.not_applicable))]
    return LoadedScope(scope=scope, path=str(path), threshold_lines=lines, not_applicable_lines=na_lines)
