"""The authorisation matrix: every route of the app x every role (no session, viewer, auditor, editor, admin,
and the admin of another organisation) x the ids of another organisation, each with the status code it must
answer. A route added without an entry here fails the first test, so nothing is left out."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute
from tests.web.conftest import OTHER_ADMIN, ROLE_USERS, World, csrf_of

from trustgap.web.permissions import allowed

ROLES = ("anonymous", "viewer", "auditor", "editor", "admin", "other")


@dataclass(frozen=True)
class Rule:
    permission: str  # open, session, server_admin, or a permission of trustgap.web.permissions
    ok: int = 200  # what an allowed person gets (POSTs are sent with a form that is incomplete on purpose)
    signed_in: int | None = None  # what a signed-in person gets, when it differs (the sign-in page: 303)


ROUTES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): Rule("open"),
    ("GET", "/login"): Rule("open", signed_in=303),
    ("POST", "/login"): Rule("open", 403),  # without its form token
    ("POST", "/logout"): Rule("session", 303),
    ("GET", "/"): Rule("session"),
    ("POST", "/organisations"): Rule("server_admin", 400),
    ("GET", "/account"): Rule("session"),
    ("POST", "/account/tokens"): Rule("session", 400),
    ("POST", "/account/tokens/{token_id}/revoke"): Rule("session", 404),  # someone else's token
    ("GET", "/api/openapi.json"): Rule("session"),
    ("GET", "/o/{org}"): Rule("read"),
    ("GET", "/o/{org}/controls"): Rule("read"),
    ("GET", "/o/{org}/controls/{control_id}"): Rule("read"),
    ("POST", "/o/{org}/controls/{control_id}/work"): Rule("edit", 400),
    ("POST", "/o/{org}/controls/{control_id}/comments"): Rule("comment", 400),
    ("GET", "/o/{org}/findings"): Rule("read"),
    ("GET", "/o/{org}/findings/{finding_id}"): Rule("read"),
    ("POST", "/o/{org}/findings/{finding_id}/work"): Rule("edit", 400),
    ("POST", "/o/{org}/findings/{finding_id}/comments"): Rule("comment", 400),
    ("GET", "/o/{org}/evidence"): Rule("read"),
    ("GET", "/o/{org}/evidence/{sha256}"): Rule("read"),
    ("GET", "/o/{org}/evidence/{sha256}/raw"): Rule("download"),
    ("GET", "/o/{org}/upload"): Rule("edit"),
    ("POST", "/o/{org}/upload"): Rule("edit", 400),
    ("POST", "/o/{org}/assess"): Rule("edit", 400),
    ("GET", "/o/{org}/jobs/{job_id}"): Rule("read"),
    ("GET", "/o/{org}/runs"): Rule("read"),
    ("GET", "/o/{org}/runs/{run_id}"): Rule("read"),
    ("GET", "/o/{org}/runs/{run_id}/report"): Rule("read"),
    ("GET", "/o/{org}/runs/{run_id}/package"): Rule("package"),
    ("GET", "/o/{org}/drift"): Rule("read"),
    ("GET", "/o/{org}/roadmap"): Rule("read"),
    ("GET", "/o/{org}/risks"): Rule("read"),
    ("GET", "/o/{org}/trend"): Rule("read"),
    ("GET", "/o/{org}/type2"): Rule("read"),
    ("GET", "/o/{org}/type2/{control_id}"): Rule("read"),
    ("GET", "/o/{org}/freshness"): Rule("read"),
    ("GET", "/o/{org}/policies"): Rule("read"),
    ("POST", "/o/{org}/policies/drafts"): Rule("edit", 303),
    ("POST", "/o/{org}/policies/approve"): Rule("approve", 400),
    ("GET", "/o/{org}/interview"): Rule("read"),
    ("POST", "/o/{org}/interview/answer"): Rule("edit", 400),
    ("GET", "/o/{org}/members"): Rule("manage"),
    ("POST", "/o/{org}/members"): Rule("manage", 400),
    ("POST", "/o/{org}/members/{user_id}/remove"): Rule("manage", 400),  # not a member
    ("GET", "/o/{org}/audit"): Rule("audit_log"),
    ("GET", "/api/v1/orgs"): Rule("session"),
    ("GET", "/api/v1/orgs/{org}/runs"): Rule("read"),
    ("GET", "/api/v1/orgs/{org}/runs/{run_id}"): Rule("read"),
    ("GET", "/api/v1/orgs/{org}/runs/{run_id}/verdicts"): Rule("read"),
    ("GET", "/api/v1/orgs/{org}/runs/{run_id}/findings"): Rule("read"),
    ("GET", "/api/v1/orgs/{org}/runs/{run_id}/evidence"): Rule("read"),
    ("GET", "/api/v1/orgs/{org}/findings/{finding_id}/work"): Rule("read"),
    ("PUT", "/api/v1/orgs/{org}/findings/{finding_id}/work"): Rule("token_edit"),
}


def _api_routes(routes: list) -> list[APIRoute]:  # type: ignore[type-arg]
    out: list[APIRoute] = []
    for r in routes:
        if isinstance(r, APIRoute):
            out.append(r)
        elif hasattr(r, "original_router"):  # a router included into the app
            out.extend(_api_routes(r.original_router.routes))
    return out


def _routes(world: World) -> set[tuple[str, str]]:
    return {(m, r.path) for r in _api_routes(world.app.routes) for m in r.methods if m != "HEAD"}


def test_every_route_is_in_the_matrix(world: World) -> None:
    assert _routes(world) == set(ROUTES)


@pytest.fixture(scope="module")
def ids(world: World) -> dict[str, str]:
    svc = world.app.state.services
    beta = svc.accounts.organisation("beta")
    other_admin = svc.accounts.user_by_email(OTHER_ADMIN)
    owner = svc.accounts.add_user("token-owner@elsewhere.example", "a password of some length")
    _plain, token = svc.accounts.create_token(owner, "matrix")
    job = svc.work.create_job(svc.accounts.organisation("demo").id, created_by="test", detail="matrix", steps_total=1)
    beta_job = svc.work.create_job(beta.id, created_by="test", detail="matrix", steps_total=1)
    return {"org": "demo", "control_id": "AC-04", "finding_id": world.demo_finding, "sha256": world.demo_evidence,
            "run_id": world.demo_run, "job_id": job.id, "token_id": str(token.id), "user_id": str(other_admin.id),
            # another organisation's ids, used through the demo's URLs
            "x_run_id": world.beta_run, "x_sha256": world.beta_evidence, "x_job_id": beta_job.id,
            "x_finding_id": "0" * 12}


def _fill(path: str, ids: dict[str, str], cross: str | None = None) -> str:
    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        return ids[f"x_{name}"] if name == cross else ids[name]

    return re.sub(r"\{(\w+)\}", value, path)


def _expected(rule: Rule, role: str, path: str) -> int:
    api = path.startswith("/api/")
    if rule.permission == "open":
        return rule.signed_in if rule.signed_in and role != "anonymous" else rule.ok
    if role == "anonymous":
        return 401 if api else 303
    if rule.permission == "session":
        return rule.ok
    if rule.permission == "server_admin":
        return rule.ok if role == "admin" else 403
    if "{org}" in path and role == "other":
        return 404  # an organisation not granted does not exist for them
    if rule.permission == "token_edit":
        return 403  # the browser session never changes data through the API (see the token matrix)
    return rule.ok if allowed(role, rule.permission) else 403


def _call(world: World, role: str, method: str, path: str):  # type: ignore[no-untyped-def]
    who = {"anonymous": None, "other": OTHER_ADMIN}.get(role, role)
    c = world.client(who)
    if method == "GET":
        return c.get(path)
    if method == "PUT":
        return c.put(path, json={"status": "open"})
    token = "" if who is None else csrf_of(c, "/account")
    return c.post(path, data={"csrf_token": token, "as_of": "not a date"})


def test_route_x_role_matrix(world: World, ids: dict[str, str]) -> None:
    wrong = []
    checked = 0
    for (method, template), rule in sorted(ROUTES.items()):
        if template in ("/logout",):
            continue  # signing out ends the shared sessions; tests/web/test_auth.py covers it
        for role in ROLES:
            path = _fill(template, ids)
            got = _call(world, role, method, path).status_code
            checked += 1
            if got != _expected(rule, role, template):
                wrong.append(f"{method} {path} as {role}: {got}, expected {_expected(rule, role, template)}")
    assert not wrong, "\n".join(wrong)
    assert checked == (len(ROUTES) - 1) * len(ROLES)


def test_another_organisations_ids_are_not_found_through_this_one(world: World, ids: dict[str, str]) -> None:
    wrong = []
    for (method, template), rule in sorted(ROUTES.items()):
        for name in ("run_id", "finding_id", "sha256", "job_id"):
            if "{" + name + "}" not in template or method != "GET":
                continue
            path = _fill(template, ids, cross=name)
            for role in ("viewer", "auditor", "editor", "admin"):
                got = _call(world, role, method, path).status_code
                want = 404 if allowed(role, rule.permission) else 403
                if got != want:
                    wrong.append(f"{method} {path} as {role}: {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


def test_api_tokens_follow_the_same_roles(world: World, ids: dict[str, str]) -> None:
    from fastapi.testclient import TestClient

    svc = world.app.state.services
    api = TestClient(world.app)
    finding = ids["finding_id"]
    for role in ("viewer", "auditor", "editor", "admin"):
        plain, _ = svc.accounts.create_token(svc.accounts.user_by_email(ROLE_USERS[role]), f"matrix-{role}")
        h = {"Authorization": f"Bearer {plain}"}
        assert api.get("/api/v1/orgs/demo/runs", headers=h).status_code == 200
        assert api.get("/api/v1/orgs/beta/runs", headers=h).status_code == 404
        assert api.get(f"/api/v1/orgs/demo/runs/{ids['x_run_id']}", headers=h).status_code == 404
        r = api.put(f"/api/v1/orgs/demo/findings/{finding}/work", headers=h, json={"status": "in_progress"})
        assert r.status_code == (200 if role in ("editor", "admin") else 403), (role, r.text)
    plain, _ = svc.accounts.create_token(svc.accounts.user_by_email(OTHER_ADMIN), "matrix-other")
    h = {"Authorization": f"Bearer {plain}"}
    assert api.get("/api/v1/orgs/demo/runs", headers=h).status_code == 404
    assert api.put(f"/api/v1/orgs/demo/findings/{finding}/work", headers=h, json={"status": "open"}).status_code == 404
