"""Google Cloud firewall rules: the ``gcp_firewall_rules`` hook of ``formats/gcp_firewall_rules.yaml``.

One :class:`Resource` (``gcp.compute.firewall``) per rule. An enabled ingress rule's ``allowed`` entries become
``attrs["ingress"]`` rules shaped like a security group's (``protocol``, ``from_port``, ``to_port``, ``sources``:
the rule's ``sourceRanges``), and ``attrs["public_ingress"]`` lists those open to 0.0.0.0/0 or ::/0; an entry
without ports allows every port. Protocol numbers are named as the API documents them (6 tcp, 17 udp, 1 icmp).
"""

from __future__ import annotations

from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook

WORLD = frozenset({"0.0.0.0/0", "::/0"})
_NUMBERS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "ipv6-icmp"}


def _ports(spec: str) -> tuple[int, int] | None:
    low, _, high = spec.partition("-")
    try:
        return int(low), int(high or low)
    except ValueError:
        return None


def rules(allowed: Any, sources: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for entry in allowed if isinstance(allowed, list) else []:
        if not isinstance(entry, dict):
            continue
        proto = str(entry.get("IPProtocol") or "all").lower()
        proto = _NUMBERS.get(proto, proto)
        ports = [p for p in (_ports(str(x)) for x in entry.get("ports") or []) if p is not None]
        if not ports:
            out.append({"protocol": proto, "from_port": None, "to_port": None, "sources": list(sources)})
        for low, high in ports:
            out.append({"protocol": proto, "from_port": low, "to_port": high, "sources": list(sources)})
    return out


def _describe(rule: dict[str, Any]) -> str:
    if rule["protocol"] == "all":
        return "all traffic"
    if rule["from_port"] is None:
        return f"{rule['protocol']} all ports"
    low, high = rule["from_port"], rule["to_port"]
    return f"{rule['protocol']} {low}" if low == high else f"{rule['protocol']} {low}-{high}"


@register_hook("gcp_firewall_rules")
def gcp_firewall_rules(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        if row.get("_kind") not in (None, "compute#firewall"):
            continue
        direction = str(row.get("attrs.direction") or "INGRESS").upper()
        sources = [str(s) for s in row.get("_source_ranges") or []]
        ingress = rules(row.get("_allowed"), sources) if direction == "INGRESS" else []
        fact = hc.fact(row, name=row.get("resource_id"))
        fact.attrs.update({"ingress": ingress,
                           "public_ingress": sorted({_describe(r) for r in ingress if WORLD & set(r["sources"])})})
        out.append(fact)
    return out
