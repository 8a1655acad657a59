"""AWS logging and monitoring: CloudTrail, CloudWatch Logs, GuardDuty, AWS Config (one task per region).

Facts (``system = "aws:<account id>"``):

``Resource aws.cloudtrail.trail`` (resource_id = TrailARN, name = Name, region = HomeRegion)
    multi_region (IsMultiRegionTrail), log_file_validation (LogFileValidationEnabled), is_logging
    (IsLogging of GetTrailStatus; None when the status could not be read), kms_key_id (KmsKeyId or None),
    organization_trail (IsOrganizationTrail). Each trail is reported once per account even though
    DescribeTrails lists multi-region trails in every region.
``Setting aws.cloudtrail.trail_count`` (int: trails visible in the region), scope = ``<account>/<region>``.
``Resource aws.logs.log_group`` (resource_id = log group ARN, name = logGroupName)
    retention_days (retentionInDays; None = never expire), kms_key_id, stored_bytes.
``Resource aws.guardduty.detector`` (resource_id = detector id): status (ENABLED / DISABLED).
``Setting aws.guardduty.enabled`` (bool: a detector with status ENABLED), scope = ``<account>/<region>``.
``Resource aws.config.recorder`` (resource_id = ``<account>/<region>/<name>``): recording (bool),
    all_supported (recordingGroup.allSupported), last_status (lastStatus).
``Setting aws.config.recorder_recording`` (bool: any recorder recording), scope = ``<account>/<region>``.

Calls: cloudtrail DescribeTrails, GetTrailStatus; logs DescribeLogGroups; guardduty ListDetectors,
GetDetector; config DescribeConfigurationRecorders, DescribeConfigurationRecorderStatus. References:
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/ , .../AmazonCloudWatchLogs/latest/APIReference/ ,
.../guardduty/latest/APIReference/ , .../config/latest/APIReference/
"""

from __future__ import annotations

import threading
from typing import Any

from trustgap.collectors.aws_session import AwsAccount, Caller, CallFailed, Task
from trustgap.collectors.base import Recorder
from trustgap.evidence.parsers import _aws_shapes as shapes
from trustgap.facts import Resource, Setting, Src


def _regional_setting(acct: AwsAccount, region: str, key: str, value: object, src: Src) -> Setting:
    return Setting(src=src, system=acct.system, scope=f"{acct.account_id}/{region}", key=key, value=value)


class TrailsSeen:
    """Trail ARNs already reported for an account (multi-region trails show up in every region)."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def first(self, arn: str) -> bool:
        with self._lock:
            if arn in self._seen:
                return False
            self._seen.add(arn)
            return True


def cloudtrail_tasks(caller: Caller, acct: AwsAccount, rec: Recorder, region: str, seen: TrailsSeen) -> list[Task]:
    try:
        answer, src = caller.call("aws.cloudtrail", "cloudtrail", "describe_trails", region=region,
                                  includeShadowTrails=True)
    except CallFailed:
        return []
    trails = (answer or {}).get("trailList") or []
    rec.add(_regional_setting(acct, region, "aws.cloudtrail.trail_count", len(trails), src))
    tasks: list[Task] = []
    for i, trail in enumerate(trails):
        arn = trail.get("TrailARN") or trail.get("Name")
        if arn and seen.first(arn):
            tasks.append(_trail_task(caller, acct, rec, trail, Src(src.sha256, f"{src.locator} $.trailList[{i}]")))
    return tasks


def _trail_task(caller: Caller, acct: AwsAccount, rec: Recorder, trail: dict[str, Any], src: Src) -> Task:
    def run() -> None:
        home = trail.get("HomeRegion") or acct.home_region
        arn = trail.get("TrailARN") or trail["Name"]
        is_logging: bool | None = None
        try:
            status, _ = caller.call("aws.cloudtrail", "cloudtrail", "get_trail_status", Name=arn, region=home,
                                    name_extra=trail.get("Name", ""))
            is_logging = bool((status or {}).get("IsLogging"))
        except CallFailed:
            pass
        rec.add(Resource(
            src=src, system=acct.system, kind="aws.cloudtrail.trail", resource_id=arn, name=trail.get("Name"),
            region=home, attrs=shapes.trail_attrs(trail, is_logging),
        ))

    return run


def logs_task(caller: Caller, acct: AwsAccount, rec: Recorder, region: str) -> None:
    try:
        groups, _ = caller.pages("aws.logs", "logs", "describe_log_groups", "logGroups", region=region)
    except CallFailed:
        return
    for group, src in groups:
        name = group["logGroupName"]
        arn = group.get("arn") or f"arn:aws:logs:{region}:{acct.account_id}:log-group:{name}"
        rec.add(Resource(
            src=src, system=acct.system, kind="aws.logs.log_group", resource_id=arn, name=name, region=region,
            attrs=shapes.log_group_attrs(group),
        ))


def guardduty_task(caller: Caller, acct: AwsAccount, rec: Recorder, region: str) -> None:
    try:
        ids, first = caller.pages("aws.guardduty", "guardduty", "list_detectors", "DetectorIds", region=region)
    except CallFailed:
        return
    enabled = False
    failed = False
    evidence = first
    for detector_id, _src in ids:
        try:
            det, src = caller.call("aws.guardduty", "guardduty", "get_detector", DetectorId=detector_id, region=region,
                                   name_extra=str(detector_id))
        except CallFailed:
            failed = True
            continue
        status = str((det or {}).get("Status") or "")
        rec.add(Resource(src=src, system=acct.system, kind="aws.guardduty.detector", resource_id=str(detector_id),
                         region=region, attrs={"status": status}))
        if status.upper() == "ENABLED":
            enabled = True
            evidence = src
    if enabled or not failed:
        rec.add(_regional_setting(acct, region, "aws.guardduty.enabled", enabled, evidence))


def config_task(caller: Caller, acct: AwsAccount, rec: Recorder, region: str) -> None:
    try:
        recs, src = caller.call("aws.config", "config", "describe_configuration_recorders", region=region)
        stats, ssrc = caller.call("aws.config", "config", "describe_configuration_recorder_status", region=region)
    except CallFailed:
        return
    status_by_name = {s.get("name"): s for s in (stats or {}).get("ConfigurationRecordersStatus") or []}
    any_recording = False
    for r in (recs or {}).get("ConfigurationRecorders") or []:
        name = r.get("name") or "default"
        st = status_by_name.get(name) or {}
        recording = bool(st.get("recording"))
        any_recording = any_recording or recording
        rec.add(Resource(
            src=ssrc if st else src, system=acct.system, kind="aws.config.recorder",
            resource_id=f"{acct.account_id}/{region}/{name}", name=name, region=region,
            attrs={"recording": recording, "all_supported": bool((r.get("recordingGroup") or {}).get("allSupported")),
                   "last_status": st.get("lastStatus")},
        ))
    rec.add(_regional_setting(acct, region, "aws.config.recorder_recording", any_recording, ssrc))
