"""Every test gets its own trustgap home (database and evidence store), never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

# records what the checks produce in the check tests, for tests/test_check_coverage.py
pytest_plugins = ["tests.check_recorder"]


@pytest.fixture(autouse=True)
def _trustgap_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("trustgap-home")
    monkeypatch.setenv("TRUSTGAP_HOME", str(home))
    monkeypatch.delenv("TRUSTGAP_DATABASE_URL", raising=False)
    return home
