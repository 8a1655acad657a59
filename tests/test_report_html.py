"""The HTML report a reader prints or browses: findings grouped by control (the promise quoted once, the
entities listed), sections that collapse and filter without a script, unassessed criteria grey and 'n/a'."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from trustgap.assessment import resolve_inputs, run_assessment
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.engine.models import AssessmentResult, Counts, Readiness, Rollup
from trustgap.report import charts
from trustgap.report.html import render_html


@pytest.fixture(scope="module")
def demo() -> tuple[AssessmentResult, str]:
    inputs = resolve_inputs(demo_folder())
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=DEMO_AS_OF, save=False)
    return result, render_html(result)


def _findings_section(page: str) -> str:
    m = re.search(r'<section id="findings">.*?</section>', page, re.S)
    assert m
    return m.group(0)


def test_findings_of_one_control_are_one_group_with_the_promise_quoted_once(demo: tuple[AssessmentResult, str]):
    result, page = demo
    section = _findings_section(page)
    groups = re.findall(r'<details class="cg" data-q="[^"]*" data-sev="(\w+)"', section)
    per_control = Counter(f.control_id for f in result.findings)
    assert len(groups) == len(per_control)  # one block per control, however many checks found something
    # a control whose findings come from several checks and carry the same promise: quoted once
    multi = [c for c in per_control if len({f.check_id for f in result.findings if f.control_id == c}) > 1
             and any(f.promise for f in result.findings if f.control_id == c)]
    assert multi, "the demo has a control with a promise broken in several checks"
    for cid in multi:
        quote = next(f.promise.quote for f in result.findings if f.control_id == cid and f.promise)
        assert section.count(f"Promised: “{quote}”") == 1, cid
    # every finding's entity is listed
    for f in result.findings:
        if f.entity:
            assert f.entity.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&#34;") in section


def test_a_reason_shared_by_every_entity_is_said_once(demo: tuple[AssessmentResult, str]):
    result, page = demo
    section = _findings_section(page)
    same = [f for f in result.findings if f.check_id == "idp.mfa_enforced"]
    assert len(same) > 5
    reason = same[0].reason.split(" (promised: ", 1)[0]
    assert all(f.reason.split(" (promised: ", 1)[0] == reason for f in same)
    assert section.count(reason) == 1


def test_sections_collapse_without_a_script_and_filter_with_one(demo: tuple[AssessmentResult, str]):
    _, page = demo
    for sid in ("findings", "matrix", "met", "notassessed", "frameworks", "evidence"):
        body = re.search(rf'<section id="{sid}">\s*<details class="sec"( open)?><summary><h2>', page)
        assert body, sid
    # long reference sections start closed, the ones to act on start open
    assert re.search(r'<section id="matrix">\s*<details class="sec"><summary>', page)
    assert re.search(r'<section id="findings">\s*<details class="sec" open><summary>', page)
    # print hides what is closed; the filter bar is hidden until the script shows it
    assert "details:not([open])>:not(summary){display:none}" in page
    assert '<div class="filters" id="filters" hidden>' in page
    assert page.count("<script>") == 1 and "http" not in page.split("<script>", 1)[1].split("</script>", 1)[0]
    # the rows the filter matches carry their text
    assert page.count('data-q="') > 100


def _rollup(status: str, score: float | None) -> Rollup:
    counts = Counts(not_assessed=3) if status == "not_assessed" else Counts(gap=3)
    return Rollup(id="CC3.4", title="Changes assessed", status=status,  # type: ignore[arg-type]
                  readiness=Readiness(score=score, assessed_score=None, counts=counts))


def test_unassessed_criteria_are_grey_and_not_zero_percent():
    grid = charts.criteria_grid([_rollup("not_assessed", 0.0)])
    assert charts.COLOURS["not_assessed"] in grid and charts.COLOURS["gap"] not in grid
    assert ">0%<" not in grid and ">n/a<" in grid
    bars = charts.stacked_bars([_rollup("not_assessed", 0.0)])
    assert ">0%<" not in bars and ">n/a<" in bars
    failed = charts.criteria_grid([_rollup("gap", 0.0)])
    assert charts.COLOURS["gap"] in failed and ">0%<" in failed  # a real 0% stays red


def test_demo_report_criteria_tiles(demo: tuple[AssessmentResult, str]):
    result, page = demo
    unassessed = [c for c in result.criteria if c.status == "not_assessed" and c.group in result.categories]
    assert unassessed
    for c in unassessed:
        tile = re.search(rf'<title>{re.escape(c.id)} [^<]*</title></rect><text[^>]*>{re.escape(c.id)}</text>'
                         rf'<text[^>]*>([^<]*)</text>', page)
        assert tile and tile.group(1) == "n/a", c.id


def test_risk_register_shows_the_most_severe_first_and_the_rest_one_click_away(demo: tuple[AssessmentResult, str]):
    result, page = demo
    assert result.plan
    risks = result.plan["risk_register"]["risks"]
    levels = result.plan["risk_register"]["levels"]
    section = page[page.index('<h3 id="risks">'):]
    shown = re.findall(r'<tr data-q="(r-[^ "]+)', section)
    assert [s.upper() for s in shown] == [r["id"].upper() for r in risks]  # every risk, in the register's order
    ranks = [levels.index(r["rating"]) for r in risks]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] == len(levels) - 1
    lower = [r for r in risks if r["rating"] not in levels[-2:]]
    assert lower and f"<details><summary><b>{len(lower)} more risks</b>" in section
