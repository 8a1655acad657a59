"""The application factory: one FastAPI app over one database, with its services on ``app.state``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from trustgap import __version__
from trustgap.errors import TrustgapError
from trustgap.store.queries import NotFound
from trustgap.store.work import NotPermitted
from trustgap.web.deps import LoginRequired, PageError
from trustgap.web.render import make_templates, page
from trustgap.web.services import Services
from trustgap.web.settings import WebSettings

log = logging.getLogger("trustgap.web")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    return page(request, "error.html", {"status": status, "message": message}, status=status)


def _in_app_monitor(svc: Services, clock: Callable[[], datetime] | None = None) -> Any:
    """The monitor schedules of the server's organisations, run by this app (see trustgap.web.monitoring)."""
    from trustgap.web.monitoring import InAppMonitor

    def dispatch(folder: Path, schedule: str, at: datetime) -> Any:
        from trustgap.monitor.jobs import run_snapshot

        out = run_snapshot(folder, schedule, scheduled_for=at, store_url=svc.settings.database_url,
                           evidence_store=svc.evidence)
        s = out.snapshot
        log.info("monitor: %s %s at %s: snapshot %s %s, run %s", folder, schedule, at.isoformat(), s.id, s.status,
                 s.run_id or "-")
        return out

    return InAppMonitor(svc.engine, lambda: [o.folder for o in svc.accounts.organisations()], dispatch,
                        poll=svc.settings.monitor_poll_seconds, clock=clock)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    from trustgap.web.interview import InterviewCache
    from trustgap.web.jobs import JobRunner
    from trustgap.web.monitor_views import MonitorViews
    from trustgap.web.routes import register_routes

    cfg = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        monitor = app.state.monitor
        if monitor is not None:
            monitor.start()
        try:
            yield
        finally:
            if monitor is not None:
                monitor.stop()
            app.state.services.close()

    app = FastAPI(title="trustgap", version=__version__, lifespan=lifespan,
                  description="SOC 2 gap analysis: stored runs, verdicts, findings and evidence of the "
                              "organisations you were granted. Authenticate with a personal API token "
                              "(`Authorization: Bearer tgp_...`), created on the Account page.",
                  docs_url=None, redoc_url=None, openapi_url=None)
    svc = Services.open(cfg)
    svc.work.fail_interrupted_jobs()
    svc.jobs = JobRunner(svc)
    svc.interviews = InterviewCache()
    svc.monitor_views = MonitorViews(svc.engine, cfg.database_url, svc.queries)
    app.state.services = svc
    app.state.monitor = _in_app_monitor(svc) if cfg.monitor else None
    app.state.templates = make_templates()
    static = Path(str(resources.files("trustgap.web").joinpath("static")))
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "sign in first: send a personal API token as 'Authorization: Bearer'"},
                                status_code=401, headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> Response:
        return _error(request, exc.status, exc.message)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(NotPermitted)
    async def not_permitted(request: Request, exc: NotPermitted) -> Response:
        return _error(request, 403, str(exc))

    @app.exception_handler(TrustgapError)
    async def bad_input(request: Request, exc: TrustgapError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        return _error(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        message = f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
        if _is_api(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        return _error(request, 422, message)

    register_routes(app)

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi_document(request: Request) -> JSONResponse:
        """The OpenAPI document of the JSON API (for signed-in people and token holders only)."""
        from trustgap.web.deps import require_viewer

        require_viewer(request)
        return JSONResponse(app.openapi())

    return app
