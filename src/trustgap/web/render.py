"""Rendering pages: one Jinja2 environment per application, with the filters the templates share."""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from trustgap import __version__
from trustgap.engine.models import GAP_KIND_LABELS, STATUS_LABELS
from trustgap.monitor.render import OUTCOME_LABELS
from trustgap.store.work import STATUS_LABELS as WORK_LABELS
from trustgap.web.monitor_views import EXPIRY_WORDS
from trustgap.web.permissions import ROLE_TITLES

NOTICES = {
    "saved": "Saved.",
    "commented": "Comment added.",
    "started": "Assessment started.",
    "uploaded": "Files uploaded; the assessment runs in the background.",
    "granted": "Role saved.",
    "removed": "Member removed.",
    "token": "Token revoked.",
    "drafted": "Drafts written to the evidence folder.",
    "approved": "Policy approved.",
    "signed_out": "Signed out.",
    "created": "Organisation created.",
}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _day(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def make_templates() -> Jinja2Templates:
    folder = Path(str(resources.files("trustgap.web").joinpath("templates")))
    templates = Jinja2Templates(directory=str(folder))
    env = templates.env
    env.filters.update(pct=_pct, day=_day, size=_size, status_label=lambda s: STATUS_LABELS.get(s, s),
                       gap_label=lambda g: GAP_KIND_LABELS.get(g, g or ""),
                       work_label=lambda s: WORK_LABELS.get(s, s), role_title=lambda r: ROLE_TITLES.get(r, r),
                       outcome_label=lambda o: OUTCOME_LABELS.get(o, o), expiry_label=lambda e: EXPIRY_WORDS.get(e, e))
    env.globals.update(version=__version__, urlencode=urlencode)
    return templates


def page(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    ctx: dict[str, Any] = dict(context or {})
    ctx.setdefault("viewer", getattr(request.state, "viewer", None))
    access = getattr(request.state, "access", None)
    ctx.setdefault("access", access)
    ctx.setdefault("org", access.org if access else None)
    viewer = ctx["viewer"]
    ctx.setdefault("csrf", viewer.csrf if viewer else None)
    ctx.setdefault("notice", NOTICES.get(request.query_params.get("ok", "")))
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, ctx, status_code=status)
