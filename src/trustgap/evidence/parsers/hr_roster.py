"""HR roster exports (CSV or XLSX): who works here, since when, and who left when.

Each HR system names its columns its own way; the spec ``trustgap/evidence/formats/hr_roster.yaml`` lists the names
they use, and recognition weighs each column's header and values (an e-mail column full of addresses, dates, status
words), so renamed and reordered columns read the same. This module is the spec's hook. The names come from:

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
the field names are the keys of the spec's ``fields``), and ``parsers.hr_roster.day_first: true`` reads slashed dates
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
from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.evidence.mapping_values import parse_day
from trustgap.evidence.tabular import parse_bool
from trustgap.facts import Record, norm_email

__all__ = ["employment_type_of", "parse_day", "people", "status_of"]

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
    s = str(value).strip()
    return s or None


def _records(row: MappedRow, hc: HookContext, email: str) -> list[Record]:
    out: list[Record] = []
    src = hc.ctx.src(row.locator)
    hire = row.get("hire_date")
    bg_status = _text(row.get("background_status"))
    bg_day = row.get("background_date")
    if bg_status is not None and parse_bool(bg_status) is True:
        bg_status = "completed"
    not_done = bg_status is not None and (parse_bool(bg_status) is False or _key(bg_status) in _NO_CHECK)
    if not not_done and (bg_day is not None or bg_status is not None):
        details: dict[str, Any] = {"source": "hr roster"}
        day = bg_day
        if day is None and hire is not None:
            day, details["date_from"] = hire, "hire_date"
        if day is None:
            hc.error("background check status without a date (and no hire date to date it by)", row,
                     "background_status")
        else:
            out.append(Record(src=src, kind="background_check", performed_on=day, subject=email,
                              title="Background check", outcome=bg_status, details=details))
    for key, title in (("policy_ack", "Security policies"), ("conduct_ack", "Code of conduct")):
        day = row.get(key)
        if day is not None:
            out.append(Record(src=src, kind="policy_acknowledgement", performed_on=day, subject=email, title=title,
                              details={"source": "hr roster", "column": row.header(key)}))
    day = row.get("training_date")
    if day is not None:
        out.append(Record(src=src, kind="security_training", performed_on=day, subject=email,
                          title="Security awareness training", details={"source": "hr roster"}))
    return out


def _person(row: MappedRow, hc: HookContext) -> list[Any]:
    email = row.get("email")
    first, last = _text(row.get("first_name")), _text(row.get("last_name"))
    name = _text(row.get("name")) or (" ".join(p for p in (first, last) if p) or None)
    employee_id = _text(row.get("employee_id"))
    if email is None and name is None and employee_id is None:
        hc.skip(row, "row names nobody (no e-mail, name or employee id)", "email")
        return []
    if email is None and "email" not in row.bad:
        hc.error("no work e-mail: this person cannot be matched to accounts", row, "email")
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
    hire, term, rehire = row.get("hire_date"), row.get("termination_date"), row.get("rehire_date")
    if "termination_date" in row.bad and row.line is not None:
        hc.dropped.append(row.line)  # a leaver who cannot be read must not let offboarding checks pass
    if rehire is not None and term is not None and rehire > term:
        hire, term = rehire, None
        if status == "terminated":
            status = None
    manager = _text(row.get("manager"))
    manager_email = row.get("manager_email") or (norm_email(manager) if manager and "@" in manager else None)
    person = hc.fact(row, name=name, employee_id=employee_id, employment_type=etype, hire_date=hire,
                     termination_date=term, status=status, manager_email=manager_email,
                     department=_text(row.get("department")), title=_text(row.get("title")),
                     location=_text(row.get("location")))
    return [person, *(_records(row, hc, email) if email else [])]


@register_hook("hr_roster")
def people(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        out.extend(_person(row, hc))
    return out

