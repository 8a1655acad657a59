"""The examples every command's help ends with (``trustgap COMMAND --help``), kept in one place so each
command module stays as it is; a command whose docstring already gives examples keeps its own."""

from __future__ import annotations

from typing import Any

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": ("trustgap demo", "trustgap init acme --org \"Acme Inc.\" && trustgap assess acme"),
    "init": ("trustgap init acme --org \"Acme Inc.\"",),
    "assess": ("trustgap assess acme", "trustgap assess acme --as-of 2026-06-30 -o acme-report.html",
               "trustgap assess acme --collect aws,github --fail-under 80"),
    "report": ("trustgap report latest -o acme-report.html", "trustgap report 3f2a --format md -o report.md"),
    "runs": ("trustgap runs", "trustgap runs --org \"Acme Inc.\" --limit 5"),
    "catalog": ("trustgap catalog --kind criteria", "trustgap catalog --criterion CC6.1",
                "trustgap catalog --kind mappings --framework iso27001 --format json"),
    "demo": ("trustgap demo", "trustgap demo --as-of 2026-11-16 -o /tmp/demo"),
    "interview": ("trustgap interview acme", "trustgap interview acme --answers acme/interview-answers.yaml"),
    "roadmap": ("trustgap roadmap", "trustgap roadmap latest --format xlsx -o roadmap.xlsx",
                "trustgap roadmap latest --format jira --all -o jira.csv"),
    "risks": ("trustgap risks", "trustgap risks latest --treatment accept",
              "trustgap risks latest --format csv -o risks.csv"),
    "diff": ("trustgap diff", "trustgap diff 3f2a 9c1e --format md", "trustgap diff --fail-on-regression"),
    "package": ("trustgap package", "trustgap package latest -o acme-evidence.zip"),
    "verify": ("trustgap verify", "trustgap verify 3f2a"),
    "monitor": ("trustgap monitor acme --once", "trustgap monitor acme"),
    "snapshots": ("trustgap snapshots", "trustgap snapshots --org \"Acme Inc.\" --limit 10"),
    "timeline": ("trustgap timeline acme", "trustgap timeline acme --format html -o acme-type2.html"),
    "freshness": ("trustgap freshness", "trustgap freshness latest --warn-days 60 --format json"),
    "trend": ("trustgap trend acme", "trustgap trend acme --target 85 --format json"),
    "worker": ("trustgap worker --broker redis://127.0.0.1:6379/0",),
    "inspect": ("trustgap inspect acme/evidence/okta-users.csv",
                "trustgap inspect acme/evidence/*.csv --scope acme/scope.yaml --format json"),
    "formats": ("trustgap formats", "trustgap formats --scope acme/scope.yaml --format json"),
    "serve": ("trustgap serve", "trustgap serve --demo", "trustgap serve --host 0.0.0.0 --port 8080"),
    "collect": ("trustgap collect aws --profile audit", "trustgap collect github --org acme"),
    "collect aws": ("trustgap collect aws --profile audit --region eu-west-1",
                    "trustgap collect aws --scope acme/scope.yaml"),
    "collect github": ("trustgap collect github --org acme", "trustgap collect github --org acme --since 2026-01-01"),
    "collect gitlab": ("trustgap collect gitlab --group acme",
                       "trustgap collect gitlab --base-url https://git.acme.io --group acme"),
    "collect google": ("TRUSTGAP_GOOGLE_TOKEN=... trustgap collect google",),
    "collect okta": ("trustgap collect okta --domain acme.okta.com",),
    "collect entra": ("trustgap collect entra --tenant 00000000-0000-0000-0000-000000000000",),
    "collect iac": ("trustgap collect iac infra/", "trustgap collect iac infra/ --framework terraform"),
    "policy": ("trustgap policy generate acme --missing",),
    "policy generate": ("trustgap policy generate acme", "trustgap policy generate acme --missing -o drafts/"),
    "users": ("trustgap users add you@example.com", "trustgap users list"),
    "users add": ("trustgap users add you@example.com", "trustgap users add dana@acme.io --org acme --role editor"),
    "users grant": ("trustgap users grant dana@acme.io --org acme --role auditor",),
    "users password": ("trustgap users password dana@acme.io",
                       "printf '%s\\n' \"$PW\" | trustgap users password dana@acme.io --password-stdin"),
    "users list": ("trustgap users list",),
    "orgs": ("trustgap orgs add acme ./acme --admin you@example.com", "trustgap orgs list"),
    "orgs add": ("trustgap orgs add acme ./acme --admin you@example.com",),
    "orgs list": ("trustgap orgs list",),
}


def add_examples(path: tuple[str, ...], cmd: Any) -> None:
    """End the help of ``cmd`` with its examples (the help's own examples, if it has some, are kept)."""
    lines = EXAMPLES.get(" ".join(path))
    text = cmd.help or ""
    if not lines or "Example" in text:
        return
    cmd.help = text.rstrip() + "\n\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
