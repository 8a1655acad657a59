"""Content-addressed evidence store: raw bytes kept once under their sha256, never modified in place.

The store's folders are created readable by their owner only (0700) and each object is written 0600: evidence
holds names, e-mail addresses and configuration that other users of the machine have no business reading.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from trustgap.evidence.folder import kind_of


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
            _private_dir(root)

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
                _private_dir(target.parent)
                fd, tmp = tempfile.mkstemp(dir=target.parent)  # created 0600
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
        return self.check(sha)[1]

    def check(self, sha: str) -> tuple[str | None, bytes | None]:
        """(what is wrong with a stored object, its bytes): ``(None, bytes)`` when it is there and still hashes
        to its name; else a sentence saying how it was altered (``missing``, changed, truncated, replaced by a
        directory / link / FIFO, unreadable) and None. Never follows a link, never blocks on a FIFO."""
        if self.root is None:
            data = self._mem.get(sha)
            if data is None:
                return "missing", None
            return (None, data) if sha256_bytes(data) == sha else (_CHANGED, None)
        path = self._path(sha)
        try:
            parent = os.lstat(path.parent)
            if not stat.S_ISDIR(parent.st_mode):
                return f"replaced: its folder {path.parent.name}/ is {_kind(parent.st_mode)}", None
            st = os.lstat(path)
        except FileNotFoundError:
            return "missing", None
        except OSError as exc:
            return f"unreadable: {exc.strerror}", None
        if not stat.S_ISREG(st.st_mode):
            return f"replaced by {_kind(st.st_mode)}", None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since the lstat
                    return "replaced by a special file", None
                data = fh.read()
        except OSError as exc:
            return f"unreadable: {exc.strerror}", None
        if sha256_bytes(data) == sha:
            return None, data
        return _CHANGED + (" (the file is now empty)" if not data else ""), None


_CHANGED = "changed: its bytes no longer hash to the recorded sha256"


def _kind(mode: int) -> str:
    return kind_of(mode) or "a regular file"


def _private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) readable by the owner only; an existing folder is left alone."""
    if path.is_dir():
        return
    if not path.parent.exists():
        _private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
