"""Narrative records: minutes and reports written as documents (Markdown, DOCX, PDF), read as
:class:`~trustgap.facts.Record` facts.

Kinds, from the title (any of English, German, French, Spanish, Dutch, Italian): tabletop exercise minutes,
incident response drills, disaster recovery and failover tests, backup restore tests, risk assessment memos,
post-incident reviews (postmortems, incident reports, root cause analyses), access review sign-offs, board
meeting minutes and management reviews, penetration test reports. A title that names a policy, plan,
procedure or standard ("Incident Response Plan", "Risk Assessment Procedure") is a policy document, not a
record, unless it also says it is minutes or a report of one ("DR Plan Test Report").

From the text:

* the date the activity happened, never the file's dates: an activity label ("Date of test", "Exercise
  date", "Review held", "Datum", "Fecha"), else a sentence ("held on 14 March 2026", "On 14 March 2026,
  the team ..."), else a date in the title, else the front matter ``date``; a report or document date is
  used only when nothing else dates the activity, and ``details["date_basis"]`` says so. No date: an error
  naming the file, no record;
* participants ("Attendees", "Teilnehmende", "Présents", ... as a line, a list or a table under such a
  heading; roles in brackets dropped), who led it ("Facilitator", "Chair", "Reviewer", "Prepared by");
* the outcome ("Result: Passed", "Ergebnis: ...", "The test was successful"), normalised to ``passed`` /
  ``failed`` when the words say so (``details["outcome_text"]`` keeps the text);
* for DR and restore tests: the system, recovery time and point objectives and what was achieved, in hours
  (``details["rto_target"]``, ``rto_achieved``, ``rpo_target``, ``rpo_achieved``), from labels ("RTO target:
  4 h", "Actual RTO: 3h20m"), sentences ("restored in 3 h 20 min (RTO 4 h)", "data loss 10 min (RPO 1 h)")
  or a table with one row per system (one record per row);
* issues found and follow-up actions (sections or labels: "Findings", "Lessons learned", "Action items",
  "Maßnahmen"), the root cause, and for post-incident reviews the incident (``subject`` and
  ``details["incident_id"]`` such as ``INC-2026-03`` or ``#312``, ``details["incident_date"]``);
* for risk assessments: how many risks were assessed, whether likelihood and impact were scored and
  treatments decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from trustgap.evidence.parsers import _record_fields as rf
from trustgap.evidence.parsers._doc_dates import DateReader, DateTextError
from trustgap.evidence.parsers._doc_text import DocBody, Table, label_value
from trustgap.evidence.parsers._document_fields import fold

# kind -> title phrases over folded text
_KIND_TITLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("post_incident_review", (r"\bpost ?incident", r"\bpost ?mortem", r"\bincident (?:report|review|analysis)",
                              r"\broot cause analysis", r"\brca\b", r"\bafter action", r"\bnachbetrachtung",
                              r"\bvorfallbericht", r"\bvorfallanalyse", r"\bretour d experience", r"\bretex\b",
                              r"\brapport d incident", r"\binforme de(?:l)? incidente", r"\banalisis post",
                              r"\bincidentrapport", r"\bevaluatie van (?:het )?incident")),
    ("tabletop_exercise", (r"\btable ?top", r"\bttx\b", r"\bplanspiel", r"\bexercice sur table",
                           r"\bsimulacro de mesa", r"\bejercicio de mesa")),
    ("incident_response_test", (r"\bincident response (?:exercise|drill|test|simulation)",
                                r"\bir (?:drill|exercise|test)\b", r"\bincident simulation",
                                r"\bnotfallubung sicherheitsvorfall")),
    ("backup_restore_test", (r"\brestor(?:e|ation) tests?", r"\bbackup (?:restore|recovery|restoration)? ?tests?",
                             r"\brecovery test of backups", r"\bwiederherstellungstest", r"\bruecksicherung",
                             r"\brucksicherung", r"\btest de restauration", r"\bprueba de restauracion",
                             r"\bhersteltest")),
    ("dr_test", (r"\bdisaster recovery (?:test|exercise|drill|simulation)", r"\bdr (?:test|exercise|drill)",
                 r"\bfailover (?:test|exercise)", r"\bbcp (?:test|exercise)",
                 r"\bbusiness continuity (?:test|exercise)", r"\bnotfall ?(?:ubung|test)", r"\bwiederanlauftest",
                 r"\bk ?fall ?(?:ubung|test)", r"\btest de (?:reprise|continuite)", r"\bexercice de (?:reprise|crise)",
                 r"\bprueba de (?:recuperacion|continuidad)", r"\buitwijktest", r"\bdisaster recovery test report")),
    ("access_review", (r"\baccess (?:review|recertification|certification)", r"\buser access review",
                       r"\bentitlement review", r"\buar\b", r"\bzugriffs ?rezertifizierung", r"\brezertifizierung",
                       r"\bberechtigungs ?(?:uberprufung|review|rezertifizierung)", r"\brevue des (?:acces|droits)",
                       r"\brevision de accesos", r"\btoegangsreview")),
    ("risk_assessment", (r"\brisk (?:assessment|analysis|review)", r"\brisikobewertung", r"\brisikoanalyse",
                         r"\brisikobeurteilung", r"\bevaluation des risques", r"\banalyse des risques",
                         r"\bevaluacion de riesgos", r"\banalisis de riesgos", r"\brisicoanalyse",
                         r"\bvalutazione dei rischi")),
    ("management_review", (r"\bmanagement review", r"\bmanagement meeting", r"\bsecurity (?:steering )?committee",
                           r"\bsteering committee", r"\bmanagementbewertung", r"\bmanagement ?review",
                           r"\bcomite de (?:securite|direction|seguridad)", r"\brevue de direction",
                           r"\brevision por la direccion", r"\bdirectiebeoordeling")),
    ("board_meeting", (r"\bboard (?:meeting|minutes|of directors)", r"\bvorstandssitzung", r"\baufsichtsrat",
                       r"\bgeschaftsfuhrung", r"\bconseil d administration", r"\bconsejo de administracion",
                       r"\braad van bestuur", r"\bconsiglio di amministrazione")),
    ("penetration_test", (r"\bpenetration test(?:ing)? report", r"\bpen ?test report", r"\bpentest report",
                          r"\bpenetrationstest ?bericht")),
)
_KIND_RE = tuple((kind, tuple(re.compile(p) for p in pats)) for kind, pats in _KIND_TITLES)
_POLICY_WORDS = re.compile(r"\b(?:polic(?:y|ies)|plan|procedures?|standards?|guidelines?|playbook|runbook|handbook|"
                           r"templates?|richtlinie|leitlinie|verfahren|vorlage|politique|procedure|politica|"
                           r"procedimiento|plantilla|beleid|procedura|konzept)\b")
_RECORD_WORDS = re.compile(r"\b(?:minutes|protocol|protokoll|report|bericht|results?|ergebnisse?|summary|memo|"
                           r"sign ?off|attestation|compte rendu|proces verbal|acta|informe|verslag|notulen|verbale|"
                           r"findings|outcome|conducted|held)\b")

_DATE_LABELS = {
    "date", "datum", "fecha", "data", "date and time", "date time", "date/time", "datum und uhrzeit", "when",
    "test date", "date of test", "exercise date", "date of exercise", "meeting date", "date of meeting",
    "review date", "date of review", "assessment date", "date of assessment", "held on", "conducted on",
    "performed on", "date held", "date conducted", "date performed", "review held", "review meeting",
    "review held on", "postmortem date", "postmortem held", "sign off date", "signed off on", "completed on",
    "completion date", "testdatum", "ubungsdatum", "durchgefuhrt am", "sitzung am", "besprechung am", "termin",
    "sitzungsdatum", "review am", "datum der ubung", "datum des tests", "datum der besprechung",
    "date de l exercice", "date du test", "date de la reunion", "date de revue", "fecha de la prueba",
    "fecha del ejercicio", "fecha de la reunion", "fecha de revision", "datum van de test",
    "datum vergadering", "data del test", "data della riunione", "tested on", "exercise held",
}
_REPORT_DATE_LABELS = {"report date", "date of report", "document date", "prepared on", "issued", "issue date",
                       "berichtsdatum", "erstellt am", "date du rapport", "fecha del informe", "rapportdatum"}
_INCIDENT_DATE_LABELS = {"incident date", "date of incident", "incident", "occurred", "occurred on", "incident start",
                         "started", "vorfall", "vorfallsdatum", "datum des vorfalls", "date de l incident",
                         "fecha del incidente", "detected", "detected at", "impact start", "outage"}
_PARTICIPANT_LABELS = {"participants", "attendees", "present", "attendance", "in attendance", "attending",
                       "teilnehmende", "teilnehmer", "teilnehmerinnen", "anwesend", "anwesende", "presents",
                       "participants presents", "participantes", "asistentes", "aanwezigen", "aanwezig", "deelnemers",
                       "partecipanti", "presenti", "reviewers", "team", "responders", "members present"}
_LEAD_LABELS = {"facilitator", "facilitated by", "conducted by", "led by", "lead", "chair", "chaired by",
                "chairperson", "moderator", "moderation", "leitung", "durchgefuhrt von", "vorsitz", "animateur",
                "anime par", "facilitador", "dirigido por", "voorzitter", "reviewer", "reviewed by", "assessor",
                "assessed by", "tester", "tested by", "performed by", "signed off by", "sign off", "approved by",
                "incident commander", "prepared by", "author", "erstellt von", "verfasst von", "redige par",
                "preparado por", "opgesteld door"}
_OUTCOME_LABELS = {"outcome", "result", "results", "overall result", "test result", "conclusion", "conclusions",
                   "status", "overall status", "ergebnis", "ergebnisse", "fazit", "resultat", "resultats",
                   "conclusion generale", "resultado", "resultados", "resultaat", "uitkomst",
                   "risultato", "esito", "verdict", "summary", "zusammenfassung"}
_SCENARIO_LABELS = {"scenario", "szenario", "scénario", "escenario", "scenario tested", "exercise scenario",
                    "subject", "topic", "thema", "betreff", "objet", "asunto", "onderwerp", "title"}
_SYSTEM_LABELS = {"system", "systems", "system tested", "application", "service", "database", "scope", "systeme",
                  "system name", "anwendung", "systeem", "sistema", "in scope"}
_ROOT_CAUSE_LABELS = {"root cause", "cause", "ursache", "grundursache", "cause racine", "cause premiere",
                      "causa raiz", "causa", "oorzaak", "grondoorzaak", "causa principale"}
_ACTION_LABELS = {"actions", "action items", "follow up", "follow up actions", "follow ups", "next steps",
                  "remediation", "corrective actions", "massnahmen", "aufgaben", "nachste schritte",
                  "actions correctives", "plan d action", "acciones", "acciones correctivas", "acties",
                  "vervolgacties", "azioni"}
_ISSUE_LABELS = {"findings", "issues", "issues found", "issues identified", "gaps", "gaps identified",
                 "observations", "lessons learned", "what went wrong", "problems", "feststellungen", "erkenntnisse",
                 "befunde", "schwachstellen", "constats", "enseignements", "hallazgos", "lecciones aprendidas",
                 "bevindingen", "lessen", "criticita", "osservazioni"}
_INCIDENT_ID = re.compile(r"(?<![\w-])(?:[A-Z][A-Z0-9]{1,9}-\d{1,6}(?:-\d{1,6})?|#\d{1,7})(?![\w-])")

_PASS = re.compile(r"\b(?:pass(?:ed)?|successful(?:ly)?|success|succeeded|met|achieved|completed successfully|"
                   r"bestanden|erfolgreich|reussi|reussie|exitos[oa]|superad[oa]|geslaagd|superato|ok)\b")
_FAIL = re.compile(r"\b(?:fail(?:ed|ure)?|unsuccessful|not met|missed|exceeded|not achieved|nicht bestanden|"
                   r"fehlgeschlagen|nicht erfolgreich|echec|echoue|fallid[oa]|no superad[oa]|mislukt|fallito)\b")
_DURATION = re.compile(r"(\d{1,5}(?:[.,]\d{1,3})?)[ \t]*(days?|d\b|tage?n?\b|jours?|dias?|dagen|giorni|"
                       r"hours?|hrs?|h\b|stunden?|std\b|heures?|horas?|uur|ore\b|"
                       r"minutes?|mins?|m\b|minuten|minutos|minuti)", re.I)
_HOURS_PER_UNIT = {"d": 24.0, "t": 24.0, "j": 24.0, "g": 24.0, "h": 1.0, "s": 1.0, "u": 1.0, "o": 1.0, "m": 1 / 60}
# an activity verb, then (after an optional "on" / "am" / "le" ...) its date; or a sentence opening "On <date>,"
_ACTIVITY_SENTENCE = re.compile(r"\b(?:held|conducted|performed|carried[ \t]+out|ran|took[ \t]+place|tested|executed|"
                                r"durchgeführt|durchgefuehrt|stattgefunden|réalisée?|tenue|realizad[oa]|celebrad[oa]|"
                                r"uitgevoerd|gehouden|svolt[oa])(?:[ \t]+(?:on|am|le|el|op|il|in))?[ \t]+"
                                r"|^[ \t]*(?:on|am|le|el|op|il)[ \t]+", re.I)


@dataclass
class NarrativeReading:
    records: list[dict[str, Any]] = field(default_factory=list)  # Record fields, src locator under "locator"
    errors: list[tuple[str, int | None, str | None]] = field(default_factory=list)  # (message, line, field)


def record_kind(title: str | None) -> str | None:
    """The record kind a document title names, or None (no record, or a policy about the activity)."""
    if not title:
        return None
    text = " ".join(fold(title[:300]).replace("_", " ").split())
    for kind, patterns in _KIND_RE:
        if any(p.search(text) for p in patterns):
            if _POLICY_WORDS.search(text) and not _RECORD_WORDS.search(text):
                return None
            return kind
    return None


def _label(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").replace("/", " / ").split()).strip(" :*.").replace(" / ", "/")


def _hours(text: str) -> float | None:
    """"3 h 20 min" -> 3.33, "45 minutes" -> 0.75, "1 day" -> 24: the first run of duration parts."""
    total = 0.0
    last_end: int | None = None
    for m in _DURATION.finditer(text[:200]):
        if last_end is not None and text[last_end:m.start()].strip(" ,and") != "":
            break
        unit = m.group(2).lower()
        total += float(m.group(1).replace(",", ".")) * _HOURS_PER_UNIT.get(unit[0], 1.0)
        last_end = m.end()
    return round(total, 4) if last_end is not None else None


def _people(value: str) -> tuple[str, ...]:
    """Names or e-mails from "Dana Lee (CISO), Ken Ito and Ana Ruiz"; roles in brackets are dropped."""
    plain = re.sub(r"\([^()]{0,80}\)", " ", value[:2000])
    plain = re.sub(r"\b(?:and|und|et|y|en|e)\b", ",", plain)
    names = rf.people(plain)
    return tuple(n.strip(" .-–") for n in names if n.strip(" .-–") and len(n) <= 80)


def _verdict(text: str) -> str | None:
    words = fold(text)
    failed, passed = bool(_FAIL.search(words)), bool(_PASS.search(words))
    if failed and not passed:
        return "failed"
    if passed and not failed:
        return "passed"
    return None


@dataclass
class _Fields:
    dates: dict[str, tuple[date, int]] = field(default_factory=dict)  # which -> (date, line index)
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # which -> (text, line index)
    participants: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


# "Root cause: expired certificate. Actions: monitoring added." holds two statements
_INLINE_LABEL = re.compile(r"(?<=[.;])[ \t]+(?=[^\W\d_][\w ]{1,30}:[ \t])")


def _read_labels(body: DocBody, reader: DateReader, out: NarrativeReading, f: _Fields) -> None:
    for i, whole in enumerate(body.lines[:400]):
        for line in _INLINE_LABEL.split(whole[:2000]):
            _read_label(body, i, line, reader, out, f)


def _read_label(body: DocBody, i: int, line: str, reader: DateReader, out: NarrativeReading, f: _Fields) -> None:
    found = label_value(line)
    if found is None:
        return
    label, value = _label(found[0]), found[1].strip()
    if not value:
        return
    for which, labels in (("activity", _DATE_LABELS), ("report", _REPORT_DATE_LABELS),
                          ("incident", _INCIDENT_DATE_LABELS)):
        if label in labels and which not in f.dates:
            try:
                day = reader.parse(value)
            except DateTextError as exc:
                out.errors.append((f"{found[0]}: {exc}", body.line_no(i), _field(body, i, found[0])))
                continue
            if day is not None:
                f.dates[which] = (day, i)
            elif which == "activity" and label in ("date", "datum", "fecha", "data") and value.strip(" _-"):
                out.errors.append((f"{found[0]}: not a date: {value!r}", body.line_no(i),
                                   _field(body, i, found[0])))
    if label in _PARTICIPANT_LABELS:
        f.participants.extend(p for p in _people(value) if p not in f.participants)
    for which, labels in (("lead", _LEAD_LABELS), ("outcome", _OUTCOME_LABELS), ("scenario", _SCENARIO_LABELS),
                          ("system", _SYSTEM_LABELS), ("root_cause", _ROOT_CAUSE_LABELS)):
        if label in labels and which not in f.values:
            f.values[which] = (value, i)
    if label in _ACTION_LABELS:
        f.actions.append(value)
    if label in _ISSUE_LABELS:
        f.issues.append(value)
    if label.startswith(("incident", "vorfall")) and "incident_text" not in f.values:
        f.values["incident_text"] = (value, i)


def _field(body: DocBody, i: int, label: str) -> str:
    return label if body.unit == "line" else f"{body.where(i)}: {label}"


def _read_sections(body: DocBody, f: _Fields) -> None:
    """Lists and tables under headings such as "Attendees", "Action items", "Findings"."""
    headings = list(body.headings)
    for n, h in enumerate(headings):
        name = _label(re.sub(r"^[\d.\s]+", "", h.text))
        target = (f.participants if name in _PARTICIPANT_LABELS else f.actions if name in _ACTION_LABELS
                  else f.issues if name in _ISSUE_LABELS else None)
        if target is None:
            continue
        end = headings[n + 1].index if n + 1 < len(headings) else min(len(body.lines), h.index + 80)
        table = next((t for t in body.tables if h.index < t.index < end), None)
        if table is not None:
            target.extend(_table_items(table, target is f.participants))
            continue
        for line in body.lines[h.index + 1:end]:
            s = line.strip().lstrip("-*+•").strip()
            s = re.sub(r"^\d{1,3}[.)][ \t]+", "", s)
            if not s:
                continue
            if target is f.participants:
                target.extend(p for p in _people(s) if p not in target)
            else:
                target.append(s[:300])


def _table_items(table: Table, people: bool) -> list[str]:
    header = [_label(c) for c in table.rows[0]]
    col = next((k for k, h in enumerate(header) if h in ("name", "participant", "attendee", "person", "action",
                                                         "finding", "issue", "massnahme", "description",
                                                         "beschreibung")), 0)
    out: list[str] = []
    for row in table.rows[1:]:
        if col < len(row) and row[col].strip():
            out.extend(_people(row[col]) if people else [" | ".join(c for c in row if c)[:300]])
    return out


def _sentence_date(body: DocBody, reader: DateReader) -> tuple[date, int] | None:
    """A date an activity sentence gives ("The exercise was held on 14 March 2026", "On 2 May 2026, ...")."""
    for i, line in enumerate(body.lines[:200]):
        if len(line) > 2000 or label_value(line) is not None:
            continue
        for m in _ACTIVITY_SENTENCE.finditer(line):
            found = reader.find(line[m.end():m.end() + 40], full_only=True)
            if found is not None and found[1] == 0:
                return found[0], i
    return None


def _objectives(text: str) -> dict[str, float]:
    """RTO / RPO targets and achieved times (hours) stated in one line of text."""
    out: dict[str, float] = {}
    low = fold(text)
    for what, names in (("rto", r"(?:rto|recovery time objective|wiederanlaufzeit)"),
                        ("rpo", r"(?:rpo|recovery point objective)")):
        for m in re.finditer(r"\b(?:(target|objective|ziel|objectif|objetivo|actual|achieved|measured|tatsachliche?)"
                             r"[ \t]+)?" + names +
                             r"\b(?:[ \t]+(target|objective|actual|achieved|measured|result|ziel|ist|erreicht))?"
                             r"[ \t]*(?::|of|=|was|war)?", low):
            hours = _hours(low[m.end():m.end() + 40].lstrip(" :=~<>"))
            if hours is None:
                continue
            words = {m.group(1) or "", m.group(2) or ""}
            actual = bool(words & {"actual", "achieved", "measured", "result", "ist", "erreicht", "tatsachliche",
                                  "tatsachlich"})
            key = f"{what}_{'achieved' if actual else 'target'}"
            out.setdefault(key, hours)
    for pattern, key in ((r"\b(?:restored|recovered|back online|wiederhergestellt|restaure|restablecid[oa])"
                          r"(?:[ \t]+\w+){0,3}[ \t]+(?:in|within|nach|en)[ \t]+", "rto_achieved"),
                         (r"\b(?:data loss|datenverlust|perte de donnees|perdida de datos)[ \t]*(?:of|:|von|de)?[ \t]*",
                          "rpo_achieved"),
                         (r"\b(?:recovery time|restore time|time to restore|wiederherstellungszeit)"
                          r"[ \t]*(?::|of|was)?[ \t]*", "rto_achieved")):
        said = re.search(pattern, low)
        if said and (hours := _hours(low[said.end():said.end() + 40])) is not None:
            out.setdefault(key, hours)
    return out


def _objective_table(body: DocBody) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a table with a system column and RTO / RPO columns: (line index, details) per system."""
    rows: list[tuple[int, dict[str, Any]]] = []
    for table in body.tables:
        header = [_label(c) for c in table.rows[0]]
        system = next((k for k, h in enumerate(header) if h in _SYSTEM_LABELS or h in ("system / service",
                                                                                         "asset", "component")), None)
        cols: dict[str, int] = {}
        units: dict[int, float] = {}
        for k, h in enumerate(header):
            what = "rto" if re.search(r"\brto\b|recovery time", h) else "rpo" if re.search(r"\brpo\b|recovery point|"
                                                                                          r"data loss", h) else None
            if what is None:
                if h in _OUTCOME_LABELS:
                    cols["outcome"] = k
                continue
            actual = bool(re.search(r"actual|achieved|measured|result|ist\b|erreicht", h))
            cols.setdefault(f"{what}_{'achieved' if actual else 'target'}", k)
            units[k] = 1 / 60 if re.search(r"\(min|minutes?\b|\bmin\b", h) else 24.0 if re.search(
                r"\(d\)|\bdays?\b", h) else 1.0
        if system is None or not any(k.startswith(("rto", "rpo")) for k in cols):
            continue
        for n, row in enumerate(table.rows[1:], start=1):
            if system >= len(row) or not row[system].strip():
                continue
            details: dict[str, Any] = {"system": row[system].strip()}
            for key, k in cols.items():
                if k < len(row) and row[k].strip():
                    value = row[k].strip()
                    if key == "outcome":
                        details[key] = value
                    elif re.fullmatch(r"\d{1,5}(?:[.,]\d{1,3})?", value):
                        details[key] = round(float(value.replace(",", ".")) * units.get(k, 1.0), 4)
                    elif (hours := _hours(value)) is not None:
                        details[key] = hours
            rows.append((table.line_of(n), details))
    return rows


def read_record(body: DocBody, kind: str, title: str, reader: DateReader, front_date: Any = None,
                ) -> NarrativeReading:
    """The record(s) a narrative document states (see the module docstring)."""
    out = NarrativeReading()
    f = _Fields()
    _read_labels(body, reader, out, f)
    _read_sections(body, f)
    details: dict[str, Any] = {}
    activity = f.dates.get("activity") or _sentence_date(body, reader)
    if activity is None and (found := reader.find(title, full_only=True)) is not None:
        activity = (found[0], 0)
        details["date_basis"] = "title"
    if activity is None and isinstance(front_date, date):
        activity = (front_date, 0)
        details["date_basis"] = "front matter date"
    if activity is None and "report" in f.dates:
        activity = f.dates["report"]
        details["date_basis"] = "report date"
    if activity is None:
        what = kind.replace("_", " ")
        out.errors.append((f"cannot tell when this {what} took place: no date of the activity in the text (a "
                           f"line such as 'Date: 14 March 2026' or 'held on 14 March 2026')", None, "date"))
        return out
    day, line_index = activity
    if "incident" in f.dates:
        details["incident_date"] = f.dates["incident"][0].isoformat()
    outcome_text = f.values.get("outcome", ("", 0))[0]
    verdict = _verdict(outcome_text) if outcome_text else None
    if verdict is None:
        for line in body.lines[:200]:
            if re.search(r"\b(?:test|exercise|restore|failover|recovery|drill|ubung|wiederherstellung)\b[^.]{0,40}"
                         r"\b(?:was|were|has been|wurde|war)\b", fold(line[:500])):
                verdict = _verdict(line[:500])
                if verdict:
                    break
    if outcome_text:
        details["outcome_text"] = outcome_text[:500]
    if f.values.get("root_cause"):
        details["root_cause"] = f.values["root_cause"][0][:500]
    if f.issues:
        details["issues"] = f.issues[:50]
    if f.actions:
        details["actions"] = f.actions[:50]
    subject: str | None = None
    if kind == "post_incident_review":
        ident = _INCIDENT_ID.search(title) or _INCIDENT_ID.search(f.values.get("incident_text", ("", 0))[0])
        if ident:
            subject = ident.group(0)
            details["incident_id"] = subject
        if "incident_text" in f.values:
            details["incident"] = f.values["incident_text"][0][:300]
    if kind == "risk_assessment":
        details.update(_risk_details(body.text))
    lead = f.values.get("lead", ("", 0))[0]
    base: dict[str, Any] = {
        "kind": kind, "performed_on": day, "title": (f.values.get("scenario", (None, 0))[0] or title)[:300],
        "participants": tuple(f.participants), "performed_by": (_people(lead) or (None,))[0] if lead else None,
        "outcome": verdict or (outcome_text[:120] if outcome_text else None), "locator": body.where(line_index),
    }
    if kind in ("dr_test", "backup_restore_test"):
        table_rows = _objective_table(body)
        if table_rows:
            for index, row in table_rows:
                row_details = {**details, **row}
                row_outcome = _verdict(str(row.get("outcome", ""))) or base["outcome"]
                out.records.append({**base, "subject": row["system"], "outcome": row_outcome,
                                    "details": row_details, "locator": body.where(index)})
            return out
        for line in body.lines[:300]:
            for key, value in _objectives(line).items():
                details.setdefault(key, value)
        system = f.values.get("system", (None, 0))[0]
        if system:
            details["system"] = system
            subject = system
    if kind == "access_review":
        system = f.values.get("system", (None, 0))[0]
        names = rf.systems(system) if system else []
        if names:
            for name in names:
                out.records.append({**base, "subject": rf.system_token(name), "details": dict(details)})
            return out
    out.records.append({**base, "subject": subject, "details": details})
    return out


def _risk_details(text: str) -> dict[str, Any]:
    low = fold(text[:100_000])
    out: dict[str, Any] = {}
    m: re.Match[str] | None = re.search(r"\b(\d{1,4})[ \t]+(?:risks?|risiken|risques|riesgos|risico'?s)\b", low)
    if m is None:
        m = re.search(r"\b(?:risks?|risiken|risques|riesgos)[ \t]+(?:identified|assessed|bewertet|identifiziert|"
                      r"evalues|evaluados)[ \t]*:?[ \t]*(\d{1,4})\b", low)
    if m:
        out["risks"] = int(m.group(1))
    if re.search(r"likelihood|probability|wahrscheinlichkeit|probabilite|probabilidad|waarschijnlijkheid", low) and \
            re.search(r"impact|auswirkung|schadensausmass|ausmass|gravite|impacto|consequence", low):
        out["likelihood_and_impact"] = True
    if re.search(r"\btreatment|\bmitigation plan|\bbehandlung|\bmassnahmen|\btraitement|\btratamiento|"
                 r"\baccept(?:ed|ance)\b|\brisk owner", low):
        out["treatment_decided"] = True
    return out
