"""``trustgap serve`` (the web app), ``trustgap users`` (accounts and roles) and ``trustgap orgs``
(organisations on the server). Heavy modules are imported inside the commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from trustgap.cli_common import fail as _fail

users_app = typer.Typer(help="""Accounts of the web app and their roles.

Examples:
  trustgap users add you@example.com
  trustgap users add dana@acme.io --org acme --role editor
  trustgap users list
""", no_args_is_help=True)
orgs_app = typer.Typer(help="""Organisations served by the web app.

Examples:
  trustgap orgs add acme ./acme --admin you@example.com
  trustgap orgs list
""", no_args_is_help=True)
ROLE_HELP = "admin, editor, auditor (read-only, may comment and download the evidence package) or viewer."


def _accounts():  # type: ignore[no-untyped-def]
    from trustgap import config
    from trustgap.store.accounts import Accounts
    from trustgap.store.db import create_store_engine, upgrade_to_head

    engine = create_store_engine(config.database_url())
    upgrade_to_head(engine)
    return Accounts(engine), engine


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password (at least 12 characters)", hide_input=True, confirmation_prompt=True))


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Also serve the bundled demo organisation (assessed once).")]
    = False,
    workers: Annotated[int, typer.Option(help="Background assessments run side by side.")] = 2,
    monitor: Annotated[bool, typer.Option(
        "--monitor/--no-monitor",
        help="Run the organisations' monitor schedules (as 'trustgap monitor' does) inside the web app. One "
             "server process per database schedules; the others stand by.")] = True,
) -> None:
    """Start the web app (FastAPI on uvicorn) over the same database as the CLI.

    Examples:
      trustgap users add you@example.com && trustgap serve --demo
      trustgap serve --host 0.0.0.0 --port 8080
      trustgap serve --no-monitor
      TRUSTGAP_DATABASE_URL=postgresql://trustgap@db/trustgap trustgap serve
    """
    import uvicorn

    from trustgap import config
    from trustgap.errors import TrustgapError
    from trustgap.web.app import create_app
    from trustgap.web.settings import WebSettings

    settings = WebSettings(assessment_workers=max(1, workers), monitor=monitor)
    try:
        if demo:
            from trustgap.web.organisations import ensure_demo

            accounts, engine = _accounts()
            try:
                ensure_demo(accounts, database_url=settings.database_url, evidence_dir=settings.evidence_dir)
            finally:
                engine.dispose()
        app = create_app(settings)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    if not app.state.services.accounts.users():
        typer.echo("No account yet: create the first one with 'trustgap users add EMAIL' (it becomes the server "
                   "administrator).", err=True)
    typer.echo(f"trustgap web app on http://{host}:{port}/  (database {config.redact_url(settings.database_url)})")
    if monitor:
        from trustgap.web.monitoring import monitored_folders

        watched = monitored_folders([o.folder for o in app.state.services.accounts.organisations()])
        typer.echo(f"monitor schedules of {len(watched)} organisation(s) run here (--no-monitor: off)")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="The person's email address (their sign-in name).")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    server_admin: Annotated[Optional[bool], typer.Option(  # noqa: UP045
        "--server-admin/--no-server-admin",
        help="May add organisations and is made admin of the demo. Default: yes for the first account only.")] = None,
    org: Annotated[Optional[str], typer.Option(help="Also give a role in this organisation (its id).")] = None,  # noqa: UP045
    role: Annotated[str, typer.Option(help=ROLE_HELP)] = "viewer",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Create an account (the password is asked for, hidden, and stored as an argon2 hash).

    Examples:
      trustgap users add you@example.com
      trustgap users add dana@acme.io --org acme --role editor
      printf '%s\\n' "$PASSWORD" | trustgap users add ci@acme.io --password-stdin --no-server-admin
    """
    from trustgap.errors import TrustgapError

    accounts, engine = _accounts()
    try:
        first = not accounts.users()
        user = accounts.add_user(email, _password(password_stdin), name=name,
                                 server_admin=first if server_admin is None else server_admin)
        if org:
            _grant(accounts, user.email, org, role)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    finally:
        engine.dispose()
    typer.echo(f"added {user.email}" + (" (server administrator)" if user.server_admin else "")
               + (f", {role} of {org}" if org else ""))


def _grant(accounts, email: str, slug: str, role: str) -> None:  # type: ignore[no-untyped-def]
    from trustgap.errors import TrustgapError

    user = accounts.user_by_email(email)
    if user is None:
        raise TrustgapError(f"no user {email}")
    target = accounts.organisation(slug)
    if target is None:
        raise TrustgapError(f"no organisation {slug!r} (see 'trustgap orgs list')")
    accounts.grant(user.id, target, role, actor="cli")


@users_app.command("grant")
def users_grant(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    org: Annotated[str, typer.Option(help="Organisation id.")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
) -> None:
    """Give an account a role in an organisation (replacing its previous role there).

    Examples:
      trustgap users grant dana@acme.io --org acme --role admin
      trustgap users grant auditor@cpa.example --org acme --role auditor
    """
    from trustgap.errors import TrustgapError

    accounts, engine = _accounts()
    try:
        _grant(accounts, email, org, role)
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    finally:
        engine.dispose()
    typer.echo(f"{email} is now {role} of {org}")


@users_app.command("password")
def users_password(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Set a new password (signs the account out everywhere).

    Examples:
      trustgap users password dana@acme.io
      printf '%s\\n' "$NEW_PASSWORD" | trustgap users password dana@acme.io --password-stdin
    """
    from trustgap.errors import TrustgapError

    accounts, engine = _accounts()
    try:
        accounts.set_password(email, _password(password_stdin))
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    finally:
        engine.dispose()
    typer.echo(f"password of {email} changed")


@users_app.command("list")
def users_list() -> None:
    """Accounts and their roles.

    Examples:
      trustgap users list
      TRUSTGAP_DATABASE_URL=postgresql://trustgap@db/trustgap trustgap users list
    """
    accounts, engine = _accounts()
    try:
        for u in accounts.users():
            roles = ", ".join(f"{o.slug}: {r}" for o, r in accounts.memberships(u.id)) or "no organisation"
            typer.echo(f"{u.email}{' (server administrator)' if u.server_admin else ''}  {roles}")
    finally:
        engine.dispose()


@orgs_app.command("add")
def orgs_add(
    slug: Annotated[str, typer.Argument(help="Short id used in links, e.g. acme.")],
    folder: Annotated[Path, typer.Argument(help="Folder with scope.yaml and evidence/ (see 'trustgap init').")],
    admin: Annotated[Optional[str], typer.Option(help="Make this account admin of it.")] = None,  # noqa: UP045
) -> None:
    """Serve an organisation folder in the web app.

    Examples:
      trustgap orgs add acme ./acme --admin you@example.com
      trustgap init beta && trustgap orgs add beta ./beta
    """
    from trustgap.errors import TrustgapError
    from trustgap.web.organisations import register_folder

    accounts, engine = _accounts()
    try:
        org = register_folder(accounts, slug, folder, actor="cli")
        if admin:
            _grant(accounts, admin, slug, "admin")
    except TrustgapError as exc:
        raise _fail(str(exc)) from None
    finally:
        engine.dispose()
    typer.echo(f"organisation {org.slug}: {org.name} ({org.folder})")


@orgs_app.command("list")
def orgs_list() -> None:
    """Organisations on this server.

    Examples:
      trustgap orgs list
    """
    accounts, engine = _accounts()
    try:
        for o in accounts.organisations():
            typer.echo(f"{o.slug}  {o.name}  {o.folder}")
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(orgs_app, name="orgs")
