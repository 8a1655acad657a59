"""Alerts: what changed that a person must act on, sent once, as a digest when there is much of it.

Raised after every snapshot (``alerts.on`` chooses which):

- ``regression``: a control moved down (Implemented > Partial > Gap) since the previous snapshot;
- ``new_finding``: a finding of ``alerts.min_severity`` or worse that the previous snapshot did not have;
- ``expiring``: recurring evidence expired, expires within ``monitor.expiry_warning_days``, or expires
  before the target audit date;
- ``collection_failed``: the snapshot failed, or a source could not be read (the collector's reason).

Each alert has a dedup key; an alert sent less than ``alerts.repeat_after_days`` ago is not sent again (the
``alert_log`` table remembers). More than ``alerts.digest_after`` alerts from one snapshot go out as one
digest. Channels:

- **webhook**: ``POST`` of JSON to ``alerts.webhook.url`` with ``X-Trustgap-Timestamp`` (Unix seconds) and
  ``X-Trustgap-Signature: sha256=<hex>``, the HMAC-SHA256 of ``"<timestamp>.<body>"`` under the secret in
  the environment variable ``alerts.webhook.secret_env``. A receiver recomputes it over the raw body and
  compares in constant time, and refuses old timestamps (replays).
- **slack**: an incoming webhook (https://api.slack.com/messaging/webhooks): ``POST`` of
  ``{"text": ..., "blocks": [...]}`` with ``mrkdwn`` sections to the URL in ``alerts.slack.url_env``
  (the URL embeds Slack's token, so it lives in the environment only).
- **email**: one message over SMTP (STARTTLS or implicit TLS, login from ``username_env`` /
  ``password_env``).

Secrets are read from the environment at send time and never logged: a failed delivery is reported with the
exception type and HTTP status only, never the URL or the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trustgap.engine.models import AssessmentResult
    from trustgap.monitor.config import AlertsConfig, MonitorConfig
    from trustgap.scope import Scope
    from trustgap.store.snapshots import SnapshotRecord, SnapshotStore

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
KIND_TITLES = {"collection_failed": "Collection failed", "regression": "Control regressed",
               "new_finding": "New finding", "expiring": "Evidence expiring"}


@dataclass(frozen=True)
class Alert:
    kind: str
    dedup_key: str
    severity: str
    title: str
    detail: str
    since: str  # ISO date or time the condition was first seen
    control_id: str | None = None
    entity: str | None = None
    run_id: str | None = None
    snapshot_id: str | None = None
    link: str | None = None
    evidence: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["evidence"] = list(self.evidence)
        return d

    def line(self) -> str:
        who = " ".join(x for x in (self.control_id, self.entity) if x)
        return f"[{self.severity}] {KIND_TITLES.get(self.kind, self.kind)}: {who + ': ' if who else ''}{self.detail} " \
               f"(since {self.since})"


@dataclass
class Message:
    organisation: str
    alerts: list[Alert]
    digest: bool
    snapshot_id: str | None
    run_id: str | None
    link: str | None
    created_at: str

    @property
    def subject(self) -> str:
        if self.digest:
            counts: dict[str, int] = {}
            for a in self.alerts:
                counts[a.kind] = counts.get(a.kind, 0) + 1
            parts = ", ".join(f"{n} {KIND_TITLES[k].lower()}" for k, n in sorted(counts.items()))
            return f"trustgap digest for {self.organisation}: {len(self.alerts)} alerts ({parts})"
        a = self.alerts[0]
        who = " ".join(x for x in (a.control_id, a.entity) if x)
        return f"trustgap [{a.severity}] {self.organisation}: {a.title}" + (f" ({who})" if who else "")

    def body(self) -> dict[str, Any]:
        return {"type": "trustgap.digest" if self.digest else "trustgap.alert", "organisation": self.organisation,
                "subject": self.subject, "snapshot": self.snapshot_id, "run_id": self.run_id, "link": self.link,
                "created_at": self.created_at, "alerts": [a.as_dict() for a in self.alerts]}

    def text(self) -> str:
        lines = [self.subject, ""]
        for a in self.alerts:
            lines.append(f"- {a.line()}")
            if a.evidence:
                lines.append(f"  evidence: {', '.join(e[:12] for e in a.evidence[:5])}")
        lines += ["", f"snapshot: {self.snapshot_id}", f"run: {self.run_id}"]
        if self.link:
            lines.append(f"open: {self.link}")
        return "\n".join(lines) + "\n"


@dataclass
class Delivery:
    channel: str
    ok: bool
    detail: str = ""
    messages: int = 0


@dataclass
class AlertPlan:
    alerts: list[Alert] = field(default_factory=list)  # everything detected
    to_send: list[Alert] = field(default_factory=list)  # after deduplication


def detect(snapshot: SnapshotRecord, result: AssessmentResult | None, previous: AssessmentResult | None,
           mon: MonitorConfig, cfg: AlertsConfig, *, link: str | None) -> list[Alert]:
    """Every alert this snapshot raises (before deduplication)."""
    from trustgap.engine.drift import compare
    from trustgap.engine.freshness import evidence_expiry

    out: list[Alert] = []
    common: dict[str, Any] = {"run_id": snapshot.run_id, "snapshot_id": snapshot.id, "link": link}
    when = snapshot.as_of.isoformat()
    if "collection_failed" in cfg.on:
        if snapshot.status == "failed":
            out.append(Alert("collection_failed", f"collection_failed:{snapshot.schedule}", "high",
                             f"Snapshot {snapshot.schedule} failed", snapshot.error or "unknown error", when, **common))
        for issue in snapshot.issues:
            out.append(Alert("collection_failed", f"collection_failed:{issue['source']}", "high",
                             f"Could not collect {issue['source']}", issue["reason"], when,
                             entity=issue["source"], evidence=(issue.get("evidence") or "",), **common))
    if result is None:
        return out
    if previous is not None:
        drift = compare(previous, result, older_id=None, newer_id=snapshot.run_id)
        if "regression" in cfg.on:
            for ch in drift.regressions:
                sev = result.verdict(ch.control_id).severity
                out.append(Alert("regression", f"regression:{ch.control_id}:{ch.after}", sev,
                                 f"{ch.control_id} regressed to {ch.after}",
                                 f"{ch.title}: {ch.before} -> {ch.after}: {ch.reason}", when,
                                 control_id=ch.control_id, **common))
        new = drift.new_findings
    else:
        new = list(result.findings)
    if "new_finding" in cfg.on:
        limit = SEVERITY_RANK[cfg.min_severity]
        for f in new:
            if SEVERITY_RANK.get(f.severity, 9) <= limit:
                out.append(Alert("new_finding", f"finding:{f.id}", f.severity, f.title, f.reason, when,
                                 control_id=f.control_id, entity=f.entity,
                                 evidence=tuple(e.sha256 for e in f.evidence), **common))
    if "expiring" in cfg.on:
        for e in evidence_expiry(result, warn_days=mon.expiry_warning_days):
            if e.state == "fresh":
                continue
            verb = {"expired": "expired on", "expiring": "expires on",
                    "expires_before_audit": "expires before the audit, on"}[e.state]
            detail = (f"{e.entity}: last on {e.last_on}, {verb} {e.expires_on} ({e.cadence_months}-month cadence, "
                      f"{e.cadence_from})")
            sev = "high" if e.state == "expired" else "medium"
            out.append(Alert("expiring", f"expiring:{e.control_id}:{e.entity}:{e.expires_on}", sev,
                             f"{e.control_id} evidence {e.state.replace('_', ' ')}", detail, e.last_on.isoformat(),
                             control_id=e.control_id, entity=e.entity, **common))
    return out


def deduplicate(alerts: list[Alert], sent_at: Mapping[str, datetime], *, now: datetime, repeat_after: timedelta
                ) -> list[Alert]:
    seen: set[str] = set()
    out = []
    for a in alerts:
        last = sent_at.get(a.dedup_key)
        if a.dedup_key in seen or (last is not None and now - last < repeat_after):
            continue
        seen.add(a.dedup_key)
        out.append(a)
    return out


def messages_for(organisation: str, alerts: list[Alert], cfg: AlertsConfig, *, snapshot_id: str | None,
                 run_id: str | None, link: str | None, now: datetime) -> list[Message]:
    ordered = sorted(alerts, key=lambda a: (SEVERITY_RANK.get(a.severity, 9), a.kind, a.dedup_key))
    stamp = now.isoformat()
    if len(ordered) > cfg.digest_after:
        return [Message(organisation, ordered, True, snapshot_id, run_id, link, stamp)]
    return [Message(organisation, [a], False, snapshot_id, run_id, link, stamp) for a in ordered]


# -- channels ------------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def verify_signature(secret: str, timestamp: str, body: bytes, header: str, *, max_age_seconds: int = 300,
                     now: float | None = None) -> bool:
    """What a receiver does: recompute, compare in constant time, refuse stale timestamps."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        return False
    return age <= max_age_seconds and hmac.compare_digest(sign(secret, timestamp, body), header)


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float, transport: Any = None) -> str | None:
    import httpx

    try:
        with httpx.Client(timeout=timeout, transport=transport, follow_redirects=False) as client:
            resp = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return type(exc).__name__  # never the URL: a Slack URL is a credential
    if resp.status_code >= 300:
        return f"HTTP {resp.status_code}"
    return None


def send_webhook(cfg: AlertsConfig, messages: list[Message], env: Mapping[str, str], transport: Any = None
                 ) -> Delivery:
    assert cfg.webhook is not None
    secret = env.get(cfg.webhook.secret_env)
    if not secret:
        return Delivery("webhook", False, f"no signing secret in ${cfg.webhook.secret_env}; nothing sent")
    errors = []
    for m in messages:
        body = json.dumps(m.body(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        err = _post(cfg.webhook.url, body, {"Content-Type": "application/json", "X-Trustgap-Timestamp": stamp,
                                            "X-Trustgap-Signature": sign(secret, stamp, body),
                                            "User-Agent": "trustgap-alerts"},
                    cfg.webhook.timeout_seconds, transport)
        if err:
            errors.append(err)
    return Delivery("webhook", not errors, "; ".join(errors), len(messages) - len(errors))


def slack_payload(m: Message) -> dict[str, Any]:
    def esc(s: str) -> str:  # Slack mrkdwn escapes only these three
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    lines = [f"*{esc(m.subject)}*"]
    lines += [f"• {esc(a.line())}" for a in m.alerts[:40]]
    if len(m.alerts) > 40:
        lines.append(f"… and {len(m.alerts) - 40} more")
    footer = f"snapshot `{m.snapshot_id}` · run `{m.run_id}`" + (f" · <{m.link}|open>" if m.link else "")
    return {"text": m.subject,
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:2900]}},
                       {"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]}]}


def send_slack(cfg: AlertsConfig, messages: list[Message], env: Mapping[str, str], transport: Any = None
               ) -> Delivery:
    assert cfg.slack is not None
    url = env.get(cfg.slack.url_env)
    if not url:
        return Delivery("slack", False, f"no webhook URL in ${cfg.slack.url_env}; nothing sent")
    errors = []
    for m in messages:
        body = json.dumps(slack_payload(m), ensure_ascii=False).encode()
        err = _post(url, body, {"Content-Type": "application/json"}, cfg.slack.timeout_seconds, transport)
        if err:
            errors.append(err)
    return Delivery("slack", not errors, "; ".join(errors), len(messages) - len(errors))


def send_email(cfg: AlertsConfig, messages: list[Message], env: Mapping[str, str]) -> Delivery:
    e = cfg.email
    assert e is not None
    user = env.get(e.username_env) if e.username_env else None
    password = env.get(e.password_env) if e.password_env else None
    try:
        smtp: smtplib.SMTP = (smtplib.SMTP_SSL(e.host, e.port, timeout=e.timeout_seconds,
                                               context=ssl.create_default_context()) if e.ssl
                              else smtplib.SMTP(e.host, e.port, timeout=e.timeout_seconds))
        with smtp:
            if e.starttls and not e.ssl:
                smtp.starttls(context=ssl.create_default_context())
            if user and password:
                smtp.login(user, password)
            for m in messages:
                msg = EmailMessage()
                msg["Subject"] = m.subject
                msg["From"] = e.sender
                msg["To"] = ", ".join(e.to)
                msg["X-Trustgap-Snapshot"] = m.snapshot_id or ""
                msg.set_content(m.text())
                smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        return Delivery("email", False, type(exc).__name__)
    return Delivery("email", True, "", len(messages))


def deliver(cfg: AlertsConfig, messages: list[Message], env: Mapping[str, str], transport: Any = None
            ) -> list[Delivery]:
    out = []
    if cfg.webhook is not None:
        out.append(send_webhook(cfg, messages, env, transport))
    if cfg.slack is not None:
        out.append(send_slack(cfg, messages, env, transport))
    if cfg.email is not None:
        out.append(send_email(cfg, messages, env))
    return out


def notify_snapshot(snaps: SnapshotStore, snapshot: SnapshotRecord, scope: Scope, mon: MonitorConfig,
                    cfg: AlertsConfig, *, store_url: str, env: Mapping[str, str] | None, now: datetime,
                    transport: Any = None) -> tuple[list[Alert], list[str]]:
    """Detect, deduplicate, send and log the alerts of a finished (or failed) snapshot."""
    import os

    from trustgap.store.runs import RunStore

    if not cfg.channels:
        return [], []
    result = previous = None
    if snapshot.run_id is not None:
        with RunStore.open(store_url) as runs:
            _, result = runs.get(snapshot.run_id)
            prev = snaps.previous_finished(snapshot.organisation, snapshot.scheduled_for)
            if prev is not None and prev.run_id is not None:
                _, previous = runs.get(prev.run_id)
    link = cfg.link.replace("{run_id}", snapshot.run_id or "") if cfg.link else None
    found = detect(snapshot, result, previous, mon, cfg, link=link)
    sent_at = snaps.alert_sent_at(snapshot.organisation, [a.dedup_key for a in found])
    todo = deduplicate(found, sent_at, now=now, repeat_after=timedelta(days=cfg.repeat_after_days))
    if not todo:
        return [], []
    messages = messages_for(scope.organisation.name, todo, cfg, snapshot_id=snapshot.id, run_id=snapshot.run_id,
                            link=link, now=now)
    deliveries = deliver(cfg, messages, env if env is not None else os.environ, transport)
    if any(d.ok for d in deliveries):
        snaps.record_alerts(snapshot.organisation, [(a.dedup_key, a.kind) for a in todo], now=now,
                            snapshot_id=snapshot.id)
    return todo, [f"{d.channel}: {'sent ' + str(d.messages) if d.ok else 'failed: ' + d.detail}" for d in deliveries]
