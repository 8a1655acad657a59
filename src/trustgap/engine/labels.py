"""The words a person reads for a verdict's status and gap kind, importable without the result models (a command
that prints a few stored rows, ``trustgap diff``, has no need of pydantic)."""

from __future__ import annotations

STATUS_LABELS = {
    "implemented": "Implemented",
    "partial": "Partial",
    "gap": "Gap",
    "not_applicable": "Not applicable",
    "not_assessed": "Not assessed",
}
GAP_KIND_LABELS = {
    "missing": "Missing",
    "undocumented": "Undocumented",
    "not_operating": "Not operating",
    "insufficient_evidence": "Insufficient evidence",
    "stale": "Stale",
}
