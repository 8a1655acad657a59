"""The roadmap as CSV files that issue trackers import: one issue per task.

Jira (Cloud and Data Center CSV importer, "Importing data from CSV",
https://confluence.atlassian.com/adminjiracloud/importing-data-from-csv-776636762.html and
https://support.atlassian.com/jira-software-cloud/docs/mapping-csv-data-to-jira-fields): a header row
whose column names need no punctuation and must include ``Summary``; every row has a value (possibly
empty) for every column; fields that span lines or hold commas are quoted; a field with several values
(``Labels``) is given as several columns with the same name. Columns written: Summary, Issue Type
(``Task``), Priority (Jira's default scheme: Highest, High, Medium, Low), Description, Assignee (the
owner's email from the scope file's roles, which the importer matches to a user), Labels (repeated),
Due Date and Start Date (``yyyy-MM-dd``: choose that date format in the importer's settings). The
columns are named after the Jira fields so the importer maps them without manual mapping.

GitHub has no CSV import of its own; issues are created through the REST API ("Create an issue":
``title``, ``body``, ``labels``, ``assignees``, ``milestone``;
https://docs.github.com/en/rest/issues/issues#create-an-issue). The CSV follows the columns of the
common importer github-csv-tools (https://github.com/gavinr/github-csv-tools): ``title`` (required),
``body``, ``labels`` (comma-separated in one field), ``assignee`` (a GitHub login: from the scope's
``plan.github_logins``, else empty) and ``state`` (``open``). GitHub issues have no due date, so it is
written in the body and as a ``due-YYYY-MM`` label.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from trustgap.errors import TrustgapError
from trustgap.report.safe import safe_row

JIRA_LABEL_COLUMNS = 4
JIRA_HEADER = ("Summary", "Issue Type", "Priority", "Description", "Assignee", *("Labels",) * JIRA_LABEL_COLUMNS,
               "Due Date", "Start Date")
GITHUB_HEADER = ("title", "body", "labels", "assignee", "state")
JIRA_PRIORITY = {"critical": "Highest", "high": "High", "medium": "Medium", "low": "Low"}


def _label(text: str) -> str:
    """Labels without spaces or commas (Jira splits labels on spaces, the GitHub importer on commas)."""
    return "-".join(text.lower().replace(",", " ").replace("&", "and").split())


def _tasks(plan: dict[str, Any] | None, include_unscheduled: bool) -> list[dict[str, Any]]:
    if not plan:
        raise TrustgapError("this run has no plan (it was stored before planning existed); assess again")
    tasks = [t for t in plan["tasks"] if include_unscheduled or t["scheduled"]]
    return sorted(tasks, key=lambda t: (t["phase"] or 99, t["due"] or "", t["rank"]))


def _phase_label(plan: dict[str, Any], t: dict[str, Any]) -> str:
    if not t["phase"]:
        return "not-scheduled"
    return _label(f"phase {t['phase']} {plan['phases'][t['phase'] - 1]['title']}")


def _description(plan: dict[str, Any], t: dict[str, Any], org: str) -> str:
    phase = (f"Phase {t['phase']} ({plan['phases'][t['phase'] - 1]['title']}), {t['start']} to {t['due']}"
             if t["phase"] else f"Not scheduled in this roadmap: {t['not_scheduled_because']}")
    lines = [
        f"{org}: SOC 2 remediation of control {t['control_id']} ({t['title']}).",
        "",
        f"What to do: {t['action']}",
        f"Done when: {t['success_measure']}",
        f"Current state: {t['status'].replace('_', ' ')} ({t['gap_kind'].replace('_', ' ')}); "
        f"{t['findings']} finding(s) in the assessment.",
        f"Criteria closed: {', '.join(t['criteria'])}; readiness added: {t['readiness_added']:.1f} points.",
        f"Owner: {t['owner']} ({t['owner_role'].replace('_', ' ')}); category: {t['category']}.",
        f"When: {phase}.",
        f"Priority score {t['score']:g}: {t['score_explained']}.",
    ]
    if t["depends_on"]:
        lines.append(f"Start after: {', '.join(t['depends_on'])}.")
    return "\n".join(lines)


def _write(header: tuple[str, ...], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(safe_row(r) for r in rows)
    return buf.getvalue()


def jira_csv(plan: dict[str, Any] | None, organisation: str, *, include_unscheduled: bool = False) -> str:
    """One Jira task per roadmap task, for the Jira CSV importer."""
    rows = []
    for t in _tasks(plan, include_unscheduled):
        assert plan is not None
        labels = ["soc2", _phase_label(plan, t), _label(t["category"]), "quick-win" if t["quick_win"] else ""]
        rows.append([f"[{t['control_id']}] {t['title']}", "Task", JIRA_PRIORITY.get(t["severity"], "Medium"),
                     _description(plan, t, organisation), t["owner_email"] or "", *labels[:JIRA_LABEL_COLUMNS],
                     t["due"] or "", t["start"] or ""])
    return _write(JIRA_HEADER, rows)


def github_csv(plan: dict[str, Any] | None, organisation: str, *, include_unscheduled: bool = False) -> str:
    """One GitHub issue per roadmap task, in the columns github-csv-tools imports."""
    rows = []
    logins = (plan or {}).get("settings", {}).get("github_logins", {})
    for t in _tasks(plan, include_unscheduled):
        assert plan is not None
        labels = ["soc2", _phase_label(plan, t), _label(t["category"]), f"severity-{t['severity']}"]
        if t["quick_win"]:
            labels.append("quick-win")
        if t["due"]:
            labels.append(f"due-{t['due'][:7]}")
        body = _description(plan, t, organisation).replace("\n", "\n\n", 1)
        rows.append([f"[{t['control_id']}] {t['title']}", body, ",".join(labels), logins.get(t["owner_role"], ""),
                     "open"])
    return _write(GITHUB_HEADER, rows)
