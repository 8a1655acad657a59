"""Thresholds and cadences: the numbers checks compare practice against, with where each came from.

Defaults follow the common SOC 2 checklist expectations; the scope file overrides them, and promises an
organisation makes in its own policies or interview answers ("reviewed quarterly", "within 24 hours")
replace the defaults for that organisation (see ``trustgap.engine.reconcile``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

CADENCE_WORDS: dict[str, int] = {
    "monthly": 1,
    "every month": 1,
    "quarterly": 3,
    "every quarter": 3,
    "every three months": 3,
    "semiannual": 6,
    "semi-annual": 6,
    "semiannually": 6,
    "semi-annually": 6,
    "biannually": 6,
    "twice a year": 6,
    "every six months": 6,
    "annual": 12,
    "annually": 12,
    "yearly": 12,
    "every year": 12,
    "once a year": 12,
    "at least annually": 12,
}


def parse_cadence_months(value: Any) -> int:
    """'quarterly' -> 3; 'every 6 months' -> 6; 'every 90 days' -> 3; 12 -> 12."""
    if isinstance(value, int) and value > 0:
        return value
    s = str(value).strip().lower()
    if s in CADENCE_WORDS:
        return CADENCE_WORDS[s]
    m = re.fullmatch(r"(?:every\s+)?(\d+)\s*(day|week|month|year)s?", s)
    if m:
        n, unit = int(m[1]), m[2]
        months = {"day": n / 30.4375, "week": n * 7 / 30.4375, "month": n, "year": n * 12}[unit]
        return max(1, round(months))
    if s.isdigit() and int(s) > 0:
        return int(s)
    raise ValueError(f"not a cadence: {value!r} (use monthly, quarterly, semiannual, annual or 'every N months')")


def cadence_name(months: int) -> str:
    return {1: "monthly", 3: "quarterly", 6: "semiannual", 12: "annual"}.get(months, f"every {months} months")


# the names Account.mfa_factors uses for second factors
MFA_FACTOR_NAMES = frozenset({"sms", "voice", "email", "totp", "push", "webauthn", "hardware", "security_question",
                              "temporary_access_pass"})


class Thresholds(BaseModel):
    """Every threshold a check may use. Cadences are in months."""

    model_config = ConfigDict(extra="forbid")

    policy_review_months: int = Field(12, ge=1, description="policies reviewed at least this often")
    risk_assessment_months: int = Field(12, ge=1)
    access_review_cadence_months: int = Field(3, ge=1, description="user access reviews (3 = quarterly)")
    offboarding_hours: float = Field(24, gt=0, description="access revoked within this many hours of termination")
    mfa_required: bool = True
    max_admin_fraction: float = Field(0.10, gt=0, le=1, description="admins as a share of a system's accounts")
    max_admins_min: int = Field(3, ge=1, description="a system may always have this many admins")
    key_rotation_days: int = Field(
        90, ge=1, description="access keys, API keys and other credentials rotated this often")
    encryption_key_rotation_days: int = Field(
        365, ge=1, description="encryption keys (KMS and other data-encryption keys) rotated this often")
    credential_unused_days: int = Field(90, ge=1, description="credentials unused this long are stale")
    account_inactive_days: int = Field(90, ge=1)
    encryption_required: bool = True
    min_tls_version: str = "1.2"
    vuln_scan_cadence_months: int = Field(3, ge=1)
    critical_vuln_sla_days: int = Field(30, ge=1)
    high_vuln_sla_days: int = Field(90, ge=1)
    medium_vuln_sla_days: int = Field(180, ge=1)
    incident_test_months: int = Field(12, ge=1, description="tabletop / incident response test")
    change_min_approvals: int = Field(1, ge=0)
    vendor_review_months: int = Field(12, ge=1)
    vendor_assurance_months: int = Field(12, ge=1, description="SOC 2 report or questionnaire no older than")
    log_retention_days: int = Field(365, ge=1)
    # confidentiality and privacy (legal deadlines: GDPR Art. 12(3) one month + two, CCPA 45 days + 45,
    # GDPR Art. 33 72 hours to the authority, HIPAA 45 CFR 164.404 60 days)
    disposal_days: int = Field(30, ge=1, description="confidential data deleted within N days of contract end "
                               "or request")
    dsr_response_months: int = Field(1, ge=1, description="GDPR: data subject requests answered within")
    dsr_extension_months: int = Field(2, ge=0, description="GDPR: extension, with notice inside the first term")
    ccpa_response_days: int = Field(45, ge=1, description="CCPA: consumer requests answered within")
    ccpa_extension_days: int = Field(45, ge=0, description="CCPA: extension, with notice inside the first term")
    dsr_default_regime: str = Field("gdpr", description="regime of requests that name none: gdpr or ccpa")
    breach_notification_hours: float = Field(72, gt=0, description="notifiable breach: authority told within")
    hipaa_breach_notification_days: int = Field(60, ge=1, description="HIPAA breach: individuals told within")
    privacy_notice_months: int = Field(12, ge=1, description="privacy notice reviewed at least this often")
    training_months: int = Field(12, ge=1)
    training_new_hire_days: int = Field(30, ge=0, description="new hires trained within this many days")
    background_check_required: bool = True
    dr_test_months: int = Field(12, ge=1)
    backup_test_months: int = Field(12, ge=1)
    pentest_months: int = Field(12, ge=1)
    # second-factor kinds not accepted on their own (Account.mfa_factors names: sms, voice, email, ...); none by
    # default, as most audits accept any second factor; a policy saying "SMS is not accepted" adds it
    mfa_rejected_factors: list[str] = Field(default_factory=list)
    screen_lock_max_minutes: int = Field(15, ge=1, description="devices lock after at most this many idle minutes")
    device_return_working_days: int = Field(10, ge=0, description="a leaver's devices returned within")
    emergency_review_working_days: int = Field(5, ge=0, description="emergency changes approved after the fact "
                                               "within this many working days")
    access_review_action_days: int = Field(30, ge=0, description="'revoke' decisions of an access review carried "
                                           "out within this many days")
    admin_grants_max: int = Field(3, ge=1, description="owner / admin role bindings per cloud project or "
                                  "subscription held by individuals")

    @field_validator("mfa_rejected_factors", mode="before")
    @classmethod
    def _factors(cls, v: Any) -> list[str]:
        items = [v] if isinstance(v, str) else list(v or [])
        out = [str(x).strip().lower() for x in items if str(x).strip()]
        unknown = sorted(set(out) - MFA_FACTOR_NAMES)
        if unknown:
            known = ", ".join(sorted(MFA_FACTOR_NAMES))
            raise ValueError(f"unknown second factor(s) {', '.join(unknown)} (use {known})")
        return out
    uptime_target_percent: float = Field(99.9, gt=0, le=100,
                                         description="monthly uptime of every monitored service (the SLA / SLO)")
    incident_resolution_hours: float = Field(24, gt=0, description="major / high-urgency incidents resolved within")
    post_incident_review_business_days: int = Field(5, ge=0, description="post-incident review of a major incident "
                                                    "within this many business days of its resolution")
    customer_notice_hours: float = Field(24, gt=0, description="customers told of a major incident within")
    reconciliation_business_days: int = Field(2, ge=0, description="reconciliation variances resolved within")
    job_rerun_hours: float = Field(24, gt=0, description="a failed scheduled job re-run with success within")
    rejected_input_business_days: int = Field(5, ge=0, description="rejected inputs corrected within")
    backup_retry_hours: float = Field(24, gt=0, description="a failed backup job followed by a completed one of "
                                      "the same resource within")
    capacity_review_months: int = Field(12, ge=1, description="capacity reviewed (usage against limits) this often")
    monitored_endpoints: list[str] = Field(default_factory=list, description="in-scope endpoints (URL or host) "
                                           "that must each have an active uptime monitor")
    backup_test_months_by_tier: dict[str, int] = Field(default_factory=dict, description="restore-test cadence per "
                                                       "system tier ({'1': 3, '2': 12}); others use backup_test_months")
    rto_hours_by_tier: dict[str, float] = Field(default_factory=dict, description="recovery time objective in "
                                                "hours per system tier ({'1': 4, '2': 24}), for tests that record "
                                                "no target of their own")
    rpo_hours_by_tier: dict[str, float] = Field(default_factory=dict, description="recovery point objective in "
                                                "hours per system tier")

    @field_validator("rto_hours_by_tier", "rpo_hours_by_tier", "backup_test_months_by_tier", mode="before")
    @classmethod
    def _tiers(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {re.sub(r"^tier\s*", "", str(k).strip().lower()): val for k, val in v.items()}
        return v

    @field_validator(
        "access_review_cadence_months",
        "vuln_scan_cadence_months",
        "policy_review_months",
        "risk_assessment_months",
        "incident_test_months",
        "vendor_review_months",
        "training_months",
        "dr_test_months",
        "capacity_review_months",
        mode="before",
    )
    @classmethod
    def _cadence(cls, v: Any) -> int:
        return parse_cadence_months(v)

    @field_validator("privacy_notice_months", mode="before")
    @classmethod
    def _notice_cadence(cls, v: Any) -> int:
        return parse_cadence_months(v)

    @field_validator("dsr_default_regime", mode="before")
    @classmethod
    def _regime(cls, v: Any) -> str:
        regime = str(v).strip().lower()
        if regime not in ("gdpr", "ccpa"):
            raise ValueError(f"not a regime: {v!r} (use gdpr or ccpa)")
        return regime


ThresholdOrigin = Literal["default", "scope", "policy", "answer"]


def cite(source: str, locator: str) -> str:
    """A promise's source with its locator ("policies/x.md line 9"), unless the source already names it."""
    return f"{source} {locator}" if locator and locator not in source else source


@dataclass(frozen=True)
class Promise:
    """Something the organisation says it does, with its source, e.g. a policy line "User access is
    reviewed quarterly" (threshold ``access_review_cadence_months`` = 3). ``ref`` is the evidence sha256
    (policy file or answers file) and ``locator`` the line."""

    key: str  # a Thresholds field name
    value: Any
    quote: str
    source: str  # "policies/access-control.md" or "interview: AC-04.q2 (answered by dana@acme.io)"
    origin: Literal["policy", "answer"]
    ref: str | None = None
    locator: str = ""
    also: tuple[str, ...] = ()  # other sources that promise the same value ("policies/x.md line 9")

    @property
    def cited(self) -> str:
        """The source with its locator, as quoted in findings."""
        return cite(self.source, self.locator)


@dataclass(frozen=True)
class ThresholdValue:
    key: str
    value: Any
    origin: ThresholdOrigin
    promise: Promise | None = None
    scope_line: int | None = None


class ResolvedThresholds:
    """Thresholds with provenance: default < promise (policy text, answers) < explicit scope setting."""

    def __init__(
        self,
        scope_values: dict[str, Any] | None = None,
        promises: list[Promise] | None = None,
        scope_lines: dict[str, int] | None = None,
    ) -> None:
        base = Thresholds()
        explicit = Thresholds(**(scope_values or {}))
        self._values: dict[str, ThresholdValue] = {
            k: ThresholdValue(k, getattr(base, k), "default") for k in Thresholds.model_fields
        }
        self.conflicts: list[str] = []
        for p in promises or []:
            if p.key not in self._values:
                continue
            current = self._values[p.key]
            if current.origin in ("policy", "answer") and current.value == p.value and current.promise:
                # the same commitment made twice (a policy line and an answer): the later one (answers come
                # after policies) is quoted, the earlier kept as corroboration
                prev = current.promise
                cited = tuple(dict.fromkeys(c for c in (*prev.also, prev.cited) if c != p.cited))
                p = replace(p, also=cited)
            if current.origin in ("policy", "answer") and current.value != p.value:
                self.conflicts.append(
                    f"{p.key}: {current.promise.source if current.promise else '?'} says {current.value!r}, "
                    f"{p.source} says {p.value!r}; the stricter is used"
                )
                if not _stricter(p.key, p.value, current.value):
                    continue
            self._values[p.key] = ThresholdValue(p.key, p.value, p.origin, promise=p)
        for k in (scope_values or {}):
            self._values[k] = ThresholdValue(
                k, getattr(explicit, k), "scope", scope_line=(scope_lines or {}).get(k),
                promise=self._values[k].promise,
            )

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key].value
        except KeyError:
            raise AttributeError(key) from None

    def get(self, key: str) -> ThresholdValue:
        return self._values[key]

    def as_dict(self) -> dict[str, Any]:
        return {k: v.value for k, v in sorted(self._values.items())}

    def provenance(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for k, v in sorted(self._values.items()):
            entry: dict[str, Any] = {"value": v.value, "origin": v.origin}
            if v.promise:
                entry["promise"] = {"quote": v.promise.quote, "source": v.promise.source, "ref": v.promise.ref,
                                    "locator": v.promise.locator}
                if v.promise.also:
                    entry["promise"]["also"] = list(v.promise.also)
            if v.scope_line:
                entry["scope_line"] = v.scope_line
            out[k] = entry
        return out


def _stricter(key: str, new: Any, old: Any) -> bool:
    """True when ``new`` is the stricter setting (smaller interval / limit, or a requirement turned on)."""
    if isinstance(new, bool):
        return bool(new) and not bool(old)
    if isinstance(new, list | tuple):
        return set(new) > set(old or ())
    if key in ("change_min_approvals", "log_retention_days", "uptime_target_percent"):
        return new > old
    if key == "min_tls_version":
        return str(new) > str(old)
    return new < old
