"""Every registered check is tested with an input it passes and an input it fails, naming the entities.

The record comes from the check tests this session already ran (tests/check_recorder.py); when the session
did not run all of them (a single file, -k, --deselect), they are run in a pytest process of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.check_recorder import CHECK_TESTS, session_record

from trustgap.checks.base import load_checks

ROOT = Path(__file__).resolve().parents[1]


def recorded(tmp_path: Path) -> dict[str, list[str]]:
    seen = session_record()
    if seen is not None:
        return seen
    record = tmp_path / "seen.json"
    env = {**os.environ, "TRUSTGAP_CHECK_RECORD": str(record)}
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.check_recorder", *CHECK_TESTS],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:]
    return json.loads(record.read_text())  # type: ignore[no-any-return]


def test_every_check_has_a_passing_and_a_failing_test(tmp_path: Path) -> None:
    seen = recorded(tmp_path)
    missing = {cid: seen.get(cid, []) for cid in load_checks()
               if not ("pass" in seen.get(cid, []) and {"fail", "partial"} & set(seen.get(cid, [])))}
    assert missing == {}, f"checks without a passing and a failing entity in their tests: {missing}"
