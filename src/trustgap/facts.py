"""Typed, normalised facts: what collectors and parsers produce and what checks read.

Every fact carries a :class:`Src`, the sha256 of the raw evidence it was read from plus a locator
(``row 12``, ``$.users[3]``, ``GET /orgs/acme``), so that every verdict can point back to the exact
place in the exact file or API answer it rests on.

Facts never judge: they state what a system says. Checks (``trustgap.checks``) judge them.

Conventions
- Emails are stored lower-cased (use :func:`norm_email`).
- Datetimes are timezone-aware UTC (use ``trustgap.dates`` to parse); plain dates are ``date``.
- ``None`` means "the source did not say", never "false".
- ``system`` names the system an account or resource lives in, as a short lower-case token:
  ``aws``, ``google``, ``okta``, ``github``, ``hr``, ``lms``, ``azuread``, ... For AWS it may be
  qualified by account (``aws:123456789012``); use :func:`system_kind` to get the bare kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from trustgap.identity import IdentityConfig, IdentityGraph, SourceConflict


@dataclass(frozen=True, slots=True, order=True)
class Src:
    """Where a fact came from: evidence sha256 and a locator inside it."""

    sha256: str
    locator: str = ""

    def __str__(self) -> str:
        return f"{self.sha256[:12]}:{self.locator}" if self.locator else self.sha256[:12]


def norm_email(value: str | None) -> str | None:
    if value is None:
        return None
    v = value.strip().lower()
    return v or None


def system_kind(system: str) -> str:
    return system.split(":", 1)[0]


# --------------------------------------------------------------------------- people and identity


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A member of the workforce, from an HR roster (the source of truth for who should have access)."""

    src: Src
    email: str | None
    name: str | None = None
    employee_id: str | None = None
    department: str | None = None
    title: str | None = None
    manager_email: str | None = None
    employment_type: str | None = None  # employee, contractor, intern, ...
    hire_date: date | None = None
    termination_date: date | None = None
    status: str | None = None  # normalised: "active", "terminated", "leave", or the raw value lower-cased
    location: str | None = None
    # the exact moment access should end, when the export gives a time (else the end of the local day of
    # ``termination_date`` in the organisation's time zone applies)
    termination_at: datetime | None = None
    # account names this person is known by in other systems (a GitHub login column, an Okta login that is
    # not the e-mail, an AWS IAM user name), as the source states them
    logins: tuple[str, ...] = ()
    personal_email: str | None = None  # never used to join accounts; kept to tell people apart
    source_kind: str = "hr"  # "hr" roster, "contractors" list, "directory" ... (who vouches for this person)

    def active_on(self, day: date) -> bool:
        if self.hire_date and self.hire_date > day:
            return False
        rehired = (self.termination_date is not None and self.hire_date is not None
                   and self.termination_date < self.hire_date and self.status != "terminated")
        if self.termination_date and self.termination_date <= day and not rehired:
            return False
        return not (self.termination_date is None and self.status == "terminated")


AccountKind = Literal["user", "service", "root", "admin", "unknown"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """A login in one system (IdP, cloud, source control, ...)."""

    src: Src
    system: str  # "google", "okta", "aws:123456789012", "github", ...
    account_id: str  # stable id inside the system (user name, login, id)
    email: str | None = None  # lower-cased
    display_name: str | None = None
    kind: AccountKind = "user"
    is_admin: bool | None = None
    active: bool | None = None  # can it log in now (not suspended / deprovisioned / deleted)
    status: str | None = None  # raw status from the source (ACTIVE, SUSPENDED, DEPROVISIONED, ...)
    mfa_enabled: bool | None = None  # at least one second factor enrolled
    mfa_enforced: bool | None = None  # second factor required by policy for this account
    has_password: bool | None = None  # console / interactive password exists
    created_at: datetime | None = None
    last_login_at: datetime | None = None
    deactivated_at: datetime | None = None  # suspension / deprovisioning / deletion time, when known
    owner_email: str | None = None  # owner of a service account
    groups: tuple[str, ...] = ()
    # second factors enrolled, normalised: "sms", "voice", "email", "totp", "push", "webauthn", "hardware",
    # "security_question", or the source's value lower-cased; () with mfa_enabled=False means "none"
    mfa_factors: tuple[str, ...] = ()
    status_changed_at: datetime | None = None  # last change of ``status`` (Okta statusChanged, ...)
    # other names the account is known by in its system (an Okta login that is not the e-mail, an Entra
    # userPrincipalName): the identity graph matches the scope's account map and e-mails against them too
    aliases: tuple[str, ...] = ()
    observed_at: datetime | None = None  # when the source described this state (export / API time), if known


@dataclass(frozen=True, slots=True, kw_only=True)
class Credential:
    """A non-interactive credential attached to an account: access key, certificate, API token."""

    src: Src
    system: str
    account_id: str
    kind: str  # "access_key", "certificate", "password", "token"
    slot: str = ""  # "1" / "2" for AWS access keys
    active: bool | None = None
    created_or_rotated_at: datetime | None = None
    last_used_at: datetime | None = None


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True, slots=True, kw_only=True)
class Setting:
    """A configuration value of a system or tenant (org 2FA requirement, password policy, ...).

    ``key`` is a dotted, documented name, e.g. ``github.org.two_factor_requirement_enabled``,
    ``aws.iam.password_policy.minimum_length``, ``aws.ec2.ebs_encryption_by_default``.
    ``scope`` says what it applies to (org login, account id and region, tenant).
    """

    src: Src
    system: str
    scope: str
    key: str
    value: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """An infrastructure resource with the attributes checks look at.

    ``kind`` is a dotted type (``aws.s3.bucket``, ``aws.rds.instance``, ``aws.ec2.volume``,
    ``aws.kms.key``, ``aws.cloudtrail.trail``, ``aws.logs.log_group``, ``aws.guardduty.detector``,
    ``aws.backup.plan``, ``aws.config.recorder``, ``github.repository``, ``github.branch``, ...).
    ``attrs`` holds normalised attribute names documented by the collector that emits them.
    """

    src: Src
    system: str
    kind: str
    resource_id: str
    name: str | None = None
    region: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    observed_at: datetime | None = None  # when the source described this state, if known


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanFinding:
    """One result of a posture or IaC scanner (Prowler, Checkov, ...) for one resource."""

    src: Src
    tool: str  # "prowler", "checkov"
    check_id: str  # the tool's own id (prowler event_code, CKV_AWS_19)
    title: str | None
    status: Literal["pass", "fail", "manual", "skipped", "error"]
    severity: str | None  # critical / high / medium / low / informational
    resource: str  # resource uid / address
    resource_type: str | None = None
    location: str | None = None  # file:line-range for IaC, region/account for cloud
    criteria: tuple[str, ...] = ()  # SOC 2 criterion ids (normalised, "CC6.1")
    topics: tuple[str, ...] = ()  # "encryption_at_rest", "tls", "logging", "log_retention", "public_access",...
    observed_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Scan:
    """That a scan ran: which tool, against what, when (for cadence checks)."""

    src: Src
    tool: str
    target: str
    scanned_at: datetime
    authenticated: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Vulnerability:
    """A vulnerability seen in an artifact; ``first_seen`` / ``last_seen`` come from a series of scans."""

    src: Src
    tool: str
    target: str  # artifact / image / host
    vuln_id: str  # CVE-2024-1234, GHSA-...
    package: str | None
    installed_version: str | None
    fixed_version: str | None
    severity: str  # critical / high / medium / low / unknown
    first_seen: datetime
    last_seen: datetime
    fixed_at: datetime | None = None  # first scan of the same target in which it no longer appears
    published_at: datetime | None = None
    title: str | None = None
    # other ids of the same vulnerability the source names (Grype relatedVulnerabilities, Dependabot's CVE of
    # a GHSA, Trivy's VendorIDs), so that one flaw reported under two ids is recognised as one
    aliases: tuple[str, ...] = ()
    # whether a fix exists, as the source says: "fixed" (a fixed version exists), "not_fixed", "wont_fix",
    # "unknown"; None when the source does not say
    fix_state: str | None = None


# --------------------------------------------------------------------------- change management


@dataclass(frozen=True, slots=True, kw_only=True)
class Review:
    reviewer: str  # login
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    submitted_at: datetime | None = None
    commit_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """A change to production code or configuration: a merged pull request, a deployment, a ticket."""

    src: Src
    system: str  # "github", "gitlab", ...
    repository: str  # owner/name
    change_id: str  # PR number as text
    title: str | None = None
    author: str | None = None  # login
    created_at: datetime | None = None
    merged_at: datetime | None = None
    merged_by: str | None = None
    base_branch: str | None = None
    url: str | None = None
    reviews: tuple[Review, ...] = ()
    labels: tuple[str, ...] = ()
    emergency: bool = False
    kind: str = "pull_request"  # "pull_request", "merge_request", "ticket", "deployment"
    # approvals recorded outside code review (a change ticket's approver field, a CAB sign-off)
    approvers: tuple[str, ...] = ()
    approved_at: datetime | None = None
    links: tuple[str, ...] = ()  # linked changes: ticket keys, pull request URLs or "owner/repo#12"
    status: str | None = None  # the ticket's or request's state as the source says it
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BranchProtection:
    """Protection of one branch (classic protection or a ruleset), or its absence (``protected=False``)."""

    src: Src
    system: str
    repository: str
    branch: str
    is_default: bool = True
    protected: bool = False
    required_approvals: int | None = None
    dismiss_stale_reviews: bool | None = None
    require_code_owner_reviews: bool | None = None
    enforce_admins: bool | None = None
    allow_force_pushes: bool | None = None
    require_status_checks: bool | None = None


# --------------------------------------------------------------------------- third parties and documents


@dataclass(frozen=True, slots=True, kw_only=True)
class Vendor:
    src: Src
    name: str
    service: str | None = None
    tier: str | None = None  # normalised: "critical", "high", "medium", "low" or raw lower-cased
    data_access: str | None = None  # raw description of what data it touches
    processes_customer_data: bool | None = None
    soc2_report_date: date | None = None
    questionnaire_date: date | None = None
    dpa_signed: bool | None = None
    dpa_date: date | None = None
    last_review_date: date | None = None
    owner: str | None = None
    processes_personal_data: bool | None = None
    processes_health_data: bool | None = None  # PHI: a HIPAA business associate
    baa_signed: bool | None = None
    contract_end: date | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """What one place in a document states about one of its fields; kept when places disagree."""

    field: str  # status, approved_on, last_reviewed, next_review, effective_date, version
    value: str  # normalised: a status ("approved", "draft"), an ISO date, a version as written
    where: str  # "front matter line 4", "line 12", "revision history, paragraph 9", "docProps/core.xml"


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """A policy, standard, procedure or plan."""

    src: Src
    path: str  # original file name relative to the evidence folder
    title: str
    doc_type: str = "policy"  # policy, procedure, plan, standard
    policy_key: str | None = None  # normalised topic ("information_security", "access_control", ...)
    owner: str | None = None
    version: str | None = None
    approved_on: date | None = None
    approved_by: str | None = None
    last_reviewed: date | None = None
    effective_date: date | None = None
    next_review: date | None = None
    status: str | None = None  # "draft", "approved", ...
    text: str = field(default="", repr=False, compare=False)
    topics: tuple[str, ...] = ()  # every policy topic the document covers (policy_key first)
    # topic -> how the document shows it covers the topic: "explicit" (its metadata names it), "title",
    # "purpose" (its scope / purpose section), "text" (its vocabulary throughout), or "section: <heading>
    # (<where>)" when one chapter of a wider document covers it (a covered section, not the primary topic)
    topic_basis: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # every statement of a field on which the document's places disagree (front matter "approved", body
    # "Status: Draft"); the field values above follow the metadata, then the body, then file properties
    conflicts: tuple[Statement, ...] = ()


RecordKind = Literal[
    "access_review",
    "tabletop_exercise",
    "incident_response_test",
    "dr_test",
    "backup_restore_test",
    "risk_assessment",
    "background_check",
    "security_training",
    "policy_acknowledgement",
    "vendor_review",
    "penetration_test",
    "board_meeting",
    "incident",
    "post_incident_review",
    "capacity_review",
    "management_review",
    "privacy_notice_review",
    "other",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """That a process ran: an access review, a tabletop, a DR test, a risk assessment, a background check,
    a training completion. ``subject`` is who or what it was about (the person's email for a background
    check or a training completion, the system for an access review)."""

    src: Src
    kind: RecordKind | str
    performed_on: date
    subject: str | None = None
    title: str | None = None
    participants: tuple[str, ...] = ()
    performed_by: str | None = None
    outcome: str | None = None  # passed / failed / completed / in progress ...
    details: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionIssue:
    """A source that could not be read fully (permission denied, service missing, timeout, 5xx).

    ``source`` is a dotted topic (``aws.s3``, ``aws.guardduty``, ``github.pulls``, ``okta.users``) that
    check metadata names in ``sources``; checks depending on it become Not assessed with this reason.
    """

    src: Src
    source: str
    reason: str


# --------------------------------------------------------------------------- identity events and grants


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountEvent:
    """Something that happened to an account, with its time: from audit logs (Okta System Log, Google Admin
    reports, Entra audit logs). ``action`` is normalised: ``created``, ``activated``, ``suspended``,
    ``unsuspended``, ``deactivated``, ``reactivated``, ``deleted``, ``login``, ``login_failed``,
    ``mfa_enrolled``, ``mfa_removed``, ``mfa_reset``, ``password_reset``, ``role_granted``, ``role_revoked``,
    or the source's event type lower-cased."""

    src: Src
    system: str
    account_id: str
    at: datetime
    action: str
    email: str | None = None
    actor: str | None = None  # who did it (an admin, a provisioning integration), as the source names them
    outcome: str | None = None  # success / failure / ...
    raw_type: str | None = None  # the source's own event type (user.lifecycle.deactivate)


@dataclass(frozen=True, slots=True, kw_only=True)
class Grant:
    """A direct permission binding in a cloud or SaaS tenant: GCP IAM policy bindings, Azure role assignments,
    AWS IAM policy attachments. ``principal`` keeps the source's spelling (``user:ann@acme.io``,
    ``group:eng@acme.io``, ``serviceAccount:ci@p.iam.gserviceaccount.com``, an object id)."""

    src: Src
    system: str  # gcp, azure, aws, ...
    principal: str
    principal_type: str  # user, group, service_account, domain, unknown
    role: str  # roles/owner, Owner, AdministratorAccess, ...
    resource: str  # project, subscription, resource group, account
    email: str | None = None  # the user's e-mail when the principal is a user
    privileged: bool | None = None  # owner / admin-equivalent role, when known
    observed_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessDecision:
    """One decision of an access review about one account: keep, revoke, modify."""

    src: Src
    system: str
    account: str  # account id or e-mail as the review names it
    decision: str  # keep / revoke / modify / unknown
    reviewed_on: date
    reviewer: str | None = None
    review: str | None = None  # the review campaign's name or id
    completed_on: date | None = None  # when a revoke / modify was carried out, if recorded
    entitlement: str | None = None  # the role or group reviewed


# --------------------------------------------------------------------------- endpoints


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    """A managed (or known) endpoint from an MDM / endpoint-management export (Jamf, Kandji, Intune, ...)."""

    src: Src
    system: str  # jamf, kandji, intune, workspace_one, google_endpoint, ...
    device_id: str
    name: str | None = None
    owner_email: str | None = None
    owner_name: str | None = None
    serial: str | None = None
    platform: str | None = None  # macos, windows, linux, ios, android, chromeos
    os_version: str | None = None
    os_supported: bool | None = None  # the source's own verdict, when it gives one
    encrypted: bool | None = None  # FileVault / BitLocker / ... on
    screen_lock: bool | None = None  # a screen lock / passcode is enforced
    screen_lock_minutes: int | None = None
    firewall: bool | None = None
    managed: bool | None = None  # enrolled in MDM / supervised
    compliant: bool | None = None  # the MDM's own compliance state
    last_seen: datetime | None = None
    status: str | None = None  # active, retired, lost, returned, wiped, ...
    returned_on: date | None = None
    observed_at: datetime | None = None


# --------------------------------------------------------------------------- availability and operations


@dataclass(frozen=True, slots=True, kw_only=True)
class Incident:
    """An incident: on-call / incident-management tools (PagerDuty, Opsgenie, incident.io), status pages,
    security incident registers. Severity is normalised to critical / high / medium / low where the source
    allows (SEV1/P1 -> critical, ...); ``major`` says whether the source or the organisation calls it major."""

    src: Src
    system: str
    incident_id: str
    title: str | None = None
    kind: str | None = None  # availability, security, privacy, data, ... when known
    severity: str | None = None
    urgency: str | None = None  # high / low (PagerDuty)
    status: str | None = None  # triggered, acknowledged, resolved, investigating, postmortem, ...
    major: bool | None = None
    started_at: datetime | None = None
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    services: tuple[str, ...] = ()
    customer_notified_at: datetime | None = None  # first public / customer update
    postmortem_on: date | None = None  # post-incident review held / published
    postmortem_ref: str | None = None
    personal_data: bool | None = None  # personal data involved (privacy breach assessment)
    breach_assessed_on: date | None = None
    is_breach: bool | None = None  # the assessment's conclusion
    authority_notified_at: datetime | None = None
    subjects_notified_at: datetime | None = None
    url: str | None = None
    regime: str | None = None  # the law the breach assessment applies: gdpr, hipaa, ccpa, ... when stated


@dataclass(frozen=True, slots=True, kw_only=True)
class Monitor:
    """An uptime / synthetic monitor (UptimeRobot, Pingdom, Better Stack, Datadog synthetics, ...).
    ``uptime`` holds (period label, percent) pairs as the source reports them, e.g. ("2026-10", 99.95) or
    ("30d", 99.9)."""

    src: Src
    system: str
    monitor_id: str
    name: str | None = None
    target: str | None = None  # URL, host or keyword target
    kind: str | None = None  # http, keyword, ping, port, heartbeat, dns, ...
    active: bool | None = None  # False = paused / disabled
    status: str | None = None  # up, down, paused, not_checked_yet, ...
    interval_seconds: int | None = None
    created_at: datetime | None = None
    uptime: tuple[tuple[str, float], ...] = ()
    observed_at: datetime | None = None
    paused_at: datetime | None = None  # when a paused monitor was paused, when the source says


@dataclass(frozen=True, slots=True, kw_only=True)
class Downtime:
    """A period in which a monitor saw its target down (from a monitor's logs)."""

    src: Src
    system: str
    monitor_id: str
    started_at: datetime
    ended_at: datetime | None = None  # None: still down when exported
    duration_seconds: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessingEvent:
    """An operation of the system's processing that can fail and must be put right: a reconciliation with its
    variances, a scheduled job run, a rejected input, a deletion / retention job run. ``status`` is normalised:
    ``ok``, ``failed``, ``variance``, ``rejected``, or the source's value lower-cased; ``resolved_at`` is when
    it was put right (variance resolved, job re-run successfully, input corrected)."""

    src: Src
    system: str
    kind: str  # reconciliation, job_run, input_rejection, deletion_job, ...
    ref: str  # the event's id in the source
    name: str | None = None  # job / reconciliation / feed name
    occurred_at: datetime | None = None
    status: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    details: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


# --------------------------------------------------------------------------- confidentiality and privacy


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """A request with a legal or contractual deadline: data subject requests (access, erasure, rectification,
    portability, objection, restriction, opt-out) and customer requests to dispose of confidential data
    (``disposal``, including at contract end)."""

    src: Src
    system: str
    request_id: str
    kind: str
    received_at: datetime
    subject: str | None = None  # requester or customer, as the source names them (never more than that)
    due_at: datetime | None = None  # the deadline the source records, if any
    extended: bool | None = None  # deadline extended with notice (GDPR Art. 12(3))
    extension_notified_at: datetime | None = None
    completed_at: datetime | None = None
    status: str | None = None
    jurisdiction: str | None = None  # gdpr, ccpa, ...
    contract_end: date | None = None  # disposal at contract end: the day the customer's contract ended


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessingActivity:
    """One entry of a record of processing activities (GDPR Art. 30): what personal data is processed, why,
    on which lawful basis, shared with whom, transferred where under which safeguard."""

    src: Src
    name: str
    purpose: str | None = None
    lawful_basis: str | None = None
    data_categories: tuple[str, ...] = ()
    data_subjects: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()  # third parties the data is shared with
    transfers: tuple[str, ...] = ()  # countries / regions outside the origin
    transfer_safeguard: str | None = None  # SCCs, adequacy, BCRs, ...
    retention: str | None = None
    consent_recorded: bool | None = None  # where the basis is consent: consent records kept
    owner: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionRule:
    """A line of a retention schedule: how long a class of data is kept and how it is disposed of."""

    src: Src
    data_class: str
    period_days: int | None  # None: "as long as the contract" or otherwise not a fixed period
    period_text: str | None = None  # as written ("7 years", "30 days after contract end")
    disposal: str | None = None
    system: str | None = None
    oldest_record: date | None = None  # the oldest record of the class still held, when the source says


# --------------------------------------------------------------------------- exceptions


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskAcceptance:
    """A documented, approved exception: a risk acceptance or security exception that makes a finding accepted
    rather than a gap while it is approved and unexpired. ``covers`` names what it applies to: control ids
    (``AC-05``), check ids (``idp.mfa_enforced``) and/or entity names (``build-bot``, ``logs-archive``)."""

    src: Src
    ref: str
    title: str | None = None
    covers: tuple[str, ...] = ()
    approved_by: str | None = None
    approved_on: date | None = None
    expires_on: date | None = None
    justification: str | None = None
    status: str | None = None  # approved, pending, rejected, expired ... as the source says


Fact = (
    Person
    | Account
    | Credential
    | Setting
    | Resource
    | ScanFinding
    | Scan
    | Vulnerability
    | Change
    | BranchProtection
    | Vendor
    | Document
    | Record
    | CollectionIssue
    | AccountEvent
    | Grant
    | AccessDecision
    | Device
    | Incident
    | Monitor
    | Downtime
    | ProcessingEvent
    | Request
    | ProcessingActivity
    | RetentionRule
    | RiskAcceptance
)

T = TypeVar("T")


class FactSet:
    """All facts of one assessment, indexed by type, with identities joined across systems by one
    :class:`~trustgap.identity.IdentityGraph` (built on first use from the people, the account events and the
    scope's identity settings)."""

    def __init__(self, facts: Iterable[Any] = (), aliases: dict[str, str] | None = None, *,
                 identity: IdentityConfig | None = None, observed: Mapping[str, datetime] | None = None,
                 conflicts: Iterable[SourceConflict] = (),
                 history: Mapping[int, list[tuple[datetime | None, Any]]] | None = None) -> None:
        self._by_type: dict[type, list[Any]] = defaultdict(list)
        if identity is None:
            from trustgap.identity import IdentityConfig

            identity = IdentityConfig(aliases=aliases or {})
        self.identity_config = identity
        # alias email -> canonical email (both lower-case)
        self.aliases: dict[str, str] = {k.lower(): v.lower() for k, v in (aliases or identity.aliases).items()}
        self.observed: Mapping[str, datetime] = observed or {}
        self.conflicts: list[SourceConflict] = list(conflicts)
        # id(fact) -> older descriptions of the same thing it superseded, with when each was observed
        self.history: Mapping[int, list[tuple[datetime | None, Any]]] = history or {}
        self._graph: IdentityGraph | None = None
        # values derived once per assessment from the facts and shared by the checks that need them (a pull
        # request's approvers, say); keyed by the deriving function's name and the fact's identity
        self.derived: dict[tuple[str, int], Any] = {}
        for f in facts:
            self._by_type[type(f)].append(f)

    def add(self, fact: Any) -> None:
        self._by_type[type(fact)].append(fact)
        self._graph = None
        self.derived.clear()

    def extend(self, facts: Iterable[Any]) -> None:
        for f in facts:
            self._by_type[type(f)].append(f)
        self._graph = None
        self.derived.clear()

    def earlier_states(self, fact: Any) -> list[tuple[datetime | None, Any]]:
        """Older descriptions of the thing ``fact`` describes (other exports of other dates), with their dates."""
        return list(self.history.get(id(fact), ()))

    @property
    def identity(self) -> IdentityGraph:
        """Who is who: people merged across rosters (rehires as employment spans), accounts resolved to them."""
        if self._graph is None:
            from trustgap.identity import IdentityGraph

            self._graph = IdentityGraph(self.of(Person), self.identity_config, observed=self.observed,
                                        events=self.of(AccountEvent))
        return self._graph

    def of(self, cls: type[T]) -> list[T]:
        return self._by_type.get(cls, [])

    def __iter__(self) -> Iterator[Any]:
        for items in self._by_type.values():
            yield from items

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_type.values())

    def counts(self) -> dict[str, int]:
        return {t.__name__: len(v) for t, v in sorted(self._by_type.items(), key=lambda kv: kv[0].__name__)}

    def canonical_email(self, email: str | None) -> str | None:
        e = norm_email(email)
        if e is None:
            return None
        return self.aliases.get(e, e)

    def people_by_email(self) -> dict[str, Person]:
        """Canonical email -> Person (the latest roster row wins when a person appears twice)."""
        out: dict[str, Person] = {}
        for p in self.of(Person):
            key = self.canonical_email(p.email)
            if key:
                out[key] = p
        return out

    def settings(self, key: str) -> list[Setting]:
        return [s for s in self.of(Setting) if s.key == key]

    def resources(self, kind_prefix: str) -> list[Resource]:
        return [r for r in self.of(Resource) if r.kind.startswith(kind_prefix)]

    def records(self, *kinds: str) -> list[Record]:
        return [r for r in self.of(Record) if r.kind in kinds]

    def issues_for(self, sources: Iterable[str]) -> list[CollectionIssue]:
        wanted = tuple(sources)
        return [
            i
            for i in self.of(CollectionIssue)
            if any(i.source == s or i.source.startswith(s + ".") or s.startswith(i.source + ".") for s in wanted)
        ]
