"""Settings of one web application, read from the environment (or given by tests)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from trustgap import config

MiB = 1024 * 1024


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw and raw.isdigit() else default


@dataclass(frozen=True)
class WebSettings:
    database_url: str = field(default_factory=config.database_url)
    evidence_dir: Path = field(default_factory=config.evidence_dir)
    max_upload_bytes: int = field(default_factory=lambda: _int_env("TRUSTGAP_MAX_UPLOAD_MB", 100) * MiB)
    max_upload_files: int = 200
    cookie_secure: bool | None = None  # None: secure cookies whenever the request came over HTTPS
    session_hours: int = 12
    assessment_workers: int = 2
    run_jobs: bool = True  # False: jobs stay queued (tests of the queue itself)
    # the monitor schedules of every organisation run inside the app (one process per database schedules)
    monitor: bool = field(default_factory=lambda: os.environ.get("TRUSTGAP_MONITOR", "1").strip().lower()
                          not in ("0", "no", "false", "off"))
    monitor_poll_seconds: float = 30.0
