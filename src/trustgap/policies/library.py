"""The policy templates trustgap can draft: one per policy key the policy checks expect, each with its
title, file name, default owner role and the SOC 2 criteria it supports.

Data retention is drafted when confidentiality or privacy is in scope, the privacy notice when privacy
is; the criteria listed for a draft are those of the categories in scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustgap.checks.policies import ALWAYS


@dataclass(frozen=True)
class PolicySpec:
    key: str
    title: str
    filename: str
    owner_role: str
    criteria: tuple[str, ...]
    needs: frozenset[str] = frozenset()  # categories of which one must be in scope; empty: always

    @property
    def template(self) -> str:
        return f"{self.key}.md.j2"

    def applies(self, categories: set[str]) -> bool:
        return not self.needs or bool(self.needs & categories)

    def criteria_in_scope(self, categories: set[str]) -> list[str]:
        def category(c: str) -> str:
            if c.startswith("CC"):
                return "security"
            if c.startswith("PI"):
                return "processing_integrity"
            return {"A": "availability", "C": "confidentiality", "P": "privacy"}[c[0]]

        return [c for c in self.criteria if category(c) in categories]


POLICIES: tuple[PolicySpec, ...] = (
    PolicySpec("information_security", "Information Security Policy", "information-security-policy.md",
               "security_lead", ("CC1.1", "CC1.3", "CC2.2", "CC5.2", "CC5.3")),
    PolicySpec("acceptable_use", "Acceptable Use Policy", "acceptable-use-policy.md", "people_ops",
               ("CC1.4", "CC2.2", "CC5.3", "CC6.8")),
    PolicySpec("access_control", "Access Control Policy", "access-control-policy.md", "security_lead",
               ("CC5.3", "CC6.1", "CC6.2", "CC6.3")),
    PolicySpec("change_management", "Change Management Policy", "change-management-policy.md", "engineering_lead",
               ("CC5.3", "CC8.1")),
    PolicySpec("incident_response", "Incident Response Plan", "incident-response-plan.md", "security_lead",
               ("CC7.3", "CC7.4", "CC7.5", "CC2.3")),
    PolicySpec("vendor_management", "Vendor Management Policy", "vendor-management-policy.md", "security_lead",
               ("CC9.2", "CC5.3", "C1.1", "P6.4")),
    PolicySpec("data_classification", "Data Classification and Handling Policy", "data-classification-policy.md",
               "security_lead", ("C1.1", "CC6.1", "CC6.7")),
    PolicySpec("business_continuity", "Business Continuity and Disaster Recovery Plan",
               "business-continuity-plan.md", "devops_lead", ("A1.2", "A1.3", "CC9.1")),
    PolicySpec("encryption", "Encryption Policy", "encryption-policy.md", "devops_lead", ("CC6.1", "CC6.7", "C1.1")),
    PolicySpec("logging_monitoring", "Logging and Monitoring Policy", "logging-monitoring-policy.md", "devops_lead",
               ("CC4.1", "CC7.2", "CC7.3")),
    PolicySpec("secure_development", "Secure Development Policy", "secure-development-policy.md",
               "engineering_lead", ("CC7.1", "CC8.1")),
    PolicySpec("risk_management", "Risk Management Policy", "risk-management-policy.md", "security_lead",
               ("CC3.1", "CC3.2", "CC3.3", "CC3.4", "CC9.1")),
    PolicySpec("code_of_conduct", "Code of Conduct", "code-of-conduct.md", "people_ops", ("CC1.1", "CC1.4", "CC1.5")),
    PolicySpec("data_retention", "Data Retention and Disposal Policy", "data-retention-policy.md", "security_lead",
               ("C1.2", "P4.2", "P4.3"), frozenset({"confidentiality", "privacy"})),
    PolicySpec("privacy", "Privacy Notice", "privacy-notice.md", "security_lead",
               ("P1.1", "P2.1", "P3.1", "P4.1", "P5.1", "P5.2", "P6.1", "P8.1"), frozenset({"privacy"})),
)
BY_KEY = {p.key: p for p in POLICIES}
assert set(ALWAYS) <= set(BY_KEY), "every policy the checks always expect has a template"


def policies_for(categories: list[str] | set[str]) -> list[PolicySpec]:
    cats = set(categories)
    return [p for p in POLICIES if p.applies(cats)]
