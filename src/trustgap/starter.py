"""`trustgap init`: a commented starter scope file, an answers file and an evidence folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

from trustgap.errors import TrustgapError

# the endings of a registered company's name: a name that has one is already the legal name
_LEGAL_ENDING = re.compile(r"(?:\b(?:inc|incorporated|corp|corporation|co|company|ltd|limited|llc|llp|lp|plc|gmbh|ag|"
                           r"sa|sas|sarl|srl|spa|bv|nv|oy|ab|as|aps|kk|pty|pte)\.?|s\.a\.|b\.v\.|n\.v\.)$",
                           re.IGNORECASE)
_PLAIN_YAML = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .,&'()/+-]*$")

SCOPE_TEMPLATE = """\
# trustgap scope file. Every field is documented in the README ("The scope file").
version: 1

organisation:
  name: {name}
  # legal_name: {legal}
  # industry: B2B SaaS
  # employees: 120
  # description: One paragraph on what the system does and for whom (goes into the report).

# Trust Services categories: security is always in scope; add availability, confidentiality,
# processing_integrity, privacy as your customers need.
categories: [security]

report:
  type: type1            # type1 (design on a date) or type2 (operation over a period)
  # period: {{start: 2026-01-01, end: 2026-12-31}}   # required for type2
  # target_audit_date: 2027-02-15

# Systems in scope. `kind` is the token evidence uses: google, okta, aws, github, azuread, slack, ...
systems:
  - {{name: Google Workspace, kind: google, role: idp, mfa_required: true}}
  - {{name: AWS production, kind: aws, role: cloud, mfa_required: true}}
  - {{name: GitHub, kind: github, role: source_control, mfa_required: true}}

data_classes: [customer data, employee data]
# data_flows:
#   - {{name: Customer uploads, source: web app, destination: S3,
#       data_classes: [customer data], encrypted_in_transit: true}}
# vendors_in_scope: [AWS, Google Workspace, GitHub]

# Who owns what (used as task owners in the roadmap): role -> "Name <email>"
roles:
  security_lead: "Security Lead <security@example.com>"
  # cto: "..."   people_ops: "..."   engineering_lead: "..."

identity:
  aliases: {{}}            # other email -> canonical email, e.g. old domain addresses
  service_accounts: {{}}   # service account id or email -> owner email

# Thresholds: the defaults follow common SOC 2 expectations; override any of them here.
# Policies that state their own cadence ("reviewed quarterly") are read and used automatically.
thresholds: {{}}
#   offboarding_hours: 24
#   access_review_cadence_months: quarterly
#   critical_vuln_sla_days: 30
#   log_retention_days: 365
#   disposal_days: 30                 # customer data deleted after contract end or request
#   dsr_response_months: 1            # GDPR; dsr_extension_months: 2 (notice inside the first month)
#   ccpa_response_days: 45            # CCPA; ccpa_extension_days: 45
#   dsr_default_regime: gdpr          # for requests that name no regime
#   breach_notification_hours: 72     # GDPR Art. 33; hipaa_breach_notification_days: 60

# Controls that do not apply, each with a justification an auditor would accept.
not_applicable: []
#   - control: AC-14
#     justification: "Fully remote; no offices. Data centres are the cloud provider's (its SOC 2 covers them)."

# Per-format options, e.g. HR roster column names your HR system uses:
# parsers:
#   hr_roster: {{columns: {{email: "Work Contact", termination_date: "Last Day"}}}}

# Live collection (`trustgap collect ...`, `trustgap assess --collect aws,github`). Tokens come from the
# environment (GITHUB_TOKEN, OKTA_API_TOKEN, TRUSTGAP_GOOGLE_TOKEN), never from this file.
# collect:
#   aws: {{accounts: [{{profile: production, regions: [us-east-1]}}]}}
#   github: {{org: example, repositories: all}}
#   okta: {{domain: example.okta.com}}
#   google: {{customer: my_customer}}
#   iac: {{paths: [infra/]}}

# The remediation roadmap (`trustgap roadmap`): phases, capacity, owners, risk decisions.
# plan:
#   start_date: 2026-12-01
#   phase_days: 30
#   capacity: {{security_lead: 6, devops_lead: [4, 6, 6]}}   # effort points per phase (S=1, M=2, L=3)
#   audit_ready_at: 90
#   decisions:
#     AC-14:
#       treatment: accept
#       justification: "Fully remote company; the cloud provider's SOC 2 covers its data centres."
#       review_date: 2027-06-30
#   risks:
#     - title: Key engineer leaves
#       likelihood: 3
#       impact: 4
#       treatment: mitigate
#       justification: "Runbooks and pairing on every on-call system."
"""

ANSWERS_TEMPLATE = """\
# Answers about controls no system can show. Keys are control ids (see `trustgap catalog`).
# status: implemented | partial | gap | not_applicable | unknown ("don't know" never counts as passing)
# GOV-01:
#   status: implemented
#   note: Code of conduct signed at onboarding in the HRIS
#   evidence: [evidence/code-of-conduct-acks.csv]   # or "will provide"
#   last_performed: 2026-09-30
#   answered_by: security@example.com
"""


def write_starter(folder: Path, *, organisation: str, force: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evidence").mkdir(exist_ok=True)
    files = {folder / "scope.yaml": SCOPE_TEMPLATE.format(name=_yaml_text(organisation),
                                                          legal=_yaml_text(legal_name(organisation))),
             folder / "answers.yaml": ANSWERS_TEMPLATE}
    existing = [p for p in files if p.exists()]
    if existing and not force:
        raise TrustgapError(f"{existing[0]} already exists (use --force to overwrite)")
    for p, text in files.items():
        p.write_text(text, encoding="utf-8")
    return [*files, folder / "evidence"]


def legal_name(organisation: str) -> str:
    """An example legal name for the starter: the name itself when it already ends like one (``Acme Inc.``,
    ``Beta GmbH``), else the name with ``Inc.``."""
    name = organisation.strip()
    return name if _LEGAL_ENDING.search(name) else f"{name} Inc."


def _yaml_text(value: str) -> str:
    """The value as YAML reads it back: plain when that is safe, else double-quoted (JSON is valid YAML)."""
    return value if _PLAIN_YAML.match(value) and not value.endswith(":") else json.dumps(value, ensure_ascii=False)
