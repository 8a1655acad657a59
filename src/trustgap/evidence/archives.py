"""Compressed evidence read as its contents: a ``.gz`` file is the file inside it, a ``.zip`` or ``.tar`` (``.tgz``)
each of its members.

Bounded, so a hostile or broken archive cannot exhaust the machine: each member is at most :data:`MAX_MEMBER`
bytes once expanded and :data:`MAX_RATIO` times its compressed size, an archive at most :data:`MAX_MEMBERS`
members and :data:`MAX_TOTAL` bytes in all, nested archives :data:`MAX_DEPTH` deep. A member past a limit is not
read and is named with the limit it broke; the others are read. Office files (XLSX, DOCX) are ZIP containers
too, but they are documents, not archives: they are left whole.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from trustgap.engine.models import ErrorInfo, EvidenceItem, Understanding
from trustgap.evidence.store import EvidenceRef, EvidenceStore

MAX_MEMBER = 256 * 1024 * 1024
MAX_TOTAL = 1024 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 2000
MAX_DEPTH = 2
_CHUNK = 1024 * 1024


@dataclass
class Expanded:
    """The members read from an archive (``archive.zip!dir/file.csv``) and the ones refused, with why."""

    members: list[tuple[str, bytes]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def is_zip_archive(data: bytes) -> bool:
    """A ZIP that is not an Office document (no ``[Content_Types].xml``)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except Exception:  # not a readable ZIP: left to the parsers, which name the problem
        return False
    return "[Content_Types].xml" not in names and "mimetype" not in names


def is_tar(data: bytes) -> bool:
    return len(data) > 262 and data[257:262] == b"ustar"


def is_archive(data: bytes) -> bool:
    return is_gzip(data) or is_zip_archive(data) or is_tar(data)


def _untar(data: bytes, name: str, depth: int, out: Expanded, budget: list[int]) -> None:
    import tarfile

    try:
        tf = tarfile.open(fileobj=io.BytesIO(data), mode="r:")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as exc:
        out.refused.append((name, f"not a readable tar archive ({exc})"))
        return
    with tf:
        n = 0
        for info in tf:
            if not info.isfile():
                continue
            member = f"{name}!{info.name}"
            n += 1
            if n > MAX_MEMBERS:
                out.refused.append((member, f"past the first {MAX_MEMBERS} members (the member-count limit)"))
                continue
            base = info.name.rsplit("/", 1)[-1]
            if not base or base.startswith("."):
                continue
            if info.size > MAX_MEMBER or info.size > budget[0]:
                out.refused.append((member, _limit_text("size")))
                continue
            fh = tf.extractfile(info)
            if fh is None:
                continue
            body = fh.read(MAX_MEMBER + 1)
            budget[0] -= len(body)
            _add(member, body, depth + 1, out, budget)


def _gunzip(data: bytes, name: str) -> tuple[bytes | None, str | None]:
    out = bytearray()
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    limit = max(_CHUNK, min(MAX_MEMBER, len(data) * MAX_RATIO))
    try:
        pos = 0
        while pos < len(data):
            out += d.decompress(data[pos:pos + _CHUNK], limit + 1 - len(out))
            pos += _CHUNK
            if len(out) > limit:
                break
            while d.unconsumed_tail and len(out) <= limit:
                out += d.decompress(d.unconsumed_tail, limit + 1 - len(out))
        if len(out) > limit:
            return None, _limit_text("size" if limit == MAX_MEMBER else "ratio")
        out += d.flush()
    except (zlib.error, EOFError, gzip.BadGzipFile) as exc:
        return None, f"not a readable gzip file ({exc})"
    return bytes(out), None


def _limit_text(which: str) -> str:
    if which == "size":
        return f"larger than {MAX_MEMBER // (1024 * 1024)} MB once expanded (the size limit)"
    if which == "ratio":
        return f"expands more than {MAX_RATIO} times its compressed size (the compression-ratio limit)"
    return which


def _unzip(data: bytes, name: str, depth: int, out: Expanded, budget: list[int]) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # zipfile raises many types on damaged input
        out.refused.append((name, f"not a readable ZIP archive ({type(exc).__name__})"))
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        for n, info in enumerate(infos):
            member = f"{name}!{info.filename}"
            if n >= MAX_MEMBERS:
                out.refused.append((member, f"past the first {MAX_MEMBERS} members (the member-count limit)"))
                continue
            base = info.filename.rsplit("/", 1)[-1]
            if not base or base.startswith(".") or info.filename.startswith("__MACOSX/"):
                continue
            if info.file_size > MAX_MEMBER:
                out.refused.append((member, _limit_text("size")))
                continue
            if info.compress_size and info.file_size > MAX_RATIO * info.compress_size and info.file_size > _CHUNK:
                out.refused.append((member, _limit_text("ratio")))
                continue
            if info.file_size > budget[0]:
                out.refused.append((member, f"past {MAX_TOTAL // (1024 * 1024)} MB for the whole archive (the "
                                            "total-size limit)"))
                continue
            try:
                with zf.open(info) as fh:
                    body = fh.read(MAX_MEMBER + 1)
            except Exception as exc:  # encrypted, unsupported method, damaged member
                out.refused.append((member, f"could not be read ({type(exc).__name__}: {exc})"))
                continue
            if len(body) > MAX_MEMBER:  # the header lied about the size
                out.refused.append((member, _limit_text("size")))
                continue
            budget[0] -= len(body)
            _add(member, body, depth + 1, out, budget)


def _add(name: str, data: bytes, depth: int, out: Expanded, budget: list[int]) -> None:
    if is_archive(data):
        if depth >= MAX_DEPTH:
            out.refused.append((name, f"an archive nested more than {MAX_DEPTH} deep (the nesting limit)"))
            return
        if is_gzip(data):
            body, why = _gunzip(data, name)
            if body is None:
                out.refused.append((name, why or "unreadable"))
                return
            low = name.lower()
            inner = name[:-3] if low.endswith(".gz") else name[:-4] + ".tar" if low.endswith(".tgz") else name
            _add(inner, body, depth + 1, out, budget)
        elif is_tar(data):
            _untar(data, name, depth, out, budget)
        else:
            _unzip(data, name, depth, out, budget)
        return
    out.members.append((name, data))


def expand(data: bytes, name: str) -> Expanded:
    """The files inside an archive (or inside a gzip), within the limits; an ordinary file is its own member."""
    out = Expanded()
    _add(name, data, 0, out, [MAX_TOTAL])
    return out


def archive_item(data: bytes, name: str, collected_at: datetime, store: EvidenceStore,
                 withheld: Callable[[str, bytes], bool] | None = None) -> tuple[EvidenceItem, list[tuple[str, bytes]]]:
    """The archive kept as evidence (its members listed, refused members as errors naming the limit), and the
    members to read. When ``withheld`` says a member holds a credential, the archive itself is not stored either
    (its bytes hold the credential); the member is reported on its own."""
    ex = expand(data, name)
    secret = withheld is not None and any(withheld(n, body) for n, body in ex.members)
    if secret:
        ref = EvidenceRef(sha256="", name=name, source="file", collected_at=collected_at, size=len(data))
    else:
        ref = store.put(data, name=name, source="file", collected_at=collected_at)
    shown = ", ".join(n.split("!", 1)[-1] for n, _ in ex.members[:10]) + (" ..." if len(ex.members) > 10 else "")
    reasons = [f"{len(ex.members)} file(s) inside, read as evidence of their own" + (f": {shown}" if shown else "")]
    if secret:
        reasons.append("not stored: a file inside holds a credential")
    item = EvidenceItem(
        sha256=ref.sha256, name=name, source="file", collected_at=collected_at.astimezone(UTC).isoformat(),
        size=ref.size, format="archive", format_title="Compressed archive (gzip, zip, tar)",
        status="parsed_with_errors" if ex.refused else "parsed",
        errors=[ErrorInfo(path=member, message=f"not read: {why}") for member, why in ex.refused],
        understanding=Understanding(format="archive", title="Compressed archive (gzip, zip, tar)", reasons=reasons),
    )
    return item, ex.members
