"""Where trustgap keeps its data: one home folder holding the SQLite database and the evidence store.

``TRUSTGAP_HOME`` sets the folder (default ``~/.local/share/trustgap``); ``TRUSTGAP_DATABASE_URL``
points the store at another database (``postgresql+psycopg://user@host/db``).
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    env = os.environ.get("TRUSTGAP_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "trustgap"


def database_url() -> str:
    url = os.environ.get("TRUSTGAP_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home() / 'trustgap.db'}"


def evidence_dir() -> Path:
    return home() / "evidence"


def frameworks_dir() -> Path | None:
    """A folder of extra framework files (``TRUSTGAP_FRAMEWORKS_DIR``), added to the bundled ones."""
    env = os.environ.get("TRUSTGAP_FRAMEWORKS_DIR")
    return Path(env).expanduser() if env else None


def redact_url(url: str) -> str:
    """Hide a password in a database URL before printing it."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}{':***' if ':' in creds else ''}@{host}"
