"""The ``monitor:`` and ``alerts:`` sections of the scope file.

::

    monitor:
      timezone: Europe/Berlin              # cron times are read in this zone (default UTC)
      schedules:
        - {name: daily, cron: "0 6 * * *", collect: [files, aws, github]}
        - {name: idp, cron: "0 */4 * * *", collect: [okta]}
      max_gap_days: null                   # default: twice the longest schedule interval, at least 1 day
      remediation_days: {critical: 7, high: 14, medium: 30, low: 60}   # deadline to fix a lapse, by severity
      controls: {AC-04: 3}                 # deadline per control (days), overriding the severity default
      expiry_warning_days: 30              # warn this long before recurring evidence expires
      target_readiness: 90                 # the forecast's target (default: plan.audit_ready_at, else 90)

    alerts:
      on: [regression, new_finding, expiring, collection_failed]
      min_severity: high                   # new findings of this severity or worse
      digest_after: 5                      # more alerts than this from one snapshot: one digest message
      repeat_after_days: 7                 # an alert still true is sent again after this many days
      link: "https://trustgap.example.com/runs/{run_id}"
      webhook: {url: "https://hooks.example.com/trustgap", secret_env: TRUSTGAP_WEBHOOK_SECRET}
      slack: {url_env: TRUSTGAP_SLACK_WEBHOOK_URL}
      email: {host: smtp.example.com, port: 587, starttls: true, sender: trustgap@example.com,
              to: [security@example.com], username_env: TRUSTGAP_SMTP_USER, password_env: TRUSTGAP_SMTP_PASSWORD}

Secrets (the webhook signing key, the Slack webhook URL, which embeds its token, the SMTP password) are
named by environment variable only; the scope file never holds them, and nothing here stores or logs them.
``collect`` names ``files`` (the evidence folder) and the live collectors (``aws``, ``github``, ``google``,
``okta``, ``entra``, ``iac``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from trustgap.errors import InputError

if TYPE_CHECKING:
    from trustgap.scope import Scope
    from trustgap.yamlfile import LocatedYaml

SOURCES = ("files", "aws", "github", "google", "okta", "entra", "iac")
ALERT_KINDS = ("regression", "new_finding", "expiring", "collection_failed")
SEVERITIES = ("critical", "high", "medium", "low")
DEFAULT_REMEDIATION_DAYS = {"critical": 7, "high": 14, "medium": 30, "low": 60}


class ScheduleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    cron: str = Field(min_length=1, description="five-field cron expression: minute hour day month weekday")
    collect: list[str] = Field(default_factory=lambda: ["files"])

    @field_validator("cron")
    @classmethod
    def _cron(cls, v: str) -> str:
        from croniter import croniter

        if len(v.split()) != 5 or not croniter.is_valid(v):
            raise ValueError(f"not a five-field cron expression: {v!r} (e.g. '0 6 * * *' for 06:00 every day)")
        return v

    @field_validator("collect", mode="before")
    @classmethod
    def _collect(cls, v: Any) -> list[str]:
        items = [v] if isinstance(v, str) else list(v or [])
        out = [p.strip().lower() for item in items for p in str(item).split(",") if p.strip()]
        bad = [p for p in out if p not in SOURCES]
        if bad:
            raise ValueError(f"unknown source(s) {', '.join(bad)}; use some of {', '.join(SOURCES)}")
        if not out:
            raise ValueError("a schedule collects at least one source")
        return list(dict.fromkeys(out))

    def interval(self, tz: tzinfo, around: datetime | None = None) -> timedelta:
        """The longest time between two consecutive runs over the next few weeks (a cron may be uneven)."""
        from croniter import croniter

        start = (around or datetime(2026, 1, 1, tzinfo=UTC)).astimezone(tz)
        it = croniter(self.cron, start)
        times = [it.get_next(datetime) for _ in range(64)]
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        return max(gaps) if gaps else timedelta(days=1)


class MonitorConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    timezone: str = "UTC"
    schedules: list[ScheduleConfig] = Field(default_factory=list)
    max_gap_days: float | None = Field(None, gt=0, description="longest stretch without evidence that is no hole")
    remediation_days: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_REMEDIATION_DAYS))
    controls: dict[str, int] = Field(default_factory=dict, description="control id -> remediation deadline (days)")
    expiry_warning_days: int = Field(30, ge=0)
    target_readiness: float | None = Field(None, gt=0, le=100)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name such as Europe/Berlin)") from None
        return v

    @field_validator("remediation_days")
    @classmethod
    def _sev(cls, v: dict[str, int]) -> dict[str, int]:
        bad = [k for k in v if k not in SEVERITIES]
        if bad:
            raise ValueError(f"unknown severity {', '.join(bad)}; use {', '.join(SEVERITIES)}")
        if any(int(d) < 0 for d in v.values()):
            raise ValueError("a remediation deadline is zero days or more")
        return {**DEFAULT_REMEDIATION_DAYS, **v}

    @model_validator(mode="after")
    def _unique(self) -> MonitorConfig:
        names = [s.name for s in self.schedules]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"schedule names must be unique: {', '.join(dupes)}")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def schedule(self, name: str) -> ScheduleConfig:
        for s in self.schedules:
            if s.name == name:
                return s
        raise InputError("scope", f"no schedule named {name!r} (have: {', '.join(s.name for s in self.schedules)})",
                         field="monitor.schedules")

    def max_gap(self) -> timedelta:
        """How long the evidence may be silent before the silence is a hole (insufficient evidence)."""
        if self.max_gap_days is not None:
            return timedelta(days=self.max_gap_days)
        longest = max((s.interval(self.tz) for s in self.schedules), default=timedelta(days=1))
        return max(2 * longest, timedelta(days=1))

    def deadline_days(self, control_id: str, severity: str) -> int:
        if control_id in self.controls:
            return int(self.controls[control_id])
        return int(self.remediation_days.get(severity, self.remediation_days["low"]))


class WebhookConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(pattern=r"^https?://")
    secret_env: str = "TRUSTGAP_WEBHOOK_SECRET"
    timeout_seconds: float = Field(10, gt=0)


class SlackConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url_env: str = "TRUSTGAP_SLACK_WEBHOOK_URL"
    timeout_seconds: float = Field(10, gt=0)


class EmailConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    host: str
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    ssl: bool = False
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    to: list[str] = Field(min_length=1)
    username_env: str | None = None
    password_env: str | None = None
    timeout_seconds: float = Field(20, gt=0)


class AlertsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    on: list[Literal["regression", "new_finding", "expiring", "collection_failed"]] = Field(
        default_factory=lambda: list(ALERT_KINDS))  # type: ignore[arg-type]
    min_severity: Literal["critical", "high", "medium", "low"] = "high"
    digest_after: int = Field(5, ge=1)
    repeat_after_days: int = Field(7, ge=1)
    link: str | None = Field(None, description="link to a run; {run_id} is replaced")
    webhook: WebhookConfig | None = None
    slack: SlackConfig | None = None
    email: EmailConfig | None = None

    @property
    def channels(self) -> list[str]:
        return [c for c in ("webhook", "slack", "email") if getattr(self, c) is not None]


def _validated(model: type[BaseModel], data: Any, section: str, source: str, doc: LocatedYaml | None) -> Any:
    try:
        return model.model_validate(data or {})
    except ValidationError as exc:
        if doc is not None:
            from trustgap.yamlfile import validation_error

            raise validation_error(doc, exc, prefix=(section,)) from None
        err = exc.errors()[0]
        raise InputError(source, err["msg"], field=".".join(str(p) for p in (section, *err["loc"]))) from None


def parse_monitor_settings(scope: Scope, *, source: str = "scope.yaml",
                           doc: LocatedYaml | None = None) -> tuple[MonitorConfig, AlertsConfig]:
    """Validate both sections; errors name the file, line and field (``monitor.schedules.0.cron``)."""
    mon = _validated(MonitorConfig, scope.monitor, "monitor", source, doc)
    alerts = _validated(AlertsConfig, scope.alerts, "alerts", source, doc)
    return mon, alerts
