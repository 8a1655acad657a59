"""Continuous monitoring pages: readiness trend and forecast, Type II over the period (timeline per control,
deviations with the snapshots proving each, holes), and evidence freshness. The handlers read the request and
call :class:`trustgap.web.monitor_views.MonitorViews`, which calls the monitoring core."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from trustgap.catalog.loader import load_catalog
from trustgap.errors import InputError
from trustgap.web.deps import OrgAccess, PageError, need, services
from trustgap.web.render import page

router = APIRouter(include_in_schema=False)


def _date_param(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PageError(400, f"{name}: not a date: {raw[:40]!r} (use YYYY-MM-DD)") from None


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise PageError(400, f"{name}: a whole number from {low} to {high} ({raw[:20]!r} given)")
    return int(raw)


def _period_args(request: Request) -> tuple[date | None, date | None]:
    start, end = _date_param(request, "start"), _date_param(request, "end")
    if start and end and end < start:
        raise PageError(400, f"end: the period ends ({end}) before it starts ({start})")
    return start, end


@router.get("/o/{org}/trend")
def trend_page(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    view = services(request).monitor_views.trend(access.org)
    return page(request, "trend.html", {"t": view, "f": view.report.forecast})


@router.get("/o/{org}/type2")
def period_page(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    start, end = _period_args(request)
    try:
        view = services(request).monitor_views.period(access.org, start, end)
    except InputError as exc:  # no audit period in the scope and none asked for
        return page(request, "type2.html", {"p": None, "problem": str(exc), "start": start, "end": end})
    return page(request, "type2.html", {"p": view, "problem": None, "start": start, "end": end})


@router.get("/o/{org}/type2/{control_id}")
def control_period_page(request: Request, control_id: str, access: OrgAccess = Depends(need("read"))) -> Response:
    cat = load_catalog()
    if not cat.has_control(control_id):
        raise PageError(404, f"no control {control_id!r} in the catalog")
    start, end = _period_args(request)
    view, cp = services(request).monitor_views.control_period(access.org, control_id, start, end)
    return page(request, "type2_control.html", {"p": view, "cp": cp, "control": cat.control(control_id),
                                                "start": start, "end": end})


@router.get("/o/{org}/freshness")
def freshness_page(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    warn_days = _int_param(request, "warn_days", 30, 1, 366)
    view = services(request).monitor_views.freshness(access.org, warn_days)
    return page(request, "freshness.html", {"fr": view, "warn_days": warn_days})
