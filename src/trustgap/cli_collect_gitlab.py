"""``trustgap collect gitlab``: users, group members, protected branches and merged merge requests with their
approvals from gitlab.com or a self-managed GitLab (registered on ``trustgap collect`` by
:mod:`trustgap.cli_collect`)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from trustgap.cli_collect import AllowFailureOpt, AsOfOpt, SinceOpt
from trustgap.cli_common import fail as _fail


def gitlab(
    base_url: Annotated[Optional[str], typer.Option(help="Instance URL (https://git.acme.io; default gitlab.com).")] = None,  # noqa: UP045,E501
    group: Annotated[Optional[str], typer.Option(help="Group path or id whose projects and members to collect.")] = None,  # noqa: UP045,E501
    project: Annotated[Optional[list[str]], typer.Option("--project", help="Project path group/name (repeatable; default: all of the group).")] = None,  # noqa: UP045,E501
    token_env: Annotated[Optional[str], typer.Option(help="Environment variable holding the token (GITLAB_TOKEN).")] = None,  # noqa: UP045,E501
    since: SinceOpt = None,
    scope: Annotated[Optional[str], typer.Option("--scope", help="Scope file whose 'collect' section to use.")] = None,  # noqa: UP045,E501
    as_of: AsOfOpt = None,
    findings: Annotated[bool, typer.Option("--findings/--no-findings", help="Run the checks over what was collected.")] = True,  # noqa: E501
    allow_collect_failure: AllowFailureOpt = False,
) -> None:
    """Collect GitLab users, group members, protected branches with approval rules, and merged merge requests
    with their approvals."""
    from pathlib import Path

    from trustgap.cli_collect import _as_of, _load_scope, _run, _section

    sc = _load_scope(Path(scope) if scope else None)
    collect = _section(sc, "gitlab", {"base_url": base_url, "group": group, "projects": project,
                                      "token_env": token_env,
                                      "since": since.isoformat() if since else None})
    if not (collect["gitlab"].get("group") or collect["gitlab"].get("projects")):
        raise _fail("--group or --project (or collect.gitlab in the scope file) is required")
    _run("gitlab", sc, collect, _as_of(as_of), findings, scoped=scope is not None,
         allow_failure=allow_collect_failure)
