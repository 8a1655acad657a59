"""AWS IAM credential report: the CSV that ``iam:GetCredentialReport`` returns (decoded), as downloaded from
the IAM console, or the JSON answer of ``aws iam get-credential-report`` with the CSV base64-encoded in
``Content``.

Format reference: IAM User Guide, "Getting credential reports for your AWS account", section "Understanding
the report format" (https://docs.aws.amazon.com/IAM/latest/UserGuide/credential-reports.html), and the API
reference of GetCredentialReport (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetCredentialReport.html:
``Content`` base64, ``ReportFormat`` ``text/csv``, ``GeneratedTime``).

Columns, in the order AWS writes them (extra columns are ignored, their order does not matter, names are
compared case-insensitively): ``user, arn, user_creation_time, password_enabled, password_last_used,
password_last_changed, password_next_rotation, mfa_active``, then for each of the two access key slots
``access_key_N_active, access_key_N_last_rotated, access_key_N_last_used_date, access_key_N_last_used_region,
access_key_N_last_used_service``, then for each of the two X.509 signing certificate slots
``cert_N_active, cert_N_last_rotated``. Booleans are ``true`` / ``false`` (the guide writes them in capitals;
both are read). Times are ISO 8601. Placeholders, all read as "not stated" (``None``):

- ``N/A``: not applicable (no password, no key in this slot, key never used, service not regional);
- ``no_information``: a password never used, or not used since IAM began tracking sign-ins (2014-10-20);
- ``not_supported``: what the root user's row holds for ``password_enabled``, ``password_last_changed`` and
  ``password_next_rotation``.

The account's own row has the user name ``<root_account>`` and an ARN ending in ``:root``.

Facts (``system = "aws:<account id>"``, the account id read from each row's ARN):

- one :class:`Account` per row: ``kind="root"`` for ``<root_account>``; for IAM users ``kind="service"`` when
  the user has no console password, has or had an access key or certificate and its name is not an email
  address (a programmatic identity: the report has no other way to tell), else ``kind="user"``.
  ``email`` is the user name lower-cased when it is an email address. ``mfa_enabled`` = ``mfa_active``;
  ``has_password`` = ``password_enabled`` (None for root); ``last_login_at`` = ``password_last_used``;
  ``created_at`` = ``user_creation_time``; ``active`` is True for root and for a user holding a password or an
  active key or certificate, False for a user left with no usable credential. IAM has no suspension, so
  ``deactivated_at`` stays None.
- one :class:`Credential` per credential that exists: ``kind="password"`` (``created_or_rotated_at`` =
  ``password_last_changed``, ``last_used_at`` = ``password_last_used``) for users with a password;
  ``kind="access_key"``, ``slot`` "1"/"2" (``active``, ``last_rotated``, ``last_used_date``) and
  ``kind="certificate"`` (``active``, ``last_rotated``) for each slot that is active or has a date. Root keys
  are credentials of ``<root_account>``, as the root checks expect.

Each fact's locator is ``row N`` (the CSV line); a row that cannot be read (no user, no account id, a value that
is not a date or boolean where one belongs, fewer cells than the header) is reported with its line and column
and the rest of the file is kept.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import re
from collections import Counter
from datetime import datetime
from typing import Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import head_text
from trustgap.evidence.tabular import decode_text, header_fields, norm_header
from trustgap.facts import Account, Credential, norm_email

ROOT_USER = "<root_account>"
COLUMNS: tuple[str, ...] = (
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
    "password_next_rotation", "mfa_active",
    *(f"access_key_{n}_{part}" for n in (1, 2)
      for part in ("active", "last_rotated", "last_used_date", "last_used_region", "last_used_service")),
    *(f"cert_{n}_{part}" for n in (1, 2) for part in ("active", "last_rotated")),
)
REQUIRED = ("user", "arn")
_SIGNATURE = {"user", "arn", "user_creation_time", "password_enabled", "mfa_active", "access_key_1_active"}
_PLACEHOLDERS = {"n/a", "no_information", "not_supported", ""}
_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):(root|user/.+)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _is_report_json(head: str) -> bool:
    return head.lstrip().startswith("{") and '"Content"' in head and '"ReportFormat"' in head


def sniff(data: bytes, name: str) -> int:
    if _is_report_json(head_text(data, 4096)):
        return 10
    fields = set(header_fields(data))
    if fields >= _SIGNATURE:
        return 10
    if {"user", "arn", "mfa_active"} <= fields and ("password_enabled" in fields or "access_key_1_active" in fields):
        return 8
    return 0


def _csv_text(data: bytes, path: str) -> tuple[str, str]:
    """The report's CSV text, and a prefix for locators ('' for a CSV file, 'Content ' for CLI JSON)."""
    head = head_text(data, 4096)
    if not _is_report_json(head):
        return decode_text(data, path), ""
    try:
        doc = json.loads(decode_text(data, path))
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
    except RecursionError:
        raise InputError(path, "not readable JSON: nested too deeply") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("Content"), str):
        raise InputError(path, "no credential report in Content", field="Content")
    fmt = doc.get("ReportFormat")
    if fmt not in (None, "text/csv"):
        raise InputError(path, f"unsupported ReportFormat {fmt!r} (expected text/csv)", field="ReportFormat")
    try:
        raw = base64.b64decode(doc["Content"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InputError(path, f"Content is not base64: {exc}", field="Content") from None
    return decode_text(raw, path), "Content "


class _Row:
    """One report row with typed accessors that record bad values instead of raising."""

    def __init__(self, cells: dict[str, str], line: int, ctx: ParseContext, headers: dict[str, str]) -> None:
        self.cells = cells
        self.line = line
        self.ctx = ctx
        self.headers = headers

    def text(self, column: str) -> str | None:
        value = (self.cells.get(column) or "").strip()
        return None if value.lower() in _PLACEHOLDERS else value

    def flag(self, column: str) -> bool | None:
        value = (self.cells.get(column) or "").strip().lower()
        if value in _PLACEHOLDERS:
            return None
        if value == "true":
            return True
        if value == "false":
            return False
        self.ctx.error(f"not true or false: {value!r}", line=self.line, field=self.headers.get(column, column))
        return None

    def when(self, column: str) -> datetime | None:
        value = (self.cells.get(column) or "").strip()
        try:
            return parse_datetime(value)
        except (DateParseError, ValueError, OverflowError):
            self.ctx.error(f"not a date: {value!r}", line=self.line, field=self.headers.get(column, column))
            return None


def _rows(text: str, ctx: ParseContext) -> tuple[dict[str, str], int, list[tuple[int, dict[str, str], int]]]:
    """(canonical column -> header as written, header width, [(line, canonical column -> cell, cells in the row)])."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(ctx.path, "file is empty", line=1) from None
    except csv.Error as exc:
        raise InputError(ctx.path, f"not valid CSV: {exc}", line=1) from None
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    for i, h in enumerate(header):
        key = norm_header(h)
        if key in COLUMNS and key not in index:
            index[key] = i
            headers[key] = h.strip()
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise InputError(ctx.path, f"not an IAM credential report: no {', '.join(missing)} column; found {header}",
                         line=1)
    out: list[tuple[int, dict[str, str], int]] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(ctx.path, f"not valid CSV: {exc}", line=reader.line_num) from None
        if not any(c.strip() for c in cells):
            continue
        row = {key: (cells[i] if i < len(cells) else "") for key, i in index.items()}
        out.append((line, row, len(cells)))
    return headers, len(header), out


def _account_id(arn: str | None) -> str | None:
    m = _ARN.match(arn or "")
    return m.group(1) if m else None


def _slot_credentials(row: _Row, system: str, user: str, locator: str) -> list[Credential]:
    out: list[Credential] = []
    for n in ("1", "2"):
        active = row.flag(f"access_key_{n}_active")
        rotated = row.when(f"access_key_{n}_last_rotated")
        used = row.when(f"access_key_{n}_last_used_date")
        if active or rotated is not None:
            out.append(Credential(src=row.ctx.src(f"{locator} access_key_{n}"), system=system, account_id=user,
                                  kind="access_key", slot=n, active=active, created_or_rotated_at=rotated,
                                  last_used_at=used))
    for n in ("1", "2"):
        active = row.flag(f"cert_{n}_active")
        rotated = row.when(f"cert_{n}_last_rotated")
        if active or rotated is not None:
            out.append(Credential(src=row.ctx.src(f"{locator} cert_{n}"), system=system, account_id=user,
                                  kind="certificate", slot=n, active=active, created_or_rotated_at=rotated))
    return out


def _facts_of(row: _Row, user: str, system: str, locator: str) -> list[Any]:
    is_root = user == ROOT_USER
    password = None if is_root else row.flag("password_enabled")
    last_used = row.when("password_last_used")
    creds = _slot_credentials(row, system, user, locator)
    facts: list[Any] = []
    if password:
        facts.append(Credential(src=row.ctx.src(f"{locator} password"), system=system, account_id=user,
                                kind="password", active=True,
                                created_or_rotated_at=row.when("password_last_changed"), last_used_at=last_used))
    else:
        row.when("password_last_changed")  # still validated
    row.when("password_next_rotation")
    email = norm_email(user) if _EMAIL.match(user) else None
    if is_root:
        kind, active = "root", True
    else:
        kind = "service" if password is False and creds and email is None else "user"
        active = bool(password) or any(c.active for c in creds)
    account = Account(
        src=row.ctx.src(locator),
        system=system,
        account_id=user,
        email=email,
        display_name="root" if is_root else user,
        kind=kind,  # type: ignore[arg-type]
        active=active,
        mfa_enabled=row.flag("mfa_active"),
        has_password=password,
        created_at=row.when("user_creation_time"),
        last_login_at=last_used,
    )
    return [account, *facts, *creds]


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    text, prefix = _csv_text(data, ctx.path)
    headers, width, rows = _rows(text, ctx)
    accounts = Counter(a for _, cells, _ in rows if (a := _account_id(cells.get("arn", "").strip())))
    default_account = accounts.most_common(1)[0][0] if len(accounts) == 1 else None
    facts: list[Any] = []
    seen: set[tuple[str, str]] = set()
    arn_header = headers.get("arn", "arn")
    for line, cells, n_cells in rows:
        row = _Row(cells, line, ctx, headers)
        if n_cells < width:
            ctx.error(f"row has {n_cells} cells where the header has {width} (cut short?)", line=line)
        user = (cells.get("user") or "").strip()
        if not user:
            ctx.error("row has no user name", line=line, field=headers.get("user", "user"))
            continue
        arn = (cells.get("arn") or "").strip()
        account_id = _account_id(arn)
        if account_id is None:
            ctx.error(f"not an IAM user or root ARN: {arn!r}", line=line, field=arn_header)
            account_id = default_account
            if account_id is None:
                continue
        elif (user == ROOT_USER) != arn.endswith(":root"):
            ctx.error(f"user {user!r} does not match its ARN {arn!r}", line=line, field=arn_header)
            continue
        if (account_id, user) in seen:
            ctx.error(f"user {user!r} of account {account_id} listed twice; the first row is kept", line=line,
                      field=headers.get("user", "user"))
            continue
        seen.add((account_id, user))
        facts.extend(_facts_of(row, user, f"aws:{account_id}", f"{prefix}row {line}"))
    return ParseResult(facts=facts)


PARSER = register(
    Parser(
        name="aws_iam_credential_report",
        title="AWS IAM credential report",
        sniff=sniff,
        parse=parse,
        sources=("aws.iam",),
        reference="https://docs.aws.amazon.com/IAM/latest/UserGuide/credential-reports.html",
    )
)
