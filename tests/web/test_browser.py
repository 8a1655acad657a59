"""Journeys in a real browser (Chromium through Playwright) against the app served by uvicorn: the admin
signs in, uploads evidence and watches the run finish, triages a finding, answers interview questions; an
auditor signs in, cannot change anything, comments and downloads the evidence package. Screenshots of the
main pages are written to trustgap-out/screenshots/ (or $TRUSTGAP_SCREENSHOTS)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from tests.web.browser import browser, screenshot  # noqa: F401 - the fixture
from tests.web.conftest import PASSWORD, ROLE_USERS, World

DEMO_EVIDENCE = Path(__file__).parents[2] / "src/trustgap/demo/northwind/evidence"


@pytest.fixture
def page(browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    p = context.new_page()
    p.set_default_timeout(20_000)
    yield p
    context.close()


def sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


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
    for name, path in [("controls", "/o/demo/controls"), ("control", "/o/demo/controls/AC-04"),
                       ("findings", "/o/demo/findings"), ("evidence", "/o/demo/evidence"), ("runs", "/o/demo/runs"),
                       ("roadmap", "/o/demo/roadmap"), ("risks", "/o/demo/risks"), ("policies", "/o/demo/policies"),
                       ("audit-log", "/o/demo/audit"), ("trend", "/o/demo/trend"), ("type2", "/o/demo/type2"),
                       ("type2-control", "/o/demo/type2/AC-04"), ("freshness", "/o/demo/freshness")]:
        page.goto(path)
        assert page.locator("h1").count() == 1
        screenshot(page, name)
    page.click("text=Sign out")
    page.wait_for_url("**/login?ok=signed_out")
    page.goto("/o/demo")
    assert "/login" in page.url


def test_admin_uploads_evidence_and_watches_the_run_finish(page, world: World, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, ROLE_USERS["admin"])
    runs_before = len(world.app.state.services.queries.runs(world.demo_org_name))
    upload = tmp_path / "okta users export.json"
    upload.write_bytes((DEMO_EVIDENCE / "identity/okta-users.json").read_bytes())
    page.goto("/o/demo/upload")
    page.set_input_files("#file", str(upload))
    page.fill("#as_of", "2026-11-16")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/o/demo/jobs/\w+"))
    screenshot(page, "assessment-running")
    page.wait_for_selector("#job-status:text('done')", timeout=90_000)  # the page refreshes itself until then
    screenshot(page, "assessment-done")
    page.click("#see-run")
    page.wait_for_url("**/o/demo")
    runs = world.app.state.services.queries.runs(world.demo_org_name)
    assert len(runs) == runs_before + 1
    assert runs[0].id in page.content()


def test_admin_triages_a_finding(page, world: World) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, ROLE_USERS["admin"])
    page.goto("/o/demo/findings?severity=critical")
    page.locator("#findings a[href*='/findings/']").first.click()
    page.wait_for_url(re.compile(r".*/o/demo/findings/\w+$"))
    finding_id = page.url.rsplit("/", 1)[1]
    due = (date.today() + timedelta(days=14)).isoformat()
    page.fill("#owner", "ken.watanabe@northwind.example")
    page.fill("#due_date", due)
    page.select_option("#status", "in_progress")
    page.click("#work-form button[type=submit]")
    page.wait_for_selector("text=Saved.")
    assert page.locator("#work-status").inner_text() == "In progress"
    screenshot(page, "finding")
    svc = world.app.state.services
    item = svc.work.item(svc.accounts.organisation("demo").id, "finding", finding_id)
    assert (item.owner, item.due_date.isoformat(), item.status) == ("ken.watanabe@northwind.example", due,
                                                                     "in_progress")


def test_admin_answers_interview_questions(page, world: World) -> None:  # type: ignore[no-untyped-def]
    from trustgap.interview.bank import load_bank

    sign_in(page, ROLE_USERS["admin"])
    bank = load_bank()
    answered = []
    for _ in range(3):
        page.goto("/o/demo/interview")
        qid = page.locator("input[name=qid]").get_attribute("value")
        q = bank.question(qid)
        if q.kind in ("yes_no_partly", "choice"):
            page.locator("input[name=value]").first.check()
        elif q.kind == "date":
            page.fill("#value", "2026-10-01")
        elif q.kind == "number":
            page.fill("#value", "3")
        else:
            page.fill("#value", "the IT lead")
        page.click("button[value=answer]")
        page.wait_for_selector("text=Saved.")
        answered.append(qid)
    screenshot(page, "interview")
    import yaml

    record = yaml.safe_load((Path(world.accounts.organisation("demo").folder) / "interview.yaml").read_text())
    for qid in answered:
        assert record["_interview"]["answers"][qid]["answered_by"] == ROLE_USERS["admin"]


def test_auditor_reads_comments_and_downloads_the_package_but_changes_nothing(page, world: World) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, ROLE_USERS["auditor"])
    page.goto(f"/o/demo/findings/{world.demo_finding}")
    assert page.locator("#work-form").count() == 0  # no triage form for an auditor
    page.fill("#body", "Sample of 5 leavers requested for testing.")
    page.click("#comments button[type=submit]")
    page.wait_for_selector("text=Comment added.")
    assert "Sample of 5 leavers requested for testing." in page.content()
    # a change forged with the auditor's own session and form token is refused
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    r = page.request.post(f"/o/demo/findings/{world.demo_finding}/work",
                          form={"csrf_token": token, "status": "resolved"})
    assert r.status == 403
    page.goto("/o/demo")
    assert page.locator("a[href='/o/demo/upload']").count() == 0
    page.goto("/o/demo/interview")
    assert page.locator("#answer-form").count() == 0
    page.goto(f"/o/demo/runs/{world.demo_run}")
    with page.expect_download() as dl:
        page.click("#package")
    path = dl.value.path()
    names = zipfile.ZipFile(path).namelist()
    assert "SHA256SUMS" in names and any(n.startswith("evidence/") for n in names)
