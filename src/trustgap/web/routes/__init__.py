"""One router per area of the app; :func:`register_routes` mounts them all."""

from __future__ import annotations

from fastapi import FastAPI


def register_routes(app: FastAPI) -> None:
    from trustgap.web.routes import (
        account,
        admin,
        api,
        auth,
        controls,
        evidence,
        findings,
        home,
        interview,
        monitoring,
        plan,
        policies,
        runs,
    )

    for module in (auth, home, controls, findings, evidence, runs, plan, monitoring, policies, interview, admin,
                   account, api):
        app.include_router(module.router)
