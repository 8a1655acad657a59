"""Frameworks by registry: a third framework is one YAML file in a folder (``TRUSTGAP_FRAMEWORKS_DIR``), and it
shows everywhere without a code edit: the catalog, ``trustgap catalog --framework``, the assessment's
roll-ups, the HTML and Markdown reports and the XLSX workbook."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from trustgap.assessment import resolve_inputs, run_assessment
from trustgap.catalog.loader import load_catalog
from trustgap.cli import app
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.errors import InputError
from trustgap.evidence.store import EvidenceStore
from trustgap.report.html import render_html
from trustgap.report.markdown import render_markdown
from trustgap.report.xlsx import workbook_bytes

# A made-up baseline of three requirements, mapped to three trustgap controls.
EXAMPLE = """\
id: example_baseline
name: "Example Baseline 1.0"
version: "1.0"
requirement_label: "baseline requirements"
id_pattern: '^EB-\\d{2}$'
requirements:
  - {id: EB-01, title: "Leavers lose access promptly", group: Identity}
  - {id: EB-02, title: "A code of conduct is acknowledged", group: People}
  - {id: EB-03, title: "Nothing maps here", group: People}
mapping:
  AC-07: [EB-01]
  AC-08: [EB-01]
  GOV-01: [EB-02]
"""


@pytest.fixture
def third_framework(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "frameworks"
    folder.mkdir()
    (folder / "example_baseline.yaml").write_text(EXAMPLE, encoding="utf-8")
    monkeypatch.setenv("TRUSTGAP_FRAMEWORKS_DIR", str(folder))
    return folder


def test_a_framework_file_is_loaded_and_validated(third_framework: Path) -> None:
    cat = load_catalog()
    assert list(cat.frameworks) == ["example_baseline", "iso27001", "nist_csf"]
    fw = cat.frameworks["example_baseline"]
    assert (fw.name, fw.version, [r.id for r in fw.requirements]) == ("Example Baseline 1.0", "1.0",
                                                                      ["EB-01", "EB-02", "EB-03"])
    assert [c.id for c in cat.controls_for_framework("example_baseline", "EB-01")] == ["AC-07", "AC-08"]
    (third_framework / "example_baseline.yaml").write_text(EXAMPLE.replace("GOV-01: [EB-02]", "GOV-01: [EB-09]"),
                                                           encoding="utf-8")
    (third_framework / "bad").mkdir()  # another folder, so the cache (keyed by folder) reads the edited file
    (third_framework / "bad" / "example_baseline.yaml").write_text(
        (third_framework / "example_baseline.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    from trustgap.catalog.loader import _load_catalog

    with pytest.raises(InputError) as err:
        _load_catalog(third_framework / "bad")
    assert err.value.field == "mapping.GOV-01.0" and "EB-09" in err.value.message and err.value.line == 13


def test_the_catalog_command_lists_it(third_framework: Path) -> None:
    r = CliRunner().invoke(app, ["catalog", "--framework", "example_baseline", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert set(data["frameworks"]) == {"example_baseline"}
    items = {i["id"]: i["controls"] for i in data["frameworks"]["example_baseline"]["items"]}
    assert items == {"EB-01": ["AC-07", "AC-08"], "EB-02": ["GOV-01"], "EB-03": []}
    bad = CliRunner().invoke(app, ["catalog", "--framework", "cobit"])
    assert bad.exit_code == 2 and "example_baseline" in bad.output


def test_assessment_reports_and_workbook_roll_it_up(third_framework: Path) -> None:
    inputs = resolve_inputs(demo_folder())
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=DEMO_AS_OF, save=False, evidence_store=EvidenceStore(None))
    assert set(result.frameworks) == {"example_baseline", "iso27001", "nist_csf"}
    rollups = {r.id: r for r in result.frameworks["example_baseline"]}
    assert set(rollups) == {"EB-01", "EB-02"}  # EB-03 has no control mapped to it
    verdicts = {v.control_id: v.status for v in result.verdicts}
    assert rollups["EB-01"].controls == ["AC-07", "AC-08"]
    assert rollups["EB-02"].status == verdicts["GOV-01"]
    if "gap" in (verdicts["AC-07"], verdicts["AC-08"]):
        assert rollups["EB-01"].status == "gap"

    html = render_html(result)
    assert "<h3>Example Baseline 1.0</h3>" in html and "baseline requirements are covered" in html
    assert "### Example Baseline 1.0" in render_markdown(result)
    rows = list(load_workbook(io.BytesIO(workbook_bytes(result)))["Frameworks"].iter_rows(values_only=True))
    assert [r[:2] for r in rows if r[0] == "example_baseline"] == [("example_baseline", "EB-01"),
                                                                   ("example_baseline", "EB-02")]
