"""The accuracy benchmark's matching rules, on hand-made findings (trustgap's own Finding model)."""

from __future__ import annotations

from bench.accuracy.score import Item, OrgScore, match, names, normalise, score_result

from trustgap.engine.models import Finding


def _f(control: str, entity: str, *, criteria: tuple[str, ...] = (), gap_kind: str | None = "not_operating",
       certainty: str = "proven") -> Finding:
    return Finding(id=f"{control}:{entity}", control_id=control, criteria=list(criteria), severity="high",
                   title="t", entity=entity, reason="r", gap_kind=gap_kind,  # type: ignore[arg-type]
                   certainty=certainty)  # type: ignore[arg-type]


def _item(kind: str, entity: str, controls: tuple[str, ...] = ("AC-07",), criteria: tuple[str, ...] = (),
          m: tuple[str, ...] = ()) -> Item:
    return Item(f"{kind}-{entity}", kind, controls, criteria, entity, m, "why")


def test_normalise_folds_case_accents_underscores_and_space() -> None:
    assert normalise("  Jürgen_MÜLLER\t Policy ") == "jurgen muller policy"


def test_names_needs_boundaries() -> None:
    assert names("acme/api#12", "acme/api#12 (github)")
    assert not names("acme/api#12", "acme/api#123")
    assert not names("ann", "joann@x.example")
    assert names("ann@x.example", "ann@x.example (okta)")
    assert not names("", "anything")


def test_planted_found_only_on_its_controls() -> None:
    item = _item("planted", "tara@x.example")
    outcomes, unmatched = match([item], [_f("AC-04", "tara@x.example (okta)")])
    assert not outcomes[0].hit
    assert len(unmatched) == 1
    outcomes, unmatched = match([item], [_f("AC-07", "TARA@x.example (google)")])
    assert outcomes[0].hit and not unmatched


def test_criteria_match_and_alternative_spellings() -> None:
    item = _item("planted", "Lumen API", controls=("AV-07",), criteria=("A1.1",), m=("api.lumen.example",))
    outcomes, _ = match([item], [_f("AV-99", "monitor https://api.lumen.example/health", criteria=("A1.1",))])
    assert outcomes[0].hit


def test_exact_spelling_must_equal_the_whole_entity() -> None:
    item = _item("planted", "<root_account>", controls=("AC-05",), m=("=210987654321",))
    assert match([item], [_f("AC-05", "210987654321")])[0][0].hit
    assert not match([item], [_f("AC-05", "bob (aws:210987654321)")])[0][0].hit


def test_fine_item_named_is_a_false_alarm_and_cannot_tell_is_counted_apart() -> None:
    fine = _item("fine", "olga@x.example")
    planted = _item("planted", "tara@x.example")

    class R:
        findings = [_f("AC-07", "olga@x.example (okta)", gap_kind="insufficient_evidence"),
                    _f("AC-07", "tara@x.example (okta)"), _f("AC-07", "nobody@x.example (okta)")]

    outcomes, unmatched = match([fine, planted], R.findings)
    s = OrgScore("t", outcomes=outcomes, unmatched=unmatched)
    s.planted, s.found = 1, sum(o.hit for o in outcomes if o.item.kind == "planted")
    s.fine, s.flagged = 1, sum(o.hit for o in outcomes if o.item.kind == "fine")
    assert (s.recall, s.false_alarm_rate) == (1.0, 1.0)
    assert outcomes[0].all_cannot_tell and not outcomes[1].all_cannot_tell
    assert [u["entity"] for u in unmatched] == ["nobody@x.example (okta)"]


def test_one_finding_can_name_several_items_and_counts_once_as_matched() -> None:
    a = _item("planted", "acme/web", controls=("CHG-03",))
    b = _item("planted", "acme/web:main", controls=("CHG-03",))
    outcomes, unmatched = match([a, b], [_f("CHG-03", "acme/web:main")])
    assert all(o.hit for o in outcomes) and not unmatched


def test_proven_figures_count_only_findings_that_claim_a_proven_breach() -> None:
    fine_ct = _item("fine", "olga@x.example")  # named only by a "cannot tell" finding
    fine_proven = _item("fine", "rhea@x.example")  # named by a proven finding (and a "cannot tell" one)
    fine_clean = _item("fine", "ann@x.example")
    found_ct = _item("planted", "tara@x.example")
    found_proven = _item("planted", "kofi@x.example")
    missed = _item("planted", "uri@x.example")

    class Counts:
        in_scope, not_assessed = 10, 2

    class Readiness:
        counts = Counts()

    class R:
        readiness = Readiness()
        evidence: list[object] = []
        findings = [
            _f("AC-07", "olga@x.example (okta)", gap_kind="insufficient_evidence", certainty="cannot_tell"),
            _f("AC-07", "rhea@x.example (okta)", gap_kind="insufficient_evidence", certainty="cannot_tell"),
            _f("AC-07", "rhea@x.example (google)"),
            _f("AC-07", "tara@x.example (okta)", gap_kind="insufficient_evidence", certainty="cannot_tell"),
            _f("AC-07", "kofi@x.example (okta)"),
        ]

    s = score_result("t", [fine_ct, fine_proven, fine_clean, found_ct, found_proven, missed], R())
    # strict: any finding naming a fine item is a false alarm, any naming a planted item finds it
    assert (s.flagged, s.fine, s.found, s.planted) == (2, 3, 2, 3)
    assert (s.flagged_cannot_tell, s.found_cannot_tell) == (1, 1)
    # proven only: olga's and tara's findings say "cannot tell"
    assert (s.flagged_proven, s.found_proven) == (1, 1)
    assert round(s.proven_false_alarm_rate, 3) == 0.333 and round(s.proven_recall, 3) == 0.333
    d = s.as_dict()
    assert d["false_alarms_proven"] == 1 and d["found_by_proven"] == 1
    outcome = {i["id"]: i for i in d["items"]}
    assert [f["proven"] for f in outcome["fine-rhea@x.example"]["findings"]] == [False, True]
