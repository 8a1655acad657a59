"""Compressed evidence (.gz, .zip with several members, .tar.gz) is read as its contents, within limits."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from datetime import date
from pathlib import Path

from trustgap.evidence.archives import MAX_DEPTH, expand, is_archive
from trustgap.evidence.ingest import finalize_facts, ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import Person, Record, Vendor

from .test_parsers_documents_tables import make_xlsx

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _tgz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _ingest(tmp_path: Path, files: dict[str, bytes]) -> tuple[dict[str, object], list[object]]:
    ev = tmp_path / "evidence"
    ev.mkdir()
    for name, data in files.items():
        (ev / name).write_bytes(data)
    out = ingest_folder(ev, store=EvidenceStore(tmp_path / "store"), as_of=date(2026, 7, 1))
    return {i.name: i for i in out.items}, finalize_facts(out)


def test_a_zip_with_several_members_is_read_member_by_member(tmp_path: Path) -> None:
    export = _zip({"exports/vendors.csv": (FIX / "vendors" / "vendor-inventory.csv").read_bytes(),
                   "exports/people.csv": (FIX / "hr" / "bamboohr-employees.csv").read_bytes(),
                   "__MACOSX/exports/._people.csv": b"\x00\x05\x16\x07", "exports/readme.txt": b"exported by hand\n"})
    items, facts = _ingest(tmp_path, {"exports.zip": export})
    archive = items["exports.zip"]
    assert archive.format == "archive" and archive.status == "parsed"  # type: ignore[attr-defined]
    assert items["exports.zip!exports/vendors.csv"].format == "vendor_inventory"  # type: ignore[attr-defined]
    assert items["exports.zip!exports/people.csv"].format == "hr_roster"  # type: ignore[attr-defined]
    assert items["exports.zip!exports/readme.txt"].status == "not_recognised"  # type: ignore[attr-defined]
    assert not any("MACOSX" in n for n in items)
    assert {v.name for v in facts if isinstance(v, Vendor)} >= {"Amazon Web Services", "Slack"}
    assert any(isinstance(p, Person) and p.email == "alice.ng@acme.example" for p in facts)


def test_gzip_and_tar_gz(tmp_path: Path) -> None:
    checkr = (FIX / "records" / "checkr-reports.csv").read_bytes()
    items, facts = _ingest(tmp_path, {
        "screening.csv.gz": gzip.compress(checkr, mtime=0),
        "bundle.tgz": _tgz({"risk/register.csv": (FIX / "risk" / "risk-register.csv").read_bytes()}),
    })
    assert items["screening.csv"].format == "background_checks"  # type: ignore[attr-defined]
    assert items["bundle.tar!risk/register.csv"].format == "risk_register"  # type: ignore[attr-defined]
    kinds = sorted({r.kind for r in facts if isinstance(r, Record)})
    assert kinds == ["background_check", "risk_assessment"]


def test_limits_name_the_member_and_the_limit_and_read_the_rest(tmp_path: Path) -> None:
    bomb = b"0" * (8 * 1024 * 1024)  # compresses more than 200 times
    nested = b"id,name\n1,a\n"
    for _ in range(MAX_DEPTH + 1):
        nested = _zip({"inner.zip": nested})
    data = _zip({"zeros.csv": bomb, "nested.zip": nested,
                 "vendors.csv": (FIX / "vendors" / "vendor-inventory.csv").read_bytes()})
    items, facts = _ingest(tmp_path, {"upload.zip": data})
    archive = items["upload.zip"]
    errors = {e.path: e.message for e in archive.errors}  # type: ignore[attr-defined]
    assert archive.status == "parsed_with_errors"  # type: ignore[attr-defined]
    assert "compression-ratio limit" in errors["upload.zip!zeros.csv"]
    assert any("nesting limit" in m for p, m in errors.items() if p.startswith("upload.zip!nested.zip"))
    assert items["upload.zip!vendors.csv"].format == "vendor_inventory"  # type: ignore[attr-defined]
    assert any(isinstance(v, Vendor) for v in facts)


def test_office_files_are_documents_not_archives() -> None:
    assert not is_archive(make_xlsx())
    assert is_archive(_zip({"a.csv": b"x,y\n"})) and is_archive(gzip.compress(b"x"))
    ex = expand(b"plain text\n", "notes.txt")
    assert ex.members == [("notes.txt", b"plain text\n")] and ex.refused == []


def test_a_credential_inside_an_archive_withholds_that_member_only(tmp_path: Path) -> None:
    key = b"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7Vhg\n-----END RSA PRIVATE KEY-----\n"
    items, facts = _ingest(tmp_path, {"dump.zip": _zip({
        "keys/deploy.pem": key, "vendors.csv": (FIX / "vendors" / "vendor-inventory.csv").read_bytes()})})
    withheld = items["dump.zip!keys/deploy.pem"]
    assert withheld.status == "failed" and "private key" in withheld.errors[0].message  # type: ignore[attr-defined]
    assert items["dump.zip!vendors.csv"].format == "vendor_inventory"  # type: ignore[attr-defined]
    # the archive's own bytes hold the key: it is listed, not stored
    assert items["dump.zip"].sha256 == ""  # type: ignore[attr-defined]
    assert not any(b"PRIVATE KEY" in p.read_bytes() for p in (tmp_path / "store").rglob("*") if p.is_file())
