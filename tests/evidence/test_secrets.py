"""A file holding a credential is never stored or read; the run says which file, line and kind."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from trustgap.demo import demo_folder
from trustgap.errors import InputError
from trustgap.evidence.ingest import ingest_folder
from trustgap.evidence.secrets import find_secret
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import CollectionIssue

FIX = Path(__file__).parent.parent / "fixtures"
# built from parts so that this test file itself holds no credential-shaped string
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"  # 40 characters, as AWS issues them
GITHUB = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


@pytest.mark.parametrize(("text", "kind", "line"), [
    (f"# prod\nAWS_ACCESS_KEY_ID=AKIAEXAMPLE\naws_secret_access_key = {AWS_SECRET}\n", "AWS secret access key", 3),
    ("-----BEGIN " + "RSA PRIVATE KEY-----\nMIIE...\n", "private key", 1),
    (f"token: {GITHUB}\n", "GitHub token", 1),
    ("a\nb\nslack: xox" + "b-1234567890-abcdefghij\n", "Slack token", 3),
    ("STRIPE=sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc\n", "Stripe secret key", 1),
])
def test_credentials_found_with_their_line(text: str, kind: str, line: int) -> None:
    assert find_secret(text.encode()) == (line, kind)


def test_no_false_alarm_on_real_exports() -> None:
    files = [p for p in (*FIX.rglob("*"), *(demo_folder() / "evidence").rglob("*")) if p.is_file()]
    assert len(files) > 40
    assert [p.name for p in files if find_secret(p.read_bytes())] == []


def test_file_with_a_credential_is_neither_stored_nor_read(tmp_path: Path) -> None:
    ev = tmp_path / "evidence"
    ev.mkdir()
    (ev / "deploy.env").write_text(f"REGION=eu-west-1\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\n")
    roster = (FIX / "evidence" / "hr" / "bamboohr-employees.csv").read_text()
    (ev / "roster.csv").write_text(roster.rstrip("\n") + f"\n# pasted by mistake: {GITHUB}\n")
    (ev / "ok.csv").write_text(roster)
    store_dir = tmp_path / "store"
    out = ingest_folder(ev, store=EvidenceStore(store_dir), as_of=date(2026, 3, 1))
    items = {i.name: i for i in out.items}
    env, bad_roster = items["deploy.env"], items["roster.csv"]
    assert env.status == "failed" and env.errors[0].line == 2 and "AWS secret access key" in env.errors[0].message
    assert bad_roster.status == "failed" and "GitHub token" in bad_roster.errors[0].message
    assert items["ok.csv"].status == "parsed"
    written = b"".join(p.read_bytes() for p in store_dir.rglob("*") if p.is_file())
    written += repr([i.model_dump() for i in out.items]).encode() + repr(out.facts).encode()
    assert AWS_SECRET.encode() not in written and GITHUB.encode() not in written
    # the checks that need an HR roster are told one could not be read
    assert [f.source for f in out.facts if isinstance(f, CollectionIssue)] == ["hr.roster"]


def test_scope_with_a_credential_is_refused(tmp_path: Path) -> None:
    from trustgap.assessment import run_assessment

    (tmp_path / "scope.yaml").write_text(f"organisation:\n  name: Acme\ncollect:\n  github: {{org: acme}}\n"
                                         f"# token: {GITHUB}\n")
    with pytest.raises(InputError) as exc:
        run_assessment(tmp_path / "scope.yaml", evidence_dir=None, as_of=date(2026, 3, 1), save=False,
                       evidence_store=EvidenceStore(tmp_path / "store"))
    assert exc.value.line == 5 and "GitHub token" in str(exc.value) and GITHUB not in str(exc.value)
    assert not any(p.is_file() for p in (tmp_path / "store").rglob("*"))
