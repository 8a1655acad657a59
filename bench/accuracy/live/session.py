"""Run an organisation's live stand-ins for the time of one assessment: a moto server seeded with its AWS estate
and a local GitHub REST server with its GitHub data, both on 127.0.0.1, free ports.

The scope in the organisation's folder points its ``collect`` section at unreachable addresses
(``http://127.0.0.1:1``), so running trustgap on the folder without these servers collects nothing from
anywhere real; :func:`scope_for` writes a copy of the scope pointing at the running servers. Credentials are
fake and set in the environment only while the servers run (the previous values are put back after).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from bench.accuracy.live import aws, github_api

TOKEN_ENV = "ATLAS_BENCH_GITHUB_TOKEN"
FAKE_TOKEN = "atlas-bench-local-token"  # the local server's only accepted token; not a GitHub token format
UNREACHABLE = "http://127.0.0.1:1"


@dataclass(frozen=True)
class Endpoints:
    aws_url: str
    github_url: str
    seed_seconds: float


def _env() -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": aws.FAKE_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": aws.FAKE_SECRET,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/nonexistent/atlas-bench-aws-config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/atlas-bench-aws-credentials",
        TOKEN_ENV: FAKE_TOKEN,
    }


UNSET = ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL")


@contextmanager
def running(live_file: Path) -> Iterator[Endpoints]:
    """Start, seed and (on exit) stop the stand-ins described by ``live_file`` (``{"aws": ..., "github": ...}``)."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the server's request log
    data: dict[str, Any] = json.loads(live_file.read_text(encoding="utf-8"))
    saved = {k: os.environ.get(k) for k in (*_env(), *UNSET)}
    os.environ.update(_env())
    for k in UNSET:
        os.environ.pop(k, None)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    gh: github_api.GithubApi | None = None
    moto.start()
    try:
        host, port = moto.get_host_and_port()
        aws_url = f"http://{host}:{port}"
        t0 = time.perf_counter()
        aws.reset(aws_url)
        aws.seed(aws_url, data["aws"])
        gh = github_api.GithubApi(data["github"], token=FAKE_TOKEN).start()
        yield Endpoints(aws_url, gh.url, time.perf_counter() - t0)
    finally:
        if gh is not None:
            gh.stop()
        moto.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def scope_for(scope_path: Path, endpoints: Endpoints, dest: Path) -> Path:
    """A copy of the scope whose ``collect`` section points at the running stand-ins."""
    doc = yaml.safe_load(scope_path.read_text(encoding="utf-8"))
    collect = doc.setdefault("collect", {})
    collect.setdefault("aws", {})["endpoint_url"] = endpoints.aws_url
    gh = collect.setdefault("github", {})
    gh["base_url"] = endpoints.github_url
    gh["token_env"] = TOKEN_ENV
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return dest
