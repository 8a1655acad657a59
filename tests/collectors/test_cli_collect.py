"""``trustgap collect ...`` through Typer's test runner, against the local moto server and fake APIs."""

from __future__ import annotations

import re
from pathlib import Path

from tests.collectors.conftest import PLANTED_AWS_SECRET
from tests.collectors.github_api import PLANTED_GITHUB_TOKEN, GithubApi
from typer.testing import CliRunner

from trustgap.cli_collect import app

RUNNER = CliRunner()
WIDE = {"COLUMNS": "220", "NO_COLOR": "1", "TERM": "dumb"}


def _rows(output: str, check_id: str) -> str:
    """The findings table rows from ``check_id`` up to the next check."""
    start = output.index(check_id)
    nxt = re.search(r"│ aws\.|│ mfa\.|│ admins\.|│ credentials\.|│ accounts\.|│ offboarding\.", output[start + 10:])
    return output[start: start + 10 + (nxt.start() if nxt else len(output))]


def test_collect_aws_finds_the_misconfigurations(moto_url: str, tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["aws", "--endpoint-url", moto_url, "--region", "us-east-1", "--region", "eu-west-1",
                                 "--as-of", "2026-11-01"], env=WIDE)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "evidence items (API answers)" in out and "facts: Resource" in out
    assert "legacy-db" in _rows(out, "aws.rds_encrypted")
    rds = _rows(out, "aws.rds_encrypted")
    assert "prod-db" in rds and "1 passing" in rds  # the well-configured ones are reported as passing
    assert "org-trail" in _rows(out, "aws.cloudtrail_log_file_validation")
    assert "acme-audit-logs" in _rows(out, "aws.s3_public_access_blocked")
    assert "orders key" in _rows(out, "aws.kms_key_rotation")
    assert "acme-public-assets" in _rows(out, "aws.s3_public_access_blocked")
    assert "legacy-trail" in _rows(out, "aws.cloudtrail_log_file_validation")
    assert "single-region trail" in _rows(out, "aws.cloudtrail_multi_region_logging")
    assert "/acme/web" in _rows(out, "aws.log_retention_sufficient")
    assert "123456789012/us-east-1" in _rows(out, "aws.ebs_encryption_by_default")
    assert "123456789012/us-east-1" in _rows(out, "aws.guardduty_enabled")
    assert "legacy key" in _rows(out, "aws.kms_key_rotation")
    assert PLANTED_AWS_SECRET not in out
    store = Path(__import__("os").environ["TRUSTGAP_HOME"]) / "evidence"
    assert sum(1 for p in store.rglob("*") if p.is_file()) > 30


def test_collect_github_cli(tmp_path: Path) -> None:
    api = GithubApi().start()
    try:
        result = RUNNER.invoke(app, ["github", "--org", "acme", "--base-url", api.base_url, "--since", "2026-08-01",
                                     "--as-of", "2026-11-01"], env={**WIDE, "GITHUB_TOKEN": PLANTED_GITHUB_TOKEN})
    finally:
        api.stop()
    assert result.exit_code == 0, result.output
    assert "facts: Change" in result.output
    assert PLANTED_GITHUB_TOKEN not in result.output


def test_bad_options_are_one_clear_line() -> None:
    result = RUNNER.invoke(app, ["github"], env=WIDE)
    assert result.exit_code == 2 and "--org" in result.output
    result = RUNNER.invoke(app, ["aws", "--service", "lambda", "--as-of", "2026-11-01"], env=WIDE)
    assert result.exit_code == 2 and "collect.aws.services" in result.output


def test_collect_entra_cli_names_the_account_without_mfa() -> None:
    from tests.collectors.graph_api import PLANTED_CLIENT_SECRET, TENANT, GraphApi

    server = GraphApi().start()
    try:
        env = {**WIDE, "AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": "app-123",
               "AZURE_CLIENT_SECRET": PLANTED_CLIENT_SECRET}
        result = RUNNER.invoke(app, ["entra", "--base-url", server.base_url, "--login-url", server.api.url,
                                     "--as-of", "2026-11-01"], env=env)
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    out = result.output
    assert "facts: Account" in out
    rows = out[out.index("mfa.enabled_on_every_system"):]
    assert "grady@acme.example (azuread)" in rows[:2000] and PLANTED_CLIENT_SECRET not in out


def test_a_part_github_refuses_is_said_once_and_fails_the_collection() -> None:
    api = GithubApi(dependabot=False).start()  # 403 on Dependabot alerts, as for a token without the scope
    try:
        args = ["github", "--org", "acme", "--base-url", api.base_url, "--since", "2026-08-01", "--as-of",
                "2026-11-01"]
        env = {**WIDE, "GITHUB_TOKEN": PLANTED_GITHUB_TOKEN}
        strict = RUNNER.invoke(app, args, env=env)
        allowed = RUNNER.invoke(app, [*args, "--allow-collect-failure"], env=env)
    finally:
        api.stop()
    assert strict.exit_code == 1, strict.output
    assert strict.output.count("Resource not accessible by personal access token") == 1, strict.output
    assert strict.output.strip().splitlines()[-1].startswith("error: could not collect github")
    assert "facts: Change" in strict.output  # what could be collected is kept and shown
    assert allowed.exit_code == 0, allowed.output
    assert allowed.output.count("Resource not accessible by personal access token") == 1
