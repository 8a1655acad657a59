"""Store tests run against SQLite (always) and PostgreSQL (when TRUSTGAP_TEST_POSTGRES_URL is set).

Each PostgreSQL test gets a schema of its own, selected through ``search_path`` in the connection URL,
and the schema is dropped afterwards, so tests never see each other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from trustgap.engine.models import (
    AssessmentResult,
    Counts,
    ErrorInfo,
    EvidenceItem,
    EvidenceLink,
    Finding,
    Readiness,
    Verdict,
)
from trustgap.store.db import normalise_url

PG_ENV = "TRUSTGAP_TEST_POSTGRES_URL"
PG_SKIP = "set TRUSTGAP_TEST_POSTGRES_URL to run the store tests against PostgreSQL"
SHA_A = "a" * 64
SHA_B = "b" * 64


def make_result(
    organisation: str = "Northwind Traders",
    as_of: date = date(2026, 11, 1),
    *,
    findings: int = 3,
    statuses: tuple[str, ...] = ("gap", "implemented", "partial", "not_applicable"),
) -> AssessmentResult:
    """A small but complete result: one verdict per status given, ``findings`` findings on the first control."""
    verdicts = [
        Verdict(control_id=f"CTL-{i:02d}", title=f"Control {i}", domain="access", category="technical",
                severity="high", effort="m", owner_role="it", criteria=["CC6.1"], status=status,  # type: ignore[arg-type]
                gap_kind="not_operating" if status == "gap" else None, reason=f"reason for {i} — ünïcode",
                checks=["chk.mfa"], evidence=[EvidenceLink(sha256=SHA_A, locator="row 2")])
        for i, status in enumerate(statuses)
    ]
    found = [
        Finding(id=f"fnd-{i:05d}", control_id="CTL-00", check_id="chk.mfa", criteria=["CC6.1"], severity="high",
                title="MFA not enforced", gap_kind="not_operating", entity_type="person", entity=f"user{i}@example.com",
                reason=f"user{i} has no MFA factor", evidence=[EvidenceLink(sha256=SHA_A), EvidenceLink(sha256=SHA_B)],
                measured={"factors": 0})
        for i in range(findings)
    ]
    counts = Counts(**{s: statuses.count(s) for s in set(statuses)})
    in_scope = counts.in_scope
    score = None if in_scope == 0 else round(100 * (counts.implemented + counts.partial / 2) / in_scope, 1)
    return AssessmentResult(
        tool_version="0.1.0", catalog_version="2026.1", organisation=organisation, as_of=as_of,
        report_type="type2", period_start=date(2026, 5, 1), period_end=as_of, categories=["security"],
        scope={"systems": ["okta", "github"]}, thresholds={"mfa": {"required": True}},
        evidence=[
            EvidenceItem(sha256=SHA_A, name="okta-users.json", source="file", collected_at="2026-10-30T12:00:00Z",
                         size=1234, format="okta_users", facts=10),
            EvidenceItem(sha256=SHA_B, name="broken.csv", source="file", collected_at="2026-10-30T12:00:00Z",
                         size=10, status="parsed_with_errors",
                         errors=[ErrorInfo(path="broken.csv", line=3, field="email", message="not an address")]),
        ],
        verdicts=verdicts, findings=found,
        readiness=Readiness(score=score, assessed_score=score, counts=counts),
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file in a not-yet-existing folder, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("store")
        yield f"sqlite:///{folder / 'nested' / 'runs.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    schema = f"tg_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = normalise_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
