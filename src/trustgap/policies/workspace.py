"""The policies of one organisation folder as the web app works on them: their state as the policy checks
judge it, drafts written for the missing and stale ones, and approval of a draft (``approved_on`` and
``approved_by`` filled in its front matter, so it counts as evidence from the next assessment on)."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from trustgap.errors import InputError, TrustgapError
from trustgap.policies.generate import PolicyState, Written, drafts_for, policy_states, write_drafts
from trustgap.policies.library import BY_KEY

DRAFTS = Path("policies") / "drafts"


@dataclass(frozen=True)
class PolicyOverview:
    states: list[PolicyState]
    errors: list[InputError]
    evidence_dir: Path


def _view(folder: Path, as_of: date):  # type: ignore[no-untyped-def]
    """The folder's evidence as the assessment reads it (:func:`trustgap.assessment.policy_view`)."""
    from trustgap.assessment import policy_view, resolve_inputs

    inputs = resolve_inputs(folder)
    evidence = inputs.evidence_dir or folder / "evidence"
    view = policy_view(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers, as_of=as_of)
    return view, evidence


def _evidence_dir(folder: Path) -> Path:
    from trustgap.assessment import resolve_inputs

    return resolve_inputs(folder).evidence_dir or folder / "evidence"


def overview(folder: Path, as_of: date) -> PolicyOverview:
    view, evidence = _view(folder, as_of)
    return PolicyOverview(policy_states(view.prepared.ctx), view.errors, evidence)


def write_missing_drafts(folder: Path, as_of: date) -> list[Written]:
    """Drafts for every missing or stale policy, into ``evidence/policies/drafts`` (existing files kept)."""
    view, evidence = _view(folder, as_of)
    states = policy_states(view.prepared.ctx)
    thresholds = view.prepared.thresholds.as_dict()
    return write_drafts(drafts_for(view.loaded.scope, as_of, thresholds, states=states), evidence / DRAFTS)


_FRONT = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n", re.S)


def approve(folder: Path, relative: str, *, approved_by: str, on: date) -> Path:
    """Fill ``approved_on`` / ``approved_by`` (and ``status: approved``) in the front matter of a policy
    document under the organisation's evidence folder."""
    root = _evidence_dir(folder).resolve()
    target = (root / relative).resolve()
    if root not in target.parents or not target.is_file() or target.suffix.lower() not in (".md", ".markdown"):
        raise TrustgapError(f"no policy document {relative!r} in the evidence folder")
    text = target.read_text(encoding="utf-8")
    m = _FRONT.match(text)
    if m is None:
        raise InputError(relative, "no front matter (--- ... ---) to record the approval in", line=1)
    lines = m.group(1).splitlines()
    values = {"approved_on": on.isoformat(), "approved_by": f'"{approved_by}"', "status": "approved"}
    seen: set[str] = set()
    for i, line in enumerate(lines):
        key = line.split(":", 1)[0].strip()
        if key in values and not line.startswith((" ", "#")):
            lines[i] = f"{key}: {values[key]}"
            seen.add(key)
    lines.extend(f"{k}: {v}" for k, v in values.items() if k not in seen and k != "status")
    new = "---\n" + "\n".join(lines) + "\n---\n" + text[m.end():]
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(new)
    os.replace(tmp, target)
    return target


def title_of(key: str) -> str:
    spec = BY_KEY.get(key)
    return spec.title if spec else key.replace("_", " ")
