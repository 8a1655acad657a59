"""Small versions of every benchmark organisation, generated and scored; the figures may not fall below the
floor in bench/accuracy/floor.json (raise the floor when trustgap improves, never lower it). A floor holds for
the key it was measured on (``key`` is the key's digest): a generator whose items change fails here until the
floor is measured again on the new key."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from datetime import date
from pathlib import Path

import pytest
import yaml
from bench.accuracy import orgs as registry
from bench.accuracy import score

FLOOR = json.loads((Path(__file__).resolve().parents[1] / "bench" / "accuracy" / "floor.json").read_text())
MIN_ITEMS = 25  # planted gaps and fine items per organisation
# organisations collected live (a moto server and a local GitHub API) take the longest: set
# TRUSTGAP_ACCURACY_LIVE=0 to skip them; they are skipped too when moto's server is not installed
LIVE = os.environ.get("TRUSTGAP_ACCURACY_LIVE", "1") != "0"
HAS_MOTO = importlib.util.find_spec("moto") is not None and importlib.util.find_spec("flask") is not None


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("accuracy")
    for name in registry.available():
        registry.module(name).generate(out, small=True)
    return out


def test_every_organisation_has_a_floor_and_a_sound_key(generated: Path) -> None:
    names = registry.available()
    assert len(names) >= 3
    assert set(names) <= set(FLOOR["organisations"])
    for name in names:
        key = score.load_key(generated / f"{name}.key.yaml")
        kinds = [i.kind for i in key["items"]]
        assert kinds.count("planted") >= MIN_ITEMS and kinds.count("fine") >= MIN_ITEMS, name
        # the answer key lives outside the folder trustgap reads, and nothing inside names an item's verdict
        folder = generated / name
        assert not list(folder.rglob("*.key.yaml"))
        assert (folder / "scope.yaml").is_file() and (folder / "evidence").is_dir()


def test_generators_are_deterministic(tmp_path: Path, generated: Path) -> None:
    name = registry.available()[0]
    registry.module(name).generate(tmp_path, small=True)
    assert _digest(tmp_path / name) == _digest(generated / name)
    assert (tmp_path / f"{name}.key.yaml").read_bytes() == (generated / f"{name}.key.yaml").read_bytes()


def test_live_organisation_is_deterministic_for_its_as_of_date(tmp_path: Path) -> None:
    """atlas dates everything from its as-of date (the day of the run by default): one date, one output,
    the stand-ins' description included; and its key names that description, kept beside the key."""
    atlas = registry.module("atlas")
    day = date(2026, 12, 1)
    for run in ("a", "b"):
        atlas.generate(tmp_path / run, small=True, as_of=day)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    key = yaml.safe_load((tmp_path / "a" / "atlas.key.yaml").read_text())
    assert key["as_of"] == "2026-12-01" and key["live"] == "atlas.live.json"
    live = json.loads((tmp_path / "a" / "atlas.live.json").read_text())
    assert {"aws", "github"} <= set(live) and not list((tmp_path / "a" / "atlas").rglob("*.live.json"))
    # the folder's scope points collection nowhere real: only the scorer's stand-ins answer
    scope = yaml.safe_load((tmp_path / "a" / "atlas" / "scope.yaml").read_text())
    assert scope["collect"]["aws"]["endpoint_url"].startswith("http://127.0.0.1:")
    assert scope["collect"]["github"]["base_url"].startswith("http://127.0.0.1:")


@pytest.mark.parametrize("name", registry.available())
def test_accuracy_at_or_above_the_floor(generated: Path, name: str) -> None:
    floor = FLOOR["organisations"][name]
    key = score.load_key(generated / f"{name}.key.yaml")
    if key.get("live") and not LIVE:
        pytest.skip(f"{name} is collected live; TRUSTGAP_ACCURACY_LIVE=0 skips it")
    if key.get("live") and not HAS_MOTO:
        pytest.skip(f"{name} is collected live and needs moto's server (pip install -e '.[dev]')")
    digest = score.key_digest(key["items"])
    assert floor.get("key") == digest, (
        f"{name}: the answer key changed (digest {digest}, the floor was measured on {floor.get('key')}): "
        "measure the small versions again and record the floor for the new key in bench/accuracy/floor.json"
    )
    s = score.score_org(generated, name)
    assert s.error is None, f"trustgap crashed on {name}: {s.error}"
    detail = "\n".join(score.summary_lines([s], details=True))
    assert s.recall >= floor["min_recall"], f"{name}: recall fell below the floor\n{detail}"
    assert s.false_alarm_rate <= floor["max_false_alarm_rate"], f"{name}: more false alarms than the floor\n{detail}"
    # the figures file carries every item's outcome
    out = generated / f"{name}.scores.json"
    score.write_json(out, [s])
    items = json.loads(out.read_text())["organisations"][0]["items"]
    assert len(items) == len(yaml.safe_load((generated / f"{name}.key.yaml").read_text())["items"])
    assert {i["outcome"] for i in items} <= {"found", "missed", "false_alarm", "clean"}
