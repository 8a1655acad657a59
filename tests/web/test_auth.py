"""Signing in and out: argon2 hashes, session cookies, CSRF on every form, rate-limited sign-in."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.conftest import PASSWORD, ROLE_USERS, World, csrf_of, login, login_token

from trustgap.store.accounts import MAX_FAILURES_PER_EMAIL
from trustgap.store.web_models import ApiTokenRow, SessionRow, UserRow


def test_health_is_open_and_pages_need_a_session(world: World) -> None:
    c = world.client(None)
    assert c.get("/health").json() == {"status": "ok"}
    r = c.get("/o/demo?status=gap")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fo%2Fdemo%3Fstatus%3Dgap"
    assert c.get("/api/v1/orgs").status_code == 401


def test_passwords_are_argon2_hashes_and_sessions_are_stored_as_digests(world: World) -> None:
    c = TestClient(world.app, follow_redirects=False)
    login(c, ROLE_USERS["viewer"])
    cookie = c.cookies.get("tg_session")
    assert cookie and len(cookie) >= 40
    with world.app.state.services.engine.connect() as conn:
        stored = conn.scalar(select(UserRow.password_hash).where(UserRow.email == ROLE_USERS["viewer"]))
        sessions = list(conn.scalars(select(SessionRow.token_hash)))
        tokens = list(conn.scalars(select(ApiTokenRow.token_hash)))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert cookie not in sessions and all(len(s) == 64 for s in sessions)
    assert all(not t.startswith("tgp_") for t in tokens)


def test_session_cookie_flags(world: World) -> None:
    c = TestClient(world.app, follow_redirects=False)
    r = c.post("/login", data={"login_csrf": login_token(c), "email": ROLE_USERS["viewer"], "password": PASSWORD})
    set_cookie = r.headers["set-cookie"].lower()
    assert "tg_session=" in set_cookie and "httponly" in set_cookie and "samesite=lax" in set_cookie
    # served over HTTPS the cookie is also Secure
    s = TestClient(world.app, base_url="https://testserver", follow_redirects=False)
    r = s.post("/login", data={"login_csrf": login_token(s), "email": ROLE_USERS["viewer"], "password": PASSWORD})
    assert r.status_code == 303


def test_wrong_password_and_unknown_account_give_the_same_answer(world: World) -> None:
    c = TestClient(world.app, follow_redirects=False)
    a = c.post("/login", data={"login_csrf": login_token(c), "email": ROLE_USERS["editor"], "password": "nope"})
    b = c.post("/login", data={"login_csrf": login_token(c), "email": "nobody@x.example", "password": "nope"})
    assert a.status_code == b.status_code == 401
    assert "wrong email or password" in a.text and "wrong email or password" in b.text


def test_login_without_its_form_token_is_refused(world: World) -> None:
    c = TestClient(world.app, follow_redirects=False)
    r = c.post("/login", data={"email": ROLE_USERS["viewer"], "password": PASSWORD})
    assert r.status_code == 403 and "tg_session" not in c.cookies


def test_sign_in_is_rate_limited_per_account(world: World) -> None:
    email = "ratelimited@northwind.example"
    world.accounts.add_user(email, PASSWORD)
    c = TestClient(world.app, follow_redirects=False)
    for _ in range(MAX_FAILURES_PER_EMAIL):
        r = c.post("/login", data={"login_csrf": login_token(c), "email": email, "password": "wrong"})
        assert r.status_code == 401
    # now even the right password is refused for a while, with a message saying why
    r = c.post("/login", data={"login_csrf": login_token(c), "email": email, "password": PASSWORD})
    assert r.status_code == 429 and "too many failed sign-ins" in r.text
    assert "tg_session" not in c.cookies


def test_open_redirects_are_not_followed(world: World) -> None:
    c = TestClient(world.app, follow_redirects=False)
    r = c.post("/login", data={"login_csrf": login_token(c), "email": ROLE_USERS["viewer"], "password": PASSWORD,
                               "next": "//evil.example/x"})
    assert r.headers["location"] == "/"


def test_every_form_needs_the_csrf_token(world: World) -> None:
    c = TestClient(world.app, follow_redirects=False)
    login(c, ROLE_USERS["admin"])
    r = c.post("/logout", data={})
    assert r.status_code == 403 and "CSRF" in r.text
    r = c.post("/logout", data={"csrf_token": "forged"})
    assert r.status_code == 403
    assert c.get("/o/demo").status_code == 200  # still signed in
    r = c.post("/logout", data={"csrf_token": csrf_of(c, "/o/demo")})
    assert r.status_code == 303
    assert c.get("/o/demo").status_code == 303  # the session is gone on the server


def test_security_headers(world: World) -> None:
    r = world.client("viewer").get("/o/demo")
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"


def test_api_tokens_are_shown_once_work_and_can_be_revoked(world: World) -> None:
    import re

    c = TestClient(world.app, follow_redirects=False)
    login(c, ROLE_USERS["auditor"])
    r = c.post("/account/tokens", data={"csrf_token": csrf_of(c, "/account"), "name": "CI"})
    assert r.status_code == 201
    token = re.search(r'id="new-token">(tgp_[^<]+)<', r.text).group(1)
    assert token not in c.get("/account").text  # shown once
    api = TestClient(world.app)
    orgs = api.get("/api/v1/orgs", headers={"Authorization": f"Bearer {token}"}).json()
    assert orgs == [{"slug": "demo", "name": "Northwind Cloud", "role": "auditor"}]
    assert api.get("/api/v1/orgs", headers={"Authorization": "Bearer tgp_forged"}).status_code == 401
    token_id = re.search(r'/account/tokens/(\d+)/revoke', c.get("/account").text).group(1)
    r = c.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(c, "/account")})
    assert r.status_code == 303
    assert api.get("/api/v1/orgs", headers={"Authorization": f"Bearer {token}"}).status_code == 401
