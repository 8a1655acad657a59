from __future__ import annotations

from datetime import date

import pytest

from trustgap.facts import Record, ScanFinding, Src, Vendor

S = Src("9" * 64, "row")


def vendor(name: str, **kw: object) -> Vendor:
    return Vendor(src=S, name=name, **kw)  # type: ignore[arg-type]


def names(res) -> list[str]:  # noqa: ANN001
    return [e.entity for e in res.failing]


def test_inventory_tiered(run) -> None:  # noqa: ANN001
    res = run("vendors.inventory_tiered", [vendor("AWS", tier="critical"), vendor("Slack")])
    assert res.status == "fail" and names(res) == ["Slack"]
    assert run("vendors.inventory_tiered", [vendor("AWS", tier="critical")]).status == "pass"
    assert run("vendors.inventory_tiered", []).status == "not_assessed"


def test_assurance_current(run) -> None:  # noqa: ANN001
    facts = [vendor("AWS", tier="critical", soc2_report_date=date(2026, 4, 1)),
             vendor("Old", tier="high", questionnaire_date=date(2024, 1, 1)),
             vendor("None", tier="critical"), vendor("Low", tier="low")]
    res = run("vendors.assurance_current", facts)
    assert names(res) == ["Old", "None"]
    assert run("vendors.assurance_current", facts[:1]).status == "pass"


def test_dpa_signed(run) -> None:  # noqa: ANN001
    facts = [vendor("A", processes_customer_data=True, dpa_signed=True),
             vendor("B", processes_customer_data=True, dpa_signed=False),
             vendor("C", processes_customer_data=False)]
    assert names(run("vendors.dpa_signed", facts)) == ["B"]
    assert run("vendors.dpa_signed", facts[:1]).status == "pass"


def test_vendor_reviews(run) -> None:  # noqa: ANN001
    facts = [vendor("AWS", tier="critical", last_review_date=date(2026, 1, 5)),
             vendor("GitHub", tier="high"),
             Record(src=S, kind="vendor_review", subject="github", performed_on=date(2025, 1, 1))]
    res = run("vendors.reviewed_periodically", facts)
    assert names(res) == ["GitHub"] and "2025-01-01" in res.failing[0].reason
    assert run("vendors.reviewed_periodically", facts[:1]).status == "pass"


def test_vendor_owner(run) -> None:  # noqa: ANN001
    facts = [vendor("AWS", tier="critical", owner="dana@x.io"), vendor("GitHub", tier="high")]
    assert names(run("vendors.owner_assigned", facts)) == ["GitHub"]
    assert run("vendors.owner_assigned", facts[:1]).status == "pass"


TOPICS = [
    ("scanners.log_retention_met", "log_retention"),
    ("scanners.encryption_at_rest", "encryption_at_rest"),
    ("scanners.encryption_in_transit", "encryption_in_transit"),
    ("scanners.public_access_blocked", "public_access"),
    ("scanners.logging_enabled", "logging"),
    ("scanners.key_rotation_enabled", "key_rotation"),
    ("scanners.backups_configured", "backup"),
    ("scanners.network_restricted", "network"),
    ("scanners.monitoring_enabled", "monitoring"),
]


def finding(topic: str, resource: str, status: str, check_id: str = "CKV_AWS_1") -> ScanFinding:
    return ScanFinding(src=S, tool="checkov", check_id=check_id, title=f"{topic} rule", status=status,  # type: ignore[arg-type]
                       severity="high", resource=resource, resource_type="aws_s3_bucket", topics=(topic,))


@pytest.mark.parametrize(("check_id", "topic"), TOPICS)
def test_scanner_topics(run, check_id: str, topic: str) -> None:  # noqa: ANN001
    ok = finding(topic, "aws_s3_bucket.logs", "pass")
    bad = finding(topic, "aws_s3_bucket.data", "fail", "CKV_AWS_99")
    assert run(check_id, [ok]).status == "pass"
    res = run(check_id, [ok, bad])
    assert res.status == "fail" and names(res) == ["aws_s3_bucket.data"]
    assert "checkov CKV_AWS_99" in res.failing[0].reason
    assert run(check_id, [finding("other", "x", "fail")]).status == "not_assessed"


def test_scanner_error_is_partial(run) -> None:  # noqa: ANN001
    res = run("scanners.encryption_at_rest", [finding("encryption_at_rest", "db", "error")])
    assert res.status == "partial" and res.failing[0].gap_kind == "insufficient_evidence"
