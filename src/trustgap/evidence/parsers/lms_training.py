"""Security awareness training completions: LMS enrollment exports as CSV or XLSX.

Accepted column names (:data:`ALIASES`, compared after lower-casing and turning punctuation into ``_``):

- KnowBe4: the training enrollment fields of its Reporting API (``GET /v1/training/enrollments``,
  https://developer.knowbe4.com/rest/reporting#tag/Training): ``module_name``, ``content_type``, ``campaign_name``,
  user ``email`` / ``first_name`` / ``last_name``, ``enrollment_date``, ``start_date``, ``completion_date``,
  ``status`` (Passed, Completed, In Progress, Not Started, Past Due), ``time_spent``, ``policy_acknowledged``; and
  the campaign user CSV of the console, which adds ``Extended Due Date``
  (https://support.knowbe4.com/hc/en-us/articles/360053311074);
- TitanHQ SAT reports (https://support.titanhq.com/en/73195-sat-monthly-report.html): ``Name``, ``Email``, ``SAT
  Campaign``, ``Send Date``, ``Campaign Completion Date`` (the date training is due), ``Module``, ``Status``,
  ``Module Completion Date``;
- Curricula (learners, assignments and episodes; https://support.curricula.com/assignments-faqs) and other LMS or
  compliance-platform exports with the generic names: e-mail, course / module / assignment, status, completion
  date, enrollment (assigned) date, due date. A people export with only an e-mail and a security-training
  completion column (``Security training completed``) is read too, as completions of "Security awareness training".

The scope file can map any other header (``parsers.lms_training.columns: {completed: "Finished"}``; canonical
names are the keys of :data:`ALIASES`), read slashed dates day first (``day_first: true``), and restrict which
courses count as security training (``courses: ["security", "phishing"]``: case-insensitive parts of the course
or campaign name; other rows are skipped).

Facts: one :class:`Record` per enrollment row, ``subject`` = the learner's e-mail (lower-cased), ``title`` = the
course (module) name:

- kind ``security_training``; a policy assigned through the LMS (content type "Policy" / "Uploaded Policy") is a
  ``policy_acknowledgement`` instead;
- completed (a completion date, or a passed / completed status): ``performed_on`` = the completion date, outcome
  ``completed`` (``passed`` when the LMS says so, ``failed`` for a failed assessment);
- not completed: ``performed_on`` = the enrollment date (else start or due date; ``details["date_from"]`` says
  which), outcome = the status lower-cased (``past due``, ``in progress``, ``not started``). Such records never
  count as a completion; they show who was asked and missed it.

``details`` keeps the campaign, raw status, enrollment, start and due dates, whether the completion was late
(``overdue``), time spent and score. A row without a usable e-mail, or marked completed without a readable
completion date, is reported with its line and field and recorded as a :class:`CollectionIssue` of source
``training`` (a completion that could not be read must not let a person look untrained, nor a check pass).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from trustgap.dates import DateParseError
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import reject_binary
from trustgap.evidence.parsers._sheets import (
    SheetRow,
    csv_header_mapping,
    csv_rows,
    is_xlsx,
    xlsx_header_accepted,
    xlsx_rows,
)
from trustgap.evidence.parsers.hr_roster import parse_day
from trustgap.evidence.tabular import header_fields, norm_header, parse_bool
from trustgap.facts import CollectionIssue, Record, norm_email

ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("email", "user_email", "email_address", "learner_email", "employee_email", "work_email",
              "user_email_address", "participant_email", "trainee_email", "student_email", "user_primary_email",
              "login"),
    "first_name": ("first_name", "user_first_name", "firstname", "given_name"),
    "last_name": ("last_name", "user_last_name", "lastname", "surname", "family_name"),
    "name": ("name", "full_name", "user_name", "learner", "learner_name", "employee_name", "user_full_name",
             "display_name", "user"),
    "course": ("module_name", "module", "course", "course_name", "course_title", "content_name", "content_title",
               "content", "training", "training_name", "training_module", "training_title", "assignment",
               "assignment_name", "episode", "episode_name", "lesson", "title"),
    "campaign": ("campaign_name", "campaign", "training_campaign", "sat_campaign", "campaign_title",
                 "enrollment_name", "enrollment", "assignment_group", "curriculum", "learning_path", "program"),
    "content_type": ("content_type", "module_type", "type"),
    "status": ("status", "enrollment_status", "completion_status", "training_status", "progress_status", "progress",
               "state", "result"),
    "completed": ("completion_date", "completed_date", "completed_at", "completed_on", "date_completed",
                  "module_completion_date", "completed", "finished_at", "finished_on", "completion_time",
                  "passed_date", "date_passed", "passed_at", "training_completed", "training_completion_date",
                  "security_training_completed", "security_training_completion_date",
                  "security_awareness_training_completed", "last_completed"),
    "enrolled": ("enrollment_date", "enrolled_date", "enrolled_at", "enrolled_on", "date_enrolled", "assigned_date",
                 "assigned_at", "assigned_on", "assignment_date", "date_assigned", "send_date", "sent_date"),
    "started": ("start_date", "started_at", "started_on", "date_started", "content_started"),
    "due": ("due_date", "due", "due_at", "due_on", "deadline", "campaign_completion_date", "extended_due_date"),
    "policy_ack": ("policy_acknowledged", "acknowledged", "policy_acknowledgement", "policy_acknowledgment"),
    "time_spent": ("time_spent", "time_spent_minutes", "time_spent_min", "duration", "minutes_spent"),
    "score": ("score", "quiz_score", "assessment_score", "final_score"),
}
# Course columns specific enough to tell a training export (``title`` alone could be a job title).
_COURSE_HEADERS = frozenset(a for a in ALIASES["course"] if a != "title") | {"course"}
_TRAINING_ONLY = frozenset({"training_completed", "training_completion_date", "security_training_completed",
                            "security_training_completion_date", "security_awareness_training_completed"})
_ROSTER_DATES = frozenset({"hire_date", "termination_date", "date_of_hire", "original_hire_date",
                           "employment_end_date"})
_RECORD_TYPE = frozenset({"record_type", "record_kind", "activity_type", "evidence_type"})
_DONE = {"completed", "complete", "passed", "pass", "done", "finished", "acknowledged", "completed late"}
_FAILED = {"failed", "fail", "not passed"}
_YES = {"yes", "y", "true"}
_DEFAULT_TITLE = "Security awareness training"


# --------------------------------------------------------------------------- recognition


def _score(mapping: dict[str, str], headers: list[str]) -> int:
    if "email" not in mapping or _RECORD_TYPE & set(headers):
        return 0
    course = mapping.get("course")
    strong_course = course is not None and norm_header(course) in _COURSE_HEADERS
    progress = any(k in mapping for k in ("completed", "status", "enrolled"))
    if strong_course and progress:
        return 10 if "completed" in mapping and ("campaign" in mapping or "enrolled" in mapping) else 9
    if _ROSTER_DATES & set(headers):
        return 0  # an HR roster with a training column: the roster parser reads it
    if course is not None and "completed" in mapping:
        return 8
    if "campaign" in mapping and "completed" in mapping and ("status" in mapping or "enrolled" in mapping):
        return 8  # a campaign-level export: the campaign names the training
    if "completed" in mapping and norm_header(mapping["completed"]) in _TRAINING_ONLY:
        return 8
    return 0


def _accept(mapping: dict[str, str]) -> bool:
    return _score(mapping, [norm_header(h) for h in mapping.values()]) > 0


def sniff(data: bytes, name: str) -> int:
    if is_xlsx(data):
        return 9 if xlsx_header_accepted(data, ALIASES, _accept) else 0
    return _score(csv_header_mapping(data, ALIASES), header_fields(data))


# --------------------------------------------------------------------------- rows


def _key(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value).strip().lower().replace("_", " ").replace("-", " "))


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    return s or None


class _Reader:
    def __init__(self, ctx: ParseContext, day_first: bool, courses: list[str] | None) -> None:
        self.ctx = ctx
        self.day_first = day_first
        self.courses = courses
        self.dropped: list[int] = []

    def day(self, row: SheetRow, key: str) -> tuple[date | None, bool]:
        """(date, ok): ok is False when the cell holds something that is not a date."""
        raw = row.get(key)
        if raw is None or isinstance(raw, bool):
            return None, True
        try:
            return parse_day(raw, self.day_first), True
        except DateParseError:
            self.ctx.error(f"not a date: {raw!r}", line=row.line, field=row.header(key))
            return None, False

    def record(self, row: SheetRow) -> Record | None:
        ctx = self.ctx
        locator = f"{row.sheet}!row {row.line}" if row.sheet else f"row {row.line}"
        course = _text(row.get("course"))
        campaign = _text(row.get("campaign"))
        if self.courses is not None:
            names = " ".join(x for x in (course, campaign) if x).lower()
            if not any(c in names for c in self.courses):
                return None
        raw_email = _text(row.get("email"))
        email = norm_email(raw_email) if raw_email and "@" in raw_email and " " not in raw_email else None
        if email is None:
            ctx.error(f"no e-mail address to tell whose training this is ({raw_email!r})", line=row.line,
                      field=row.header("email"))
            self.dropped.append(row.line)
            return None
        status_raw = _text(row.get("status"))
        status = _key(status_raw) if status_raw else None
        completed, completed_ok = self.day(row, "completed")
        if completed is None and not completed_ok:
            self.dropped.append(row.line)
            return None
        cell = row.get("completed")
        said_done = cell is True or (isinstance(cell, str) and parse_bool(cell) is True) or status in _YES
        done = completed is not None or status in _DONE or said_done
        content_type = _key(row.get("content_type") or "")
        kind = "policy_acknowledgement" if "policy" in content_type else "security_training"
        ack = row.get("policy_ack")
        if kind == "policy_acknowledgement" and (ack is True or parse_bool(_text(ack)) is True):
            done = True
        enrolled, _ = self.day(row, "enrolled")
        started, _ = self.day(row, "started")
        due, _ = self.day(row, "due")
        details: dict[str, Any] = {}
        for key, value in (("campaign", campaign), ("status", status_raw), ("enrolled_on", enrolled),
                           ("started_on", started), ("due_on", due), ("time_spent", _text(row.get("time_spent"))),
                           ("score", _text(row.get("score"))), ("content_type", _text(row.get("content_type")))):
            if value is not None:
                details[key] = value.isoformat() if isinstance(value, date) else value
        name = _text(row.get("name")) or " ".join(p for p in (_text(row.get("first_name")),
                                                              _text(row.get("last_name"))) if p) or None
        if name:
            details["name"] = name
        title = course or campaign or _DEFAULT_TITLE
        if done:
            day = completed
            if day is None:
                ctx.error(f"marked {status_raw or 'completed'} but no completion date", line=row.line,
                          field=row.header("completed"))
                self.dropped.append(row.line)
                return None
            if due is not None and day > due:
                details["overdue"] = True
            outcome = "failed" if status in _FAILED else ("passed" if status == "passed" else "completed")
            return Record(src=ctx.src(locator), kind=kind, performed_on=day, subject=email, title=title,
                          outcome=outcome, details=details)
        for key, day in (("enrolled_on", enrolled), ("started_on", started), ("due_on", due)):
            if day is not None:
                details["date_from"] = key
                if due is not None and due < ctx.as_of:
                    details["overdue"] = True
                outcome = status if status and parse_bool(status) is None else "not completed"
                return Record(src=ctx.src(locator), kind=kind, performed_on=day, subject=email, title=title,
                              outcome=outcome, details=details)
        return None  # not completed and never dated: nothing on record


def _override(ctx: ParseContext) -> dict[str, str] | None:
    columns = ctx.options.get("columns")
    if not isinstance(columns, dict):
        return None
    unknown = sorted(str(k) for k in columns if k not in ALIASES)
    if unknown:
        raise InputError(ctx.path, f"parsers.lms_training.columns names unknown field(s) {', '.join(unknown)}; "
                         f"known: {', '.join(ALIASES)}", field="parsers.lms_training.columns")
    return {str(k): str(v) for k, v in columns.items()}


def _courses(ctx: ParseContext) -> list[str] | None:
    raw = ctx.options.get("courses")
    if raw is None:
        return None
    items = raw if isinstance(raw, list) else [raw]
    return [str(c).strip().lower() for c in items if str(c).strip()] or None


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    override = _override(ctx)
    reader = _Reader(ctx, ctx.options.get("day_first") is True, _courses(ctx))
    facts: list[Any] = []
    rows: Iterator[SheetRow]
    if is_xlsx(data):
        aliases = {k: ((override[k], *v) if override and k in override else v) for k, v in ALIASES.items()}
        rows = xlsx_rows(data, ctx.path, aliases, _accept)
    else:
        reject_binary(data, ctx.path, "a CSV or XLSX training export")
        rows = csv_rows(data, ctx.path, ALIASES, required=("email",), override=override)
    try:
        for row in rows:
            r = reader.record(row)
            if r is not None:
                facts.append(r)
    except InputError as exc:  # unreadable from some line on: keep the rows read before it
        if not facts:
            raise
        ctx.errors.append(exc)
        facts.append(CollectionIssue(src=ctx.src(f"row {exc.line}" if exc.line else ""), source="training",
                                     reason=f"{ctx.path}: rows from line {exc.line or '?'} on could not be read"))
    if reader.dropped:
        lines = sorted(set(reader.dropped))
        shown = ", ".join(str(n) for n in lines[:10]) + (" ..." if len(lines) > 10 else "")
        facts.append(CollectionIssue(src=ctx.src(f"row {lines[0]}"), source="training",
                                     reason=f"{ctx.path}: {len(lines)} training row(s) could not be read (line "
                                            f"{shown})"))
    return ParseResult(facts=facts)


PARSER = register(
    Parser(
        name="lms_training",
        title="Training completions (LMS export, CSV / XLSX)",
        sniff=sniff,
        parse=parse,
        sources=("training",),
        reference="https://developer.knowbe4.com/rest/reporting#tag/Training",
    )
)
