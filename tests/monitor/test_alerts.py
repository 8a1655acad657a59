"""Alerts reach a local HTTP receiver (signed webhook, Slack incoming webhook) and a local SMTP server
(aiosmtpd), carrying what a person needs to act: what, which control and entity, since when, run and link.
Deduplicated across snapshots; a digest instead of a storm; secrets only from the environment."""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tests.monitor import yeargen as yg

from trustgap.monitor.alerts import verify_signature
from trustgap.monitor.jobs import run_snapshot

SECRET = "whsec-test-4f1c0b2e9d"
SLACK_PATH = "/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"


class Receiver:
    """A loopback HTTP server that keeps every request (path, headers, raw body)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def at(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == path]


class Mailbox:
    """aiosmtpd's Controller on loopback, keeping every message."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.Message] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                outer.messages.append(email.message_from_bytes(envelope.content))
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture()
def receivers() -> Iterator[tuple[Receiver, Mailbox]]:
    http, smtp = Receiver(), Mailbox()
    try:
        yield http, smtp
    finally:
        http.close()
        smtp.close()


def scope_with_alerts(http: Receiver, smtp: Mailbox, digest_after: int = 5) -> str:
    return yg.SCOPE + f"""\
alerts:
  min_severity: high
  digest_after: {digest_after}
  link: "https://trustgap.example.com/runs/{{run_id}}"
  webhook: {{url: "{http.url}/hook", secret_env: TG_TEST_WEBHOOK_SECRET}}
  slack: {{url_env: TG_TEST_SLACK_URL}}
  email: {{host: 127.0.0.1, port: {smtp.port}, starttls: false, sender: trustgap@yearly.example,
          to: [security@yearly.example]}}
"""


def snapshot(folder: Path, day: date, url: str, env: dict[str, str]) -> Any:
    yg.write_day(folder, day)
    at = datetime.combine(day, time(6), UTC)
    return run_snapshot(folder, "daily", scheduled_for=at, store_url=url, env=env, clock=lambda: at)


def test_alerts_reach_webhook_slack_and_email_with_what_to_act_on(
        receivers: tuple[Receiver, Mailbox], tmp_path: Path) -> None:
    http, smtp = receivers
    folder, url = tmp_path / "yearly", f"sqlite:///{tmp_path / 'runs.db'}"
    env = {"TG_TEST_WEBHOOK_SECRET": SECRET, "TG_TEST_SLACK_URL": http.url + SLACK_PATH}
    yg.write_day(folder, date(2026, 5, 8))
    (folder / "scope.yaml").write_text(scope_with_alerts(http, smtp))

    def day(d: date) -> Any:
        yg.write_day(folder, d)
        (folder / "scope.yaml").write_text(scope_with_alerts(http, smtp))
        at = datetime.combine(d, time(6), UTC)
        return run_snapshot(folder, "daily", scheduled_for=at, store_url=url, env=env, clock=lambda: at)

    first = day(date(2026, 5, 9))  # a clean baseline, except what is already true (sent once)
    sent_first = len(http.at("/hook"))
    out = day(date(2026, 5, 10))  # bob loses his second factor
    assert sorted(a.kind for a in out.alerts) == ["new_finding", "regression"]
    alert = next(a for a in out.alerts if a.kind == "new_finding")
    assert alert.control_id == "AC-04" and alert.entity == "bob@yearly.example (google)"
    assert alert.since == "2026-05-10" and alert.severity == "high"
    regression = next(a for a in out.alerts if a.kind == "regression")
    assert regression.control_id == "AC-04" and "implemented ->" in regression.detail
    assert set(out.deliveries) == {"webhook: sent 2", "slack: sent 2", "email: sent 2"}

    # the signed webhook: verifiable with the shared secret, and it says what, where, since when, which run
    hook = next(r for r in http.at("/hook")[sent_first:] if b'"new_finding"' in r["body"])
    body, headers = hook["body"], hook["headers"]
    assert verify_signature(SECRET, headers["X-Trustgap-Timestamp"], body, headers["X-Trustgap-Signature"])
    assert not verify_signature("another-secret", headers["X-Trustgap-Timestamp"], body,
                                headers["X-Trustgap-Signature"])
    doc = json.loads(body)
    assert doc["type"] == "trustgap.alert" and doc["run_id"] == out.snapshot.run_id
    assert doc["link"] == f"https://trustgap.example.com/runs/{out.snapshot.run_id}"
    (a,) = doc["alerts"]
    assert (a["kind"], a["control_id"], a["entity"], a["since"]) == (
        "new_finding", "AC-04", "bob@yearly.example (google)", "2026-05-10")
    assert "without MFA" in a["detail"] and a["evidence"] and a["snapshot_id"] == out.snapshot.id

    # Slack's incoming-webhook shape: text plus mrkdwn blocks naming the control, entity and run
    slack = next(json.loads(r["body"]) for r in http.at(SLACK_PATH) if b"bob@" in r["body"])
    assert "AC-04" in slack["text"] or "AC-04" in slack["blocks"][0]["text"]["text"]
    assert "bob@yearly.example" in slack["blocks"][0]["text"]["text"]
    assert out.snapshot.run_id in slack["blocks"][1]["elements"][0]["text"]

    # the e-mail: subject with severity and organisation, body with entity, since, run and link
    msg = next(m for m in smtp.messages if "bob@" in m.get_payload())
    assert msg["To"] == "security@yearly.example" and "[high] Yearly Ltd" in msg["Subject"]
    text = msg.get_payload()
    assert "bob@yearly.example (google)" in text and "since 2026-05-10" in text
    assert f"run: {out.snapshot.run_id}" in text and "https://trustgap.example.com/runs/" in text

    # deduplicated: the same lapse the next day is not sent again
    before = (len(http.requests), len(smtp.messages))
    again = day(date(2026, 5, 11))
    assert again.alerts == [] and (len(http.requests), len(smtp.messages)) == before
    # nothing secret left the process: the Slack URL and the signing key appear in no message
    for r in http.requests:
        assert SECRET.encode() not in r["body"] and SLACK_PATH.encode() not in r["body"]
    assert first.snapshot.status == "ok"


def test_a_storm_becomes_one_digest_and_failed_collection_alerts(
        receivers: tuple[Receiver, Mailbox], tmp_path: Path) -> None:
    http, smtp = receivers
    folder, url = tmp_path / "yearly", f"sqlite:///{tmp_path / 'runs.db'}"
    env = {"TG_TEST_WEBHOOK_SECRET": SECRET, "TG_TEST_SLACK_URL": http.url + SLACK_PATH}
    yg.write_day(folder, date(2026, 5, 9))
    (folder / "scope.yaml").write_text(scope_with_alerts(http, smtp, digest_after=2))
    at = datetime.combine(date(2026, 5, 9), time(6), UTC)
    run_snapshot(folder, "daily", scheduled_for=at, store_url=url, env=env, clock=lambda: at)
    base = len(http.at("/hook"))
    # the next day everyone loses MFA: seven new high findings -> one digest per channel
    yg.write_day(folder, date(2026, 5, 10))
    (folder / "scope.yaml").write_text(scope_with_alerts(http, smtp, digest_after=2))
    users = json.loads((folder / "evidence/identity/google-users.json").read_text())
    for u in users["users"]:
        u["isEnrolledIn2Sv"] = False
    (folder / "evidence/identity/google-users.json").write_text(json.dumps(users))
    at = at + timedelta(days=1)
    out = run_snapshot(folder, "daily", scheduled_for=at, store_url=url, env=env, clock=lambda: at)
    assert len(out.alerts) >= 8 and {a.kind for a in out.alerts} >= {"new_finding", "regression"}
    hooks = http.at("/hook")[base:]
    assert len(hooks) == 1
    doc = json.loads(hooks[0]["body"])
    assert doc["type"] == "trustgap.digest" and len(doc["alerts"]) == len(out.alerts)
    assert {a["entity"] for a in doc["alerts"] if a["kind"] == "new_finding"} >= {
        f"{who}@yearly.example (google)" for who in yg.STAFF}
    assert "digest" in smtp.messages[-1]["Subject"]

    # a collection that fails (a live source not configured in the scope) alerts once, naming why
    text = (folder / "scope.yaml").read_text().replace("collect: [files]", "collect: [files, okta]")
    (folder / "scope.yaml").write_text(text)
    at = at + timedelta(days=1)
    out = run_snapshot(folder, "daily", scheduled_for=at, store_url=url, env=env, clock=lambda: at)
    assert out.snapshot.status == "failed" and "okta" in (out.snapshot.error or "")
    assert [a.kind for a in out.alerts] == ["collection_failed"]
    doc = json.loads(http.at("/hook")[-1]["body"])
    assert doc["alerts"][0]["title"] == "Snapshot daily failed" and "okta" in doc["alerts"][0]["detail"]


def test_without_the_secret_nothing_is_sent(receivers: tuple[Receiver, Mailbox], tmp_path: Path) -> None:
    http, smtp = receivers
    folder, url = tmp_path / "yearly", f"sqlite:///{tmp_path / 'runs.db'}"
    yg.write_day(folder, date(2026, 5, 10))
    (folder / "scope.yaml").write_text(scope_with_alerts(http, smtp))
    at = datetime.combine(date(2026, 5, 10), time(6), UTC)
    out = run_snapshot(folder, "daily", scheduled_for=at, store_url=url, env={}, clock=lambda: at)
    assert "webhook: failed: no signing secret in $TG_TEST_WEBHOOK_SECRET; nothing sent" in out.deliveries
    assert "slack: failed: no webhook URL in $TG_TEST_SLACK_URL; nothing sent" in out.deliveries
    assert http.requests == [] and len(smtp.messages) >= 1  # e-mail needs no secret here
