"""Processing-integrity records: the hooks of the specs ``airflow_dag_runs``, ``job_runs``, ``reconciliation_log``
and ``rejected_inputs`` (``trustgap/evidence/formats/``). Each row becomes one :class:`ProcessingEvent`; the specs
say where the fields are, these hooks normalise what a mapping cannot:

- status: ``ok`` (success, succeeded, completed, matched, reconciled, passed), ``failed`` (failed, failure, error,
  timeout, timed out, upstream_failed), ``variance`` (a reconciliation whose counts differ, open or resolved),
  ``rejected`` (a rejected input), else the source's value lower-cased;
- Airflow (https://airflow.apache.org/docs/apache-airflow/stable/stable-rest-api-ref.html): a run happened at its
  ``end_date`` when it finished (else ``start_date``, else its logical date); the logical date, run type and
  external trigger go to ``details`` so that a re-run of the same interval can be told from the next scheduled run;
- reconciliation: the difference is the variance column, else source minus target; none means ``ok``;
- AWS Backup (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListBackupJobs.html): COMPLETED is ``ok``;
  FAILED, ABORTED, EXPIRED and PARTIAL are ``failed``; the job happened when it completed (else when created).
"""

from __future__ import annotations

import re
from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook

_OK = frozenset({"ok", "success", "succeeded", "successful", "completed", "complete", "matched", "reconciled",
                 "passed", "pass", "done"})
_FAILED = frozenset({"failed", "failure", "error", "errored", "timeout", "timed out", "upstream failed", "crashed",
                     "aborted", "expired", "partial"})


def normalise_status(raw: Any) -> str | None:
    if raw is None:
        return None
    key = re.sub(r"\s+", " ", str(raw).strip().lower().replace("_", " ").replace("-", " "))
    if not key:
        return None
    if key in _OK:
        return "ok"
    if key in _FAILED:
        return "failed"
    return key


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value is not None else None)


@register_hook("airflow_runs")
def airflow_runs(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        logical = row.get("_logical_date") or row.get("_execution_date")
        when = row.get("_end_date") or row.get("_start_date") or logical
        if when is None:
            hc.skip(row, f"run {row.get('ref')}: no start, end or logical date", "ref")
            continue
        conf = row.get("_conf") if isinstance(row.get("_conf"), dict) else {}
        details = {k: v for k, v in {
            "logical_date": _iso(logical), "started_at": _iso(row.get("_start_date")),
            "run_type": row.get("_run_type"), "external_trigger": row.get("_external_trigger"),
            "rerun_of": conf.get("rerun_of") if isinstance(conf, dict) else None,
        }.items() if v is not None}
        out.append(hc.fact(row, system="airflow", occurred_at=when, status=normalise_status(row.get("_state")),
                           ref=str(row.get("ref")), name=str(row.get("name")), details=details))
    return out


@register_hook("job_runs")
def job_runs(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    from trustgap.evidence.parsers.generic import system_from_name

    system = system_from_name(hc.ctx.path)
    out: list[Any] = []
    for row in rows:
        when = row.get("_finished") or row.get("occurred_at")
        details = {k: v for k, v in {"started_at": _iso(row.get("occurred_at")), "run_type": row.get("_run_type")}
                   .items() if v is not None}
        ref = row.get("ref") or f"{row.get('name')} {_iso(row.get('occurred_at'))}"
        out.append(hc.fact(row, system=system, occurred_at=when, ref=str(ref),
                           status=normalise_status(row.get("status")), details=details))
    return out


@register_hook("reconciliation")
def reconciliation(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    from trustgap.evidence.parsers.generic import system_from_name

    system = system_from_name(hc.ctx.path)
    out: list[Any] = []
    for row in rows:
        source, target, variance = row.get("_source_count"), row.get("_target_count"), row.get("_variance")
        if variance is None and source is not None and target is not None:
            variance = source - target
        raw = normalise_status(row.get("status"))
        status: str | None
        if variance is not None:
            status = "variance" if variance != 0 else "ok"
        elif raw in ("ok", None):
            status = raw
        else:  # no numbers: the status column says whether something differed
            status = "variance"
        details = {k: v for k, v in {"source_count": source, "target_count": target, "variance": variance,
                                     "status_recorded": row.get("status")}.items() if v is not None}
        ref = row.get("ref") or f"{row.get('name') or 'reconciliation'} {_iso(row.get('occurred_at'))}"
        out.append(hc.fact(row, system=system, ref=str(ref), status=status, details=details))
    return out


@register_hook("rejected_inputs")
def rejected_inputs(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    from trustgap.evidence.parsers.generic import system_from_name

    system = system_from_name(hc.ctx.path)
    out: list[Any] = []
    for row in rows:
        details = {k: v for k, v in {"reason": row.get("_reason"), "corrected_by": row.get("_corrected_by"),
                                     "status_recorded": row.get("status")}.items() if v is not None}
        out.append(hc.fact(row, system=system, ref=str(row.get("ref")), status="rejected", details=details))
    return out


@register_hook("backup_jobs")
def backup_jobs(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        when = row.get("_completed") or row.get("_created")
        if when is None:
            hc.skip(row, f"backup job {row.get('ref')}: no creation or completion date", "ref")
            continue
        details = {k: v for k, v in {"vault": row.get("_vault"), "resource_type": row.get("_resource_type"),
                                     "resource_name": row.get("_resource_name"),
                                     "created_at": _iso(row.get("_created"))}.items() if v is not None}
        out.append(hc.fact(row, occurred_at=when, status=normalise_status(row.get("_state")), details=details))
    return out
