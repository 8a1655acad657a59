"""Credentials that must never be kept as evidence.

Evidence folders collect whatever people drop into them, and now and then that includes a file with a live
credential in it (an ``.env``, a Terraform variables file, a copied CLI config). Before a file is stored, it
is searched for credentials of the well-known shapes below; a file that holds one is not stored, and the run
records an error naming the file, the line and the kind of credential (never the value).

The shapes are the documented formats of each issuer, chosen to be specific enough not to fire on ordinary
text: PEM private keys (RFC 7468 labels), AWS secret access keys next to their usual names, GitHub tokens
(``ghp_`` / ``gho_`` / ``ghu_`` / ``ghs_`` / ``ghr_`` prefixes and fine-grained ``github_pat_`` tokens, see
https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/), Slack
tokens (``xoxb-`` / ``xoxp-`` ...), Stripe live secret keys (``sk_live_`` / ``rk_live_``), Google API keys
(``AIza`` + 35 characters) and Okta API tokens written next to their header name (``SSWS``).
"""

from __future__ import annotations

import re

# (kind, literals one of which must occur, pattern): the literal search is a fast byte scan, so the regular
# expression runs only on the rare file that could hold that kind of credential
_PATTERNS: tuple[tuple[str, tuple[bytes, ...], re.Pattern[bytes]], ...] = (
    ("private key", (b"PRIVATE KEY",),
     re.compile(rb"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----")),
    ("AWS secret access key", (b"ecret", b"ECRET"), re.compile(
        rb"(?i)aws_?secret_?(?:access_?)?key[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])")),
    ("GitHub token", (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_"),
     re.compile(rb"\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{50,}\b")),
    ("Slack token", (b"xox",), re.compile(rb"\bxox[abposr]-[0-9A-Za-z-]{10,}")),
    ("Stripe secret key", (b"_live_",), re.compile(rb"\b[sr]k_live_[0-9A-Za-z]{20,}\b")),
    ("Google API key", (b"AIza",), re.compile(rb"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("Okta API token", (b"SSWS",), re.compile(rb"\bSSWS\s+00[0-9A-Za-z_-]{40}\b")),
)


def find_secret(data: bytes) -> tuple[int, str] | None:
    """(line, kind of credential) of the first credential in ``data``, or None."""
    first: tuple[int, str] | None = None
    for kind, literals, pattern in _PATTERNS:
        if not any(lit in data for lit in literals):
            continue
        m = pattern.search(data)
        if m and (first is None or m.start() < first[0]):
            first = (m.start(), kind)
    if first is None:
        return None
    return data.count(b"\n", 0, first[0]) + 1, first[1]
