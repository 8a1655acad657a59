"""A file that cannot be read at all must not leave its checks judging on what remains."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from trustgap.evidence.ingest import ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import CollectionIssue

FIXTURES = Path(__file__).parent.parent / "fixtures" / "evidence" / "trivy"


def test_truncated_trivy_report_becomes_a_collection_issue(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "api-2026-01-05.json", tmp_path / "good.json")
    text = (FIXTURES / "api-2026-02-05.json").read_text(encoding="utf-8")
    (tmp_path / "broken.json").write_text(text[: len(text) // 2], encoding="utf-8")
    out = ingest_folder(tmp_path, store=EvidenceStore(None), as_of=date(2026, 3, 1))
    by_name = {Path(i.name).name: i for i in out.items}
    assert by_name["good.json"].status == "parsed"
    broken = by_name["broken.json"]
    if broken.status == "not_recognised":  # too little left to tell the format: nothing to attribute
        return
    assert broken.status == "failed" and broken.errors[0].line is not None
    issues = [f for fs in out.facts_by_parser.values() for f in fs if isinstance(f, CollectionIssue)]
    assert [i.source for i in issues] == ["scans.trivy"]
    assert "broken.json could not be read" in issues[0].reason
    assert issues[0].src.sha256 == broken.sha256
