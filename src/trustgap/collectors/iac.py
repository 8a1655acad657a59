"""Infrastructure-as-code scanning with Checkov.

Runs ``checkov -d PATH -o json --compact --soft-fail --skip-download`` (``--compact`` leaves the code
blocks, which may hold hard-coded secrets, out of the JSON; ``--soft-fail`` keeps the exit code 0 when
checks fail; ``--skip-download`` stops it from asking the Bridgecrew platform for guidelines) and feeds
the JSON report through the ``checkov`` file parser, so the facts equal those of a report exported by
hand; a ``Scan(tool="checkov", target=<folder>, scanned_at=<run time>)`` fact records when it ran. CLI reference: https://www.checkov.io/2.Basics/CLI%20Command%20Reference.html

The executable is ``$TRUSTGAP_CHECKOV`` when set, else ``checkov`` on ``PATH``, else the one in a
``.venv-checkov`` virtual environment beside the one trustgap runs from. Checkov pins older versions of
boto3 and other libraries, so it is best installed in its own virtual environment
(``python3 -m venv .venv-checkov && .venv-checkov/bin/pip install checkov``, as the README's test command
does); ``pip install "trustgap[iac]"`` puts it beside trustgap instead, at the cost of those pins.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from trustgap.collectors.base import CollectConfig, IacConfig, Progress, Recorder, safe_name
from trustgap.collectors.registry import Collector, CollectRun
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import Scan, Src

PARSER = "checkov"


def find_checkov(env: Mapping[str, str] | None = None) -> str | None:
    environ = env if env is not None else os.environ
    explicit = environ.get("TRUSTGAP_CHECKOV")
    if explicit:
        path = Path(explicit).expanduser()
        return str(path) if path.is_file() and os.access(path, os.X_OK) else None
    on_path = shutil.which("checkov", path=environ.get("PATH"))
    if on_path:
        return on_path
    sibling = Path(sys.prefix).parent / ".venv-checkov" / "bin" / "checkov"
    return str(sibling) if sibling.is_file() and os.access(sibling, os.X_OK) else None


def checkov_command(exe: str, path: Path, frameworks: Sequence[str] = ()) -> list[str]:
    cmd = [exe, "-d", str(path), "-o", "json", "--compact", "--soft-fail", "--skip-download"]
    if frameworks:
        cmd += ["--framework", *frameworks]
    return cmd


def collect_iac(
    paths: Sequence[str | Path],
    *,
    store: EvidenceStore,
    as_of: date,
    frameworks: Sequence[str] = (),
    progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
    options: dict[str, dict[str, Any]] | None = None,
) -> SourceOutput:
    """Scan each folder with Checkov; a missing executable or a failed run becomes a ``scans.checkov`` issue."""
    rec = Recorder(store, as_of=as_of, collector="iac", progress=progress, options=options)
    exe = find_checkov(env)
    rec.plan(len(paths))
    for p in paths:
        folder = Path(p).expanduser()
        label = safe_name(folder.resolve().name or "root")
        call = f"checkov -d {folder}"
        if exe is None:
            rec.issue("scans.checkov", "checkov not found: install it (pip install checkov, ideally in its own "
                      "virtualenv) and put it on PATH or set TRUSTGAP_CHECKOV", call=call,
                      name=f"live/iac/{label}-error.json")
            continue
        if not folder.is_dir():
            rec.issue("scans.checkov", f"{folder}: not a folder", call=call, name=f"live/iac/{label}-error.json")
            continue
        run_env = dict(env if env is not None else os.environ)
        run_env.setdefault("LOG_LEVEL", "ERROR")
        try:
            proc = subprocess.run(checkov_command(exe, folder, frameworks), capture_output=True, timeout=timeout,
                                  env=run_env, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            rec.issue("scans.checkov", f"checkov could not run: {type(exc).__name__}: {exc}", call=call,
                      name=f"live/iac/{label}-error.json")
            continue
        out = proc.stdout.strip()
        if proc.returncode != 0 or not out.startswith((b"{", b"[")):
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            rec.issue("scans.checkov", f"checkov exited with {proc.returncode}: {' / '.join(tail)[:300]}", call=call,
                      name=f"live/iac/{label}-error.json")
            continue
        ref, _ = rec.put(out, name=f"live/iac/checkov-{label}.json", source=f"iac:{call}", parser=PARSER)
        # Checkov's report carries no time; the collector knows when it ran.
        rec.add(Scan(src=Src(ref.sha256, call), tool="checkov", target=str(folder), scanned_at=ref.collected_at))
        rec.step(str(folder))
    return rec.output


def _iac_check(section: IacConfig) -> tuple[str, str] | None:
    return None if section.paths else ("collect.iac.paths", "no folders to scan")


def _fetch(cfg: CollectConfig, run: CollectRun) -> SourceOutput:
    iac = cfg.iac
    return collect_iac(iac.paths if iac else [], store=run.store, as_of=run.as_of,
                       frameworks=iac.frameworks if iac else (), progress=run.progress, env=run.env,
                       options=run.options)


COLLECTOR = Collector(name="iac", description="Infrastructure as code scanned with Checkov", options=IacConfig,
                      fetch=_fetch, topic="scans", check=_iac_check)
