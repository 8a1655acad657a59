"""Every registered check is tested with an input it passes and an input it fails, naming the entities."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from trustgap.checks.base import load_checks

ROOT = Path(__file__).resolve().parents[1]
CHECK_TESTS = ["tests/checks", "tests/collectors/test_aws_checks.py", "tests/collectors/test_aws.py"]


def test_every_check_has_a_passing_and_a_failing_test(tmp_path: Path) -> None:
    record = tmp_path / "seen.json"
    env = {**os.environ, "TRUSTGAP_CHECK_RECORD": str(record)}
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.check_recorder", *CHECK_TESTS],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:]
    seen = json.loads(record.read_text())
    missing = {cid: seen.get(cid, []) for cid in load_checks()
               if not ("pass" in seen.get(cid, []) and {"fail", "partial"} & set(seen.get(cid, [])))}
    assert missing == {}, f"checks without a passing and a failing entity in their tests: {missing}"
