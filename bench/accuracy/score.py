"""Score trustgap against the answer keys of the benchmark organisations.

    python bench/accuracy/score.py OUT_DIR [--orgs a,b] [--details] [--json FILE]

OUT_DIR holds, per organisation, its folder ``<org>/`` (scope.yaml, optional answers.yaml, evidence/) and its
answer key ``<org>.key.yaml`` beside it (never inside: trustgap must not read it). trustgap runs through its
Python API with the key's fixed as-of date, nothing saved, evidence kept in a temporary store.

Matching (documented in README.md): a finding *names* a key item when the finding is on one of the item's
controls or carries one of its criteria, and one of the item's spellings (``entity`` or ``match``) occurs in
the finding's entity, compared case-insensitively after Unicode folding, with ``_`` read as a space and
whitespace collapsed, and bounded on both sides by a character that is not a letter or digit (so ``api#12``
never matches ``api#123``); a spelling written ``=text`` must equal the whole entity instead. A planted
item is found when some finding names it; a fine item is a false alarm when some finding names it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class FindingLike(Protocol):
    control_id: str
    criteria: list[str]
    entity: str | None
    reason: str
    gap_kind: str | None


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    controls: tuple[str, ...]
    criteria: tuple[str, ...]
    entity: str
    match: tuple[str, ...]
    why: str

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Item:
        kind = d.get("kind")
        if kind not in ("planted", "fine"):
            raise ValueError(f"key item {d.get('id')!r}: kind must be planted or fine, not {kind!r}")
        if not d.get("controls") and not d.get("criteria"):
            raise ValueError(f"key item {d.get('id')!r}: needs controls or criteria")
        return cls(
            str(d["id"]),
            kind,
            tuple(d.get("controls") or ()),
            tuple(d.get("criteria") or ()),
            str(d["entity"]),
            tuple(str(m) for m in d.get("match") or ()),
            str(d.get("why", "")),
        )

    def spellings(self) -> list[str]:
        """Normalised spellings; one written ``=text`` must equal the finding's whole entity."""
        out = []
        for x in (self.entity, *self.match):
            exact = x.startswith("=")
            n = normalise(x[1:] if exact else x)
            if n:
                out.append("=" + n if exact else n)
        return out


def normalise(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold().replace("_", " ")
    return re.sub(r"\s+", " ", s).strip()


def names(spelling: str, text: str) -> bool:
    """``spelling`` (normalised) occurs in normalised ``text`` bounded by non-alphanumerics."""
    if not spelling:
        return False
    start = 0
    while True:
        i = text.find(spelling, start)
        if i < 0:
            return False
        before = text[i - 1] if i > 0 else " "
        j = i + len(spelling)
        after = text[j] if j < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        start = i + 1


def on_item(item: Item, f: FindingLike) -> bool:
    return f.control_id in item.controls or bool(set(item.criteria) & set(f.criteria or ()))


def finding_names(item: Item, f: FindingLike) -> bool:
    if not on_item(item, f):
        return False
    text = normalise(f.entity or "")
    return any(text == s[1:] if s.startswith("=") else names(s, text) for s in item.spellings())


def proven(f: FindingLike) -> bool:
    """The finding claims a breach the evidence proves (``certainty == "proven"``), not a "cannot tell"."""
    return getattr(f, "certainty", None) == "proven"


def cannot_tell(f: FindingLike) -> bool:
    """The finding says the evidence cannot decide (insufficient evidence), rather than proving a breach."""
    conf = getattr(f, "confidence", None)
    if isinstance(conf, str) and conf.lower() in ("cannot_tell", "cannot tell", "insufficient", "unknown", "low"):
        return True
    return f.gap_kind == "insufficient_evidence"


@dataclass
class ItemOutcome:
    item: Item
    hit: bool
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def all_cannot_tell(self) -> bool:
        return bool(self.findings) and all(x["cannot_tell"] for x in self.findings)

    @property
    def proven_hit(self) -> bool:
        """Named by at least one finding that claims a proven breach."""
        return any(x["proven"] for x in self.findings)


def _fdict(f: FindingLike) -> dict[str, Any]:
    return {
        "control": f.control_id,
        "check": getattr(f, "check_id", None),
        "entity": f.entity,
        "reason": f.reason,
        "gap_kind": f.gap_kind,
        "certainty": getattr(f, "certainty", None),
        "proven": proven(f),
        "cannot_tell": cannot_tell(f),
    }


def match(items: Sequence[Item], findings: Iterable[FindingLike]) -> tuple[list[ItemOutcome], list[dict[str, Any]]]:
    """Per key item, the findings naming it; and the findings naming no item."""
    outcomes = [ItemOutcome(i, False) for i in items]
    unmatched: list[dict[str, Any]] = []
    for f in findings:
        hit_any = False
        for o in outcomes:
            if finding_names(o.item, f):
                o.hit = True
                o.findings.append(_fdict(f))
                hit_any = True
        if not hit_any:
            unmatched.append(_fdict(f))
    return outcomes, unmatched


@dataclass
class OrgScore:
    org: str
    planted: int = 0
    found: int = 0
    found_cannot_tell: int = 0
    found_proven: int = 0
    fine: int = 0
    flagged: int = 0
    flagged_cannot_tell: int = 0
    flagged_proven: int = 0
    findings: int = 0
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    in_scope: int = 0
    not_assessed: int = 0
    files: int = 0
    not_recognised: int = 0
    failed_files: int = 0
    not_recognised_names: list[str] = field(default_factory=list)
    outcomes: list[ItemOutcome] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 0.0

    @property
    def false_alarm_rate(self) -> float:
        """Strict: a fine item named by any finding, proven or "cannot tell", is a false alarm."""
        return self.flagged / self.fine if self.fine else 0.0

    @property
    def proven_false_alarm_rate(self) -> float:
        """Counting only findings that claim a proven breach (``certainty == "proven"``)."""
        return self.flagged_proven / self.fine if self.fine else 0.0

    @property
    def proven_recall(self) -> float:
        """Share of planted items named by a finding that claims a proven breach."""
        return self.found_proven / self.planted if self.planted else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.org,
            "error": self.error,
            "planted": self.planted,
            "found": self.found,
            "recall": round(self.recall, 4),
            "found_only_as_cannot_tell": self.found_cannot_tell,
            "found_by_proven": self.found_proven,
            "proven_recall": round(self.proven_recall, 4),
            "fine": self.fine,
            "false_alarms": self.flagged,
            "false_alarms_cannot_tell": self.flagged_cannot_tell,
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "false_alarms_proven": self.flagged_proven,
            "proven_false_alarm_rate": round(self.proven_false_alarm_rate, 4),
            "findings": self.findings,
            "unmatched_findings": len(self.unmatched),
            "unmatched_sample": self.unmatched[:15],
            "controls_in_scope": self.in_scope,
            "controls_not_assessed": self.not_assessed,
            "files": self.files,
            "files_not_recognised": self.not_recognised,
            "files_failed": self.failed_files,
            "not_recognised": self.not_recognised_names,
            "seconds": round(self.seconds, 1),
            "items": [
                {
                    "id": o.item.id,
                    "kind": o.item.kind,
                    "entity": o.item.entity,
                    "controls": list(o.item.controls),
                    "criteria": list(o.item.criteria),
                    "outcome": ("found" if o.hit else "missed")
                    if o.item.kind == "planted"
                    else ("false_alarm" if o.hit else "clean"),
                    "why": o.item.why,
                    "findings": o.findings,
                }
                for o in self.outcomes
            ],
        }


def key_digest(items: Sequence[Item]) -> str:
    """A short digest of what a key claims (ids, kinds, controls, criteria, spellings; not the prose), so a floor
    measured on one key is never applied to another."""
    import hashlib

    h = hashlib.sha256()
    for i in sorted(items, key=lambda x: x.id):
        h.update(json.dumps([i.id, i.kind, i.controls, i.criteria, i.entity, i.match]).encode() + b"\n")
    return h.hexdigest()[:16]


def load_key(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["items"] = [Item.from_dict(d) for d in doc["items"]]
    ids = [i.id for i in doc["items"]]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate item ids")
    return doc


def score_result(org: str, items: Sequence[Item], result: Any) -> OrgScore:
    s = OrgScore(org)
    outcomes, unmatched = match(items, result.findings)
    s.outcomes = outcomes
    s.unmatched = unmatched
    s.findings = len(result.findings)
    for o in outcomes:
        if o.item.kind == "planted":
            s.planted += 1
            s.found += o.hit
            s.found_cannot_tell += o.hit and o.all_cannot_tell
            s.found_proven += o.proven_hit
        else:
            s.fine += 1
            s.flagged += o.hit
            s.flagged_cannot_tell += o.hit and o.all_cannot_tell
            s.flagged_proven += o.proven_hit
    counts = result.readiness.counts
    s.in_scope = counts.in_scope
    s.not_assessed = counts.not_assessed
    files = [e for e in result.evidence if e.status not in ("scope", "answers")]
    s.files = len(files)
    s.not_recognised = sum(e.status == "not_recognised" for e in files)
    s.failed_files = sum(e.status == "failed" for e in files)
    s.not_recognised_names = sorted(e.name for e in files if e.status == "not_recognised")
    return s


def score_org(out: Path, org: str) -> OrgScore:
    """Run trustgap on ``out/<org>`` with the key's as-of date and score it. An organisation whose key names a
    ``live`` file is assessed with ``collect=["aws", "github"]`` against its local stand-ins (a moto server
    and a GitHub REST server, started for the run: :mod:`bench.accuracy.live.session`)."""
    from trustgap.assessment import run_assessment
    from trustgap.evidence.store import EvidenceStore

    key = load_key(out / f"{org}.key.yaml")
    folder = out / key.get("folder", org)
    as_of = key["as_of"] if isinstance(key["as_of"], date) else date.fromisoformat(str(key["as_of"]))
    answers = [folder / "answers.yaml"] if (folder / "answers.yaml").exists() else []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tg-accuracy-") as tmp:
        try:
            with contextlib.ExitStack() as stack:
                scope_path = folder / "scope.yaml"
                collect: list[str] = []
                if key.get("live"):
                    from bench.accuracy.live import session

                    ends = stack.enter_context(session.running(out / str(key["live"])))
                    scope_path = session.scope_for(scope_path, ends, Path(tmp) / "scope" / "scope.yaml")
                    collect = ["aws", "github"]
                result, _ = run_assessment(
                    scope_path,
                    evidence_dir=folder / "evidence",
                    answers=answers,
                    as_of=as_of,
                    collect=collect,
                    save=False,
                    evidence_store=EvidenceStore(Path(tmp) / "store"),
                )
        except Exception as exc:  # a crash is a result: reported, never hidden
            s = OrgScore(org, error=f"{type(exc).__name__}: {exc}")
            s.outcomes = [ItemOutcome(i, False) for i in key["items"]]
            s.planted = sum(i.kind == "planted" for i in key["items"])
            s.fine = sum(i.kind == "fine" for i in key["items"])
            s.seconds = time.perf_counter() - t0
            return s
    s = score_result(org, key["items"], result)
    s.seconds = time.perf_counter() - t0
    return s


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def summary_lines(scores: Sequence[OrgScore], *, details: bool = False) -> list[str]:
    lines = [
        f"{'organisation':<10} {'recall':>14} {'false alarms':>18} | {'proven: found':>14} {'false alarms':>13} | "
        f"{'unmatched':>9} {'not assessed':>13} {'not recognised':>15}"
    ]
    for s in scores:
        if s.error:
            lines.append(f"{s.org:<10} CRASHED: {s.error}")
            continue
        rc = f"{s.found}/{s.planted} {_pct(s.recall)}"
        fa = f"{s.flagged}/{s.fine} {_pct(s.false_alarm_rate)}"
        if s.flagged_cannot_tell:
            fa += f" ({s.flagged_cannot_tell} ct)"
        prc = f"{s.found_proven}/{s.planted} {_pct(s.proven_recall)}"
        pfa = f"{s.flagged_proven}/{s.fine} {_pct(s.proven_false_alarm_rate)}"
        lines.append(
            f"{s.org:<10} {rc:>14} {fa:>18} | {prc:>14} {pfa:>13} | "
            f"{len(s.unmatched):>9} {f'{s.not_assessed}/{s.in_scope}':>13} "
            f"{f'{s.not_recognised}/{s.files}':>15}"
        )
    lines.append(
        "(recall and false alarms are strict: any finding naming the item counts; ct: of which every "
        "finding naming the item says 'cannot tell'. proven: only findings whose certainty is 'proven')"
    )
    for s in scores:
        if s.found_cannot_tell:
            lines.append(f"  {s.org}: {s.found_cannot_tell} planted items found only through 'cannot tell' findings")
        if s.unmatched and not s.error:
            lines.append(f"  {s.org}: {len(s.unmatched)} findings name no key item, e.g.:")
            for u in s.unmatched[:5]:
                lines.append(f"    {u['control']} {u['entity']!s:.60} | {u['reason']:.70}")
        if details:
            missed = [o for o in s.outcomes if o.item.kind == "planted" and not o.hit]
            alarms = [o for o in s.outcomes if o.item.kind == "fine" and o.hit]
            if missed:
                lines.append(f"  {s.org}: missed planted items ({len(missed)}):")
                for o in missed:
                    lines.append(
                        f"    - {o.item.id} [{','.join(o.item.controls + o.item.criteria)}] "
                        f"{o.item.entity}: {o.item.why}"
                    )
            if alarms:
                lines.append(f"  {s.org}: false alarms ({len(alarms)}):")
                for o in alarms:
                    lines.append(f"    - {o.item.id} [{','.join(o.item.controls + o.item.criteria)}] {o.item.entity}")
                    for f in o.findings[:3]:
                        lines.append(
                            f"        {f['control']} {f['check']}: {f['entity']} | {f['reason']:.100}"
                            + ("" if f["proven"] else " (cannot tell)")
                        )
            if s.not_recognised_names:
                more = len(s.not_recognised_names) - 12
                lines.append(
                    f"  {s.org}: files not recognised: {', '.join(s.not_recognised_names[:12])}"
                    + (f" and {more} more" if more > 0 else "")
                )
    return lines


def write_json(path: Path, scores: Sequence[OrgScore]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"organisations": [s.as_dict() for s in scores]}, indent=2, ensure_ascii=False, default=str) + "\n",
        encoding="utf-8",
    )


def orgs_in(out: Path) -> list[str]:
    return sorted(p.name[: -len(".key.yaml")] for p in out.glob("*.key.yaml"))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="folder holding <org>/ and <org>.key.yaml")
    ap.add_argument("--orgs", default="", help="comma-separated organisations (default: every key in OUT)")
    ap.add_argument("--details", action="store_true", help="list missed planted items and false alarms")
    ap.add_argument("--json", type=Path, default=None, help="where to write the figures (default OUT/scores.json)")
    a = ap.parse_args(argv)
    orgs = [o for o in a.orgs.split(",") if o] or orgs_in(a.out)
    scores = [score_org(a.out, o) for o in orgs]
    print("\n".join(summary_lines(scores, details=a.details)))
    jp = a.json or a.out / "scores.json"
    write_json(jp, scores)
    print(f"figures and per-item outcomes: {jp}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
