"""The evidence package: every raw file once with its sha256, a page per criterion, the run itself."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustgap.assessment import resolve_inputs, run_assessment
from trustgap.cli import app
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.engine.models import AssessmentResult
from trustgap.evidence.store import EvidenceStore
from trustgap.report.package import build_package


@pytest.fixture(scope="module")
def demo() -> tuple[AssessmentResult, EvidenceStore]:
    store = EvidenceStore(None)
    inputs = resolve_inputs(demo_folder())
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=DEMO_AS_OF, save=False, evidence_store=store)
    return result, store


def test_package_layout_sums_and_criteria(demo: tuple[AssessmentResult, EvidenceStore]) -> None:
    result, store = demo
    data, missing = build_package(result, store.get, run_id="r1")
    assert missing == []
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = set(zf.namelist())
    assert {"README.md", "SHA256SUMS", "result.json"} <= names
    assert {f"criteria/{ru.id}.md" for ru in result.criteria} <= names
    sums = [line.split("  ", 1) for line in zf.read("SHA256SUMS").decode().splitlines()]
    assert len(sums) == len({e.sha256 for e in result.evidence if e.sha256})
    for sha, path in sums:  # what sha256sum -c would check
        assert hashlib.sha256(zf.read(path)).hexdigest() == sha
    page = zf.read("criteria/CC6.2.md").decode()
    assert "AC-07" in page and "ethan.brooks@northwind.example" in page and "../evidence/" in page
    assert AssessmentResult.from_json(zf.read("result.json").decode()).organisation == "Northwind Cloud"
    again, _ = build_package(result, store.get, run_id="r1")
    assert again == data  # reproducible


def test_missing_evidence_is_listed_not_dropped(demo: tuple[AssessmentResult, EvidenceStore]) -> None:
    result, store = demo
    gone = next(e for e in result.evidence if e.name.endswith("vendor-inventory.csv"))
    data, missing = build_package(result, lambda sha: None if sha == gone.sha256 else store.get(sha))
    assert missing == [f"{gone.name} ({gone.sha256[:12]})"]
    readme = zipfile.ZipFile(io.BytesIO(data)).read("README.md").decode()
    assert "Not in this evidence store" in readme and gone.name in readme


def test_package_command(tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    assert runner.invoke(app, ["assess", str(demo_folder()), "--as-of", DEMO_AS_OF.isoformat()]).exit_code == 0
    out = tmp_path / "pkg.zip"
    r = runner.invoke(app, ["package", "latest", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "evidence package:" in r.output and zipfile.is_zipfile(out)
    assert len([n for n in zipfile.ZipFile(out).namelist() if n.startswith("evidence/")]) >= 30


def test_verify_finds_missing_and_altered_evidence(tmp_path: Path) -> None:
    from trustgap import config

    runner = CliRunner(env={"COLUMNS": "200"})
    assert runner.invoke(app, ["assess", str(demo_folder()), "--as-of", DEMO_AS_OF.isoformat()]).exit_code == 0
    ok = runner.invoke(app, ["verify", "latest"])
    assert ok.exit_code == 0 and "present and unchanged" in ok.output
    blobs = sorted(p for p in config.evidence_dir().rglob("*") if p.is_file())
    blobs[0].write_bytes(blobs[0].read_bytes() + b"tampered")
    blobs[1].unlink()
    bad = runner.invoke(app, ["verify", "latest"])
    assert bad.exit_code == 1
    assert bad.output.count("ALTERED") == 1 and bad.output.count("missing") == 1
