"""Walking an evidence folder and reading its files, safely.

Only regular files inside the folder are read. Symbolic links are never followed (a link could point anywhere:
``/etc/shadow``, another customer's folder), and FIFOs, sockets and device files are never opened (reading a FIFO
blocks forever, a device may never end). Each one is reported by name with the reason it was skipped, so
nothing is left out silently. A file name that is not valid UTF-8 (possible on Linux) is shown with the bad
bytes replaced, and the file is still read.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from trustgap.evidence.limits import Limits, current, file_refusal

# Files never treated as evidence: editor / OS leftovers.
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass
class FolderScan:
    """The regular files to read (sorted) and the entries skipped, with why (relative name -> reason)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def display_name(rel: str) -> str:
    """``rel`` as text that can be stored and printed: bytes that were not UTF-8 in the file name (kept by
    Python as lone surrogates) become U+FFFD."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link (links are not followed)"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    return "not a regular file"


def scan_folder(folder: Path) -> FolderScan:
    """Every regular file below ``folder`` (recursively, sorted by relative path, hidden files and folders and
    :data:`IGNORED_NAMES` skipped without a word), and every other entry skipped with its reason."""
    out = FolderScan()
    stack = [folder]
    found: list[tuple[str, Path]] = []
    while stack:
        current_dir = stack.pop()
        try:
            entries = list(os.scandir(current_dir))
        except OSError as exc:
            rel = current_dir.relative_to(folder).as_posix()
            out.skipped.append((display_name(rel), f"folder could not be read: {exc.strerror}"))
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name in IGNORED_NAMES:
                continue
            path = Path(entry.path)
            rel = path.relative_to(folder).as_posix()
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                out.skipped.append((display_name(rel), f"could not be read: {exc.strerror}"))
                continue
            if stat.S_ISDIR(mode):
                stack.append(path)
            elif stat.S_ISREG(mode):
                found.append((rel, path))
            else:
                out.skipped.append((display_name(rel), f"skipped: {kind_of(mode)}"))
    out.files = [p for _, p in sorted(found)]
    out.skipped.sort()
    return out


class NotRead(Exception):
    """A file that was not read, with the reason (a limit, its type, an OS error)."""


def read_file(path: Path, limits: Limits | None = None) -> tuple[bytes, float]:
    """(contents, modification time) of the regular file at ``path``, read without following a link and without
    blocking on a FIFO put there since the folder was scanned; :class:`NotRead` when it is past the file-size
    limit, not a regular file, or unreadable."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno is not None and os.path.islink(path):
            raise NotRead(f"skipped: {kind_of(stat.S_IFLNK)}") from None
        raise NotRead(f"could not be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        what = kind_of(st.st_mode)
        if what is not None:
            raise NotRead(f"skipped: {what}")
        lim = limits or current()
        why = file_refusal(st.st_size, lim)
        if why is not None:
            raise NotRead(why)
        try:
            data = fh.read(lim.file_bytes + 1)
        except OSError as exc:
            raise NotRead(f"could not be read: {exc.strerror}") from None
        why = file_refusal(len(data), lim)  # it grew since it was looked at
        if why is not None:
            raise NotRead(why)
        return data, st.st_mtime
