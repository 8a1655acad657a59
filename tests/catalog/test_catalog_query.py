"""What `trustgap catalog` lists: JSON and table rows, filtered by criterion and framework."""

from __future__ import annotations

import json

import pytest

from trustgap.catalog.loader import Catalog, load_catalog
from trustgap.catalog.query import catalog_json, catalog_rows, framework_coverage
from trustgap.checks.base import checks_by_control
from trustgap.errors import TrustgapError


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def test_json_has_everything_and_is_serialisable(cat: Catalog) -> None:
    data = catalog_json(cat, checks=checks_by_control())
    assert len(data["criteria"]) == 61 and len(data["controls"]) == len(cat.controls)
    assert {c["id"] for c in data["criteria"]} == {c["id"] for c in data["criteria"] if c["controls"]}
    assert all(c["iso27001"] and c["nist_csf"] and "checks" in c for c in data["controls"])
    assert "idp.mfa_enforced" in next(c for c in data["controls"] if c["id"] == "AC-04")["checks"]
    assert data["frameworks"]["iso27001"]["total"] == 93 and data["frameworks"]["nist_csf"]["total"] == 106
    assert json.loads(json.dumps(data)) == data


def test_json_filtered_by_criterion(cat: Catalog) -> None:
    data = catalog_json(cat, criterion="CC6.1")
    assert [c["id"] for c in data["criteria"]] == ["CC6.1"]
    ids = {c["id"] for c in data["controls"]}
    assert {"AC-04", "AC-19", "AC-23"} <= ids
    assert all("CC6.1" in c["criteria"] for c in data["controls"])
    assert data["criteria"][0]["controls"] == [c["id"] for c in data["controls"]]


def test_json_filtered_by_framework(cat: Catalog) -> None:
    data = catalog_json(cat, framework="iso27001")
    assert set(data["frameworks"]) == {"iso27001"}
    assert all("nist_csf" not in c and c["iso27001"] for c in data["controls"])
    a85 = next(i for i in data["frameworks"]["iso27001"]["items"] if i["id"] == "A.8.5")
    assert "AC-04" in a85["controls"]
    with pytest.raises(KeyError):
        catalog_json(cat, framework="cobit")


def test_coverage_counts_mapped_ids(cat: Catalog) -> None:
    cov = framework_coverage(cat, "nist_csf")
    assert cov["mapped"] == sum(1 for i in cov["items"] if i["controls"])
    only_access = framework_coverage(cat, "nist_csf", cat.controls_for_criterion("CC6.1"))
    assert 0 < only_access["mapped"] < cov["mapped"]


def test_rows_per_kind(cat: Catalog) -> None:
    crit = catalog_rows(cat, kind="criteria", criterion="CC6.1")
    assert len(crit) == 1 and crit[0]["id"] == "CC6.1" and "AC-04" in crit[0]["controls"]
    ctl = catalog_rows(cat, kind="controls", framework="iso27001")
    assert len(ctl) == len(cat.controls) and all("iso27001" in r and "nist_csf" not in r for r in ctl)
    maps = catalog_rows(cat, kind="mappings", criterion="A1.2")
    assert {r["id"] for r in maps} == {c.id for c in cat.controls_for_criterion("A1.2")}
    assert all(set(r) == {"id", "title", "criteria", "iso27001", "nist_csf"} for r in maps)
    fw = catalog_rows(cat, kind="frameworks", framework="nist_csf")
    assert len(fw) == 106 and fw[0]["id"] == "GV.OC-01"
    with pytest.raises(TrustgapError, match="unknown catalog kind 'nonsense'"):
        catalog_rows(cat, kind="nonsense")  # type: ignore[arg-type]


def _cli():  # the CLI module, when it imports in this tree
    cli = pytest.importorskip("trustgap.cli", reason="trustgap.cli does not import in this tree", exc_type=ImportError)
    from typer.testing import CliRunner

    return cli.app, CliRunner()


def test_cli_catalog_criterion_json() -> None:
    app, runner = _cli()
    r = runner.invoke(app, ["catalog", "--criterion", "CC6.1", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [c["id"] for c in data["criteria"]] == ["CC6.1"]
    assert data["controls"] and all("CC6.1" in c["criteria"] for c in data["controls"])


def test_cli_catalog_framework_table() -> None:
    app, runner = _cli()
    r = runner.invoke(app, ["catalog", "--framework", "iso27001"], env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    assert "AC-04" in r.output and "A.8.5" in r.output
    bad = runner.invoke(app, ["catalog", "--framework", "cobit"])
    assert bad.exit_code == 2
    bad = runner.invoke(app, ["catalog", "--kind", "bogus"])
    assert bad.exit_code == 2, bad.output
