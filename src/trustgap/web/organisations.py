"""Registering organisations on the server: an existing folder (scope.yaml, evidence/), or the bundled demo
copied into the trustgap home (so uploads and interview answers never touch the installed package)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from trustgap import config
from trustgap.errors import TrustgapError
from trustgap.store.accounts import Accounts, Organisation

DEMO_SLUG = "demo"


def register_folder(accounts: Accounts, slug: str, folder: Path, *, actor: str) -> Organisation:
    """Add the organisation whose scope file is in ``folder``; its name is the scope file's organisation name."""
    from trustgap.assessment import resolve_inputs
    from trustgap.scope import load_scope

    inputs = resolve_inputs(folder.resolve())
    name = load_scope(inputs.scope_path).scope.organisation.name
    return accounts.add_organisation(slug, name, str(folder.resolve()), actor=actor)


def ensure_demo(accounts: Accounts, *, database_url: str, evidence_dir: Path, home: Path | None = None,
                actor: str = "cli") -> Organisation:
    """The demo organisation, registered (and assessed once) if it is not yet; every server administrator is
    made an admin of it."""
    from trustgap.demo import DEMO_AS_OF, demo_folder

    org = accounts.organisation(DEMO_SLUG)
    if org is None:
        target = (home or config.home()) / "organisations" / DEMO_SLUG
        if not target.exists():
            shutil.copytree(demo_folder(), target, ignore=shutil.ignore_patterns("__pycache__", "interview.yaml"))
        org = register_folder(accounts, DEMO_SLUG, target, actor=actor)
    for user in accounts.users():
        if user.server_admin and accounts.role_of(user.id, org.id) is None:
            accounts.grant(user.id, org, "admin", actor=actor)
    from trustgap.store.queries import RunQueries
    from trustgap.store.runs import RunStore

    store = RunStore.open(database_url)
    try:
        has_run = bool(store.list(limit=1, organisation=org.name))
    finally:
        store.close()
    if not has_run:
        from trustgap.assessment import resolve_inputs, run_assessment
        from trustgap.evidence.store import EvidenceStore

        inputs = resolve_inputs(Path(org.folder))
        _, run_id = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                                   as_of=DEMO_AS_OF, store_url=database_url,
                                   evidence_store=EvidenceStore(evidence_dir), created_at=datetime.now(UTC))
        if run_id is None:
            raise TrustgapError("the demo run was not stored")
        store = RunStore.open(database_url)
        try:
            queries = RunQueries(store._engine, database_url)
            queries.build_summary(queries.run(org.name, run_id))
        finally:
            store.close()
    return org
