"""What a new user meets first: the version, one date option, one error prefix, plain metavars, `init --org`,
the first run of an empty organisation, `--fail-under` saying why, and a failed live collection said once."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from trustgap.cli import app
from trustgap.cli_common import commands
from trustgap.demo import DEMO_AS_OF

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})
DATE_OPTIONS = {"as_of", "start", "end", "since", "until"}


def _date_options() -> list[tuple[tuple[str, ...], str]]:
    found = []
    for path, cmd in commands(get_command(app)):
        for p in getattr(cmd, "params", []):
            if p.name in DATE_OPTIONS:
                found.append((path, p.opts[0]))
    return found


def test_version_comes_from_package_metadata_without_heavy_imports():
    code = ("import sys\nfrom trustgap.cli import main\nsys.argv = ['trustgap', '--version']\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "heavy = sorted(m for m in ('sqlalchemy', 'trustgap.engine.models', 'boto3', 'jinja2')"
            " if m in sys.modules)\n"
            "print('exit', code, 'heavy', heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0] == f"trustgap {version('trustgap')}"
    assert out.splitlines()[1] == "exit 0 heavy []"


def test_every_date_option_is_the_shared_one():
    found = _date_options()
    # as-of of assess, demo, interview, inspect, policy generate, every collector; since; timeline start/end
    assert len(found) >= 14, found
    for path, opt in found:
        r = runner.invoke(app, [*path, opt, "2026-13-01"])
        lines = [ln for ln in r.output.splitlines() if ln.strip()]
        assert r.exit_code == 2, (path, r.output)
        assert len(lines) == 1 and lines[0].startswith("error: ") and f"'{opt}'" in lines[0], (path, r.output)
        assert "2026-13-01" in lines[0] and "Traceback" not in r.output


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-1-1", "01/03/2026", "tomorrow"])
def test_impossible_or_other_shaped_dates_are_refused(bad: str):
    r = runner.invoke(app, ["demo", "--as-of", bad, "--no-save"])
    assert r.exit_code == 2 and r.output.startswith("error: Invalid value for '--as-of'"), r.output


def test_usage_errors_have_the_one_error_prefix():
    for args in (["demo", "--bogus"], ["report", "--format", "pdf"], ["nosuchcommand"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2, r.output
        assert r.output.startswith("error: ") and len(r.output.strip().splitlines()) == 1, r.output
        assert "Error" not in r.output and "╭" not in r.output


def test_help_shows_no_python_type_names():
    import re

    for path, _ in [((), None), *commands(get_command(app))]:
        r = runner.invoke(app, [*path, "--help"])
        assert r.exit_code == 0, (path, r.output)
        bad = re.findall(r"<(?:str|int|float|bool|path|Path|list\[[^\]]*\]|date|datetime)>", r.output)
        assert not bad, (path, bad)


def test_init_keeps_a_legal_name_as_written(tmp_path: Path):
    for name, legal in (("Acme Inc.", "Acme Inc."), ("Beta GmbH", "Beta GmbH"), ("Gamma", "Gamma Inc."),
                        ("Delta: Labs", '"Delta: Labs Inc."')):
        folder = tmp_path / name.replace(" ", "_").replace(":", "")
        r = runner.invoke(app, ["init", str(folder), "--org", name])
        assert r.exit_code == 0, r.output
        text = (folder / "scope.yaml").read_text()
        assert f"  # legal_name: {legal}\n" in text
        assert "Inc. Inc." not in text
        from trustgap.scope import load_scope

        assert load_scope(folder / "scope.yaml").scope.organisation.name == name


def test_first_run_of_an_empty_organisation_says_what_to_do_next(tmp_path: Path):
    folder = tmp_path / "acme"
    assert runner.invoke(app, ["init", str(folder), "--org", "Acme"]).exit_code == 0
    r = runner.invoke(app, ["assess", str(folder), "--as-of", "2026-11-16", "--no-save"])
    assert r.exit_code == 0, r.output
    assert "No evidence yet" in r.output
    assert str(folder / "evidence") in r.output
    assert "trustgap inspect" in r.output and f"trustgap interview {folder}" in r.output
    # an unassessed category is not shown as 0% ready
    assert "│ Security │ Not assessed │ n/a" in r.output


def test_fail_under_says_why(tmp_path: Path):
    from trustgap.demo import demo_folder

    r = runner.invoke(app, ["assess", str(demo_folder()), "--as-of", DEMO_AS_OF.isoformat(), "--no-save",
                            "--fail-under", "99"])
    assert r.exit_code == 1
    last = r.output.strip().splitlines()[-1]
    assert last.startswith("error: readiness ") and last.endswith("% is under 99 (--fail-under)"), last


def _no_credentials() -> dict[str, str]:
    """The environment of a machine with no cloud credentials at all (and no AWS config files to find)."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("AWS_", "AZURE_", "GITHUB_", "GITLAB_", "GOOGLE_", "OKTA_", "TRUSTGAP_GOOGLE",
                                 "TRUSTGAP_ENTRA", "TRUSTGAP_OKTA"))}
    return {**keep, "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "AWS_EC2_METADATA_DISABLED": "true", "COLUMNS": "200", "NO_COLOR": "1"}


@pytest.mark.parametrize(("name", "args", "says"), [
    ("aws", [], "Unable to locate credentials"),
    ("google", [], "TRUSTGAP_GOOGLE_TOKEN"),
    ("entra", [], "TRUSTGAP_ENTRA_TOKEN"),
    ("github", ["--org", "acme"], "GITHUB_TOKEN"),
])
def test_collect_without_credentials_says_it_once_and_fails(name: str, args: list[str], says: str,
                                                            monkeypatch: pytest.MonkeyPatch):
    env = _no_credentials()
    for k in list(os.environ):
        if k not in env:
            monkeypatch.delenv(k)
    r = CliRunner(env=env).invoke(app, ["collect", name, *args, "--as-of", "2026-11-16"])
    assert r.exit_code == 1, r.output
    assert r.output.count(says) == 1, r.output
    assert r.output.strip().splitlines()[-1].startswith(f"error: could not collect {name}")
    ok = CliRunner(env=env).invoke(app, ["collect", name, *args, "--as-of", "2026-11-16", "--allow-collect-failure"])
    assert ok.exit_code == 0 and ok.output.count(says) == 1, ok.output


def test_assess_collect_without_credentials_is_said_stored_and_fails(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    env = _no_credentials()
    for k in list(os.environ):
        if k not in env:
            monkeypatch.delenv(k)
    folder = tmp_path / "acme"
    assert runner.invoke(app, ["init", str(folder), "--org", "Acme"]).exit_code == 0
    out = tmp_path / "r.json"
    html = tmp_path / "r.html"
    r = CliRunner(env=env).invoke(app, ["assess", str(folder), "--collect", "aws", "--as-of", "2026-11-16",
                                        "--json", str(out), "--report", str(html)])
    assert r.exit_code == 1, r.output
    assert r.output.count("Unable to locate credentials") == 1, r.output
    assert "could not collect aws" in r.output.splitlines()[1]  # right under the readiness line
    assert r.output.strip().splitlines()[-1].startswith("error: could not collect aws")
    from trustgap.engine.models import AssessmentResult

    result = AssessmentResult.from_json(out.read_text())
    assert [i.split(":")[0] for i in result.collection_issues] == ["aws"]
    from trustgap.store.runs import RunStore

    store = RunStore.open()
    try:
        _, stored = store.get("latest")
    finally:
        store.close()
    assert stored.collection_issues == result.collection_issues
    page = html.read_text()
    assert "Could not collect" in page and "Unable to locate credentials" in page
    ok = CliRunner(env=env).invoke(app, ["assess", str(folder), "--collect", "aws", "--as-of", "2026-11-16",
                                         "--no-save", "--allow-collect-failure"])
    assert ok.exit_code == 0, ok.output


def test_readme_says_how_to_call_trustgap_after_the_two_set_up_commands():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    setup = readme.index("## Set-up: two commands")
    first_bare = readme.index("\ntrustgap ", setup)  # the first example that calls plain `trustgap`
    before = readme[setup:first_bare]
    assert "source .venv/bin/activate" in before and ".venv/bin/trustgap" in before
    # the two set-up commands are unchanged
    assert "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/trustgap demo" in readme
    assert ".venv/bin/trustgap users add you@example.com && .venv/bin/trustgap serve --demo" in readme
