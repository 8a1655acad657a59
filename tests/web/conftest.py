"""One web application over a real SQLite database, shared by the web tests of a session: the demo
organisation (assessed once) with an account per role, and a second organisation ("beta") whose admin has no
role in the demo, for the cross-organisation checks. Tests that change data use their own keys."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from trustgap.assessment import resolve_inputs, run_assessment
from trustgap.starter import write_starter
from trustgap.store.accounts import Accounts
from trustgap.web.app import create_app
from trustgap.web.organisations import ensure_demo, register_folder
from trustgap.web.settings import WebSettings

PASSWORD = "correct horse battery staple"
ROLE_USERS = {"admin": "admin@northwind.example", "editor": "editor@northwind.example",
              "auditor": "auditor@audit.example", "viewer": "viewer@northwind.example"}
OTHER_ADMIN = "owner@beta.example"


@dataclass
class World:
    app: FastAPI
    home: Path
    settings: WebSettings
    demo_run: str
    demo_org_name: str
    beta_run: str
    beta_evidence: str
    demo_finding: str
    demo_evidence: str
    clients: dict[str, TestClient] = field(default_factory=dict)

    @property
    def accounts(self) -> Accounts:
        return self.app.state.services.accounts  # type: ignore[no-any-return]

    def client(self, who: str | None) -> TestClient:
        """A signed-in client for a role name, OTHER_ADMIN, or None for no session (cached per person)."""
        key = who or "anonymous"
        if key not in self.clients:
            c = TestClient(self.app, follow_redirects=False)
            if who is not None:
                login(c, ROLE_USERS.get(who, who))
            self.clients[key] = c
        return self.clients[key]


def login_token(c: TestClient) -> str:
    r = c.get("/login")
    m = re.search(r'name="login_csrf" value="([^"]+)"', r.text)
    assert m, r.text
    return m.group(1)


def login(c: TestClient, email: str, password: str = PASSWORD) -> None:
    r = c.post("/login", data={"login_csrf": login_token(c), "email": email, "password": password, "next": "/"})
    assert r.status_code == 303, r.text


def csrf_of(c: TestClient, path: str = "/") -> str:
    r = c.get(path)
    m = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
    assert m, f"no form on {path}: {r.status_code}"
    return m.group(1)


def wait_for_job(world: World, org_slug: str, job_id: str, timeout: float = 60) -> str:
    svc = world.app.state.services
    org = svc.accounts.organisation(org_slug)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = svc.work.job(org.id, job_id)
        if job and job.status in ("done", "failed"):
            return job.status
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {timeout}s")


def build_world(home: Path) -> World:
    settings = WebSettings(database_url=f"sqlite:///{home / 'trustgap.db'}", evidence_dir=home / "evidence",
                           cookie_secure=False, max_upload_bytes=2 * 1024 * 1024)
    app = create_app(settings)
    svc = app.state.services
    acc: Accounts = svc.accounts
    admin = acc.add_user(ROLE_USERS["admin"], PASSWORD, server_admin=True, name="Priya Admin")
    org = ensure_demo(acc, database_url=settings.database_url, evidence_dir=settings.evidence_dir, home=home)
    assert acc.role_of(admin.id, org.id) == "admin"
    for role, email in ROLE_USERS.items():
        if role != "admin":
            acc.grant(acc.add_user(email, PASSWORD).id, org, role, actor="test")
    beta_folder = home / "beta"
    write_starter(beta_folder, organisation="Beta Labs")
    beta = register_folder(acc, "beta", beta_folder, actor="test")
    acc.grant(acc.add_user(OTHER_ADMIN, PASSWORD).id, beta, "admin", actor="test")
    inputs = resolve_inputs(beta_folder)
    _, beta_run = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                                 as_of=date(2026, 11, 16), store_url=settings.database_url,
                                 evidence_store=svc.evidence, created_at=datetime.now(UTC))
    assert beta_run
    q = svc.queries
    demo_run = q.latest(org.name)
    findings, _ = q.findings(demo_run, limit=1)
    evidence, _ = q.evidence(demo_run, limit=50)
    beta_ev, _ = q.evidence(q.run("Beta Labs", beta_run), limit=1)
    return World(app=app, home=home, settings=settings, demo_run=demo_run.id, demo_org_name=org.name,
                 beta_run=beta_run, beta_evidence=beta_ev[0].sha256, demo_finding=findings[0].id,
                 demo_evidence=next(e.sha256 for e in evidence if e.source == "file" and e.status == "parsed"))


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("web-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("TRUSTGAP_HOME", str(home))
    w = build_world(home)
    yield w
    for c in w.clients.values():
        c.close()
    w.app.state.services.close()
    mp.undo()


@pytest.fixture(scope="session")
def live_server(world: World) -> Iterator[str]:
    """The same application served by uvicorn on a free loopback port, for the browser tests."""
    import socket

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
