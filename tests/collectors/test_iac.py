"""A real Checkov run over Terraform with known misconfigurations, read through the checkov parser."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from trustgap.collectors.iac import checkov_command, collect_iac, find_checkov
from trustgap.evidence.ingest import finalize_facts
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import CollectionIssue, Scan, ScanFinding

TERRAFORM = Path(__file__).resolve().parents[1] / "fixtures" / "collectors" / "terraform"
AS_OF = date(2026, 11, 1)


CHECKOV = find_checkov()  # $TRUSTGAP_CHECKOV, PATH, or .venv-checkov beside the test venv (the README command)


@pytest.mark.skipif(CHECKOV is None, reason="checkov is not installed (the README's test command puts it in "
                    ".venv-checkov; or set TRUSTGAP_CHECKOV or put it on PATH)")
def test_checkov_run_on_terraform() -> None:
    env = {**os.environ, "TRUSTGAP_CHECKOV": str(CHECKOV)}
    out = collect_iac([TERRAFORM], store=EvidenceStore(None), as_of=AS_OF, env=env, frameworks=["terraform"])
    facts = finalize_facts(out)
    assert not [f for f in facts if isinstance(f, CollectionIssue)]
    assert [i.format for i in out.items] == ["checkov"] and out.items[0].status == "parsed"
    assert out.items[0].source.startswith("iac:checkov -d ")
    findings = [f for f in facts if isinstance(f, ScanFinding)]
    failed = {(f.check_id, f.resource) for f in findings if f.status == "fail"}
    assert ("CKV_AWS_16", "aws_db_instance.legacy") in failed  # RDS storage not encrypted
    assert ("CKV_AWS_17", "aws_db_instance.legacy") in failed  # RDS publicly accessible
    assert ("CKV_AWS_3", "aws_ebs_volume.data") in failed  # EBS volume not encrypted
    assert ("CKV_AWS_36", "aws_cloudtrail.legacy") in failed  # log file validation off
    passed = {(f.check_id, f.resource) for f in findings if f.status == "pass"}
    assert ("CKV_AWS_7", "aws_kms_key.orders") in passed  # key rotation on
    loc = next(f.location for f in findings if f.resource == "aws_ebs_volume.data")
    assert loc and "storage.tf" in loc
    scans = [f for f in facts if isinstance(f, Scan)]
    assert len(scans) == 1 and scans[0].tool == "checkov" and scans[0].target == str(TERRAFORM)


def test_missing_checkov_is_an_issue(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "TRUSTGAP_CHECKOV": str(tmp_path / "nope")}
    assert find_checkov(env) is None
    out = collect_iac([TERRAFORM], store=EvidenceStore(None), as_of=AS_OF, env=env)
    issues = [f for f in out.facts if isinstance(f, CollectionIssue)]
    assert [i.source for i in issues] == ["scans.checkov"] and "checkov not found" in issues[0].reason


def test_failed_run_is_an_issue(tmp_path: Path) -> None:
    fake = tmp_path / "checkov"
    fake.write_text("#!/bin/sh\necho 'boom: cannot parse' >&2\nexit 2\n")
    fake.chmod(0o755)
    out = collect_iac([TERRAFORM], store=EvidenceStore(None), as_of=AS_OF, env={"TRUSTGAP_CHECKOV": str(fake)})
    issues = [f for f in out.facts if isinstance(f, CollectionIssue)]
    assert len(issues) == 1 and "exited with 2" in issues[0].reason and "boom" in issues[0].reason


def test_command_line() -> None:
    cmd = checkov_command("checkov", Path("infra"), ["terraform"])
    assert cmd[:5] == ["checkov", "-d", "infra", "-o", "json"]
    assert "--compact" in cmd and "--soft-fail" in cmd and cmd[-2:] == ["--framework", "terraform"]


@pytest.mark.skipif(CHECKOV is None, reason="checkov is not installed (the README's test command puts it in "
                    ".venv-checkov; or set TRUSTGAP_CHECKOV or put it on PATH)")
def test_collect_iac_cli_runs_checkov_and_judges_it(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from trustgap.cli_collect import app

    env = {"TRUSTGAP_CHECKOV": str(CHECKOV), "TRUSTGAP_HOME": str(tmp_path), "COLUMNS": "220", "NO_COLOR": "1"}
    r = CliRunner().invoke(app, ["iac", str(TERRAFORM), "--framework", "terraform", "--as-of", "2026-11-01"],
                           env=env)
    assert r.exit_code == 0, r.output
    # the seeded misconfigurations are failed by name, with the file and lines of the resource
    assert "aws_s3_bucket.public_assets" in r.output and "CKV2_AWS_6" in r.output
    assert "aws_cloudwatch_log_group.web" in r.output and "logging.tf:13-16" in r.output
    assert "aws_kms_key.orders" in r.output  # the well-configured key passes, named
    # the checkov report itself is kept as raw evidence, content-addressed
    blobs = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert any(b'"check_type"' in p.read_bytes() and b"CKV_AWS_338" in p.read_bytes() for p in blobs)
