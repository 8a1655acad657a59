"""Content-addressed evidence store: raw bytes kept once under their sha256, never modified in place."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A piece of raw evidence: its hash, where it came from and when it was collected.

    ``source`` says how it was obtained: ``file`` for an export dropped in the evidence folder, or the
    call that produced it (``aws:iam.GetCredentialReport``, ``github:GET /orgs/acme``).
    """

    sha256: str
    name: str
    source: str
    collected_at: datetime
    size: int
    media_type: str = "application/octet-stream"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["collected_at"] = self.collected_at.isoformat()
        return d


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class EvidenceStore:
    """Keeps raw evidence on disk (``root/ab/abcdef...``) or, with ``root=None``, in memory (tests)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._mem: dict[str, bytes] = {}
        if root is not None:
            root.mkdir(parents=True, exist_ok=True)

    def _path(self, sha: str) -> Path:
        assert self.root is not None
        return self.root / sha[:2] / sha

    def put(
        self,
        data: bytes,
        *,
        name: str,
        source: str,
        collected_at: datetime,
        media_type: str = "application/octet-stream",
    ) -> EvidenceRef:
        sha = sha256_bytes(data)
        if self.root is None:
            self._mem.setdefault(sha, data)
        else:
            target = self._path(sha)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=target.parent)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, target)
        return EvidenceRef(
            sha256=sha, name=name, source=source, collected_at=collected_at, size=len(data), media_type=media_type
        )

    def get(self, sha: str) -> bytes:
        if self.root is None:
            return self._mem[sha]
        return self._path(sha).read_bytes()

    def has(self, sha: str) -> bool:
        return sha in self._mem if self.root is None else self._path(sha).exists()

    def verify(self, sha: str) -> bool:
        """True when the stored bytes still hash to their name."""
        return self.read_verified(sha) is not None

    def read_verified(self, sha: str) -> bytes | None:
        """The stored bytes, read once, when they are there and still hash to their name; else None."""
        if not self.has(sha):
            return None
        data = self.get(sha)
        return data if sha256_bytes(data) == sha else None
