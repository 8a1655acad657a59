"""Work in the app: triage, risk acceptance, comments, uploads that start an assessment, the interview,
policy drafts and approval, members. Every change lands in the audit log; every bad form is refused whole
with a message naming the field, and leaves nothing saved."""

from __future__ import annotations

import json
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import yaml
from tests.web.conftest import World, csrf_of, wait_for_job

from trustgap.store.work import open_item


def _post(world: World, who: str, path: str, data: dict[str, str], page: str = "/o/demo"):  # type: ignore[no-untyped-def]
    c = world.client(who)
    return c.post(path, data={"csrf_token": csrf_of(c, page), **data})


def _item(world: World, kind: str, key: str):  # type: ignore[no-untyped-def]
    svc = world.app.state.services
    return svc.work.item(svc.accounts.organisation("demo").id, kind, key)


def _audit(world: World) -> list:  # type: ignore[type-arg]
    svc = world.app.state.services
    return svc.audit_entries(svc.accounts.organisation("demo").id)


def test_triage_a_finding_and_see_it_in_the_audit_log_and_the_dashboard(world: World) -> None:
    fid = world.demo_finding
    due = date.today() + timedelta(days=10)
    before = _item(world, "finding", fid).state()
    r = _post(world, "editor", f"/o/demo/findings/{fid}/work",
              {"owner": "ken.watanabe@northwind.example", "due_date": due.isoformat(), "status": "in_progress"})
    assert r.status_code == 303
    item = _item(world, "finding", fid)
    assert (item.owner, item.due_date, item.status) == ("ken.watanabe@northwind.example", due, "in_progress")
    entry = next(e for e in _audit(world) if e.action == "finding.update" and e.target == fid)
    assert entry.actor == "editor@northwind.example"
    assert entry.before == json.loads(json.dumps(before, default=str)) and entry.after["status"] == "in_progress"
    assert entry.after["due_date"] == due.isoformat()
    assert f"finding {fid}" in world.client("viewer").get("/o/demo").text  # due next


def test_bad_triage_forms_are_refused_whole(world: World) -> None:
    fid = world.demo_finding
    before = _item(world, "finding", fid)
    cases = [
        ({"status": "done"}, "status: 'done' is not one of"),
        ({"status": "open", "due_date": "next week"}, "due date: not a date"),
        ({"status": "open", "owner": "x" * 400}, "owner: at most 320"),
        ({"status": "risk_accepted", "justification": "low impact", "accepted_until": "2099-01-01"},
         "only an organisation admin can accept a risk"),
    ]
    for data, message in cases:
        r = _post(world, "editor", f"/o/demo/findings/{fid}/work", data)
        assert r.status_code == (403 if "admin" in message else 400), data
        assert message in unescape(r.text), (data, r.text[-400:])
    assert _item(world, "finding", fid) == before
    r = _post(world, "editor", "/o/demo/findings/not-a-finding/work", {"status": "open"})
    assert r.status_code == 404
    assert _item(world, "finding", "not-a-finding") == open_item("finding", "not-a-finding")


def test_only_an_admin_accepts_a_risk_with_justification_and_expiry(world: World) -> None:
    key = "AC-04"
    for data, message in [
        ({"status": "risk_accepted", "accepted_until": "2099-01-01"}, "needs a justification"),
        ({"status": "risk_accepted", "justification": "compensating control"}, "needs an expiry"),
        ({"status": "risk_accepted", "justification": "x", "accepted_until": "2020-01-01"}, "must be after today"),
    ]:
        r = _post(world, "admin", f"/o/demo/controls/{key}/work", data)
        assert r.status_code == 400 and message in unescape(r.text)
    until = date.today() + timedelta(days=90)
    r = _post(world, "admin", f"/o/demo/controls/{key}/work",
              {"status": "risk_accepted", "justification": "contractors' laptops are retired in Q1",
               "accepted_until": until.isoformat()})
    assert r.status_code == 303
    item = _item(world, "task", key)
    assert (item.status, item.approver, item.accepted_until) == ("risk_accepted", "admin@northwind.example", until)
    risks = world.client("viewer").get("/o/demo/risks").text
    assert "accepted</span> by admin@northwind.example" in risks or "AC-04" not in risks


def test_comments_by_auditors_not_viewers(world: World) -> None:
    fid = world.demo_finding
    svc = world.app.state.services
    before = [c.body for c in svc.work.comments(svc.accounts.organisation("demo").id, "finding", fid)]
    r = _post(world, "auditor", f"/o/demo/findings/{fid}/comments", {"body": "Please attach the Okta export."})
    assert r.status_code == 303
    assert "Please attach the Okta export." in world.client("viewer").get(f"/o/demo/findings/{fid}").text
    assert _post(world, "viewer", f"/o/demo/findings/{fid}/comments", {"body": "hi"}).status_code == 403
    r = _post(world, "auditor", f"/o/demo/findings/{fid}/comments", {"body": "   "})
    assert r.status_code == 400 and "write something first" in unescape(r.text)
    r = _post(world, "auditor", f"/o/demo/findings/{fid}/comments", {"body": "x" * 5001})
    assert r.status_code == 400
    comments = world.app.state.services.work.comments(
        world.app.state.services.accounts.organisation("demo").id, "finding", fid)
    assert [c.body for c in comments] == [*before, "Please attach the Okta export."]


def test_upload_saves_into_the_evidence_folder_and_assesses_in_the_background(world: World) -> None:
    c = world.client("editor")
    folder = Path(world.accounts.organisation("demo").folder) / "evidence" / "uploads"
    roster = Path(__file__).parents[2] / "src/trustgap/demo/northwind/evidence/hr/bamboohr-employees.csv"
    data = roster.read_bytes().replace(b"\r\n", b"\n")
    runs_before = len(world.app.state.services.queries.runs(world.demo_org_name))
    r = c.post("/o/demo/upload", data={"csrf_token": csrf_of(c, "/o/demo/upload"), "as_of": "2026-11-16"},
               files={"file": ("roster copy.csv", data, "text/csv")})
    assert r.status_code == 303 and "/o/demo/jobs/" in r.headers["location"]
    assert (folder / "roster copy.csv").read_bytes() == data
    job_id = r.headers["location"].split("/jobs/")[1].split("?")[0]
    assert wait_for_job(world, "demo", job_id) == "done"
    page = c.get(f"/o/demo/jobs/{job_id}").text
    assert 'id="job-status">done<' in page and "http-equiv=\"refresh\"" not in page
    runs = world.app.state.services.queries.runs(world.demo_org_name)
    assert len(runs) == runs_before + 1
    assert runs[0].id in page
    assert any(e.action == "assessment.start" for e in _audit(world))
    upload = next(e for e in _audit(world) if e.action == "evidence.upload")
    assert upload.actor == "editor@northwind.example"
    assert upload.after["files"][0]["name"] == "roster copy.csv"
    assert upload.after["files"][0]["sha256"] == __import__("hashlib").sha256(data).hexdigest()


def test_bad_uploads_save_nothing(world: World) -> None:
    c = world.client("editor")
    folder = Path(world.accounts.organisation("demo").folder) / "evidence" / "uploads"
    before = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
    token = csrf_of(c, "/o/demo/upload")
    big = b"a,b\n" + b"x" * (world.settings.max_upload_bytes + 10)
    r = c.post("/o/demo/upload", data={"csrf_token": token}, files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413 and "larger than the limit" in unescape(r.text)
    r = c.post("/o/demo/upload", data={"csrf_token": token}, files={"file": ("empty.csv", b"", "text/csv")})
    assert r.status_code == 400
    r = c.post("/o/demo/upload", data={"csrf_token": token, "as_of": "2026-02-30"},
               files={"file": ("ok.csv", b"a,b\n1,2\n", "text/csv")})
    assert r.status_code == 400 and "as of: not a date" in unescape(r.text)
    r = c.post("/o/demo/upload", data={"csrf_token": token})
    assert r.status_code == 400 and "choose at least one file" in unescape(r.text)
    r = c.post("/o/demo/upload", data={"csrf_token": token}, files=[
        ("file", ("a.csv", b"a\n1\n", "text/csv")), ("file", ("a.csv", b"a\n2\n", "text/csv"))])
    assert r.status_code == 400 and "same name" in unescape(r.text)
    after = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
    assert after == before
    assert world.client("viewer").post("/o/demo/upload", data={"csrf_token": "x"}).status_code == 403


def test_the_interview_in_the_browser_writes_the_clis_answers_file(world: World) -> None:
    c = world.client("editor")
    page = c.get("/o/demo/interview").text
    qid = page.split('name="qid" value="', 1)[1].split('"', 1)[0]
    record_path = Path(world.accounts.organisation("demo").folder) / "interview.yaml"
    before = record_path.read_text() if record_path.exists() else None
    r = _post(world, "editor", "/o/demo/interview/answer", {"qid": qid, "action": "answer", "value": "maybe"},
              page="/o/demo/interview")
    assert r.status_code == 400 and "is not an answer" in unescape(r.text)
    assert (record_path.read_text() if record_path.exists() else None) == before
    r = _post(world, "editor", "/o/demo/interview/answer", {"qid": "XX-01.nope", "action": "answer", "value": "yes"},
              page="/o/demo/interview")
    assert r.status_code == 404
    assert _post(world, "viewer", "/o/demo/interview/answer", {"qid": qid, "action": "skip"},
                 page="/o/demo/interview").status_code == 403
    from trustgap.interview.bank import load_bank

    q = load_bank().question(qid)
    value = {"yes_no_partly": "partly", "choice": q.choices[0] if q.choices else "x", "date": "2026-10-01",
             "number": "3", "text": "the IT lead"}[q.kind]
    r = _post(world, "editor", "/o/demo/interview/answer",
              {"qid": qid, "action": "answer", "value": value, "note": "sales laptops pending"},
              page="/o/demo/interview")
    assert r.status_code == 303
    saved = yaml.safe_load(record_path.read_text())["_interview"]
    entry = saved["answers"][qid]
    assert str(entry["value"]) == value or entry["value"] in (True, False)
    assert entry["answered_by"] == "editor@northwind.example" and entry["note"] == "sales laptops pending"
    logged = next(e for e in _audit(world) if e.action == "interview.answer" and e.target == qid)
    assert logged.actor == "editor@northwind.example" and logged.after["note"] == "sales laptops pending"
    nxt = c.get("/o/demo/interview").text
    assert f'name="qid" value="{qid}"' not in nxt  # moved on to the next question
    r = _post(world, "editor", "/o/demo/interview/answer", {"action": "back"}, page="/o/demo/interview")
    assert r.status_code == 303 and qid in r.headers["location"]


def test_policy_drafts_and_approval(world: World) -> None:
    folder = Path(world.accounts.organisation("beta").folder)
    c = world.client("owner@beta.example")
    r = c.post("/o/beta/policies/drafts", data={"csrf_token": csrf_of(c, "/o/beta/policies")})
    assert r.status_code == 303
    drafts = sorted((folder / "evidence" / "policies" / "drafts").glob("*.md"))
    assert drafts
    page = c.get("/o/beta/policies").text
    rel = drafts[0].relative_to(folder / "evidence").as_posix()
    assert rel in page
    r = c.post("/o/beta/policies/approve", data={"csrf_token": csrf_of(c, "/o/beta/policies"), "path": rel})
    assert r.status_code == 303
    front = drafts[0].read_text().split("---")[1]
    meta = yaml.safe_load("\n".join(line for line in front.splitlines() if not line.startswith("#")))
    assert meta["approved_by"] == "owner@beta.example" and meta["approved_on"] == date.today()
    r = c.post("/o/beta/policies/approve", data={"csrf_token": csrf_of(c, "/o/beta/policies"),
                                                 "path": "../../scope.yaml"})
    assert r.status_code == 400 and "no policy document" in unescape(r.text)
    entries = world.app.state.services.audit_entries(world.accounts.organisation("beta").id)
    assert any(e.action == "policy.approve" and e.target == rel for e in entries)


def test_admin_adds_a_member_and_the_role_takes_effect(world: World) -> None:
    r = _post(world, "admin", "/o/demo/members", {"email": "consultant@advisory.example", "role": "editor"},
              page="/o/demo/members")
    assert r.status_code == 400 and "give a first password" in unescape(r.text)
    r = _post(world, "admin", "/o/demo/members", {"email": "consultant@advisory.example", "role": "editor",
                                                  "password": "another long password"}, page="/o/demo/members")
    assert r.status_code == 303
    user = world.accounts.user_by_email("consultant@advisory.example")
    assert world.accounts.role_of(user.id, world.accounts.organisation("demo").id) == "editor"
    r = _post(world, "admin", "/o/demo/members", {"email": "x@y.example", "role": "owner", "password": "p" * 12},
              page="/o/demo/members")
    assert r.status_code == 400 and world.accounts.user_by_email("x@y.example") is None
    entry = next(e for e in _audit(world) if e.action == "member.role" and e.target == "consultant@advisory.example")
    assert entry.after == {"role": "editor"} and json.dumps(entry.before) == "null"
