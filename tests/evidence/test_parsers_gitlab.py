"""GitLab REST v4 answers (two versions: GitLab 15 shapes with ``merged_by`` and approvals without times, GitLab 17
shapes with ``merge_user``, label objects and ``approved_at``), recognised by content, joined, judged."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap.checks.base import CheckContext, load_checks, run_checks
from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import Account, BranchProtection, Change, CollectionIssue, FactSet, Resource, Setting
from trustgap.thresholds import ResolvedThresholds

FIX = Path(__file__).parent.parent / "fixtures" / "gitlab"


def run(data: bytes, path: str = "export.json") -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    return parse_with(load_parsers()["gitlab"], data, ParseContext(ref=ref, path=path, as_of=date(2026, 3, 1)))


def folder(version: str) -> list[Any]:
    facts: list[Any] = []
    for f in sorted((FIX / version).glob("*.json")):
        res = run(f.read_bytes(), f.name)
        assert res.errors == [], (f.name, res.errors)
        facts.extend(res.facts)
    return load_parsers()["gitlab"].finalize(facts)  # type: ignore[misc]


@pytest.mark.parametrize("path", sorted(str(p.relative_to(FIX)) for p in FIX.glob("v*/*.json")))
def test_recognised_by_content_under_any_name(path: str) -> None:
    parser = recognise((FIX / path).read_bytes(), "file7.dat")
    assert parser is not None and parser.name == "gitlab"


def test_gitlab15_users_changes_protection() -> None:
    facts = folder("v15")
    accounts = {a.account_id: a for a in facts if isinstance(a, Account)}
    assert accounts["root"].is_admin is True and accounts["root"].mfa_enabled is True
    assert accounts["eli"].mfa_enabled is False and accounts["eli"].email == "eli@acme.io"
    assert accounts["fay"].active is False and accounts["fay"].status == "blocked"
    assert accounts["project_42_bot_3f1c"].kind == "service"
    assert accounts["dana"].last_login_at == datetime(2026, 2, 28, 16, 2, 11, tzinfo=UTC)
    changes = {c.change_id: c for c in facts if isinstance(c, Change)}
    assert set(changes) == {"7", "8", "10"}  # !9 is still open
    assert changes["7"].repository == "acme/api" and changes["7"].kind == "merge_request"
    assert [r.reviewer for r in changes["7"].reviews] == ["dana"] and changes["7"].merged_by == "dana"
    assert changes["7"].reviews[0].submitted_at is None  # GitLab 15 does not say when
    assert changes["10"].emergency is True and changes["10"].reviews == ()  # approved_by [] is "no approval"
    bp = [b for b in facts if isinstance(b, BranchProtection)]
    assert len(bp) == 1 and bp[0].is_default and bp[0].protected and bp[0].required_approvals == 1
    assert bp[0].allow_force_pushes is False
    assert any(isinstance(r, Resource) and r.kind == "gitlab.project" for r in facts)


def test_gitlab17_members_wildcards_settings_and_late_approval() -> None:
    facts = folder("v17")
    accounts = {a.account_id: a for a in facts if isinstance(a, Account)}
    assert accounts["dana"].is_admin is True and accounts["dana"].groups == ("acme",)  # owner (50)
    assert accounts["eli"].is_admin is False and accounts["eli"].mfa_enabled is None  # members do not show 2FA
    assert accounts["gus.contractor"].email == "gus@contractors.acme.io"
    assert accounts["fay"].active is False
    bps = {(b.repository, b.branch): b for b in facts if isinstance(b, BranchProtection)}
    assert bps[("acme/infra", "master")].protected is False and bps[("acme/infra", "master")].is_default
    assert bps[("acme/infra", "release/*")].allow_force_pushes is True
    settings = {s.key: s.value for s in facts if isinstance(s, Setting)}
    assert settings["gitlab.project.merge_requests_author_approval"] is True
    changes = {c.change_id: c for c in facts if isinstance(c, Change)}
    assert changes["4"].emergency is True and changes["4"].labels == ("emergency::change",)
    assert changes["4"].reviews[0].submitted_at == datetime(2026, 2, 21, 9, 30, tzinfo=UTC)
    assert changes["4"].merged_by == "eli" and changes["3"].repository == "acme/infra"


def test_change_checks_judge_merge_requests_by_name() -> None:
    facts = FactSet([*folder("v15"), *folder("v17")])
    ctx = CheckContext(facts=facts, thresholds=ResolvedThresholds({}), as_of=date(2026, 3, 1))
    checks = load_checks()
    res = {r.check_id: r for r in run_checks(ctx, [checks["change.pr_approved_by_other"]])}
    got = {e.entity: e.status for e in res["change.pr_approved_by_other"].entities}
    assert got == {"acme/api#7": "pass", "acme/api#8": "fail", "acme/api#10": "fail", "acme/infra#3": "pass",
                   "acme/infra#4": "pass"}


def test_merged_request_without_approvals_is_a_collection_problem() -> None:
    data = (FIX / "v15" / "merge_requests.json").read_bytes()
    facts = load_parsers()["gitlab"].finalize(run(data).facts)  # type: ignore[misc]
    assert not [f for f in facts if isinstance(f, Change)]
    issues = [f for f in facts if isinstance(f, CollectionIssue)]
    assert {i.source for i in issues} == {"gitlab.merge_requests"} and len(issues) == 3
    assert "acme/api!7" in " ".join(i.reason for i in issues)


def test_not_json_names_the_line() -> None:
    res = run(b'[\n {"iid": 1,\n  "project_id": 4\n', "mrs.json")
    assert res.facts == [] and res.errors and res.errors[0].line is not None
    assert "mrs.json" in str(res.errors[0])


def test_bad_items_are_named_and_the_rest_is_read() -> None:
    mrs = json.loads((FIX / "v15" / "merge_requests.json").read_text())
    mrs[0]["iid"] = "seven"
    mrs[1]["merged_at"] = "yesterday-ish"
    res = run(json.dumps(mrs).encode(), "mrs.json")
    fields = {e.field for e in res.errors}
    assert "[0].iid" in fields and "[1].merged_at" in fields
    seen = [f for f in res.facts if type(f).__name__ == "MergeRequestSeen"]
    assert {s.change.change_id for s in seen} == {"8", "10"}  # !8 is still merged by its state


def test_bare_protected_branch_list_is_named_by_its_file() -> None:
    bare = json.dumps(json.loads((FIX / "v15" / "protected-branches-api.json").read_text())["items"]).encode()
    parser = recognise(bare, "api-protected-branches.json")
    assert parser is not None and parser.name == "gitlab"
    project = (FIX / "v15" / "project-api.json").read_bytes()
    facts = [*run(project, "gitlab/project.json").facts, *run(bare, "gitlab/api-protected-branches.json").facts]
    joined = load_parsers()["gitlab"].finalize(facts)  # type: ignore[misc]
    bp = [b for b in joined if isinstance(b, BranchProtection)]
    assert [(b.repository, b.branch, b.is_default, b.protected) for b in bp] == [("acme/api", "main", True, True)]
    # a file whose path names no known project: a collection problem saying so, never a guess
    lost = load_parsers()["gitlab"].finalize([*run(project, "p.json").facts,  # type: ignore[misc]
                                              *run(bare, "exports/protected.json").facts])
    assert not [b for b in lost if isinstance(b, BranchProtection)]
    issues = [i for i in lost if isinstance(i, CollectionIssue)]
    assert [i.source for i in issues] == ["gitlab.protection"] and "exports/protected.json" in issues[0].reason


def test_approvals_without_list_is_an_error_naming_the_field() -> None:
    doc = json.loads((FIX / "v15" / "approvals-7.json").read_text())
    doc["approved_by"] = "dana"
    res = run(json.dumps(doc).encode(), "approvals.json")
    assert [e.field for e in res.errors] == ["approved_by"]


def test_required_approvals_from_merge_requests_when_rules_were_not_exported() -> None:
    facts: list[Any] = []
    for f in sorted((FIX / "v15").glob("*.json")):
        if f.name != "approval-rules-api.json":
            facts.extend(run(f.read_bytes(), f.name).facts)
    joined = load_parsers()["gitlab"].finalize(facts)  # type: ignore[misc]
    (bp,) = [b for b in joined if isinstance(b, BranchProtection)]
    assert bp.branch == "main" and bp.required_approvals == 1  # each merge request into main required one
