"""Check results are kept between runs: after one evidence file changes, only the checks that read what it gave
run again, and the result is byte-identical to a run that kept nothing."""

from __future__ import annotations

import hashlib
import pickle
import shutil
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from trustgap.assessment import run_assessment
from trustgap.checks.base import Check, CheckContext, CheckResult, EntityResult, load_checks, run_checks, run_one
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.engine import check_cache
from trustgap.engine.check_cache import CheckCache, CheckSession
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import FactSet, Person, Src, Vendor
from trustgap.thresholds import ResolvedThresholds

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(autouse=True)
def keep_every_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """The organisations here are small: every result is kept, however few entities it judged, so that what is
    proven holds for the large organisations whose results are kept."""
    monkeypatch.setattr(check_cache, "MIN_KEPT_ENTITIES", 0)


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """The ids of the checks each run ran (the others were given from the cache)."""
    runs: list[list[str]] = []
    real = CheckSession.close

    def close(self: CheckSession) -> None:
        runs.append(list(self.ran))
        real(self)

    monkeypatch.setattr(CheckSession, "close", close)
    yield runs


def _run(org: Path, as_of: date, store: Path | None) -> str:
    answers = [org / "answers.yaml"] if (org / "answers.yaml").is_file() else []
    result, _ = run_assessment(org / "scope.yaml", evidence_dir=org / "evidence", answers=answers, as_of=as_of,
                               evidence_store=EvidenceStore(store), save=False)
    return result.to_json()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _assert_incremental(org: Path, as_of: date, store: Path, ran: list[list[str]], edit: tuple[str, str, str],
                        expect: str) -> None:
    """Change one file; the warm run equals a run that keeps nothing, re-running ``expect`` but not everything."""
    name, old, new = edit
    _edit(org / "evidence" / name, old, new)
    warm = _run(org, as_of, store)
    assert expect in ran[-1], f"{expect} did not run again after {name} changed"
    assert 0 < len(ran[-1]) < len(load_checks()) // 2, f"{len(ran[-1])} checks ran after {name} changed"
    assert warm == _run(org, as_of, None), f"not the result of a cold run after {name} changed"


DEMO_EDITS = [
    ("vendors/vendor-inventory.csv", "Okta,Identity provider,Employee identities,Critical,2026-04-20,,Yes",
     "Okta,Identity provider,Employee identities,Critical,2026-04-20,,No", "vendors.dpa_signed"),
    ("hr/bamboohr-employees.csv", "Full-Time,03/01/2021,,Active", "Full-Time,03/01/2021,10/01/2026,Terminated",
     "offboarding.access_revoked_in_time"),
    ("github/api-pulls.json", '"state": "APPROVED"', '"state": "COMMENTED"', "change.pr_approved_by_other"),
    ("policies/access-control-policy.md", "reviewed quarterly", "reviewed monthly",
     "access_reviews.performed_on_cadence"),
]


def test_demo_after_one_file_changes(tmp_path: Path, ran: list[list[str]]) -> None:
    org = tmp_path / "org"
    shutil.copytree(demo_folder(), org)
    store = tmp_path / "store"
    assert _run(org, DEMO_AS_OF, store) == _run(org, DEMO_AS_OF, None)
    assert len(ran[0]) == len(load_checks())  # nothing kept yet: every check ran
    for name, old, new, expect in DEMO_EDITS:
        _assert_incremental(org, DEMO_AS_OF, store, ran, (name, old, new), expect)
    # the promise changed back: the result kept from the first run serves again (the policy checks that read the
    # document itself run), and it is still a cold run's
    _edit(org / "evidence" / "policies" / "access-control-policy.md", "reviewed monthly", "reviewed quarterly")
    assert _run(org, DEMO_AS_OF, store) == _run(org, DEMO_AS_OF, None)
    assert "access_reviews.performed_on_cadence" not in ran[-1] and "policies.access_control_documented" in ran[-1]


def test_synthetic_organisation_after_one_file_changes(tmp_path: Path, ran: list[list[str]]) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from synthetic_org import write_org
    finally:
        sys.path.remove(str(BENCH))
    org = tmp_path / "org"
    write_org(org, people=300, pulls=600, vulns=200, vendors=60, docs=20)
    as_of = date(2026, 11, 16)
    store = tmp_path / "store"
    assert _run(org, as_of, store) == _run(org, as_of, None)
    roster = (org / "evidence" / "hr" / "roster.csv").read_text(encoding="utf-8").splitlines()
    active = next(line for line in roster[1:] if line.endswith(",Active"))
    edits = [
        ("vendors/vendors.csv", "Vendor 0,", "Vendor zero,", "vendors.inventory_tiered"),
        ("hr/roster.csv", active, active[: -len(",,Active")] + ",10/01/2026,Inactive",
         "offboarding.access_revoked_in_time"),
        ("github/repo00-pulls.json", '"state": "APPROVED"', '"state": "CHANGES_REQUESTED"',
         "change.min_approvals_met"),
        ("policies/policy-001.md", "reviewed quarterly", "reviewed monthly", "access_reviews.performed_on_cadence"),
    ]
    for name, old, new, expect in edits:
        _assert_incremental(org, as_of, store, ran, (name, old, new), expect)


# ---- the cache itself, over a small set of facts


def _vendors_check(body: str = "ok") -> Check:
    meta = next(c.meta for c in load_checks().values() if c.meta.id == "vendors.owner_assigned")

    def fn(ctx: CheckContext) -> CheckResult:
        ents = [EntityResult("vendor", v.name, "pass", body, (v.src,)) for v in ctx.facts.of(Vendor)]
        return ctx.result(ents)

    return Check(meta, fn)


def _ctx(facts: FactSet) -> CheckContext:
    return CheckContext(facts=facts, thresholds=ResolvedThresholds(), as_of=date(2026, 11, 16))


def _item(sha: str, fmt: str) -> object:
    from trustgap.evidence_items import EvidenceItem

    return EvidenceItem(sha256=sha, name=f"{fmt}.csv", source="file", collected_at="2026-11-01T00:00:00+00:00",
                        size=1, format=fmt)


def _session(store: EvidenceStore, facts: FactSet) -> CheckSession:
    """A session over files named by the facts' sources (as in a run, other content means another file)."""
    items = [_item(f.src.sha256, "vendors" if isinstance(f, Vendor) else "hr") for f in facts]
    session = CheckCache(store).session(_ctx(facts), items)  # type: ignore[arg-type]
    assert session is not None
    return session


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _facts(vendor: str = "Acme", person: str = "ann@x.example") -> FactSet:
    return FactSet([Vendor(src=Src(_sha(vendor), "row 2"), name=vendor),
                    Person(src=Src(_sha(person), "row 2"), email=person)])


def test_a_kept_result_is_given_until_what_the_check_read_changes(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "store")
    chk = _vendors_check()
    first = _session(store, _facts())
    res = run_checks(_ctx(_facts()), [chk], runner=first)
    assert first.ran == [chk.meta.id] and res[0].entities[0].entity == "Acme"
    first.close()
    # another person (a kind the check never read): the kept result
    second = _session(store, _facts(person="bob@x.example"))
    assert run_checks(_ctx(_facts(person="bob@x.example")), [chk], runner=second) == res and second.ran == []


def test_a_new_version_of_a_check_never_reads_an_older_result(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "store")
    s1 = _session(store, _facts())
    run_checks(_ctx(_facts()), [_vendors_check("ok")], runner=s1)
    s2 = _session(store, _facts())
    res = run_checks(_ctx(_facts()), [_vendors_check("judged again")], runner=s2)
    assert s2.ran == ["vendors.owner_assigned"] and res[0].entities[0].reason == "judged again"


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "store")
    chk = _vendors_check()
    s1 = _session(store, _facts())
    run_checks(_ctx(_facts()), [chk], runner=s1)
    for p in (tmp_path / "store" / check_cache.FOLDER).glob("??/*"):
        p.write_bytes(p.read_bytes()[:20])
    s2 = _session(store, _facts())
    assert run_checks(_ctx(_facts()), [chk], runner=s2) == [run_one(_ctx(_facts()), chk)]
    assert s2.ran == [chk.meta.id]


def test_a_value_shared_between_checks_carries_what_it_was_made_from(tmp_path: Path) -> None:
    """A check that takes a value another check derived reads what the other read to make it."""
    meta = next(iter(load_checks().values())).meta

    def maker(ctx: CheckContext) -> CheckResult:
        ctx.facts.derived[("names", 0)] = [v.name for v in ctx.facts.of(Vendor)]
        return ctx.not_assessed("made")

    def taker(ctx: CheckContext) -> CheckResult:
        names = ctx.facts.derived.get(("names", 0))
        return ctx.not_assessed(f"took {names}")

    store = EvidenceStore(tmp_path / "store")
    for vendor in ("Acme", "Globex"):
        facts = _facts(vendor)
        session = _session(store, facts)
        out = run_checks(_ctx(facts), [Check(meta, maker), Check(meta.__class__(**{**meta.__dict__, "id": "taker"}),
                                                                    taker)], runner=session)
        assert out[1].summary == f"took ['{vendor}']"  # not the kept result of the other vendor
        session.close()


def test_reading_everything_is_never_kept(tmp_path: Path) -> None:
    meta = next(iter(load_checks().values())).meta

    def counts(ctx: CheckContext) -> CheckResult:
        return ctx.not_assessed(str(ctx.facts.counts()))

    store = EvidenceStore(tmp_path / "store")
    for _ in range(2):
        session = _session(store, _facts())
        run_checks(_ctx(_facts()), [Check(meta, counts)], runner=session)
        assert session.ran == [meta.id]


def test_a_result_kept_as_columns_reads_back_equal() -> None:
    ents = [EntityResult("vendor", "Acme", "fail", "no DPA", (Src("a" * 64, "row 2"), Src("b" * 64, "")),
                         gap_kind="missing", measured={"days": 3.5, "n": 1}),
            EntityResult("vendor", "Globex", "pass", "ok")]
    res = CheckResult("vendors.dpa_signed", "fail", "1 of 2 fail", ents, "missing")
    packed = check_cache._pack(res)
    assert packed[0] == "columns"
    back = check_cache._unpack(pickle.loads(pickle.dumps(packed)))
    assert back == res and type(back.entities[0].evidence[0]) is Src
    assert check_cache._unpack(check_cache._pack(CheckResult("x", "not_assessed", "none"))) == CheckResult(
        "x", "not_assessed", "none")


def test_a_result_of_few_entities_is_judged_again_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_cache, "MIN_KEPT_ENTITIES", 2)  # the check below judges one vendor
    store = EvidenceStore(tmp_path / "store")
    chk = _vendors_check()
    first = _session(store, _facts())
    res = run_checks(_ctx(_facts()), [chk], runner=first)
    first.close()
    assert not list((tmp_path / "store" / check_cache.FOLDER).glob("??/*"))  # nothing kept
    second = _session(store, _facts())
    assert run_checks(_ctx(_facts()), [chk], runner=second) == res and second.ran == [chk.meta.id]
    monkeypatch.setattr(check_cache, "MIN_KEPT_ENTITIES", 1)  # one entity is enough now: kept, then given
    third = _session(store, _facts())
    run_checks(_ctx(_facts()), [chk], runner=third)
    third.close()
    fourth = _session(store, _facts())
    assert run_checks(_ctx(_facts()), [chk], runner=fourth) == res and fourth.ran == []
