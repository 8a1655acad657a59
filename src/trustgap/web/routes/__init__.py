"""One router per area of the app; :func:`register_routes` mounts them all."""

from __future__ import annotations

from fastapi import FastAPI


def register_routes(app: FastAPI) -> None:
    from trustgap.web.routes import account, api, auth, home

    for module in (auth, home, account, api):
        app.include_router(module.router)
