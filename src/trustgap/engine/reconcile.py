"""Promises read from policy text: the cadences and limits an organisation wrote down for itself.

A policy that says "user access is reviewed quarterly" or "access is revoked within 24 hours of
termination" sets, for that organisation, the number the checks measure practice against (in place of
the default; the scope file still wins). Each statement becomes a :class:`~trustgap.thresholds.Promise`
quoting the line, with the file and line number, so a finding can show the promise beside the contrary
evidence (the gap kind *not operating*: the control is designed but does not run as written).

Reading is deliberately conservative: a rule fires only when the sentence names its subject (access
review, termination, vulnerability severity, ...) AND states a number or cadence; a sentence that
mentions two subjects (say, policies and access reviews) is attributed by the subject words nearest
to the number. Lines are split into sentences first, so one line can carry several promises.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from trustgap.facts import Document
from trustgap.thresholds import CADENCE_WORDS, Promise

_NUMBER_WORDS: dict[str, int] = {
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fourteen": 14, "fifteen": 15, "thirty": 30, "sixty": 60,
    "ninety": 90, "forty-eight": 48, "seventy-two": 72, "twenty-four": 24,
}
_NUM = r"(\d+|" + "|".join(sorted((w for w in _NUMBER_WORDS if len(w) > 2), key=len, reverse=True)) + r"|an?|one)"
_CADENCE_RE = re.compile(
    r"\b(?:(?:at\s+least\s+)?(?:once\s+)?every\s+" + _NUM + r"\s+(day|week|month|year)s?"
    r"|" + "|".join(re.escape(w) for w in sorted(CADENCE_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_WITHIN_RE = re.compile(r"\bwithin\s+" + _NUM + r"\s+(?:business\s+|working\s+|calendar\s+)?(hour|day|week|month)s?\b",
                        re.IGNORECASE)
_FOR_PERIOD_RE = re.compile(r"\b(?:for|of)\s+(?:at\s+least\s+)?" + _NUM + r"\s+(day|month|year)s?\b", re.IGNORECASE)
_APPROVALS_RE = re.compile(r"\b(?:at\s+least\s+)?" + _NUM + r"\s+(?:independent\s+|other\s+|peer\s+)?"
                           r"(?:approvals?|approving\s+reviews?|reviewers?|approvers?)\b", re.IGNORECASE)
# A "sentence" longer than this is not prose (a run of spaces, a dump pasted into a policy): not read for promises.
MAX_SENTENCE = 2000
_SENTENCE_RE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z0-9])")
_MARKDOWN_PREFIX = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|#+\s+|>\s+)*")


def _number(word: str) -> int:
    w = word.lower()
    return int(w) if w.isdigit() else _NUMBER_WORDS[w]


def _cadence_months(sentence: str) -> int | None:
    m = _CADENCE_RE.search(sentence)
    if not m:
        return None
    if m.group(1):
        n, unit = _number(m.group(1)), m.group(2).lower()
        months = {"day": n / 30.4375, "week": n * 7 / 30.4375, "month": n, "year": n * 12}[unit]
        return max(1, round(months))
    return CADENCE_WORDS[m.group(0).lower()]


def _within(sentence: str) -> tuple[int, str] | None:
    m = _WITHIN_RE.search(sentence)
    if not m:
        return None
    return _number(m.group(1)), m.group(2).lower()


def _hours(sentence: str) -> float | None:
    w = _within(sentence)
    if w is None:
        return None
    n, unit = w
    return float(n * {"hour": 1, "day": 24, "week": 168, "month": 730}[unit])


def _days(sentence: str) -> int | None:
    w = _within(sentence)
    if w is None:
        return None
    n, unit = w
    return round(n * {"hour": 1 / 24, "day": 1, "week": 7, "month": 30.4375}[unit]) or 1


def _every_days(sentence: str) -> int | None:
    m = re.search(r"\bevery\s+" + _NUM + r"\s+(day|week|month|year)s?\b", sentence, re.IGNORECASE)
    if m:
        n, unit = _number(m.group(1)), m.group(2).lower()
        return round(n * {"day": 1, "week": 7, "month": 30.4375, "year": 365}[unit])
    months = _cadence_months(sentence)
    return round(months * 30.4375) if months else None


def _within_after(sentence: str, subject: str) -> tuple[int, str] | None:
    """The first "within N units" after ``subject`` (one sentence may promise several deadlines: "variances are
    resolved within 2 business days; failed jobs are re-run within 24 hours")."""
    m = re.search(subject, sentence, re.IGNORECASE)
    if m is None:
        return None
    w = _WITHIN_RE.search(sentence, m.end())
    return (_number(w.group(1)), w.group(2).lower()) if w else None


def _days_after(subject: str) -> Callable[[str], int | None]:
    def read(sentence: str) -> int | None:
        w = _within_after(sentence, subject)
        if w is None:
            return None
        n, unit = w
        return round(n * {"hour": 1 / 24, "day": 1, "week": 5, "month": 21}[unit]) or 1
    return read


def _hours_after(subject: str) -> Callable[[str], float | None]:
    def read(sentence: str) -> float | None:
        w = _within_after(sentence, subject)
        if w is None:
            return None
        n, unit = w
        return float(n * {"hour": 1, "day": 24, "week": 168, "month": 730}[unit])
    return read


def _percent(sentence: str) -> float | None:
    m = re.search(r"\b(9\d(?:\.\d+)?)\s?%", sentence)
    return float(m.group(1)) if m else None


_PIR = r"(post[- ]?incident|post[- ]?mortem|incident review|retrospective)"
_RERUN = r"\bre-?(?:run|ran|tried|executed)\b"
_REJECTED = r"\breject\w*\s+(?:inputs?|records?|files?|transactions?|submissions?)"


def _retention_days(sentence: str) -> int | None:
    m = _FOR_PERIOD_RE.search(sentence)
    if not m:
        return None
    n, unit = _number(m.group(1)), m.group(2).lower()
    return round(n * {"day": 1, "month": 30.4375, "year": 365}[unit])


def _approvals(sentence: str) -> int | None:
    m = _APPROVALS_RE.search(sentence)
    return _number(m.group(1)) if m else None


def _has(sentence: str, *patterns: str) -> bool:
    low = sentence.lower()
    return all(re.search(p, low) for p in patterns)


def _lacks(sentence: str, *patterns: str) -> bool:
    low = sentence.lower()
    return not any(re.search(p, low) for p in patterns)


def _before(sentence: str, first: str, then: str) -> bool:
    """``first`` occurs, and ``then`` occurs after it (what ``first.*then`` says, in linear time: a pattern
    with ``.*`` in the middle rescans the rest of the sentence from every occurrence of ``first``)."""
    low = sentence.lower()
    m = re.search(first, low)
    return m is not None and re.compile(then).search(low, m.end()) is not None


@dataclass(frozen=True)
class _Rule:
    key: str
    applies: Callable[[str], bool]
    value: Callable[[str], Any]


def _encryption_context(sentence: str) -> bool:
    return _has(sentence, r"\b(kms|encrypt\w*|cryptograph\w*|aes(-?256)?|cmks?|hsm"
                          r"|data[- ]keys?|master[- ]keys?|key[- ]management)\b")


def _tls(sentence: str) -> str | None:
    m = re.search(r"\bTLS\s*(?:v(?:ersion)?\s*)?1\.([0-3])\b", sentence, re.IGNORECASE)
    return f"1.{m.group(1)}" if m else None


_REFUSED = (r"\b(not|never|no longer)\s+(be\s+)?(accepted|allowed|permitted|used|acceptable)\b"
            r"|\bprohibited\b|\bforbidden\b")


_ACCEPTED_LIST = (r"\b(accepted|approved|allowed|permitted) (second |mfa |authentication )?(factors?|methods?) "
                  r"(are|is|include)\b|\bonly\b.*\b(are|is) (accepted|allowed|permitted)\b")
_STRONG = r"fido|security key|passkey|authenticator|windows hello|one-time code|totp|push"
_PHONE = r"\bsms\b|text message|\bvoice\b|phone call"
_MFA_WORDS = r"factor|\bmfa\b|\b2fa\b|two-step|2-step|authenticat|verification code"


def _rejected_factors(sentence: str) -> list[str] | None:
    """Second factors a sentence refuses ("SMS and voice calls are not accepted") as Account.mfa_factors names; a
    sentence listing the only accepted factors without any phone-based one ("Accepted second factors are FIDO2 keys
    and authenticator apps") refuses text messages and calls."""
    low = sentence.lower()
    if re.search(_ACCEPTED_LIST, low) and re.search(_STRONG, low) and not re.search(_PHONE, low) \
            and not re.search(_REFUSED, low):
        return ["sms", "voice"]
    if not re.search(_REFUSED, low):
        return None
    found = [name for name, pattern in (("sms", r"\bsms\b|text message"), ("voice", r"\bvoice\b|phone call"),
                                        ("email", r"\be-?mail\b")) if re.search(pattern, low)]
    return found or None


def _working_days(sentence: str) -> int | None:
    w = _within(sentence)
    if w is None:
        return None
    n, unit = w
    return max(1, round(n * {"hour": 1 / 24, "day": 1, "week": 5, "month": 21}[unit]))


def _required(sentence: str) -> bool | None:
    return True if re.search(r"\b(must|required|requires|enforced|all|every|mandatory)\b", sentence, re.I) else None


_RULES: tuple[_Rule, ...] = (
    _Rule("access_review_cadence_months",
          lambda s: _has(s, r"\baccess\b", r"\breview") and not _before(s, r"\bpolic(?:y|ies)\b", r"\breview"),
          _cadence_months),
    _Rule("policy_review_months",
          lambda s: _has(s, r"\bpolic(y|ies)\b", r"\b(review|re-approv|approv|updat)") and _lacks(s, r"\baccess\b"),
          _cadence_months),
    _Rule("risk_assessment_months", lambda s: _has(s, r"\brisk assessment"), _cadence_months),
    _Rule("offboarding_hours",
          lambda s: _has(s, r"(terminat|offboard|depart|leav|separat|last day)",
                         r"(revok|disabl|remov|deactivat|suspend|deprovision|withdraw|\blos(e|es|t)\b|cut off)"),
          _hours),
    # "Keys are rotated yearly" in a sentence about encryption speaks of encryption keys (KMS), not of the
    # access keys and other credentials people and services sign in with: two different limits.
    _Rule("key_rotation_days",
          lambda s: _has(s, r"\brotat") and (
              _has(s, r"\b(access|api|service[- ]account|ssh|personal access)[- ]keys?\b"
                   r"|\b(credentials?|secrets?|tokens?)\b")
              or (_has(s, r"\bkeys?\b") and not _encryption_context(s))),
          lambda s: _days(s) or _every_days(s)),
    _Rule("encryption_key_rotation_days",
          lambda s: _has(s, r"\bkeys?\b", r"\brotat") and _encryption_context(s)
          and _lacks(s, r"\b(access|api|ssh)[- ]keys?\b", r"\b(credentials?|secrets?|tokens?)\b"),
          lambda s: _days(s) or _every_days(s)),
    _Rule("critical_vuln_sla_days", lambda s: _has(s, r"\bcritical\b", r"(vulnerab|finding|patch|remediat|fix)"),
          _days),
    _Rule("high_vuln_sla_days",
          lambda s: _has(s, r"\bhigh\b", r"(vulnerab|finding|patch|remediat|fix)") and _lacks(s, r"\bcritical\b"),
          _days),
    _Rule("medium_vuln_sla_days",
          lambda s: _has(s, r"\b(medium|moderate)\b", r"(vulnerab|finding|patch|remediat|fix)"), _days),
    _Rule("vuln_scan_cadence_months", lambda s: _has(s, r"(vulnerabilit(y|ies) scan|\bscann(ed|ing)\b)"),
          _cadence_months),
    _Rule("incident_test_months",
          lambda s: _has(s, r"tabletop|incident response (?:plan )?(?:is )?(?:test|exercis)")
          or _before(s, r"\b(?:exercis|test)\w*\s", r"incident"),
          _cadence_months),
    _Rule("dr_test_months", lambda s: _has(s, r"(disaster recovery|\bdr\b|continuity)", r"(test|exercis)"),
          _cadence_months),
    _Rule("backup_test_months", lambda s: _has(s, r"(backup|restore)", r"(test|restor)")
          and _lacks(s, r"disaster recovery"), _cadence_months),
    _Rule("pentest_months", lambda s: _has(s, r"penetration test|\bpen ?test"), _cadence_months),
    _Rule("training_months", lambda s: _has(s, r"(security|awareness) training|training") and
          _lacks(s, r"new (hire|starter|employee)", r"within"), _cadence_months),
    _Rule("training_new_hire_days", lambda s: _has(s, r"(new (hire|starter|employee)|onboard)", r"training"),
          _days),
    _Rule("vendor_review_months",
          lambda s: _has(s, r"(vendor|supplier|third[- ]part|subprocessor)", r"(review|reassess|re-assess)"),
          _cadence_months),
    _Rule("disposal_days",
          lambda s: _has(s, r"(delet|dispos|destroy|purg|eras|return)",
                         r"(contract|agreement|subscription|customer request|on request|upon request)")
          and _lacks(s, r"data subject", r"\bbreach"),
          _days),
    _Rule("dsr_response_months",
          lambda s: _has(s, r"(data subject|subject access|access request|privacy request|\bdsars?\b|\bdsrs?\b"
                            r"|rights request)", r"(answer|respond|fulfil|complet|handl|process|repl)"),
          lambda s: (lambda w: w[0] if w and w[1] == "month" else None)(_within(s))),
    _Rule("dsr_extension_months",
          lambda s: _has(s, r"(data subject|subject access|access request|privacy request|\bdsars?\b|\bdsrs?\b)",
                         r"extend"),
          lambda s: (lambda m: _number(m.group(1)) if m else None)(
              re.search(r"\bextend\w*\s+(?:by\s+)?(?:a\s+further\s+|up\s+to\s+|another\s+)?" + _NUM
                        + r"\s+(?:further\s+|more\s+)?months?\b", s, re.IGNORECASE))),
    _Rule("breach_notification_hours",
          lambda s: _has(s, r"\bbreach", r"(notif|report)", r"(authorit|regulator|supervisory|commissioner|\bico\b)"),
          _hours),
    _Rule("privacy_notice_months", lambda s: _has(s, r"privacy (notice|statement)", r"(review|updat)"),
          _cadence_months),
    _Rule("log_retention_days", lambda s: _has(s, r"\blogs?\b", r"(retain|retention|kept|keep|stored)"),
          _retention_days),
    _Rule("change_min_approvals",
          lambda s: _has(s, r"(change|pull request|merge|code)", r"(approv|review)"), _approvals),
    _Rule("mfa_required", lambda s: _has(s, r"(multi-factor|\bmfa\b|two-factor|\b2fa\b|2-step|two-step)"),
          _required),
    _Rule("min_tls_version", lambda s: _has(s, r"\btls\b"), _tls),
    _Rule("mfa_rejected_factors",
          lambda s: ((_has(s, _PHONE) or _has(s, r"\be-?mail\b", _MFA_WORDS)) and _has(s, _REFUSED))
          or (_has(s, _ACCEPTED_LIST) and _has(s, _STRONG) and _lacks(s, r"\badmin|\bprivileged|\broot\b")),
          _rejected_factors),
    _Rule("emergency_review_working_days",
          lambda s: _has(s, r"\bemergency\b", r"(approv|review)", r"\bafter\b"), _working_days),
    _Rule("account_inactive_days", lambda s: _has(s, r"\b(inactive|unused|dormant)\b", r"\baccounts?\b"),
          lambda s: (lambda m: _number(m.group(1)) if m else None)(
              re.search(r"\b" + _NUM + r"\s+days\b", s, re.IGNORECASE))),
    _Rule("background_check_required", lambda s: _has(s, r"background (check|screen)"), _required),
    _Rule("uptime_target_percent", lambda s: _has(s, r"\b(uptime|availability|available)\b"), _percent),
    _Rule("post_incident_review_business_days", lambda s: _has(s, _PIR), _days_after(_PIR)),
    _Rule("reconciliation_business_days", lambda s: _has(s, r"\b(variances?|reconciliation (?:breaks?|differences?"
                                                        r"|exceptions?))\b"),
          _days_after(r"\b(variances?|reconciliation (?:breaks?|differences?|exceptions?))\b")),
    _Rule("job_rerun_hours", lambda s: _has(s, r"\bfail\w*", r"\b(jobs?|runs?|batch\w*|pipelines?)\b", _RERUN),
          _hours_after(_RERUN)),
    _Rule("rejected_input_business_days", lambda s: _has(s, _REJECTED), _days_after(_REJECTED)),
)


def _sentences(line: str) -> list[str]:
    return [p.strip() for p in _SENTENCE_RE.split(line) if p.strip()]


def _line_offset(doc: Document) -> int:
    m = re.match(r"line (\d+)", doc.src.locator or "")
    return int(m.group(1)) - 1 if m else 0


def _paragraphs(text: str) -> list[tuple[int, list[tuple[int, str]]]]:
    """Paragraphs as (first line index, [(line index, cleaned line)]): wrapped lines of one sentence join up,
    list items and headings start a paragraph of their own, tables and code are skipped."""
    paras: list[tuple[int, list[tuple[int, str]]]] = []
    current: list[tuple[int, str]] = []
    in_code = False
    for i, raw in enumerate(text.splitlines()):
        stripped = raw.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            continue
        starts_item = bool(re.match(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|#+\s+)", raw))
        if in_code or not stripped or stripped.startswith("|") or starts_item:
            if current:
                paras.append((current[0][0], current))
            current = []
            if in_code or not stripped or stripped.startswith("|"):
                continue
        current.append((i, _MARKDOWN_PREFIX.sub("", raw).strip()))
        if re.match(r"^\s*#+\s+", raw):  # a heading is a paragraph of its own
            paras.append((i, current))
            current = []
    if current:
        paras.append((current[0][0], current))
    return paras


def promises_in_text(text: str, *, source: str, ref: str | None, first_line: int = 1,
                     origin: str = "policy") -> list[Promise]:
    """Every promise stated in ``text`` (one per threshold and sentence), in reading order. The locator is
    the line the sentence starts on."""
    out: list[Promise] = []
    for _, lines in _paragraphs(text):
        offsets: list[int] = []  # where each line starts in the joined paragraph
        pos = 0
        for _, line in lines:
            offsets.append(pos)
            pos += len(line) + 1
        joined = " ".join(line for _, line in lines) + " "
        offset = 0
        for sentence in _sentences(joined):
            found = joined.find(sentence, offset)
            offset = found + len(sentence) if found >= 0 else offset
            if len(sentence) > MAX_SENTENCE:
                continue
            line_idx = lines[max(bisect_right(offsets, max(found, 0)) - 1, 0)][0]
            for rule in _RULES:
                if not rule.applies(sentence):
                    continue
                value = rule.value(sentence)
                if value is None:
                    continue
                out.append(Promise(key=rule.key, value=value, quote=sentence, source=source,
                                   origin=origin, ref=ref, locator=f"line {first_line + line_idx}"))  # type: ignore[arg-type]
    return out


def extract_promises(documents: Iterable[Document]) -> list[Promise]:
    """Promises from approved (or not explicitly draft) policy documents, sorted for reproducibility.

    Drafts do not bind the organisation yet, so their text sets nothing."""
    out: list[Promise] = []
    for doc in sorted(documents, key=lambda d: (d.path, d.src.sha256)):
        if (doc.status or "").strip().lower() == "draft" and doc.approved_on is None:
            continue
        out.extend(promises_in_text(doc.text, source=doc.path, ref=doc.src.sha256,
                                    first_line=_line_offset(doc) + 1))
    return out
