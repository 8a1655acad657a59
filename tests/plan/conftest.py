"""Constructed catalogs and assessment results for plan tests (no catalog YAML needed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from trustgap.catalog.framework import Framework
from trustgap.catalog.loader import Catalog, Category, Control, Criterion, FrameworkControl, Role, Series
from trustgap.engine.models import AssessmentResult, Finding, Verdict
from trustgap.engine.rollup import readiness_of
from trustgap.scope import Scope

AS_OF = date(2026, 11, 16)

# id, domain, category, owner role, effort, severity, criteria, policy key
CONTROLS: list[tuple[str, str, str, str, str, str, list[str], str | None]] = [
    ("GOV-01", "control_environment", "policy", "people_ops", "S", "low", ["CC1.1"], None),
    ("GOV-04", "control_environment", "policy", "security_lead", "M", "high", ["CC5.3", "CC2.2"], None),
    ("GOV-06", "control_environment", "process", "people_ops", "S", "medium", ["CC2.2"], "information_security"),
    ("HR-03", "control_environment", "process", "people_ops", "M", "medium", ["CC1.4"], None),
    ("AC-01", "access", "policy", "security_lead", "S", "medium", ["CC6.1", "CC6.2"], None),
    ("AC-03", "access", "technical", "it_admin", "L", "high", ["CC6.1"], None),
    ("AC-04", "access", "technical", "it_admin", "M", "critical", ["CC6.1"], None),
    ("AC-08", "access", "process", "security_lead", "M", "high", ["CC6.2", "CC6.3"], "access_control"),
    ("AC-13", "access", "process", "it_admin", "S", "medium", ["CC6.2"], None),
    ("AC-20", "access", "technical", "it_admin", "M", "medium", ["CC6.8"], None),
    ("RSK-06", "risk", "process", "security_lead", "M", "medium", ["CC3.2"], None),
    ("RSK-01", "risk", "process", "security_lead", "M", "high", ["CC3.1", "CC3.2"], None),
    ("RSK-02", "risk", "process", "security_lead", "S", "medium", ["CC3.2"], None),
    ("VND-01", "vendors", "policy", "security_lead", "S", "medium", ["CC9.2"], None),
    ("VND-02", "vendors", "process", "security_lead", "S", "high", ["CC9.2"], None),
    ("VND-03", "vendors", "process", "security_lead", "M", "high", ["CC9.2"], "vendor_management"),
    ("OPS-05", "operations", "technical", "devops_lead", "M", "high", ["CC7.1"], None),
    ("OPS-06", "operations", "process", "devops_lead", "M", "high", ["CC7.1"], None),
    ("OPS-08", "operations", "policy", "security_lead", "M", "high", ["CC7.3", "CC7.4"], None),
    ("OPS-09", "operations", "process", "security_lead", "S", "medium", ["CC7.4"], "incident_response"),
    ("CHG-01", "change", "policy", "engineering_lead", "S", "medium", ["CC8.1"], None),
    ("CHG-02", "change", "process", "engineering_lead", "M", "high", ["CC8.1"], "change_management"),
    ("PRV-01", "privacy", "policy", "security_lead", "S", "medium", ["P1.1"], None),
]
CRITERIA = ["CC1.1", "CC1.4", "CC2.2", "CC3.1", "CC3.2", "CC5.3", "CC6.1", "CC6.2", "CC6.3", "CC6.8", "CC7.1",
            "CC7.3", "CC7.4", "CC8.1", "CC9.2", "P1.1"]
ROLES = {
    "security_lead": "Priya Raman <priya.raman@northwind.example>",
    "it_admin": "Ken Watanabe <ken.watanabe@northwind.example>",
    "devops_lead": "Tomás Ortega <tomas.ortega@northwind.example>",
    "engineering_lead": "Sofia Lindqvist <sofia.lindqvist@northwind.example>",
    "people_ops": "Amara Okafor <amara.okafor@northwind.example>",
    "ceo": "Hannah Weiss <hannah.weiss@northwind.example>",
}


def make_catalog() -> Catalog:
    series = sorted({c.split(".")[0] for c in CRITERIA})
    return Catalog(
        version="plan-test",
        categories=[Category(id="security", title="Security", summary="s"),
                    Category(id="privacy", title="Privacy", summary="p")],
        series=[Series(id=s, title=s, category="privacy" if s.startswith("P") and s != "PI1" else "security")
                for s in series],
        criteria=[Criterion(id=c, series=c.split(".")[0], category="privacy" if c.startswith("P") else "security",
                            title=f"Criterion {c}", summary="x") for c in CRITERIA],
        controls=[Control(id=cid, title=f"Control {cid}", requirement=f"Put {cid} in place", domain=dom,  # type: ignore[arg-type]
                          category=cat, owner_role=role, effort=eff, severity=sev, criteria=crit,  # type: ignore[arg-type]
                          evidence=[f"{cid} record"], test_methods=["inspection"], policy=pol)
                  for cid, dom, cat, role, eff, sev, crit, pol in CONTROLS],
        roles=[Role(id=r, title=r.replace("_", " ")) for r in (*ROLES, "cto")],
        frameworks={
            "iso27001": Framework(id="iso27001", name="ISO/IEC 27001:2022 Annex A", version="2022", requirements=[
                FrameworkControl(id="A.5.1", title="Policies", group="Organizational")],
                mapping={c[0]: ["A.5.1"] for c in CONTROLS}),
            "nist_csf": Framework(id="nist_csf", name="NIST CSF 2.0", version="2.0", requirements=[
                FrameworkControl(id="GV.PO-01", title="Policy", group="GV.PO")],
                mapping={c[0]: ["GV.PO-01"] for c in CONTROLS}),
        },
    )


Statuses = dict[str, tuple[str, str | None]]  # control id -> (status, gap kind)


def make_result(cat: Catalog, statuses: Statuses, *, findings: dict[str, int] | None = None,
                categories: tuple[str, ...] = ("security",), target: date | None = date(2027, 2, 15),
                period: tuple[date, date] | None = None, overrides: dict[str, dict[str, Any]] | None = None
                ) -> AssessmentResult:
    """A result where every control is Implemented unless ``statuses`` says otherwise; controls of
    categories out of scope are Not applicable. ``findings`` adds that many failing entities to a control."""
    verdicts: list[Verdict] = []
    out_findings: list[Finding] = []
    for ctl in cat.controls:
        in_scope = bool(cat.categories_of(ctl) & set(categories))
        status, kind = statuses.get(ctl.id, ("implemented", None)) if in_scope else ("not_applicable", None)
        fields: dict[str, Any] = dict(control_id=ctl.id, title=ctl.title, domain=ctl.domain, category=ctl.category,
                                      severity=ctl.severity, effort=ctl.effort, owner_role=ctl.owner_role,
                                      criteria=list(ctl.criteria), status=status, gap_kind=kind, reason="test",
                                      test_methods=list(ctl.test_methods))
        fields.update((overrides or {}).get(ctl.id, {}))
        verdicts.append(Verdict(**fields))
        for i in range((findings or {}).get(ctl.id, 0)):
            out_findings.append(Finding(id=f"{ctl.id}-{i}", control_id=ctl.id, criteria=list(ctl.criteria),
                                        severity=ctl.severity, title=ctl.title, gap_kind=kind, entity_type="user",
                                        entity=f"user{i}@example.com", reason="fails", remediation=f"Fix {ctl.id}"))
    return AssessmentResult(
        tool_version="test", catalog_version=cat.version, organisation="Northwind Cloud", as_of=AS_OF,
        report_type="type2" if period else "type1", period_start=period[0] if period else None,
        period_end=period[1] if period else None, target_audit_date=target, categories=list(categories),
        scope={}, thresholds={}, verdicts=verdicts, findings=out_findings, readiness=readiness_of(verdicts))


def make_scope(plan: dict[str, Any] | None = None, roles: dict[str, str] | None = None, **extra: Any) -> Scope:
    return Scope.model_validate({"organisation": {"name": "Northwind Cloud"}, "roles": roles or ROLES,
                                 "plan": plan or {}, **extra})


@pytest.fixture
def cat() -> Catalog:
    return make_catalog()


@pytest.fixture
def result_factory(cat: Catalog) -> Callable[..., AssessmentResult]:
    return lambda statuses, **kw: make_result(cat, statuses, **kw)
