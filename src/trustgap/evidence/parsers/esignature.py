"""What the e-signature format specs cannot say as a mapping: one policy-acknowledgement :class:`Record` per signer
of each envelope or signature request (the specs are ``docusign_envelopes`` and ``dropbox_sign_requests`` in
``trustgap/evidence/formats/``).

A signer who signed: ``performed_on`` = the signing day, outcome ``completed`` (DocuSign's own word for a signer
who signed; the raw status stays in ``details["signer_status"]``). Declined: the day declined, outcome
``declined``. Not (yet) signed: the day it was sent, outcome ``not signed`` (``details["date_from"] = "sent"``),
never counted as an acknowledgement. An envelope answer without its recipients (listStatusChanges asked without
``include=recipients``) cannot say who signed: it is reported and counted as lost evidence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.facts import Record, norm_email

_DOCUSIGN_OUTCOME = {"completed": "signed", "signed": "signed", "declined": "declined"}


def _when(value: Any) -> datetime | None:
    try:
        return parse_datetime(value) if value not in (None, "") else None
    except (DateParseError, ValueError, OverflowError):
        return None


def _record(row: MappedRow, hc: HookContext, *, email: Any, title: Any, signed: datetime | None,
            declined: datetime | None, sent: datetime | None, details: dict[str, Any]) -> Record | None:
    subject = norm_email(str(email)) if email else None
    if subject is None or "@" not in subject:
        hc.error(f"{row.locator}: a signer without an e-mail address", row)
        hc.dropped.append(row.locator)
        return None
    if signed is not None:
        when, outcome = signed, "completed"
    elif declined is not None:
        when, outcome = declined, "declined"
    elif sent is not None:
        when, outcome = sent, "not signed"
        details = {**details, "date_from": "sent"}
    else:
        hc.error(f"{row.locator}: {subject} has no signing, declining or sending time", row)
        hc.dropped.append(row.locator)
        return None
    return Record(src=hc.ctx.src(row.locator), kind="policy_acknowledgement", performed_on=when.date(),
                  subject=subject, title=str(title) if title else None, outcome=outcome, details=details)


@register_hook("docusign_envelopes")
def docusign_envelopes(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        signers = row.get("signers")
        if not isinstance(signers, list):
            hc.skip(row, f"envelope {row.get('envelope_id')}: no recipients in the answer (list it with "
                    "include=recipients)", "signers")
            continue
        for s in signers:
            if not isinstance(s, dict):
                continue
            status = str(s.get("status") or "").lower()
            signed = _when(s.get("signedDateTime")) if _DOCUSIGN_OUTCOME.get(status) == "signed" else None
            rec = _record(row, hc, email=s.get("email"), title=row.get("title"), signed=signed,
                          declined=_when(s.get("declinedDateTime")) if status == "declined" else None,
                          sent=_when(s.get("sentDateTime")) or row.get("sent"),
                          details={"platform": "docusign", "envelope_id": row.get("envelope_id"),
                                   "envelope_status": row.get("envelope_status"), "signer_status": status or None,
                                   "name": s.get("name")})
            if rec is not None:
                out.append(rec)
    return out


@register_hook("dropbox_sign_requests")
def dropbox_sign_requests(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        signatures = row.get("signatures")
        if not isinstance(signatures, list):
            hc.skip(row, f"signature request {row.get('request_id')}: no signatures in the answer", "signatures")
            continue
        for s in signatures:
            if not isinstance(s, dict):
                continue
            status = str(s.get("status_code") or "").lower()
            rec = _record(row, hc, email=s.get("signer_email_address"), title=row.get("title") or row.get("subject"),
                          signed=_when(s.get("signed_at")) if status == "signed" else None,
                          declined=_when(s.get("signed_at") or s.get("last_viewed_at")) if status == "declined"
                          else None,
                          sent=row.get("created"),
                          details={"platform": "dropbox_sign", "request_id": row.get("request_id"),
                                   "signer_status": status or None, "name": s.get("signer_name")})
            if rec is not None:
                out.append(rec)
    return out
