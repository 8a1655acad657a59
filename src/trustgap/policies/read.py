"""The policy documents of an evidence folder, read with the same parser the assessment uses (without
storing anything): what ``policy generate --missing`` judges missing or stale."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, parse_with, recognise
from trustgap.evidence.ingest import iter_evidence_files
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import Document

POLICY_PARSER = "policy_document"


def read_policy_documents(folder: Path, as_of: date, skip: Iterable[Path] = ()) -> tuple[list[Document],
                                                                                         list[InputError]]:
    """Every document the policy parser recognises under ``folder``, and the errors met reading them."""
    skipped = {p.resolve() for p in skip}
    docs: list[Document] = []
    errors: list[InputError] = []
    for path in iter_evidence_files(folder):
        if path.resolve() in skipped:
            continue
        data = path.read_bytes()
        name = path.relative_to(folder).as_posix()
        parser = recognise(data, name)
        if parser is None or parser.name != POLICY_PARSER:
            continue
        mtime = datetime.fromtimestamp(int(path.stat().st_mtime), tz=UTC)
        ref = EvidenceRef(sha256=sha256_bytes(data), name=name, source="file", collected_at=mtime, size=len(data))
        res = parse_with(parser, data, ParseContext(ref=ref, path=name, as_of=as_of))
        docs.extend(f for f in res.facts if isinstance(f, Document))
        errors.extend(res.errors)
    return docs, errors
