"""Every alteration of the stored evidence is reported by `verify` and `package` as such, with exit 1, and
never a traceback or a hang (a FIFO in place of an object is never opened for a blocking read)."""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustgap import config
from trustgap.cli import app
from trustgap.starter import write_starter

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"


def _org(tmp_path: Path) -> Path:
    org = tmp_path / "org"
    write_starter(org, organisation="Acme")
    for rel in ("hr/bamboohr-employees.csv", "identity/aws-credential-report.csv", "identity/okta-users.json"):
        shutil.copy(FIX / rel, org / "evidence" / Path(rel).name)
    return org


def _append(p: Path) -> None:
    p.write_bytes(p.read_bytes() + b"x")


def _flip(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[0] ^= 1
    p.write_bytes(bytes(data))


def _truncate(p: Path) -> None:
    p.write_bytes(b"")


def _half(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _directory(p: Path) -> None:
    p.unlink()
    p.mkdir()


def _symlink(p: Path) -> None:  # a link to a copy with the right bytes is still not the stored object
    copy = p.parent.parent / "copy"
    shutil.copy(p, copy)
    p.unlink()
    p.symlink_to(copy)


def _fifo(p: Path) -> None:
    p.unlink()
    os.mkfifo(p)


def _shard_is_file(p: Path) -> None:
    shard = p.parent
    shutil.rmtree(shard)
    shard.write_bytes(b"not a folder")


def _unreadable_shard_link(p: Path) -> None:
    shard = p.parent
    shutil.move(shard, shard.parent / "elsewhere")
    shard.symlink_to(shard.parent / "elsewhere")


ALTERATIONS: dict[str, Callable[[Path], None]] = {
    "appended": _append, "flipped": _flip, "emptied": _truncate, "truncated": _half, "directory": _directory,
    "symlink": _symlink, "fifo": _fifo, "shard replaced by a file": _shard_is_file,
    "shard replaced by a link": _unreadable_shard_link,
}


@pytest.mark.parametrize("how", list(ALTERATIONS))
def test_alteration_reported_never_a_traceback(how: str, tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    org = _org(tmp_path)
    assessed = runner.invoke(app, ["assess", str(org), "--as-of", "2026-03-01"])
    assert assessed.exit_code == 0, assessed.output
    ok = runner.invoke(app, ["verify", "latest"])
    assert ok.exit_code == 0 and "present and unchanged" in ok.output, ok.output
    blob = sorted(p for p in config.evidence_dir().rglob("*") if p.is_file())[0]
    ALTERATIONS[how](blob)
    bad = runner.invoke(app, ["verify", "latest"])
    assert bad.exception is None or isinstance(bad.exception, SystemExit), bad.exception
    assert bad.exit_code == 1 and ("ALTERED" in bad.output or "missing" in bad.output), bad.output
    assert blob.name[:12] in bad.output
    out = tmp_path / "pkg.zip"
    pkg = runner.invoke(app, ["package", "latest", "-o", str(out)])
    assert pkg.exception is None or isinstance(pkg.exception, SystemExit), pkg.exception
    assert pkg.exit_code == 1, pkg.output
    readme = zipfile.ZipFile(out).read("README.md").decode()
    if "ALTERED" in bad.output:
        assert "ALTERED" in pkg.output and "ALTERED" in readme and blob.name[:12] in readme


def test_store_created_for_owner_only(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["assess", str(_org(tmp_path)), "--as-of", "2026-03-01"]).exit_code == 0
    store = config.evidence_dir()
    dirs = [store, *(p for p in store.rglob("*") if p.is_dir())]
    files = [p for p in store.rglob("*") if p.is_file()]
    assert files and all(p.stat().st_mode & 0o077 == 0 for p in dirs + files)
    db = config.home() / "trustgap.db"
    assert db.stat().st_mode & 0o077 == 0 and config.home().stat().st_mode & 0o077 == 0
