"""Journeys in a real browser (Chromium through Playwright) against the app served by uvicorn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.web.browser import browser, screenshot  # noqa: F401 - the fixture
from tests.web.conftest import PASSWORD, ROLE_USERS, World

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def page(browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()


def sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_admin_signs_in_and_reads_the_dashboard(page, world: World) -> None:  # type: ignore[no-untyped-def]
    page.goto("/o/demo")
    assert "/login" in page.url  # no session: the sign-in page, remembering where to go
    page.fill("#email", ROLE_USERS["admin"])
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "wrong email or password"
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/o/demo")
    rec = world.app.state.services.queries.latest(world.demo_org_name)
    assert page.locator("#readiness").inner_text() == f"{rec.readiness:.1f}%"
    assert page.locator("h1").inner_text() == "Northwind Cloud"
    screenshot(page, "dashboard")
    page.click("text=Sign out")
    page.wait_for_url("**/login?ok=signed_out")
    page.goto("/o/demo")
    assert "/login" in page.url
