"""Vocabulary shared by the scanner parsers: SOC 2 criterion ids, severities, topics from keywords.

Topics are the documented ScanFinding.topics tokens (encryption_at_rest,
encryption_in_transit, logging, log_retention, public_access, mfa, iam, network, backup, monitoring,
key_rotation, vulnerability, secrets, configuration). A parser first looks a check id up in its own
table; :func:`topics_from_text` is the fallback for ids the table does not know, reading the words of
the check id and title.
"""

from __future__ import annotations

import re

TOPICS = (
    "encryption_at_rest",
    "encryption_in_transit",
    "logging",
    "log_retention",
    "public_access",
    "mfa",
    "iam",
    "network",
    "backup",
    "monitoring",
    "key_rotation",
    "vulnerability",
    "secrets",
    "configuration",
)

# The SOC 2 criteria a topic most directly bears on (used for ids a scanner does not map itself).
TOPIC_CRITERIA: dict[str, tuple[str, ...]] = {
    "encryption_at_rest": ("CC6.1", "CC6.7"),
    "encryption_in_transit": ("CC6.7",),
    "logging": ("CC7.2",),
    "log_retention": ("CC7.2",),
    "public_access": ("CC6.1", "CC6.6"),
    "mfa": ("CC6.1", "CC6.6"),
    "iam": ("CC6.1", "CC6.3"),
    "network": ("CC6.6",),
    "backup": ("A1.2",),
    "monitoring": ("CC7.2",),
    "key_rotation": ("CC6.1",),
    "vulnerability": ("CC7.1",),
    "secrets": ("CC6.1",),
    "configuration": ("CC7.1",),
}

_TRANSIT_WORDS = ("_tls", "_ssl", "https", "in_transit", "_transit", "cipher", "node_to_node", "_http_")

# topic -> substrings of the normalised text ("_word_word_") that suggest it
_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("encryption_in_transit", _TRANSIT_WORDS),
    ("log_retention", ("retention", "retain")),
    ("logging", ("logging", "_log_", "_logs_", "cloudtrail", "_audit", "flow_log", "access_log", "_trail")),
    ("public_access", ("public", "0_0_0_0", "anonymous", "_world", "internet")),
    ("mfa", ("_mfa", "2fa", "two_factor", "multi_factor", "2sv")),
    ("key_rotation", ("rotation", "rotate")),
    ("network", ("security_group", "securitygroup", "ingress", "_port_", "_ssh_", "_rdp_", "firewall", "nacl",
                 "_vpc", "network")),
    ("iam", ("_iam", "privilege", "_admin", "password", "access_key", "accesskey", "_root_", "_rbac",
             "_role", "service_account")),
    ("backup", ("backup", "snapshot", "point_in_time", "_pitr", "versioning", "replication", "multi_az",
                "recover")),
    ("monitoring", ("guardduty", "monitoring", "alarm", "securityhub", "security_hub", "config_recorder",
                    "insights", "metric_filter", "defender", "_alert", "threat_detection")),
    ("vulnerability", ("_cve", "vulnerab", "_patch", "image_scan", "scan_on_push", "inspector")),
    ("secrets", ("secret", "hardcoded", "hard_coded", "credential")),
)


def _norm(text: str) -> str:
    return "_" + re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") + "_"


def topics_from_text(*texts: str | None) -> tuple[str, ...]:
    """Topics suggested by the words of a check id and title; ("configuration",) when none fits."""
    norm = "".join(_norm(t) for t in texts if t)
    found: list[str] = []
    if "encrypt" in norm or "_kms" in norm or "_cmk" in norm or "_sse" in norm or "at_rest" in norm:
        in_transit = any(w in norm for w in _TRANSIT_WORDS)
        found.append("encryption_in_transit" if in_transit and "at_rest" not in norm else "encryption_at_rest")
    for topic, words in _KEYWORDS:
        if topic in found:
            continue
        if topic == "log_retention" and not ("log" in norm and any(w in norm for w in words)):
            continue
        if any(w in norm for w in words):
            found.append(topic)
    return tuple(found) if found else ("configuration",)


def criteria_for_topics(topics: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for t in topics:
        for c in TOPIC_CRITERIA.get(t, ()):
            if c not in out:
                out.append(c)
    return tuple(out)


_CATEGORY = {"cc": "CC", "a": "A", "c": "C", "pi": "PI", "p": "P"}


def normalise_soc2(raw: object) -> str | None:
    """A scanner's SOC 2 requirement id as the AICPA criterion id, or None when it is not one.

    Prowler spells them ``cc_6_1`` (CC6.1), ``cc_a_1_1`` (A1.1), ``cc_c_1_2`` (C1.2), ``pi_1_2`` (PI1.2),
    ``cc_pi_1_1`` / ``cc_p_4_2``; already normal ids (``CC6.1``, ``a1.2``) pass through.
    Only the criterion level is kept (``cc_6_1_2`` -> CC6.1).
    """
    if not isinstance(raw, str):
        return None
    tokens = re.findall(r"[a-z]+|\d+", raw.strip().lower())
    letters: list[str] = []
    while tokens and tokens[0].isalpha():
        letters.append(tokens.pop(0))
    numbers = [t for t in tokens if t.isdigit()]
    if len(numbers) < 2 or len(numbers) != len(tokens):
        return None
    if letters == ["cc"] or letters == ["cc", "cc"]:
        cat = "CC"
    elif len(letters) == 2 and letters[0] == "cc" and letters[1] in _CATEGORY:
        cat = _CATEGORY[letters[1]]
    elif len(letters) == 1 and letters[0] in _CATEGORY:
        cat = _CATEGORY[letters[0]]
    else:
        return None
    return f"{cat}{int(numbers[0])}.{int(numbers[1])}"


def is_soc2_framework(name: object) -> bool:
    """True for a compliance framework key naming SOC 2 ("SOC2", "soc2", "SOC 2", "SOC2-2017")."""
    return isinstance(name, str) and re.sub(r"[^a-z0-9]", "", name.lower()).startswith("soc2")


_SEVERITIES = {
    "critical": "critical",
    "high": "high",
    "medium": "medium",
    "moderate": "medium",
    "low": "low",
    "info": "informational",
    "informational": "informational",
    "information": "informational",
    "negligible": "low",
}


def normalise_severity(raw: object) -> str | None:
    """critical / high / medium / low / informational; None when the source gives none or 'unknown'."""
    if not isinstance(raw, str):
        return None
    return _SEVERITIES.get(raw.strip().lower())
