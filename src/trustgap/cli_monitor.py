"""Continuous monitoring commands: ``monitor`` (run the schedules), ``snapshots``, ``timeline`` (Type II over
the snapshots), ``freshness`` (when recurring evidence expires), ``trend`` (readiness over time, burn-down,
forecast) and ``worker`` (a Celery worker for scale-out collection)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from trustgap.cli_common import date_option
from trustgap.cli_common import fail as _fail

FORMATS = ("table", "json", "md", "html")


def _console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(highlight=False)


def _guarded(fn: Any) -> Any:
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from trustgap.errors import TrustgapError

        try:
            return fn(*args, **kwargs)
        except TrustgapError as exc:
            raise _fail(str(exc)) from None

    return wrapper


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}")


@_guarded
def monitor(
    folder: Annotated[Path, typer.Argument(help="Organisation folder (scope.yaml with a monitor: section).")],
    once: Annotated[bool, typer.Option("--once", help="Run every schedule now, once, and exit.")] = False,
    schedule: Annotated[Optional[str], typer.Option("--schedule", help="Only this schedule (with --once).")] = None,  # noqa: UP045
    broker: Annotated[Optional[str], typer.Option("--broker", help="Queue the jobs on Celery workers at this broker URL (amqp://... or redis://...) instead of running them here.")] = None,  # noqa: UP045,E501
    queue: Annotated[str, typer.Option(help="Celery queue (with --broker).")] = "trustgap",
    wait: Annotated[float, typer.Option(help="With --broker and --once: seconds to wait for the snapshot.")] = 600,
) -> None:
    """Run the scope's monitor schedules in the foreground (Ctrl-C stops), or once with --once.
    'trustgap serve' runs the same schedules inside the web app.

    Examples:
      trustgap monitor acme
      trustgap monitor acme --once
      trustgap monitor acme --once --schedule daily
      trustgap monitor acme --once --broker redis://127.0.0.1:6379/0
    """
    from trustgap.monitor.schedule import Scheduler

    con = _console()
    dispatch = None
    if broker is not None:
        from trustgap.monitor.distributed import create_app, dispatch_snapshot, wait_for

        celery_app = create_app(broker, queue=queue)

        def dispatch(folder: Path, name: str, at: Any) -> Any:
            key = dispatch_snapshot(celery_app, folder, name, scheduled_for=at, queue=queue)
            con.print(f"{at:%Y-%m-%d %H:%M} {name}: snapshot {key} queued on {queue}")
            if not once:
                return None
            rec = wait_for(key, timeout=wait)
            con.print(f"  {rec.status}; run {rec.run_id or '-'}" + (f"; error: {rec.error}" if rec.error else ""))
            return None

    def said(folder: Path, name: str, when: Any, out: Any) -> None:
        if out is None:
            return
        s = out.snapshot
        state = "already done" if not out.created else s.status
        con.print(f"{when:%Y-%m-%d %H:%M} {name}: snapshot {s.id} {state}; run {s.run_id or '-'}"
                  + (f"; manifest {s.manifest_sha256[:12]}" if s.manifest_sha256 else "")
                  + (f"; error: {s.error}" if s.error else ""))
        for issue in s.issues:
            con.print(f"  could not collect {issue['source']}: {issue['reason']}")
        for a in out.alerts:
            con.print(f"  alert {a.line()}")
        for d in out.deliveries:
            con.print(f"  {d}")

    def failed(folder: Path, name: str, when: Any, exc: BaseException) -> None:
        con.print(f"{when:%Y-%m-%d %H:%M} {name}: failed: {exc}")

    sched = Scheduler([folder], on_result=said, on_error=failed, dispatch=dispatch)
    if once:
        sched.run_now(schedule)
        return
    if not sched.upcoming():
        raise _fail(f"{folder}: the scope has no monitor.schedules; add one (see README, Continuous monitoring)")
    for when, _, name in sched.upcoming():
        con.print(f"next {name}: {when:%Y-%m-%d %H:%M %Z}")
    try:
        sched.serve_forever()
    except KeyboardInterrupt:
        sched.stop()


@_guarded
def snapshots(
    organisation: Annotated[Optional[str], typer.Option("--org", help="Only this organisation.")] = None,  # noqa: UP045
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 30,
) -> None:
    """Stored monitoring snapshots, newest first.

    Examples:
      trustgap snapshots
      trustgap snapshots --org "Acme Inc" --limit 100
    """
    from trustgap.store.snapshots import SnapshotStore

    con = _console()
    with SnapshotStore.open() as snaps:
        rows = snaps.history(organisation, limit=limit, newest_first=True)
    if not rows:
        con.print("no snapshots yet: run 'trustgap monitor DIR --once'")
        return
    for s in rows:
        con.print(f"{s.id}  {s.status:8} as of {s.as_of}  run {s.run_id or '-'}  "
                  f"{s.evidence_count} evidence  {(s.manifest_sha256 or '')[:12]}")


@_guarded
def timeline(
    folder: Annotated[Path, typer.Argument(help="Organisation folder.")],
    start: Annotated[Optional[date], date_option("--start", help="Period start (default: report.period).")] = None,  # noqa: UP045
    end: Annotated[Optional[date], date_option("--end", help="Period end (default: report.period).")] = None,  # noqa: UP045
    control: Annotated[Optional[list[str]], typer.Option("--control", help="Only these controls.")] = None,  # noqa: UP045
    fmt: Annotated[str, typer.Option("--format", help="table, json, md or html.")] = "table",
    out: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,  # noqa: UP045
) -> None:
    """Type II over the stored snapshots: period verdict per control, deviations, holes (HTML: with the
    readiness trend, the forecast and the evidence expiring).

    Examples:
      trustgap timeline acme
      trustgap timeline acme --start 2026-01-01 --end 2026-06-30 --control AC-04
      trustgap timeline acme --format html -o acme-type2.html
      trustgap timeline acme --format json -o acme-type2.json
    """
    from trustgap.monitor.period import period_report
    from trustgap.monitor.render import period_html, period_markdown, period_table

    if fmt not in FORMATS:
        raise _fail(f"--format: use one of {', '.join(FORMATS)}")
    result, ctx = period_report(folder, start=start, end=end)
    if control:
        keep = set(control)
        result.controls = {k: v for k, v in result.controls.items() if k in keep}
    if fmt == "json":
        _write(json.dumps(result.as_dict(), indent=1, sort_keys=True) + "\n", out)
    elif fmt == "md":
        _write(period_markdown(result, ctx), out)
    elif fmt == "html":
        if out is None:
            raise _fail("--format html needs -o FILE")
        from trustgap.engine.freshness import evidence_expiry
        from trustgap.monitor.trend import trend_report
        from trustgap.store.runs import RunStore

        trend = trend_report(folder)
        expiry = None
        if trend.points:
            with RunStore.open() as rs:
                _, latest = rs.get(trend.points[-1].run_id)
            expiry = evidence_expiry(latest)
        _write(period_html(result, ctx, trend, expiry), out)
    else:
        period_table(result, ctx, _console())


@_guarded
def freshness(
    run: Annotated[str, typer.Argument(help="Run id, prefix or 'latest'.")] = "latest",
    warn_days: Annotated[int, typer.Option(help="Warn this many days ahead.")] = 30,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """When each recurring control's evidence expires (and what expires before the target audit date).

    Examples:
      trustgap freshness
      trustgap freshness latest --warn-days 60
      trustgap freshness r20261122T153000-3fa9c1 --format json
    """
    from trustgap.engine.freshness import evidence_expiry
    from trustgap.store.runs import RunStore

    with RunStore.open() as rs:
        rec, result = rs.get(run)
    items = evidence_expiry(result, warn_days=warn_days)
    if fmt == "json":
        sys.stdout.write(json.dumps([e.as_dict() for e in items], indent=1) + "\n")
        return
    con = _console()
    con.print(f"run {rec.id} as of {result.as_of}" + (f"; target audit {result.target_audit_date}"
                                                     if result.target_audit_date else ""))
    for e in items:
        con.print(f"{e.state:21} {e.control_id:7} {e.entity[:40]:40} last {e.last_on} expires {e.expires_on} "
                  f"({e.days_left:+d} days; {e.cadence_months}-month, {e.cadence_from})")


@_guarded
def trend(
    folder: Annotated[Path, typer.Argument(help="Organisation folder.")],
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    target: Annotated[Optional[float], typer.Option(help="Readiness target (default: monitor.target_readiness, plan.audit_ready_at, 90).")] = None,  # noqa: UP045,E501
) -> None:
    """Readiness over time per category, remediation burn-down against the roadmap, and 'on track?'.

    Examples:
      trustgap trend acme
      trustgap trend acme --target 95
      trustgap trend acme --format json
    """
    from trustgap.monitor.trend import trend_report

    report = trend_report(folder, target=target)
    if fmt == "json":
        sys.stdout.write(json.dumps(report.as_dict(), indent=1, sort_keys=True) + "\n")
        return
    from trustgap.monitor.render import trend_table

    trend_table(report, _console())


def worker(
    broker: Annotated[str, typer.Option("--broker", help="amqp://guest:guest@127.0.0.1:5672// or redis://127.0.0.1:6379/0")],  # noqa: E501
    concurrency: Annotated[int, typer.Option(help="Worker processes.")] = 2,
    queue: Annotated[str, typer.Option(help="Celery queue to consume.")] = "trustgap",
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "INFO",
    max_retries: Annotated[int, typer.Option(help="Retries of a failing part before it is recorded as failed.")] = 3,
    retry_backoff: Annotated[float, typer.Option(help="First retry after this many seconds, doubling.")] = 2.0,
) -> None:
    """A Celery worker that collects and assesses monitoring snapshots (needs the 'scale' extra).

    Every worker uses the same TRUSTGAP_DATABASE_URL (PostgreSQL) and TRUSTGAP_HOME (evidence).

    Examples:
      trustgap worker --broker redis://127.0.0.1:6379/0 --concurrency 4
      trustgap worker --broker amqp://guest:guest@127.0.0.1:5672// --queue trustgap-eu
    """
    try:
        import celery  # noqa: F401
    except ImportError:
        raise _fail("Celery is not installed: pip install 'trustgap[scale]'") from None
    from trustgap.monitor.distributed import run_worker

    run_worker(broker, concurrency=concurrency, queue=queue, loglevel=loglevel, max_retries=max_retries,
               retry_backoff=retry_backoff)


def register(app: typer.Typer) -> None:
    app.command("monitor")(monitor)
    app.command("snapshots")(snapshots)
    app.command("timeline")(timeline)
    app.command("freshness")(freshness)
    app.command("trend")(trend)
    app.command("worker")(worker)
