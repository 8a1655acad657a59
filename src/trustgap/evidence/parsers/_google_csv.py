"""Google Workspace users as CSV: the two exports admins actually have besides the API answer.

- GAM (``gam print users allfields``, https://github.com/GAM-team/GAM/wiki/Users#print-users): one row per user
  with the Directory API field names flattened (``primaryEmail``, ``name.fullName``, ``isAdmin``,
  ``isDelegatedAdmin``, ``isEnrolledIn2Sv``, ``isEnforcedIn2Sv``, ``suspended``, ``suspensionReason``,
  ``archived``, ``creationTime``, ``lastLoginTime``, ``orgUnitPath``, ``deletionTime``), booleans as
  ``True`` / ``False``.
- The Admin console's user list download (Directory > Users > Download users): the bulk-update columns of
  https://support.google.com/a/answer/40057 (``First Name [Required]``, ``Last Name [Required]``, ``Email
  Address [Required]``, ``Org Unit Path [Required]``, ...) plus read-only state: ``Status [READ ONLY]``
  (Active, Suspended, Archived), ``Last Sign In [READ ONLY]`` (a timestamp, or "Never logged in"),
  ``2sv Enrollment Status [READ ONLY]`` (Enrolled / Not Enrolled), ``2sv Enforcement Status [READ ONLY]``
  (Enforced / Not Enforced). It does not say who is an administrator: ``is_admin`` stays unknown.

Each row is turned into the user resource the API would have returned and read by the same code as the JSON,
so the facts are the same whichever export is given. Header names are compared without their ``[...]``
suffix, case and punctuation.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.parsers._json_input import decode

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _without_bracket(header: str) -> str:
    """``header`` without a final ``[...]`` note (found with string searches: a pattern for it is quadratic on a
    header of many ``[``)."""
    text = header.rstrip()
    if not text.endswith("]"):
        return header
    start = text.find("[", text.rfind("]", 0, len(text) - 1) + 1)
    return text[:start] if start >= 0 else header


def norm(header: str) -> str:
    """'2sv Enrollment Status [READ ONLY]' -> '2svenrollmentstatus'; 'name.fullName' -> 'namefullname'."""
    return _NOT_ALNUM.sub("", _without_bracket(header).lower())


# normalised header -> key of the Directory API user resource
GAM = {
    "primaryemail": "primaryEmail", "namefullname": "fullName", "namegivenname": "givenName",
    "namefamilyname": "familyName", "isadmin": "isAdmin", "isdelegatedadmin": "isDelegatedAdmin",
    "isenrolledin2sv": "isEnrolledIn2Sv", "isenforcedin2sv": "isEnforcedIn2Sv", "suspended": "suspended",
    "suspensionreason": "suspensionReason", "archived": "archived", "creationtime": "creationTime",
    "lastlogintime": "lastLoginTime", "orgunitpath": "orgUnitPath", "deletiontime": "deletionTime",
}
CONSOLE = {
    "emailaddress": "primaryEmail", "firstname": "givenName", "lastname": "familyName", "status": "status",
    "lastsignin": "lastSignIn", "2svenrollmentstatus": "enrolled", "2svenforcementstatus": "enforced",
    "orgunitpath": "orgUnitPath",
}
_GAM_SIGNS = {"isenrolledin2sv", "isenforcedin2sv", "isadmin", "suspended", "lastlogintime", "orgunitpath"}
_CONSOLE_SIGNS = {"2svenrollmentstatus", "2svenforcementstatus", "lastsignin"}
_NEVER = {"never", "never logged in", "never signed in", ""}


def headers_of(data: bytes) -> list[str]:
    try:
        text = data[:16384].decode("utf-8-sig", errors="replace")
    except Exception:
        return []
    first = text.splitlines()[0] if text else ""
    return [norm(h) for h in next(csv.reader([first]), [])]


def flavour(headers: list[str]) -> str | None:
    """``gam`` or ``console`` when the header row is one of the two exports."""
    names = set(headers)
    if "primaryemail" in names and len(names & _GAM_SIGNS) >= 2:
        return "gam"
    if "emailaddress" in names and len(names & _CONSOLE_SIGNS) >= 2:
        return "console"
    return None


def _console_user(raw: dict[str, str]) -> dict[str, Any]:
    user: dict[str, Any] = {k: v for k, v in raw.items() if k in ("primaryEmail", "orgUnitPath") and v}
    given, family = raw.get("givenName", "").strip(), raw.get("familyName", "").strip()
    if given or family:
        user["name"] = {"givenName": given, "familyName": family}
    status = raw.get("status", "").strip().lower()
    if status:
        user["suspended"] = "true" if status.startswith("suspended") or status == "blocked" else "false"
        if status == "archived":
            user["archived"] = "true"
    for key, api, yes in (("enrolled", "isEnrolledIn2Sv", "enrolled"), ("enforced", "isEnforcedIn2Sv", "enforced")):
        value = raw.get(key, "").strip().lower()
        if value:
            user[api] = "true" if value == yes else "false" if value in (f"not {yes}", "no", "false") else value
    last = raw.get("lastSignIn", "").strip()
    if last.lower() not in _NEVER:
        user["lastLoginTime"] = re.sub(r"\s+(UTC|GMT)$", "Z", last.replace("/", "-"))
    return user


def rows(data: bytes, path: str) -> list[tuple[int, dict[str, Any]]]:
    """(line, user resource) for every row of a GAM or Admin console users CSV."""
    text = decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, "empty file", line=1) from None
    kind = flavour([norm(h) for h in header])
    if kind is None:
        raise InputError(path, "not a Google Workspace users CSV (GAM or Admin console download)", line=1)
    table = GAM if kind == "gam" else CONSOLE
    columns = [(i, table.get(norm(h))) for i, h in enumerate(header)]
    out: list[tuple[int, dict[str, Any]]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            raw = {key: cells[i].strip() for i, key in columns if key and i < len(cells)}
            if kind == "console":
                out.append((line, _console_user(raw)))
                continue
            user: dict[str, Any] = {k: v for k, v in raw.items() if v and k not in ("fullName", "givenName",
                                                                                 "familyName")}
            names = {k: raw[k] for k in ("fullName", "givenName", "familyName") if raw.get(k)}
            if names:
                user["name"] = names
            out.append((line, user))
    except csv.Error as exc:
        raise InputError(path, f"not readable CSV: {exc}", line=reader.line_num) from None
    return out
