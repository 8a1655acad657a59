"""Security awareness training completions: LMS enrollment exports as CSV or XLSX.

The spec ``trustgap/evidence/formats/lms_training.yaml`` lists the column names (compared by their words, and
weighed with what the columns hold); this module is its hook. The names come from:

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

The scope file can map any other header (``parsers.lms_training.columns: {completed: "Finished"}``; field
names are the keys of the spec's ``fields``), read slashed dates day first (``day_first: true``), and restrict which
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
from datetime import date
from typing import Any

from trustgap.dates import DateParseError
from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.evidence.mapping_values import parse_day
from trustgap.evidence.tabular import parse_bool
from trustgap.facts import Record

_DONE = {"completed", "complete", "passed", "pass", "done", "finished", "acknowledged", "completed late",
         "bestanden", "abgeschlossen", "erledigt", "absolviert"}
_FAILED = {"failed", "fail", "not passed", "nicht bestanden", "durchgefallen"}
_PASSED = {"passed", "bestanden"}
_YES = {"yes", "y", "true", "ja"}
_DEFAULT_TITLE = "Security awareness training"


def _key(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value).strip().lower().replace("_", " ").replace("-", " "))


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    return s or None


def _courses(hc: HookContext) -> list[str] | None:
    raw = hc.ctx.options.get("courses")
    if raw is None:
        return None
    items = raw if isinstance(raw, list) else [raw]
    return [str(c).strip().lower() for c in items if str(c).strip()] or None


def _completed(row: MappedRow, hc: HookContext, day_first: bool) -> tuple[date | None, bool]:
    """(completion date, ok): a completion column may hold a date or a yes / no; anything else is an error."""
    raw = row.get("completed")
    if raw is None or isinstance(raw, bool) or (isinstance(raw, str) and parse_bool(raw) is not None):
        return None, True
    try:
        return parse_day(raw, day_first), True
    except DateParseError:
        hc.error(f"not a date: {raw!r}", row, "completed")
        return None, False


def _record(row: MappedRow, hc: HookContext, courses: list[str] | None, day_first: bool) -> Record | None:
    course = _text(row.get("course"))
    campaign = _text(row.get("campaign"))
    if courses is not None:
        names = " ".join(x for x in (course, campaign) if x).lower()
        if not any(c in names for c in courses):
            return None
    email = row.get("email")
    if email is None:
        raw = _text(row.raw.get(row.header("email")))
        if "email" not in row.bad:
            hc.error(f"no e-mail address to tell whose training this is ({raw!r})", row, "email")
        if row.line is not None:
            hc.dropped.append(row.line)
        hc.reading.skipped.append((row.line, "no e-mail address"))
        return None
    status_raw = _text(row.get("status"))
    status = _key(status_raw) if status_raw else None
    completed, ok = _completed(row, hc, day_first)
    if completed is None and not ok:
        if row.line is not None:
            hc.dropped.append(row.line)
        return None
    cell = row.get("completed")
    said_done = cell is True or (isinstance(cell, str) and parse_bool(cell) is True) or status in _YES
    done = completed is not None or status in _DONE or said_done
    content_type = _key(row.get("content_type") or "")
    kind = "policy_acknowledgement" if "policy" in content_type else "security_training"
    ack = row.get("policy_ack")
    if kind == "policy_acknowledgement" and (ack is True or parse_bool(_text(ack)) is True):
        done = True
    enrolled, started, due = row.get("enrolled"), row.get("started"), row.get("due")
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
    src = hc.ctx.src(row.locator)
    if done:
        if completed is None:
            hc.error(f"marked {status_raw or 'completed'} but no completion date", row, "completed")
            if row.line is not None:
                hc.dropped.append(row.line)
            hc.reading.skipped.append((row.line, "completed without a completion date"))
            return None
        if due is not None and completed > due:
            details["overdue"] = True
        outcome = "failed" if status in _FAILED else ("passed" if status in _PASSED else "completed")
        return Record(src=src, kind=kind, performed_on=completed, subject=email, title=title, outcome=outcome,
                      details=details)
    for key, day in (("enrolled_on", enrolled), ("started_on", started), ("due_on", due)):
        if day is not None:
            details["date_from"] = key
            if due is not None and due < hc.ctx.as_of:
                details["overdue"] = True
            outcome = status if status and parse_bool(status) is None else "not completed"
            return Record(src=src, kind=kind, performed_on=day, subject=email, title=title, outcome=outcome,
                          details=details)
    return None  # not completed and never dated: nothing on record


@register_hook("lms_training")
def trainings(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    courses = _courses(hc)
    day_first = hc.ctx.options.get("day_first") is True
    return [r for row in rows if (r := _record(row, hc, courses, day_first)) is not None]
