"""Saving uploaded evidence into an organisation's evidence folder: every file checked first (size, name,
count), then all written, or none (a refused upload leaves the folder as it was)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import UploadFile

from trustgap.web.deps import PageError

_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()+-]")
CHUNK = 1024 * 1024


def safe_name(filename: str) -> str:
    """The last path part of an uploaded file's name, with anything unusual replaced; never hidden."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = _UNSAFE.sub("_", base).lstrip(".") or "upload"
    return base[:120]


@dataclass(frozen=True)
class Saved:
    name: str
    size: int
    sha256: str


async def save_uploads(files: list[UploadFile], target: Path, *, max_total: int, max_files: int) -> list[Saved]:
    if not files:
        raise PageError(400, "file: choose at least one file to upload")
    if len(files) > max_files:
        raise PageError(400, f"file: at most {max_files} files at once ({len(files)} given)")
    target.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path, int, str]] = []
    total = 0
    try:
        for f in files:
            name = safe_name(f.filename or "")
            fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=target)
            size = 0
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out:
                while chunk := await f.read(CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if total > max_total:
                        staged.append((Path(tmp), target / name, size, ""))
                        raise PageError(413, f"file: the upload is larger than the limit of "
                                             f"{max_total // (1024 * 1024)} MiB ({f.filename}); nothing was saved")
                    out.write(chunk)
                    digest.update(chunk)
            staged.append((Path(tmp), target / name, size, digest.hexdigest()))
            if size == 0:
                raise PageError(400, f"file: {f.filename or name} is empty; nothing was saved")
        names = [dest.name for _, dest, _, _ in staged]
        if len(set(names)) != len(names):
            raise PageError(400, "file: two files have the same name; nothing was saved")
    except BaseException:
        for staged_tmp, _, _, _ in staged:
            staged_tmp.unlink(missing_ok=True)
        for leftover in target.glob(".upload-*"):
            leftover.unlink(missing_ok=True)
        raise
    for staged_tmp, dest, _, _ in staged:
        os.replace(staged_tmp, dest)
    return [Saved(dest.name, size, sha) for _, dest, size, sha in staged]
