"""TalentLMS REST API v1 answers: users, and course completions from the course or the user side, joined by user id.

Format reference: the TalentLMS API documentation (https://www.talentlms.com/pages/docs/TalentLMS-API-Documentation.pdf
and https://help.talentlms.com/hc/en-us/articles/9651465839772-How-to-use-the-TalentLMS-API):

- ``GET /api/v1/users``: an array of users, each with ``id``, ``login``, ``first_name``, ``last_name``, ``email``,
  ``user_type``, ``status`` (``active`` / ``inactive``), ``deactivation_date``, ``created_on``, ``last_updated``,
  ``last_updated_timestamp``;
- ``GET /api/v1/users/id:{id}``: one user, the same members plus ``courses[]`` with ``id``, ``name``, ``role``
  (``learner`` / ``instructor``), ``enrolled_on`` and ``enrolled_on_timestamp``, ``completion_status``
  (``Completed``, ``Not attempted``, ``Incomplete``, ``Not passed``...), ``completion_percentage``, ``completed_on``
  and ``completed_on_timestamp``, ``expired_on`` and ``expired_on_timestamp``, ``total_time``;
- ``GET /api/v1/courses/id:{id}``: one course (``id``, ``name``, ``code``, ``status``...) with ``users[]``: ``id``,
  ``name``, ``role``, ``enrolled_on(_timestamp)``, ``completed_on(_timestamp)``, ``completion_percentage``,
  ``expired_on(_timestamp)``. Course users carry no e-mail: they are joined to the users listing by ``id``.

Numbers come as strings; times both as text in the portal's date format (``21/05/2014, 11:09:14``) and as epoch
seconds (``*_timestamp``), which are read first. Text dates are read day first unless
``parsers: {talentlms: {day_first: false}}`` says otherwise.

Facts (``finalize``): one :class:`Record` per learner enrolment, as the ``lms_training`` reader makes them: kind
``security_training``, ``subject`` = the learner's e-mail, ``title`` = the course; completed (a completion time, or
status Completed): ``performed_on`` = the completion day, outcome ``completed`` (``failed`` for Not passed);
otherwise ``performed_on`` = the enrolment day and outcome the status lower-cased (``not completed`` without one),
never counted as a completion. ``parsers: {talentlms: {courses: [security, phishing]}}`` keeps only the courses whose
name contains one of those words. Instructors' enrolments are left out. A learner whose e-mail is in no users
listing becomes a ``training`` collection problem (an unknown learner must not let anyone look untrained).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from trustgap.dates import DateParseError
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import head_text, json_field, load_json, text_or_none
from trustgap.evidence.parsers.hr_roster import parse_day
from trustgap.facts import CollectionIssue, Record, Src, norm_email

_USER_KEYS = ('"login"', '"user_type"', '"last_updated_timestamp"')
_ENROL_KEYS = ('"completed_on_timestamp"', '"enrolled_on_timestamp"', '"completion_percentage"')


@dataclass(frozen=True, slots=True, kw_only=True)
class LmsUser:
    src: Src
    user_id: str
    email: str | None
    name: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Enrolment:
    src: Src
    user_id: str
    email: str | None  # known when read from the user side
    course_id: str | None
    course: str | None
    status: str | None
    completed_on: date | None
    enrolled_on: date | None
    percentage: str | None
    path: str


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 16384)
    if not head.lstrip().startswith(("[", "{")):
        return 0
    if sum(k in head for k in _USER_KEYS) >= 2:
        return 10
    if '"users"' in head and sum(k in head for k in _ENROL_KEYS) >= 2:
        return 10
    return 0


def _day(obj: dict[str, Any], key: str, where: str, ctx: ParseContext) -> date | None:
    stamp = obj.get(f"{key}_timestamp")
    if isinstance(stamp, int | str) and str(stamp).strip().isdigit():
        return datetime.fromtimestamp(int(str(stamp).strip()), tz=UTC).date()
    text = text_or_none(obj.get(key))
    if text is None:
        return None
    try:
        return parse_day(text.split(",")[0].strip(), day_first=bool(ctx.options.get("day_first", True)))
    except (DateParseError, ValueError, TypeError):
        ctx.error(f"{where}.{key}: not a date: {text!r}", field=json_field(where, key))
        return None


def _enrolment(item: Any, ctx: ParseContext, where: str, *, user_id: str | None, email: str | None,
               course_id: str | None, course: str | None) -> Enrolment | None:
    if not isinstance(item, dict):
        ctx.error(f"{where} is not an object", field=json_field(where))
        return None
    if (text_or_none(item.get("role")) or "learner").lower() != "learner":
        return None
    uid = user_id or text_or_none(item.get("id"))
    name = course or (text_or_none(item.get("name")) if user_id else None)
    if not _wanted(name, ctx.options.get("courses")):
        return None
    if uid is None:
        ctx.error(f"{where} has no user id", field=json_field(where, "id"))
        return None
    return Enrolment(
        src=ctx.src(where), user_id=uid, email=email,
        course_id=course_id or (text_or_none(item.get("id")) if user_id else None),
        course=name,
        status=text_or_none(item.get("completion_status")), completed_on=_day(item, "completed_on", where, ctx),
        enrolled_on=_day(item, "enrolled_on", where, ctx), percentage=text_or_none(item.get("completion_percentage")),
        path=ctx.path,
    )


def _user(item: dict[str, Any], ctx: ParseContext, where: str) -> list[Any]:
    uid = text_or_none(item.get("id"))
    if uid is None:
        ctx.error(f"{where} has no id", field=json_field(where, "id"))
        return []
    email = norm_email(text_or_none(item.get("email")))
    name = " ".join(p for p in (text_or_none(item.get("first_name")), text_or_none(item.get("last_name"))) if p)
    out: list[Any] = [LmsUser(src=ctx.src(where), user_id=uid, email=email, name=name or None)]
    courses = item.get("courses")
    if isinstance(courses, list):
        for i, c in enumerate(courses):
            e = _enrolment(c, ctx, f"{where}.courses[{i}]", user_id=uid, email=email, course_id=None, course=None)
            if e is not None:
                out.append(e)
    return out


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    facts: list[Any] = []
    if isinstance(doc, dict) and isinstance(doc.get("users"), list):  # a course with its users
        course_id, course = text_or_none(doc.get("id")), text_or_none(doc.get("name"))
        for i, item in enumerate(doc["users"]):
            e = _enrolment(item, ctx, f"$.users[{i}]", user_id=None, email=None, course_id=course_id, course=course)
            if e is not None:
                facts.append(e)
        return ParseResult(facts=facts)
    items = doc if isinstance(doc, list) else [doc] if isinstance(doc, dict) else None
    if items is None:
        raise InputError(ctx.path, "not a TalentLMS answer: neither users nor a course", line=1)
    for i, item in enumerate(items):
        where = f"$[{i}]" if isinstance(doc, list) else "$"
        if not isinstance(item, dict):
            ctx.error(f"{where} is not an object", field=json_field(where))
            continue
        facts.extend(_user(item, ctx, where))
    return ParseResult(facts=facts)


def _wanted(course: str | None, words: Any) -> bool:
    if not isinstance(words, list) or not words:
        return True
    return any(str(w).lower() in (course or "").lower() for w in words)


def finalize(facts: list[Any]) -> list[Any]:
    users = {f.user_id: f for f in facts if isinstance(f, LmsUser)}
    out: list[Any] = [f for f in facts if not isinstance(f, LmsUser | Enrolment)]
    seen: set[tuple[str, str]] = set()
    for e in (f for f in facts if isinstance(f, Enrolment)):
        email = e.email or (users[e.user_id].email if e.user_id in users else None)
        if email is None:
            out.append(CollectionIssue(src=e.src, source="training", reason=f"{e.path}: TalentLMS user {e.user_id} "
                                       f"enrolled in {e.course or 'a course'} has no e-mail in the evidence"))
            continue
        key = (email, e.course_id or e.course or "")
        if key in seen:
            continue
        seen.add(key)
        status = (e.status or "").strip().lower()
        details = {"platform": "talentlms", "course_id": e.course_id, "status": e.status,
                   "completion_percentage": e.percentage,
                   "enrolled_on": e.enrolled_on.isoformat() if e.enrolled_on else None}
        if e.completed_on is not None or status == "completed":
            day = e.completed_on or e.enrolled_on
            if day is None:
                out.append(CollectionIssue(src=e.src, source="training", reason=f"{e.path}: {email} completed "
                                           f"{e.course} with no readable completion date"))
                continue
            outcome = "failed" if status in ("not passed", "failed") else "completed"
            out.append(Record(src=e.src, kind="security_training", performed_on=day, subject=email, title=e.course,
                              outcome=outcome, details=details))
        elif e.enrolled_on is not None:
            details["date_from"] = "enrolled_on"
            out.append(Record(src=e.src, kind="security_training", performed_on=e.enrolled_on, subject=email,
                              title=e.course, outcome=status or "not completed", details=details))
    return out


PARSER = register(
    Parser(
        name="talentlms",
        title="TalentLMS API (users, course completions)",
        sniff=sniff,
        parse=parse,
        finalize=finalize,
        sources=("training",),
        reference="https://www.talentlms.com/pages/docs/TalentLMS-API-Documentation.pdf",
    )
)
