"""HR roster exports (CSV or XLSX): who works here, since when, and who left when.

Each HR system names its columns its own way; :data:`ALIASES` maps the names they use (compared after
lower-casing and turning punctuation into ``_``, so ``Work E-mail`` = ``work_e_mail``):

- BambooHR report columns and API field names (the field list of BambooHR's API documentation, as mirrored by
  https://metacpan.org/pod/WebService::BambooHR::Employee): ``Employee #`` (``employeeNumber``), ``First Name``,
  ``Last Name``, ``Work Email`` (``workEmail``), ``Department``, ``Division``, ``Job Title``, ``Supervisor``,
  ``Employment Status`` (``employmentHistoryStatus``: Full-Time, Part-Time, Contractor, ...), ``Hire Date``,
  ``Original Hire Date``, ``Rehire Date``, ``Termination Date``, ``Status`` (Active / Inactive), ``Location``;
- Rippling custom reports (fields picked under Employee > Employment information, as Rippling's report builder is
  described at https://help.lattice.com/hc/en-us/articles/1500000933022): ``Legal first name``, ``Legal last
  name``, ``Work email``, ``Title``, ``Manager - Work email``, ``Employment status``, ``Employment type``,
  ``Start date``, ``Termination date``, ``Work location``;
- Gusto employee reports and API fields (``first_name``, ``last_name``, ``work_email``, ``department``,
  ``jobs[].title``, ``jobs[].hire_date``, ``terminations``; https://docs.charthop.com/synced-data-from-gusto):
  ``Work email``, ``Hire date``, ``Termination date``, ``Dismissal date``, ``Gusto employee ID``;
- Workday custom reports over the Worker business object (field list e.g. at https://documentation.sailpoint.com/
  connectors/workday/help/integrating_workday/account_attributes.html): ``Employee ID``, ``Worker``, ``Legal Name -
  First Name``, ``Primary Work Email``, ``Business Title``, ``Job Profile``, ``Supervisory Organization``,
  ``Manager``, ``Hire Date``, ``Termination Date``, ``Worker Type`` (Employee / Contingent Worker), ``Employee
  Type`` (Regular, Temporary, Intern ...), ``Active Status``;
- ADP Workforce Now custom reports (report field names as ADP labels them): ``Associate ID``, ``File Number``,
  ``Legal First Name``, ``Legal Last Name``, ``Work Contact: Work Email``, ``Position Status`` (Active, Leave,
  Terminated), ``Hire Date``, ``Rehire Date``, ``Termination Date``, ``Reports To Name``, ``Home Department
  Description``, ``Job Title Description``, ``Location Description``; Deel people exports (``Worker ID``, ``Contract
  status``, ``Start date``, ``End date``);
- HiBob people reports (``Employee ID``, ``Display name``, ``Email``, ``Reports to``, ``Site``, ``Start date``,
  ``Termination date``, ``Employment type``, ``Lifecycle status``; https://docs.siit.io/integrations/hris/hibob);
- Personio preset attributes (https://support.personio.de/hc/en-us/articles/115002699585): ``Personnel number``,
  ``Email``, ``Position``, ``Office``, ``Supervisor``, ``Status`` (Onboarding, Active, Inactive, Leave), ``Hire
  date``, ``End of employment``, ``Contract end date``, ``Employment type`` (internal / external); in a
  German interface ``Personalnummer``, ``Vorname``, ``Nachname``, ``E-Mail``, ``Abteilung``, ``Vorgesetzter``,
  ``Status`` (Aktiv, Inaktiv, Onboarding), ``Eintrittsdatum``, ``Austrittsdatum``. Spreadsheet exports separated
  by semicolons (where the comma is the decimal mark) or tabs are read too.

The scope file can map any other header (``parsers.hr_roster.columns: {email: "Courriel", hire_date: "Embauche"}``;
the canonical names are the keys of :data:`ALIASES`), and ``parsers.hr_roster.day_first: true`` reads slashed dates
as DD/MM/YYYY (the default is the US MM/DD/YYYY; dotted dates ``31.12.2026`` are always day first).

Normalisation
- status: ``active``, ``terminated`` (inactive, former, separated, ...), ``leave``; other values lower-cased. A
  column such as BambooHR's "Employment Status" that holds either a status or an employment type is read by value.
- employment type: ``employee`` (full-time, part-time, regular, permanent, internal ...), ``contractor``
  (contract, contingent worker, consultant, freelance, external, 1099), ``intern``, ``temporary``.
- a rehire date after the termination date makes the person current again (hire date = rehire date).
- personal e-mail columns are never used for identity: accounts are matched on work e-mail.

Records also read from a roster when it has the columns: background check status / date (``background_check``; a
status of no / not started / not required / waived records nothing, so the person has no check on record),
policy and code-of-conduct acknowledgement dates (``policy_acknowledgement``, titled "Security policies" and "Code
of conduct"), security training date (``security_training``).

One :class:`Person` per row. A row without e-mail is kept but reported (it cannot be matched to accounts); a row
with nothing to identify the person, or whose termination date cannot be read, is reported and recorded as a
:class:`CollectionIssue` of source ``hr.roster`` (a leaver who cannot be read must not let offboarding checks pass).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from trustgap.dates import DateParseError, parse_date
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
from trustgap.evidence.tabular import header_fields, norm_header, parse_bool
from trustgap.facts import CollectionIssue, Person, Record, norm_email

ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("employee_id", "employee_number", "employee", "employeenumber", "employee_no", "emp_id",
                    "employee_code", "worker_id", "gusto_employee_id", "personnel_number", "person_number",
                    "associate_id", "file_number", "eid", "id", "personalnummer", "mitarbeiternummer"),
    "email": ("work_email", "workemail", "primary_work_email", "email_primary_work", "work_email_address",
              "business_email", "company_email", "work_e_mail", "work_contact_work_email", "email", "email_address",
              "e_mail", "employee_email", "login_email", "user_email", "primary_email"),
    "first_name": ("first_name", "legal_first_name", "legal_name_first_name", "firstname", "given_name",
                   "preferred_first_name", "first", "vorname"),
    "last_name": ("last_name", "legal_last_name", "legal_name_last_name", "lastname", "surname", "family_name",
                  "last", "nachname"),
    "name": ("name", "full_name", "employee_name", "worker", "display_name", "displayname", "legal_name",
             "employee_full_name", "worker_name"),
    "department": ("department", "department_name", "dept", "team", "division", "supervisory_organization",
                   "org_unit", "organization", "cost_center", "home_department_description", "home_department",
                   "abteilung"),
    "title": ("job_title", "jobtitle", "title", "business_title", "position", "position_title", "job_profile",
              "role", "job", "job_title_description"),
    "manager_email": ("manager_email", "manager_work_email", "manager_email_address", "supervisor_email",
                      "supervisoremail", "reports_to_email", "manager_s_email", "line_manager_email"),
    "manager": ("manager", "manager_name", "supervisor", "reports_to", "reporting_to", "line_manager",
                "direct_manager", "reports_to_name", "reports_to_legal_name", "vorgesetzter", "vorgesetzte_r",
                "vorgesetzte"),
    "status": ("status", "employee_status", "worker_status", "active_status", "lifecycle_status", "current_status",
               "internal_status", "account_status", "active", "is_active", "position_status", "contract_status"),
    "employment_status": ("employment_status", "employmenthistorystatus", "employment_history_status"),
    "employment_type": ("employment_type", "worker_type", "worker_category", "contract_type", "type_of_employment",
                        "employment_classification", "classification"),
    "employment_subtype": ("employee_type", "worker_sub_type", "contingent_worker_type", "employee_subtype"),
    "hire_date": ("hire_date", "hiredate", "start_date", "date_of_hire", "hired_on", "employment_start_date",
                  "joining_date", "join_date", "date_joined", "first_day", "original_hire_date", "originalhiredate",
                  "most_recent_hire_date", "start", "eintrittsdatum", "eintritt"),
    "rehire_date": ("rehire_date", "re_hire_date", "rehiredate"),
    "termination_date": ("termination_date", "terminationdate", "end_of_employment", "end_date", "last_day",
                         "last_day_of_work", "last_working_day", "separation_date", "leave_date", "leaving_date",
                         "date_of_termination", "terminated_on", "termination_effective_date",
                         "employment_end_date", "exit_date", "dismissal_date", "contract_end_date",
                         "austrittsdatum", "austritt", "vertragsende"),
    "location": ("location", "work_location", "site", "office", "business_site", "location_name", "work_site",
                 "location_description",
                 "country", "work_country"),
    "background_status": ("background_check_status", "background_check", "background_check_result",
                          "bgc_status", "background_screening", "background_screening_status", "screening_status"),
    "background_date": ("background_check_date", "background_check_completed", "background_check_completed_date",
                        "background_check_completed_on", "bgc_date", "screening_date", "background_screening_date"),
    "policy_ack": ("policy_acknowledgement_date", "policy_acknowledgment_date", "policies_acknowledged",
                   "policies_acknowledged_on", "policy_acknowledged", "policy_acknowledged_on",
                   "security_policy_acknowledged", "security_policies_acknowledged", "policy_acceptance_date",
                   "policies_accepted", "handbook_acknowledgement_date", "handbook_acknowledgment_date",
                   "handbook_acknowledged"),
    "conduct_ack": ("code_of_conduct_acknowledgement_date", "code_of_conduct_acknowledgment_date",
                    "code_of_conduct_acknowledged", "code_of_conduct_signed", "code_of_conduct_date",
                    "code_of_conduct", "coc_acknowledged", "coc_signed"),
    "training_date": ("security_training_date", "security_training_completed", "security_awareness_training",
                      "security_awareness_training_date", "last_security_training"),
}
_STRONG = ("hire_date", "termination_date")
_SIGNALS = ("employee_id", "department", "title", "manager", "manager_email", "employment_status",
            "employment_type", "location", "rehire_date", "status")

# Columns of training (LMS) exports: a file with them is a training export even if it lists start dates.
_LMS_HEADERS = frozenset({"module_name", "module", "course", "course_name", "campaign_name", "campaign",
                          "enrollment_date", "completion_date", "completed_date", "learner_email"})
# English, and the German labels of Personio's and other HR systems' exports in a German interface
_ACTIVE = {"active", "employed", "current", "yes", "true", "1", "enabled", "working", "aktiv", "beschaftigt",
           "beschäftigt"}
_TERMINATED = {"terminated", "inactive", "former", "former employee", "terminated employee", "departed", "left",
               "leaver", "separated", "offboarded", "no", "false", "0", "disabled", "ended", "resigned", "dismissed",
               "deactivated", "termed", "inaktiv", "ausgeschieden", "gekundigt", "gekündigt"}
_LEAVE = {"leave", "on leave", "leave of absence", "loa", "parental leave", "garden leave", "sabbatical",
          "medical leave", "maternity leave", "paternity leave", "beurlaubt", "elternzeit", "abwesend"}
_PENDING = {"hired", "accepted", "onboarding", "pre hire", "prehire", "pending", "offer accepted", "not started",
            "eingestellt", "vorab"}
_NO_CHECK = {"n a", "na", "not applicable", "not required", "not started", "not done", "waived", "none"}
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(.*)$")


# --------------------------------------------------------------------------- values


def parse_day(value: Any, day_first: bool = False) -> date | None:
    """A calendar date from a cell: datetime / date values, ISO and the shapes of :mod:`trustgap.dates`, dotted
    ``DD.MM.YYYY``, and DD/MM/YYYY when ``day_first``. Raises :class:`DateParseError`; None for empty."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = _DOTTED.match(text)
    if m:
        try:
            return date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError as exc:
            raise DateParseError(f"not a valid date: {text!r}") from exc
    if day_first:
        m = _SLASHED.match(text)
        if m:
            text = f"{m[2]}/{m[1]}/{m[3]}{m[4]}"
    try:
        return parse_date(text)
    except (DateParseError, ValueError, OverflowError) as exc:
        raise DateParseError(f"not a recognised date: {value!r}") from exc


def _key(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value).strip().lower().replace("-", " ").replace("_", " "))


def status_of(value: Any) -> str | None:
    """active / terminated / leave, or the value lower-cased; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "active" if value else "terminated"
    k = _key(value)
    if k in _ACTIVE:
        return "active"
    if k in _TERMINATED:
        return "terminated"
    if k in _LEAVE or k.startswith("leave") or k.endswith(" leave"):
        return "leave"
    return k


def employment_type_of(value: Any) -> str | None:
    """employee / contractor / intern / temporary, or the value lower-cased."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    k = _key(value)
    if re.search(r"contract|contingent|consult|freelanc|1099|external|vendor|agency|self employed", k):
        return "contractor"
    if "internal" not in k and re.search(r"\bintern|apprentic|working student|trainee", k):
        return "intern"
    if re.search(r"\btemp", k):
        return "temporary"
    if re.search(r"full|part|regular|permanent|employee|salar|hourly|\bfte\b|\bw ?2\b|internal|seasonal|variable", k):
        return "employee"
    return k


def _is_status_word(value: Any) -> bool:
    k = _key(value)
    return k in _ACTIVE | _TERMINATED | _LEAVE | _PENDING or k.startswith("leave")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    return s or None


# --------------------------------------------------------------------------- recognition


def _accept(mapping: dict[str, str]) -> bool:
    return _score(mapping, [norm_header(h) for h in mapping.values()]) > 0


def _score(mapping: dict[str, str], headers: list[str]) -> int:
    if "email" not in mapping or _LMS_HEADERS & set(headers):
        return 0
    strong = any(k in mapping for k in _STRONG)
    signals = sum(1 for k in _SIGNALS if k in mapping)
    if strong and signals >= 1:
        return 9
    if strong:
        return 7
    if "employee_id" in mapping and any(k in mapping for k in ("employment_status", "employment_type", "status")) \
            and signals >= 3:
        return 6
    return 0


def sniff(data: bytes, name: str) -> int:
    if is_xlsx(data):
        return 9 if xlsx_header_accepted(data, ALIASES, _accept) else 0
    return _score(csv_header_mapping(data, ALIASES), header_fields(data))


# --------------------------------------------------------------------------- rows


class _Row:
    """Reading helpers for one row, reporting problems with the file's own column names."""

    def __init__(self, row: SheetRow, ctx: ParseContext, day_first: bool) -> None:
        self.row = row
        self.ctx = ctx
        self.day_first = day_first
        self.bad_fields: list[str] = []

    def text(self, key: str) -> str | None:
        return _text(self.row.get(key))

    def day(self, key: str) -> date | None:
        raw = self.row.get(key)
        try:
            return parse_day(raw, self.day_first)
        except DateParseError:
            self.ctx.error(f"not a date: {raw!r}", line=self.row.line, field=self.row.header(key))
            self.bad_fields.append(key)
            return None

    def email(self, key: str) -> str | None:
        raw = self.text(key)
        if raw is None:
            return None
        if "@" not in raw or " " in raw.strip():
            self.ctx.error(f"not an e-mail address: {raw!r}", line=self.row.line, field=self.row.header(key))
            return None
        return norm_email(raw)


def _ack(r: _Row, key: str) -> date | None:
    """The date of an acknowledgement column; yes / no alone carries no date."""
    raw = r.row.get(key)
    if raw is None or isinstance(raw, bool) or (isinstance(raw, str) and parse_bool(raw) is not None):
        return None
    return r.day(key)


def _records(r: _Row, email: str, hire: date | None, locator: str) -> list[Record]:
    out: list[Record] = []
    src = r.ctx.src(locator)
    bg_status = r.text("background_status")
    bg_day = _ack(r, "background_date")
    if bg_status is not None and parse_bool(bg_status) is True:
        bg_status = "completed"
    not_done = bg_status is not None and (parse_bool(bg_status) is False or _key(bg_status) in _NO_CHECK)
    if not not_done and (bg_day is not None or bg_status is not None):
        details: dict[str, Any] = {"source": "hr roster"}
        day = bg_day
        if day is None and hire is not None:
            day, details["date_from"] = hire, "hire_date"
        if day is None:
            r.ctx.error("background check status without a date (and no hire date to date it by)",
                        line=r.row.line, field=r.row.header("background_status"))
        else:
            out.append(Record(src=src, kind="background_check", performed_on=day, subject=email,
                              title="Background check", outcome=bg_status, details=details))
    for key, title in (("policy_ack", "Security policies"), ("conduct_ack", "Code of conduct")):
        day = _ack(r, key)
        if day is not None:
            out.append(Record(src=src, kind="policy_acknowledgement", performed_on=day, subject=email, title=title,
                              details={"source": "hr roster", "column": r.row.header(key)}))
    day = _ack(r, "training_date")
    if day is not None:
        out.append(Record(src=src, kind="security_training", performed_on=day, subject=email,
                          title="Security awareness training", details={"source": "hr roster"}))
    return out


def _person(row: SheetRow, ctx: ParseContext, day_first: bool, dropped: list[int]) -> list[Any]:
    r = _Row(row, ctx, day_first)
    locator = f"{row.sheet}!row {row.line}" if row.sheet else f"row {row.line}"
    email = r.email("email")
    first, last = r.text("first_name"), r.text("last_name")
    name = r.text("name") or (" ".join(p for p in (first, last) if p) or None)
    employee_id = r.text("employee_id")
    if email is None and name is None and employee_id is None:
        ctx.error("row names nobody (no e-mail, name or employee id)", line=row.line, field=row.header("email"))
        dropped.append(row.line)
        return []
    if email is None and "email" not in r.bad_fields:
        ctx.error("no work e-mail: this person cannot be matched to accounts", line=row.line,
                  field=row.header("email"))
    status = status_of(row.get("status"))
    etype = employment_type_of(row.get("employment_type"))
    subtype = employment_type_of(row.get("employment_subtype"))  # Workday: Worker Type, then Employee Type
    if etype is None or (etype == "employee" and subtype in ("intern", "temporary", "contractor")):
        etype = subtype
    mixed = row.get("employment_status")
    if _text(mixed) is not None:
        if _is_status_word(mixed):
            status = status or status_of(mixed)
        else:
            etype = etype or employment_type_of(mixed)
    hire = r.day("hire_date")
    term = r.day("termination_date")
    rehire = r.day("rehire_date")
    if "termination_date" in r.bad_fields:
        dropped.append(row.line)
    if rehire is not None and term is not None and rehire > term:
        hire, term = rehire, None
        if status == "terminated":
            status = None
    manager = r.text("manager")
    manager_email = r.email("manager_email") or (norm_email(manager) if manager and "@" in manager else None)
    person = Person(
        src=ctx.src(locator), email=email, name=name, employee_id=employee_id, department=r.text("department"),
        title=r.text("title"), manager_email=manager_email, employment_type=etype, hire_date=hire,
        termination_date=term, status=status, location=r.text("location"),
    )
    return [person, *(_records(r, email, hire, locator) if email else [])]


def _override(ctx: ParseContext) -> dict[str, str] | None:
    columns = ctx.options.get("columns")
    if not isinstance(columns, dict):
        return None
    unknown = sorted(str(k) for k in columns if k not in ALIASES)
    if unknown:
        raise InputError(ctx.path, f"parsers.hr_roster.columns names unknown field(s) {', '.join(unknown)}; known: "
                         f"{', '.join(ALIASES)}", field="parsers.hr_roster.columns")
    return {str(k): str(v) for k, v in columns.items()}


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    override = _override(ctx)
    day_first = ctx.options.get("day_first") is True
    facts: list[Any] = []
    dropped: list[int] = []
    rows: Iterator[SheetRow]
    if is_xlsx(data):
        aliases = {k: ((override[k], *v) if override and k in override else v) for k, v in ALIASES.items()}
        rows = xlsx_rows(data, ctx.path, aliases, _accept)
    else:
        reject_binary(data, ctx.path, "a CSV or XLSX HR roster")
        rows = csv_rows(data, ctx.path, ALIASES, required=("email",), override=override)
    try:
        for row in rows:
            facts.extend(_person(row, ctx, day_first, dropped))
    except InputError as exc:  # unreadable from some line on: keep the people read before it
        if not facts:
            raise
        ctx.errors.append(exc)
        facts.append(CollectionIssue(src=ctx.src(f"row {exc.line}" if exc.line else ""), source="hr.roster",
                                     reason=f"{ctx.path}: rows from line {exc.line or '?'} on could not be read"))
    if dropped:
        lines = sorted(set(dropped))
        shown = ", ".join(str(n) for n in lines[:10]) + (" ..." if len(lines) > 10 else "")
        facts.append(CollectionIssue(src=ctx.src(f"row {lines[0]}"), source="hr.roster",
                                     reason=f"{ctx.path}: {len(lines)} roster row(s) could not be read fully "
                                            f"(line {shown})"))
    return ParseResult(facts=facts)


PARSER = register(
    Parser(
        name="hr_roster",
        title="HR roster (CSV / XLSX)",
        sniff=sniff,
        parse=parse,
        sources=("hr.roster",),
        reference="https://metacpan.org/pod/WebService::BambooHR::Employee",
    )
)
