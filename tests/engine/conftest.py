from __future__ import annotations

from datetime import date

import pytest

from trustgap.catalog.framework import Framework
from trustgap.catalog.loader import Catalog, Category, Control, Criterion, FrameworkControl, Role, Series
from trustgap.checks.base import CheckMeta


def _control(cid: str, criteria: list[str], *, methods: list[str] | None = None, cadence: int | None = None,
             severity: str = "high") -> Control:
    return Control(id=cid, title=f"Control {cid}", requirement="do the thing", domain="access", category="technical",
                   owner_role="security_lead", effort="S", severity=severity, criteria=criteria,
                   evidence=["a record"], test_methods=methods or ["inspection"], cadence_months=cadence)


@pytest.fixture
def small_catalog() -> Catalog:
    return Catalog(
        version="test",
        categories=[Category(id="security", title="Security", summary="s"),
                    Category(id="privacy", title="Privacy", summary="p")],
        series=[Series(id="CC6", title="Access", category="security"), Series(id="P1", title="Notice",
                                                                             category="privacy")],
        criteria=[Criterion(id="CC6.1", series="CC6", category="security", title="Logical access", summary="x"),
                  Criterion(id="CC6.2", series="CC6", category="security", title="Provisioning", summary="x"),
                  Criterion(id="P1.1", series="P1", category="privacy", title="Notice", summary="x")],
        controls=[
            _control("AC-01", ["CC6.1"]),
            _control("AC-02", ["CC6.1", "CC6.2"]),
            _control("AC-03", ["CC6.2"], methods=["inquiry"]),
            _control("AC-08", ["CC6.2"], cadence=3),
            _control("PRV-01", ["P1.1"]),
        ],
        roles=[Role(id="security_lead", title="Security lead")],
        frameworks={
            "iso27001": Framework(id="iso27001", name="ISO/IEC 27001:2022 Annex A", version="2022", requirements=[
                FrameworkControl(id="A.5.15", title="Access control", group="Organizational")],
                mapping={c: ["A.5.15"] for c in ("AC-01", "AC-02", "AC-03", "AC-08", "PRV-01")}),
            "nist_csf": Framework(id="nist_csf", name="NIST CSF 2.0", version="2.0", requirements=[
                FrameworkControl(id="PR.AA-01", title="Identities managed", group="PR.AA")],
                mapping={c: ["PR.AA-01"] for c in ("AC-01", "AC-02", "AC-03", "AC-08", "PRV-01")}),
        },
    )


def meta(cid: str, controls: tuple[str, ...], *, severity: str = "high", thresholds: tuple[str, ...] = (),
         gap_kind: str = "not_operating") -> CheckMeta:
    return CheckMeta(id=cid, title=f"check {cid}", controls=controls, criteria=("CC6.1",), severity=severity,  # type: ignore[arg-type]
                     effort="S", category="technical", remediation="fix it", thresholds=thresholds,
                     gap_kind=gap_kind)  # type: ignore[arg-type]


AS_OF = date(2026, 11, 16)
