"""The pages read what the store holds: the control matrix and its filters, a control, the findings, the
evidence (raw files byte for byte), runs, roadmap, risks, policies; members and the audit log by role."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

from tests.web.conftest import World

from trustgap.catalog.loader import load_catalog


def _summary(world: World):  # type: ignore[no-untyped-def]
    q = world.app.state.services.queries
    return q.summary(q.latest(world.demo_org_name))


def _matrix_ids(html: str) -> list[str]:
    table = html[html.index('id="matrix"'):]
    return re.findall(r'/o/demo/controls/([A-Z]+-\d+)">', table)


def test_matrix_lists_every_control_and_filters_by_status_criterion_category_and_owner(world: World) -> None:
    c = world.client("viewer")
    s = _summary(world)
    assert sorted(_matrix_ids(c.get("/o/demo/controls").text)) == sorted(s.verdicts)
    gaps = sorted(cid for cid, v in s.verdicts.items() if v["status"] == "gap")
    assert sorted(_matrix_ids(c.get("/o/demo/controls?status=gap").text)) == gaps
    cc61 = sorted(cid for cid, v in s.verdicts.items() if "CC6.1" in v["criteria"])
    assert sorted(_matrix_ids(c.get("/o/demo/controls?criterion=CC6.1").text)) == cc61
    cat = load_catalog()
    avail = sorted(cid for cid in s.verdicts if "availability" in cat.categories_of(cat.control(cid)))
    assert avail and sorted(_matrix_ids(c.get("/o/demo/controls?category=availability").text)) == avail
    task = next(t for t in s.plan["tasks"] if t.get("owner"))
    owned = _matrix_ids(c.get("/o/demo/controls", params={"owner": task["owner"]}).text)
    assert task["control_id"] in owned and len(owned) < len(s.verdicts)


def test_control_page_shows_requirement_mappings_verdict_findings_evidence_and_history(world: World) -> None:
    cat = load_catalog()
    s = _summary(world)
    cid = next(cid for cid, v in s.verdicts.items() if v["status"] == "gap" and v.get("findings"))
    control = cat.control(cid)
    r = world.client("viewer").get(f"/o/demo/controls/{cid}")
    assert r.status_code == 200
    html = r.text
    assert control.requirement.split()[0] in html
    for ref in (*cat.mapped("iso27001", cid), *cat.mapped("nist_csf", cid), *control.criteria):
        assert ref in html
    assert 'id="verdict">Gap<' in html
    assert world.demo_run in html[html.index('id="history"'):]
    first = next(f for f in s.verdicts[cid]["findings"])
    assert f"/o/demo/findings/{first}" in html
    for link in s.verdicts[cid].get("evidence", []):
        assert link["sha256"] in html
    assert world.client("viewer").get("/o/demo/controls/XX-99").status_code == 404


def test_findings_filter_by_severity_and_link_to_their_pages(world: World) -> None:
    q = world.app.state.services.queries
    rec = q.latest(world.demo_org_name)
    counts = q.severity_counts(rec)
    c = world.client("viewer")
    r = c.get("/o/demo/findings?severity=critical")
    assert f"{counts['critical']} in run" in r.text
    assert r.text.count('class="badge sev-critical"') == counts["critical"]
    assert c.get("/o/demo/findings?severity=urgent").status_code == 400
    assert c.get("/o/demo/findings?page=x").status_code == 400
    f = q.finding(rec, world.demo_finding)
    page = c.get(f"/o/demo/findings/{f.id}").text
    assert f.reason.split(":")[0] in page and f.control_id in page
    assert c.get("/o/demo/findings/nope").status_code == 404


def test_raw_evidence_is_served_byte_for_byte_and_only_to_its_organisation(world: World) -> None:
    r = world.client("viewer").get(f"/o/demo/evidence/{world.demo_evidence}/raw")
    assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == world.demo_evidence
    assert "attachment" in r.headers["content-disposition"]
    # beta's evidence through the demo's URL, and the demo's through beta's: not found
    assert world.client("viewer").get(f"/o/demo/evidence/{world.beta_evidence}/raw").status_code == 404
    assert world.client("owner@beta.example").get(f"/o/beta/evidence/{world.demo_evidence}/raw").status_code == 404
    assert world.client("viewer").get("/o/demo/evidence/../../etc/passwd/raw").status_code == 404
    assert world.client("viewer").get("/o/demo/evidence/" + "g" * 64).status_code == 404


def test_evidence_package_for_auditors_not_viewers(world: World) -> None:
    r = world.client("auditor").get(f"/o/demo/runs/{world.demo_run}/package")
    assert r.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert "SHA256SUMS" in names
    assert world.client("viewer").get(f"/o/demo/runs/{world.demo_run}/package").status_code == 403


def test_runs_roadmap_risks_policies_pages(world: World) -> None:
    s = _summary(world)
    c = world.client("viewer")
    assert world.demo_run in c.get("/o/demo/runs").text
    roadmap = c.get("/o/demo/roadmap").text
    for t in s.plan["tasks"][:5]:
        assert f'/o/demo/controls/{t["control_id"]}"' in roadmap
    risks = c.get("/o/demo/risks").text
    assert all(r["id"] in risks for r in s.plan["risk_register"]["risks"])
    policies = c.get("/o/demo/policies").text
    assert "Access Control Policy" in policies and ">current<" in policies
    assert "Write drafts" not in policies and "Approve" not in policies  # a viewer only reads
    assert c.get(f"/o/demo/runs/{world.beta_run}").status_code == 404
    assert "Full report" in c.get(f"/o/demo/runs/{world.demo_run}").text


def test_members_and_audit_log_by_role(world: World) -> None:
    assert world.client("viewer").get("/o/demo/members").status_code == 403
    assert world.client("editor").get("/o/demo/audit").status_code == 403
    assert world.client("auditor").get("/o/demo/audit").status_code == 200
    assert "auditor@audit.example" in world.client("admin").get("/o/demo/members").text


def test_drift_between_two_runs(world: World) -> None:
    from datetime import UTC, date, datetime
    from html import unescape
    from pathlib import Path

    from trustgap.assessment import resolve_inputs, run_assessment
    from trustgap.engine.drift import compare

    svc = world.app.state.services
    viewer = world.client("viewer")
    before = viewer.get("/o/demo/controls/AC-04").text  # the run's pages are kept until a newer run arrives
    inputs = resolve_inputs(Path(world.accounts.organisation("demo").folder))
    later, run_id = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                                   as_of=date(2027, 3, 1), store_url=world.settings.database_url,
                                   evidence_store=svc.evidence, created_at=datetime.now(UTC))
    q = svc.queries
    older = q.previous(q.run(world.demo_org_name, run_id))
    d = compare(q.result(older), later, older_id=older.id, newer_id=run_id)
    page = unescape(world.client("viewer").get(f"/o/demo/drift?older={older.id}&newer={run_id}").text)
    assert (f"{len(d.improvements)} control(s) improved, {len(d.regressions)} regressed; "
            f"{len(d.new_findings)} new finding(s), {len(d.resolved_findings)} resolved") in page
    for c in d.changes[:5]:
        assert f"/o/demo/controls/{c.control_id}" in page
    after = viewer.get("/o/demo/controls/AC-04").text
    assert f"/o/demo/runs/{run_id}" not in before and f"/o/demo/runs/{run_id}" in after  # history: the new run
    assert run_id in viewer.get("/o/demo").text  # the dashboard names the newest run
    r = world.client("viewer").get(f"/o/demo/drift?older={run_id}&newer={run_id}")
    assert r.status_code == 400 and "two different runs" in r.text
    assert world.client("viewer").get(f"/o/demo/drift?older={world.beta_run}").status_code == 404


def test_findings_are_read_most_severe_first_from_their_stored_order(world: World) -> None:
    """The findings queries read along the stored position; the engine stores findings most severe first."""
    from trustgap.checks.base import SEVERITY_ORDER

    q = world.app.state.services.queries
    run = q.run(world.demo_org_name, world.demo_run)
    items, total = q.findings(run, limit=10_000)
    assert total == len(items) > 10
    ranks = [SEVERITY_ORDER.get(f.severity, 9) for f in items]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1
    result = q.result(run)
    assert [f.id for f in items] == [f.id for f in sorted(result.findings, key=lambda f: SEVERITY_ORDER.get(
        f.severity, 9))]
    page, _ = q.findings(run, limit=5, offset=5)
    assert [f.id for f in page] == [f.id for f in items[5:10]]
