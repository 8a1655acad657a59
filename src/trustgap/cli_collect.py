"""``trustgap collect``: collect live evidence from AWS, GitHub, Google Workspace, Okta or IaC folders.

Each command stores every API answer in the evidence store, then prints what was collected, what could
not be, and the findings of the checks that read those facts. Options given on the command line override
the scope file's ``collect`` section. Heavy modules (boto3, httpx, rich) are imported inside commands.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from trustgap.cli_common import date_option
from trustgap.cli_common import fail as _fail

if TYPE_CHECKING:
    from trustgap.checks.base import Check
    from trustgap.evidence.ingest import SourceOutput
    from trustgap.scope import Scope

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Collect evidence live from AWS, GitHub, Google, Okta, Entra ID, IaC.")

ScopeOpt = Annotated[Optional[Path], typer.Option("--scope", help="Scope file whose 'collect' section to use.")]  # noqa: UP045
AsOfOpt = Annotated[Optional[date], date_option("--as-of", help="As-of date. Default: today.")]  # noqa: UP045
SinceOpt = Annotated[Optional[date], date_option("--since", help="First day of merged pull or merge requests.")]  # noqa: UP045,E501
FindingsOpt = Annotated[bool, typer.Option("--findings/--no-findings", help="Run the checks over what was collected.")]
AllowFailureOpt = Annotated[bool, typer.Option("--allow-collect-failure", help="Exit 0 even when a source could not be collected.")]  # noqa: E501

SHOW_PASSING = 10  # passing entities named per check in the findings table


def _as_of(value: date | None) -> date:
    return date.today() if value is None else value


def _load_scope(path: Path | None) -> Scope:
    from trustgap.errors import TrustgapError
    from trustgap.scope import Organisation, Scope, load_scope

    if path is None:
        return Scope(organisation=Organisation(name="(no scope file)"))
    try:
        return load_scope(path).scope
    except TrustgapError as exc:
        raise _fail(str(exc)) from None


def _section(scope: Scope, name: str, overrides: dict[str, Any]) -> dict[str, Any]:
    collect = dict(scope.collect or {})
    sec = dict(collect.get(name) or {})
    sec.update({k: v for k, v in overrides.items() if v not in (None, [], ())})
    collect[name] = sec
    return collect


def _run(name: str, scope: Scope, collect: dict[str, Any], as_of: date, findings: bool, *, scoped: bool,
         allow_failure: bool = False) -> None:
    """Collect with ``name``; with a scope file (``scoped``) only what its checks need is called."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from trustgap import config
    from trustgap.assessment import sources_needed
    from trustgap.collectors.base import parse_collect_config
    from trustgap.collectors.runner import narrow, run_collector
    from trustgap.errors import TrustgapError
    from trustgap.evidence.store import EvidenceStore

    try:
        cfg = parse_collect_config(collect)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    store = EvidenceStore(config.evidence_dir())
    console = Console(highlight=False)
    if scoped:
        cfg, skipped = narrow(cfg, sources_needed(scope))
        if skipped:
            console.print(f"not collected (no check in scope needs it): {', '.join(skipped)}")
    period = (scope.report.period.start, scope.report.period.end) if scope.report.period else None
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(f"collecting {name}", total=None)

        def progress(what: str, done: int, total: int) -> None:
            bar.update(task, description=what[:70], completed=done, total=total or None)

        try:
            output = run_collector(name, cfg, store=store, as_of=as_of, period=period, progress=progress,
                                   options=scope.parsers)
        except TrustgapError as exc:
            raise _fail(str(exc)) from None
    summarise(console, name, output, scope, as_of, findings=findings, store_dir=str(config.evidence_dir()))
    failed = _collection_failures(output)
    if failed and not allow_failure:
        raise _fail(f"could not collect {name} (why: the table above); fix the access, or pass "
                    "--allow-collect-failure to keep what was collected", 1)


def _collection_failures(output: SourceOutput) -> list[str]:
    from trustgap.evidence.ingest import finalize_facts
    from trustgap.facts import CollectionIssue

    issues = [f for f in finalize_facts(output) if isinstance(f, CollectionIssue)]
    return sorted({f"{i.source}: {i.reason}" for i in issues})


def related_checks(name: str) -> list[Check]:
    """The checks that read what collector ``name`` collects (its topic: shown after a collection)."""
    from trustgap.checks.base import load_checks
    from trustgap.collectors.registry import collector

    prefix = collector(name).topic
    return [c for c in load_checks().values() if any(s.split(".")[0] == prefix for s in c.meta.sources)]


def summarise(console: Any, name: str, output: SourceOutput, scope: Scope, as_of: date, *, findings: bool,
              store_dir: str) -> None:
    """Print the collection summary, the collection issues and the findings of the related checks."""
    from rich.table import Table

    from trustgap.assessment import prepare
    from trustgap.checks.base import run_checks
    from trustgap.facts import CollectionIssue

    # the facts, promises, thresholds and check context exactly as 'trustgap assess --collect NAME' builds them
    prepared = prepare(scope, output, as_of)
    facts = prepared.facts
    console.print(f"[bold]{name}[/]: evidence stored in {store_dir}")
    summary = Table(title=f"{name}: collected", show_header=True)
    summary.add_column("what")
    summary.add_column("count", justify="right")
    summary.add_row("evidence items (API answers)", str(len(output.items)))
    for kind, n in facts.counts().items():
        summary.add_row(f"facts: {kind}", str(n))
    console.print(summary)
    issues = facts.of(CollectionIssue)
    if issues:
        t = Table(title="could not collect", show_header=True)
        t.add_column("source")
        t.add_column("reason")
        for i in sorted(issues, key=lambda i: (i.source, i.reason)):
            t.add_row(i.source, i.reason)
        console.print(t)
    if not findings:
        return
    related = related_checks(name)
    ctx = prepared.ctx
    results = run_checks(ctx, related)
    # a check left not assessed because a source could not be collected is counted once, not repeated per check
    blocked = [r for r in results if r.status == "not_assessed" and any(i.reason in r.summary for i in issues)]
    results = [r for r in results if r not in blocked]
    if blocked:
        console.print(f"{len(blocked)} check(s) not assessed for want of what could not be collected", markup=False)
    if not results:
        return
    t = Table(title="findings", show_header=True)
    for col in ("check", "status", "entity", "reason"):
        t.add_column(col)
    style = {"pass": "green", "fail": "red", "partial": "yellow", "not_assessed": "dim", "not_applicable": "dim"}
    for r in results:
        t.add_row(r.check_id, f"[{style[r.status]}]{r.status}[/]", "", r.summary)
        for e in r.entities:
            if e.status != "pass":
                t.add_row("", f"[{style[e.status]}]{e.status}[/]", e.entity, e.reason)
        passing = [e.entity for e in r.entities if e.status == "pass"]
        if passing:  # the well-configured ones, named (a long list is cut short)
            more = f" and {len(passing) - SHOW_PASSING} more" if len(passing) > SHOW_PASSING else ""
            t.add_row("", "[green]pass[/]", ", ".join(passing[:SHOW_PASSING]) + more, f"{len(passing)} passing")
    console.print(t)


@app.command()
def aws(
    endpoint_url: Annotated[Optional[str], typer.Option(help="Send every call here (e.g. a local moto server).")] = None,  # noqa: UP045,E501
    profile: Annotated[Optional[str], typer.Option(help="Named profile of the AWS credential chain.")] = None,  # noqa: UP045
    role_arn: Annotated[Optional[str], typer.Option(help="Role to assume for the collection.")] = None,  # noqa: UP045
    region: Annotated[Optional[list[str]], typer.Option("--region", help="Region (repeat for several).")] = None,  # noqa: UP045
    service: Annotated[Optional[list[str]], typer.Option("--service", help="Only these services (repeatable).")] = None,  # noqa: UP045,E501
    scope: ScopeOpt = None,
    as_of: AsOfOpt = None,
    findings: FindingsOpt = True,
    allow_collect_failure: AllowFailureOpt = False,
) -> None:
    """Collect IAM, S3, RDS, EBS, KMS, CloudTrail, CloudWatch Logs, GuardDuty, Backup and Config."""
    sc = _load_scope(scope)
    overrides: dict[str, Any] = {"endpoint_url": endpoint_url, "services": service}
    if profile or role_arn or region:
        overrides["accounts"] = [{"profile": profile, "role_arn": role_arn, "regions": region or []}]
    _run("aws", sc, _section(sc, "aws", overrides), _as_of(as_of), findings, scoped=scope is not None,
         allow_failure=allow_collect_failure)


@app.command()
def github(
    org: Annotated[Optional[str], typer.Option(help="Organisation login.")] = None,  # noqa: UP045
    repo: Annotated[Optional[list[str]], typer.Option("--repo", help="Repository (repeatable; default: all).")] = None,  # noqa: UP045,E501
    base_url: Annotated[Optional[str], typer.Option(help="API base URL (GHES: https://HOST/api/v3).")] = None,  # noqa: UP045
    token_env: Annotated[Optional[str], typer.Option(help="Environment variable holding the token.")] = None,  # noqa: UP045
    since: SinceOpt = None,
    scope: ScopeOpt = None,
    as_of: AsOfOpt = None,
    findings: FindingsOpt = True,
    allow_collect_failure: AllowFailureOpt = False,
) -> None:
    """Collect organisation settings, members (owners, 2FA), default-branch protection and rules, merged
    pull requests and reviews."""
    sc = _load_scope(scope)
    collect = _section(sc, "github", {"org": org, "repositories": repo, "base_url": base_url,
                                      "token_env": token_env,
                                      "since": since.isoformat() if since else None})
    if not collect["github"].get("org"):
        raise _fail("--org (or collect.github.org in the scope file) is required")
    _run("github", sc, collect, _as_of(as_of), findings, scoped=scope is not None,
         allow_failure=allow_collect_failure)


@app.command()
def google(
    customer: Annotated[Optional[str], typer.Option(help="Customer id (default my_customer).")] = None,  # noqa: UP045
    base_url: Annotated[Optional[str], typer.Option(help="Admin SDK base URL.")] = None,  # noqa: UP045
    token_env: Annotated[Optional[str], typer.Option(help="Environment variable holding an access token.")] = None,  # noqa: UP045
    scope: ScopeOpt = None,
    as_of: AsOfOpt = None,
    findings: FindingsOpt = True,
    allow_collect_failure: AllowFailureOpt = False,
) -> None:
    """Collect Google Workspace users (Admin SDK Directory API users.list)."""
    sc = _load_scope(scope)
    _run("google", sc, _section(sc, "google", {"customer": customer, "base_url": base_url, "token_env": token_env}),
         _as_of(as_of), findings, scoped=scope is not None,
         allow_failure=allow_collect_failure)


@app.command()
def okta(
    domain: Annotated[Optional[str], typer.Option(help="Okta domain (acme.okta.com).")] = None,  # noqa: UP045
    base_url: Annotated[Optional[str], typer.Option(help="Okta base URL (instead of --domain).")] = None,  # noqa: UP045
    token_env: Annotated[Optional[str], typer.Option(help="Environment variable holding the API token.")] = None,  # noqa: UP045
    scope: ScopeOpt = None,
    as_of: AsOfOpt = None,
    findings: FindingsOpt = True,
    allow_collect_failure: AllowFailureOpt = False,
) -> None:
    """Collect Okta users and their enrolled factors."""
    sc = _load_scope(scope)
    collect = _section(sc, "okta", {"domain": domain, "base_url": base_url, "token_env": token_env})
    if not (collect["okta"].get("domain") or collect["okta"].get("base_url")):
        raise _fail("--domain or --base-url (or collect.okta in the scope file) is required")
    _run("okta", sc, collect, _as_of(as_of), findings, scoped=scope is not None,
         allow_failure=allow_collect_failure)


@app.command()
def entra(
    tenant: Annotated[Optional[str], typer.Option(help="Tenant id (else $AZURE_TENANT_ID).")] = None,  # noqa: UP045
    base_url: Annotated[Optional[str], typer.Option(help="Graph base URL (national clouds, tests).")] = None,  # noqa: UP045,E501
    login_url: Annotated[Optional[str], typer.Option(help="Token endpoint base URL.")] = None,  # noqa: UP045
    token_env: Annotated[Optional[str], typer.Option(help="Environment variable holding a bearer token.")] = None,  # noqa: UP045,E501
    scope: ScopeOpt = None,
    as_of: AsOfOpt = None,
    findings: FindingsOpt = True,
    allow_collect_failure: AllowFailureOpt = False,
) -> None:
    """Collect Microsoft Entra ID users and their MFA registration (Microsoft Graph)."""
    sc = _load_scope(scope)
    collect = _section(sc, "entra", {"tenant_id": tenant, "base_url": base_url, "login_url": login_url,
                                     "token_env": token_env})
    _run("entra", sc, collect, _as_of(as_of), findings, scoped=scope is not None,
         allow_failure=allow_collect_failure)


@app.command()
def iac(
    paths: Annotated[list[Path], typer.Argument(help="Folders of Terraform, CloudFormation, Kubernetes, ...")],
    framework: Annotated[Optional[list[str]], typer.Option("--framework", help="checkov framework (repeatable).")] = None,  # noqa: UP045,E501
    scope: ScopeOpt = None,
    as_of: AsOfOpt = None,
    findings: FindingsOpt = True,
    allow_collect_failure: AllowFailureOpt = False,
) -> None:
    """Scan infrastructure-as-code folders with Checkov (TRUSTGAP_CHECKOV or checkov on PATH)."""
    sc = _load_scope(scope)
    _run("iac", sc, _section(sc, "iac", {"paths": [str(p) for p in paths], "frameworks": framework}),
         _as_of(as_of), findings, scoped=scope is not None,
         allow_failure=allow_collect_failure)


@app.command("source")
def source(
    name: Annotated[str, typer.Argument(help="Collector name, as in the scope file's collect section.")],
    scope: Annotated[Path, typer.Option("--scope", help="Scope file whose collect.NAME section configures it.")],
    as_of: AsOfOpt = None,
    findings: FindingsOpt = True,
) -> None:
    """Collect with any collector trustgap knows (aws, github, okta, ... and any added one), configured only by
    the scope file. Example: trustgap collect source okta --scope scope.yaml"""
    from trustgap.collectors.registry import collector
    from trustgap.errors import TrustgapError

    sc = _load_scope(scope)
    try:
        collector(name)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    _run(name, sc, dict(sc.collect or {}), _as_of(as_of), findings, scoped=True)


def _register_gitlab() -> None:
    from trustgap.cli_collect_gitlab import gitlab

    app.command("gitlab")(gitlab)


_register_gitlab()


def register(target: typer.Typer) -> None:
    target.add_typer(app, name="collect",
                     help="Collect evidence live from AWS, GitHub, Google, Okta, Entra ID, IaC.")
