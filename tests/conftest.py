"""Every test gets its own trustgap home (database and evidence store), never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _trustgap_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("trustgap-home")
    monkeypatch.setenv("TRUSTGAP_HOME", str(home))
    monkeypatch.delenv("TRUSTGAP_DATABASE_URL", raising=False)
    return home
