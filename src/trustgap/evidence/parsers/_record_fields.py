"""Vocabulary of the process-record parser: record kinds, field names, value typing.

Record kinds are the ``Record.kind`` values of :mod:`trustgap.facts`. :data:`KIND_ALIASES` maps the ways
people name them ("UAR", "DR test", "pentest") to those values; :data:`FIELD_ALIASES` the column or key names
of each Record field.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from trustgap.evidence.tabular import norm_header

KINDS = (
    "access_review", "tabletop_exercise", "incident_response_test", "dr_test", "backup_restore_test",
    "risk_assessment", "background_check", "security_training", "policy_acknowledgement", "vendor_review",
    "penetration_test", "board_meeting", "incident", "post_incident_review", "capacity_review",
)

KIND_ALIASES: dict[str, str] = {
    **{k: k for k in KINDS},
    "pir": "post_incident_review", "post_incident_review_record": "post_incident_review",
    "incident_review": "post_incident_review", "capacity_planning": "capacity_review",
    "capacity_plan": "capacity_review", "capacity": "capacity_review",
    "user_access_review": "access_review", "uar": "access_review", "access_certification": "access_review",
    "access_recertification": "access_review", "entitlement_review": "access_review",
    "tabletop": "tabletop_exercise", "ttx": "tabletop_exercise", "tabletop_test": "tabletop_exercise",
    "ir_test": "incident_response_test", "incident_response_exercise": "incident_response_test",
    "ir_exercise": "incident_response_test", "incident_response_drill": "incident_response_test",
    "disaster_recovery_test": "dr_test", "dr_exercise": "dr_test", "disaster_recovery_exercise": "dr_test",
    "failover_test": "dr_test", "bcp_test": "dr_test", "business_continuity_test": "dr_test", "dr": "dr_test",
    "backup_test": "backup_restore_test", "restore_test": "backup_restore_test",
    "backup_restoration_test": "backup_restore_test", "backup_restore": "backup_restore_test",
    "risk_assessments": "risk_assessment", "risk_review": "risk_assessment", "risk_register_review": "risk_assessment",
    "background_screening": "background_check", "background_checks": "background_check", "bgc": "background_check",
    "screening": "background_check",
    "training": "security_training", "security_awareness_training": "security_training",
    "awareness_training": "security_training",
    "policy_acknowledgment": "policy_acknowledgement", "acknowledgement": "policy_acknowledgement",
    "acknowledgment": "policy_acknowledgement", "policy_attestation": "policy_acknowledgement",
    "attestation": "policy_acknowledgement",
    "vendor_assessment": "vendor_review", "vendor_security_review": "vendor_review",
    "third_party_review": "vendor_review", "supplier_review": "vendor_review",
    "pentest": "penetration_test", "pen_test": "penetration_test", "penetration_testing": "penetration_test",
    "board_review": "board_meeting", "management_review": "board_meeting", "management_meeting": "board_meeting",
    "governance_meeting": "board_meeting", "governance_review": "board_meeting", "leadership_meeting": "board_meeting",
    "security_committee": "board_meeting", "security_committee_meeting": "board_meeting",
    "security_steering_committee": "board_meeting", "security_program_review": "board_meeting",
    "security_incident": "incident", "incident_report": "incident", "postmortem": "incident",
}

# YAML top-level list keys -> kind
LIST_KEYS: dict[str, str] = {
    "access_reviews": "access_review", "tabletop_exercises": "tabletop_exercise", "tabletops": "tabletop_exercise",
    "incident_response_tests": "incident_response_test", "ir_tests": "incident_response_test",
    "dr_tests": "dr_test", "disaster_recovery_tests": "dr_test", "backup_restore_tests": "backup_restore_test",
    "restore_tests": "backup_restore_test", "risk_assessments": "risk_assessment",
    "background_checks": "background_check", "security_trainings": "security_training",
    "trainings": "security_training", "policy_acknowledgements": "policy_acknowledgement",
    "policy_acknowledgments": "policy_acknowledgement", "acknowledgements": "policy_acknowledgement",
    "vendor_reviews": "vendor_review", "penetration_tests": "penetration_test", "pentests": "penetration_test",
    "board_meetings": "board_meeting", "management_reviews": "board_meeting", "governance_meetings": "board_meeting",
    "leadership_meetings": "board_meeting", "security_committee_meetings": "board_meeting", "incidents": "incident",
}

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "kind": ("record_type", "type", "kind", "activity", "activity_type", "record_kind", "evidence_type"),
    "date": ("date", "performed_on", "performed", "completed_on", "completed_at", "completed_date", "completion_date",
             "completed", "date_performed", "date_completed", "held_on", "conducted_on", "review_date", "test_date",
             "exercise_date", "assessment_date", "check_date", "report_completed_at", "report_completed",
             "acknowledged_on", "acknowledged_at", "signed_on", "signed_at", "incident_date", "meeting_date",
             "occurred_on", "occurred_at", "reviewed_on", "reviewed_at", "decision_date", "decided_at",
             "certified_at", "certified_on", "certification_date", "date_of_review", "date_of_test", "tested_on"),
    "subject": ("subject", "system", "systems", "application", "applications", "app", "apps", "scope", "vendor",
                "vendor_name", "candidate_email",
                "employee_email", "work_email", "user_email", "email", "email_address", "person", "employee",
                "asset", "target"),
    "title": ("title", "scenario", "course", "course_name", "policy", "policy_name", "test_name", "exercise",
              "name", "summary", "description"),
    "participants": ("participants", "attendees", "reviewers", "approvers", "team", "participant_emails"),
    "performed_by": ("performed_by", "conducted_by", "facilitator", "facilitated_by", "reviewer", "reviewed_by",
                     "assessor", "assessed_by", "owner", "lead", "tester", "provider", "vendor_firm", "firm"),
    "outcome": ("outcome", "result", "adjudication", "report_result", "status", "report_status", "decision"),
}

# other columns / keys, renamed to the details keys checks read
DETAIL_ALIASES: dict[str, str] = {
    "accounts_reviewed": "users_reviewed", "users": "users_reviewed", "user_count": "users_reviewed",
    "number_of_users": "users_reviewed", "number_of_users_reviewed": "users_reviewed",
    "users_in_scope": "users_reviewed", "accounts": "users_reviewed",
    "changes_made": "changes", "access_removed": "changes", "revocations": "changes", "access_changes": "changes",
    "risk_count": "risks", "risks_identified": "risks", "number_of_risks": "risks",
    "rto_achieved": "rto_achieved", "rpo_achieved": "rpo_achieved",
    "root_cause_analysis": "root_cause", "rca": "root_cause",
}

# When the completion date is empty (a check still pending), these columns date the record instead.
FALLBACK_DATE_KEYS = ("created_at", "ordered_at", "invited_at", "submitted_at", "requested_at", "started_at",
                      "start_date", "order_date", "created", "created_on")

_PERSON_KINDS = {"background_check", "security_training", "policy_acknowledgement"}
_TRUE = {"yes", "y", "true"}
_FALSE = {"no", "n", "false"}
_SPLIT = re.compile(r"[;|\n,]")  # parts are stripped afterwards: a pattern starting with \s* is quadratic


_OBJECTIVE_KEY = re.compile(
    r"(rto|rpo|recovery_time_objective|recovery_point_objective|recovery_time|recovery_point|data_loss|restore_time|"
    r"time_to_restore)(?:_(target|objective|goal|achieved|actual|measured|result))?"
    r"(?:_(h|hr|hrs|hours|min|mins|minutes|m|d|days))?"
)
_UNIT_HOURS = {"h": 1.0, "hr": 1.0, "hrs": 1.0, "hours": 1.0, "min": 1 / 60, "mins": 1 / 60, "minutes": 1 / 60,
               "m": 1 / 60, "d": 24.0, "days": 24.0}
_DURATION_TEXT = re.compile(r"(\d{1,5}(?:[.,]\d{1,3})?)[ \t]*(d|days?|h|hrs?|hours?|m|mins?|minutes?)(?![a-z])", re.I)


def objective(key: str, value: Any) -> tuple[str, float] | None:
    """A recovery objective column as (details key, hours): ``RTO Target (h)`` = 4 -> ("rto_target", 4.0),
    ``RPO Achieved (min)`` = 15 -> ("rpo_achieved", 0.25), ``RTO Achieved`` = "2h10m" -> ("rto_achieved", 2.17).
    A bare RTO / RPO column is the target; "recovery time" and "data loss" columns are what was achieved."""
    m = _OBJECTIVE_KEY.fullmatch(key)
    if m is None:
        return None
    name, which, unit = m.group(1), m.group(2) or "", m.group(3)
    what = "rto" if name in ("rto", "recovery_time_objective", "recovery_time", "restore_time", "time_to_restore") \
        else "rpo"
    achieved = which in ("achieved", "actual", "measured", "result") or name in (
        "recovery_time", "recovery_point", "data_loss", "restore_time", "time_to_restore")
    hours: float | None = None
    text = str(value).strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        hours = float(value) * _UNIT_HOURS.get(unit or "h", 1.0)
    elif re.fullmatch(r"\d{1,5}(?:[.,]\d{1,3})?", text):
        hours = float(text.replace(",", ".")) * _UNIT_HOURS.get(unit or "h", 1.0)
    else:
        parts = _DURATION_TEXT.findall(text[:100])
        if parts and _DURATION_TEXT.sub("", text[:100]).strip(" ,and") == "":
            hours = sum(float(n.replace(",", ".")) * {"d": 24.0, "h": 1.0, "m": 1 / 60}[u[0].lower()] for n, u in parts)
    if hours is None:
        return None
    return f"{what}_{'achieved' if achieved else 'target'}", round(hours, 4)


def kind_of(value: Any) -> str | None:
    if value is None:
        return None
    key = norm_header(str(value))
    if key in KIND_ALIASES:
        return KIND_ALIASES[key]
    if key.endswith("s") and key[:-1] in KIND_ALIASES:
        return KIND_ALIASES[key[:-1]]
    return None


_NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("access_review", "access_review"), ("access-review", "access_review"), ("uar", "access_review"),
    ("tabletop", "tabletop_exercise"), ("incident_response_test", "incident_response_test"),
    ("disaster_recovery", "dr_test"), ("dr_test", "dr_test"), ("restore", "backup_restore_test"),
    ("risk_assessment", "risk_assessment"), ("risk_register", "risk_assessment"),
    ("background", "background_check"), ("pentest", "penetration_test"), ("penetration", "penetration_test"),
    ("vendor_review", "vendor_review"), ("acknowledg", "policy_acknowledgement"), ("board", "board_meeting"),
    ("governance", "board_meeting"),
    ("post_incident", "post_incident_review"), ("postmortem", "post_incident_review"),
    ("post_mortem", "post_incident_review"), ("incident_review", "post_incident_review"),
    ("capacity", "capacity_review"),
    ("incident", "incident"),
)


def kind_from_name(name: str) -> str | None:
    """A kind suggested by the file name (``access-reviews-2026.csv``); training files are left to the
    training-platform parser."""
    norm = norm_header(name.rsplit("/", 1)[-1])
    words = set(norm.split("_"))
    for hint, kind in _NAME_HINTS:
        h = norm_header(hint)
        if (h in words) if len(h) <= 3 else (h in norm):  # "uar" is a word, not the middle of "quarterly"
            return kind
    return None


def typed(value: Any) -> Any:
    """A CSV cell as the value it means: int for counts, bool for yes/no, else the stripped text."""
    if not isinstance(value, str):
        return value
    v = value.strip()
    if re.fullmatch(r"-?\d{1,12}", v):
        return int(v)
    if v.lower() in _TRUE:
        return True
    if v.lower() in _FALSE:
        return False
    return v


def people(value: Any) -> tuple[str, ...]:
    """Participants from a list or a delimited string (emails lower-cased)."""
    items: list[Any]
    if value is None:
        return ()
    items = list(value) if isinstance(value, list | tuple) else _SPLIT.split(str(value))
    out: list[str] = []
    for it in items:
        if isinstance(it, dict):
            it = it.get("email") or it.get("name")
        if it is None:
            continue
        s = str(it).strip()
        if not s:
            continue
        s = s.lower() if "@" in s else s
        if s not in out:
            out.append(s)
    return tuple(out)


# System names as people write them -> the system tokens of Account.system (first match wins).
SYSTEM_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (token, re.compile(pattern, re.I)) for token, pattern in (
        ("gcp", r"google\s+cloud|\bgcp\b"),
        ("aws", r"\baws\b|amazon\s+web\s+services"),
        ("google", r"\bgoogle\b|\bg\s?suite\b|\bgmail\b"),
        ("okta", r"\bokta\b"),
        ("github", r"\bgithub\b"),
        ("gitlab", r"\bgitlab\b"),
        ("azuread", r"\bazure\s+ad\b|azure\s+active\s+directory|\bentra\b"),
        ("jumpcloud", r"\bjumpcloud\b"),
        ("onelogin", r"\bonelogin\b"),
        ("slack", r"\bslack\b"),
    )
)
_SYSTEM_SPLIT = re.compile(r"[;|,+&/\n]|\band\b", re.I)


def system_token(name: str) -> str:
    """"AWS production" -> "aws", "Google Workspace" -> "google"; other names are kept as written."""
    for token, pattern in SYSTEM_TOKENS:
        if pattern.search(name):
            return token
    return name


def systems(value: Any) -> list[str]:
    """The systems an access review covers, as written: a list, or a string joined by ``;`` ``,`` ``+`` ``and``."""
    if value is None:
        return []
    items = [str(v) for v in value] if isinstance(value, list | tuple) else _SYSTEM_SPLIT.split(str(value))
    out: list[str] = []
    for item in items:
        s = item.strip()
        if s and s not in out:
            out.append(s)
    return out


def subject_value(kind: str, value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    if not s:
        return None
    return s.lower() if kind in _PERSON_KINDS and "@" in s else s


def as_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None
