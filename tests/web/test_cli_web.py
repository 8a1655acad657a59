"""``trustgap users``, ``trustgap orgs`` and ``trustgap serve`` from the command line, on the test's own home."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from trustgap.cli import app
from trustgap.starter import write_starter

runner = CliRunner(env={"COLUMNS": "200"})
PASSWORD = "a long enough password\n"


def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=stdin, catch_exceptions=False)


def test_first_account_is_the_server_administrator_and_roles_are_granted(tmp_path: Path) -> None:
    r = invoke("users", "add", "Dana@Acme.io", "--password-stdin", stdin=PASSWORD)
    assert r.exit_code == 0 and "added dana@acme.io (server administrator)" in r.output
    r = invoke("users", "add", "sam@acme.io", "--password-stdin", stdin=PASSWORD)
    assert r.exit_code == 0 and "server administrator" not in r.output
    r = invoke("users", "add", "dana@acme.io", "--password-stdin", stdin=PASSWORD)
    assert r.exit_code == 2 and "already exists" in r.output
    r = invoke("users", "add", "lee@acme.io", "--password-stdin", stdin="short\n")
    assert r.exit_code == 2 and "at least 12 characters" in r.output
    r = invoke("users", "add", "not-an-email", "--password-stdin", stdin=PASSWORD)
    assert r.exit_code == 2 and "not an email address" in r.output
    folder = tmp_path / "acme"
    write_starter(folder, organisation="Acme Inc")
    r = invoke("orgs", "add", "acme", str(folder), "--admin", "dana@acme.io")
    assert r.exit_code == 0 and "organisation acme: Acme Inc" in r.output
    r = invoke("orgs", "add", "acme", str(folder))
    assert r.exit_code == 2 and "already exists" in r.output
    r = invoke("orgs", "add", "bad id", str(folder))
    assert r.exit_code == 2
    r = invoke("users", "grant", "sam@acme.io", "--org", "acme", "--role", "auditor")
    assert r.exit_code == 0
    r = invoke("users", "grant", "sam@acme.io", "--org", "acme", "--role", "owner")
    assert r.exit_code == 2 and "unknown role 'owner'" in r.output
    r = invoke("users", "list")
    assert "dana@acme.io (server administrator)  acme: admin" in r.output
    assert "sam@acme.io  acme: auditor" in r.output
    r = invoke("users", "password", "sam@acme.io", "--password-stdin", stdin="another long password\n")
    assert r.exit_code == 0


def test_serve_answers_on_the_port_it_was_given(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TRUSTGAP_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "trustgap", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.3)
        assert r.json() == {"status": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=False).status_code == 303
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out
    assert "No account yet" in err


WEB_AND_MONITOR_COMMANDS = [["serve"], ["users"], ["users", "add"], ["users", "grant"], ["users", "password"],
                            ["users", "list"], ["orgs"], ["orgs", "add"], ["orgs", "list"], ["monitor"],
                            ["snapshots"], ["timeline"], ["freshness"], ["trend"], ["worker"]]


def test_web_and_monitor_commands_show_examples_in_their_help() -> None:
    for cmd in WEB_AND_MONITOR_COMMANDS:
        r = invoke(*cmd, "--help")
        assert r.exit_code == 0, cmd
        after = r.output.split("Examples:", 1)
        assert len(after) == 2, f"{' '.join(cmd)}: no 'Examples:' in its help"
        lines = [ln.strip() for ln in after[1].splitlines()]
        examples = [ln for ln in lines if ln.startswith("trustgap ") or "| trustgap " in ln or " trustgap " in ln]
        assert examples and all(" ".join(cmd) in ex for ex in examples[:1]), (cmd, examples)
