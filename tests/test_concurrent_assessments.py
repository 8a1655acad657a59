"""Two assessments in one process (two web requests, two scheduled jobs) share nothing but read-only data:
run at the same time on two threads they give exactly what they give one after the other."""

from __future__ import annotations

import json
import shutil
import sys
import threading
from datetime import date
from pathlib import Path

from trustgap.assessment import resolve_inputs, run_assessment
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.evidence.store import EvidenceStore


def _second_organisation(tmp_path: Path) -> Path:
    """The demo organisation changed where checks judge differently: another name, Security only, a Type I
    report, and no Okta factors export (the MFA check cannot use it)."""
    folder = tmp_path / "other"
    shutil.copytree(demo_folder(), folder)
    scope = folder / "scope.yaml"
    text = scope.read_text(encoding="utf-8")
    text = text.replace("name: Northwind Cloud", "name: Southwind Data", 1)
    text = text.replace("categories: [security, availability, confidentiality]", "categories: [security]", 1)
    text = text.replace("  type: type2\n  period: {start: 2026-01-01, end: 2026-12-31}\n", "  type: type1\n", 1)
    scope.write_text(text, encoding="utf-8")
    (folder / "evidence" / "identity" / "okta-factors.json").unlink()
    return folder


def _assess(folder: Path, as_of: date) -> str:
    inputs = resolve_inputs(folder)
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=as_of, save=False, evidence_store=EvidenceStore(None))
    return result.to_json()


def test_two_assessments_on_two_threads_equal_sequential_runs(tmp_path: Path) -> None:
    jobs = {"northwind": (demo_folder(), DEMO_AS_OF), "southwind": (_second_organisation(tmp_path), date(2026, 10, 1))}
    sequential = {name: _assess(folder, as_of) for name, (folder, as_of) in jobs.items()}
    assert sequential["northwind"] != sequential["southwind"]
    assert json.loads(sequential["southwind"])["organisation"] == "Southwind Data"

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # threads take turns often, so the two runs interleave inside the checks
    try:
        for _ in range(2):  # twice, so the two runs overlap at different points
            _together(jobs, sequential)
    finally:
        sys.setswitchinterval(interval)


def _together(jobs: dict[str, tuple[Path, date]], sequential: dict[str, str]) -> None:
    together: dict[str, str] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs), timeout=30)

    def work(name: str, folder: Path, as_of: date) -> None:
        try:
            start.wait()
            together[name] = _assess(folder, as_of)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(name, folder, as_of)) for name, (folder, as_of) in jobs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert together == sequential
