"""The interview in the browser: the same question bank, the same answers file (``FOLDER/interview.yaml``,
question-keyed, saved after every answer) and the same session rules as ``trustgap interview``.

Reading the evidence and assessing it (what the conversation needs to skip questions the evidence already
decides) is done once per organisation and kept until a file in the folder changes; the answers themselves
are read from the file on every request, so the CLI and the browser can take turns on one interview.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from trustgap.evidence.store import EvidenceStore
from trustgap.interview.context import InterviewContext
from trustgap.interview.record import InterviewRecord, write_record
from trustgap.interview.run import DEFAULT_NAME, other_answers, read_interview
from trustgap.interview.session import InterviewSession
from trustgap.store.accounts import Organisation

Signature = tuple[tuple[str, int, int], ...]


@dataclass
class WebInterview:
    session: InterviewSession
    context: InterviewContext
    path: Path


def _signature(folder: Path, skip: Path) -> Signature:
    out: list[tuple[str, int, int]] = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            p = Path(root) / name
            if p == skip:
                continue
            try:
                st = p.stat()
            except OSError:
                continue
            out.append((str(p), st.st_size, st.st_mtime_ns))
    return tuple(out)


class InterviewCache:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._contexts: dict[int, tuple[Signature, InterviewContext]] = {}
        self._locks: dict[int, threading.Lock] = {}

    def lock(self, org: Organisation) -> threading.Lock:
        """Held while one request reads, changes and saves an organisation's interview file."""
        with self._guard:
            return self._locks.setdefault(org.id, threading.Lock())

    def _context(self, org: Organisation, as_of: date, store: EvidenceStore) -> InterviewContext:
        from trustgap.assessment import resolve_inputs
        from trustgap.assessment_interview import interview_context

        folder = Path(org.folder)
        record_path = folder / DEFAULT_NAME
        sig = _signature(folder, record_path)
        cached = self._contexts.get(org.id)
        if cached is not None and cached[0] == sig and cached[1].as_of == as_of:
            return cached[1]
        inputs = resolve_inputs(folder)
        ctx = interview_context(inputs.scope_path, evidence_dir=inputs.evidence_dir,
                                answers=other_answers(inputs, record_path), as_of=as_of, store=store)
        self._contexts[org.id] = (sig, ctx)
        return ctx

    def open(self, org: Organisation, *, who: str, as_of: date, today: date, store: EvidenceStore) -> WebInterview:
        """The organisation's interview as saved now (call with :meth:`lock` held when changing it)."""
        ctx = self._context(org, as_of, store)
        path = Path(org.folder) / DEFAULT_NAME
        record = read_interview(path, ctx.bank) if path.is_file() else None
        if record is None:
            record = InterviewRecord(organisation=ctx.organisation, as_of=as_of, answered_by=who)
        session = InterviewSession(ctx.bank, record, out_of_scope=ctx.out_of_scope(),
                                   decided=ctx.decided_by_evidence(), answered_by=who, today=today,
                                   on_change=lambda r: write_record(path, r))
        session.resume_position()
        return WebInterview(session, ctx, path)
