"""The scope file's ``monitor:`` and ``alerts:`` sections, read by the monitor: the models live with the scope
file (:mod:`trustgap.scope_monitor`, so that loading a scope never imports the monitor)."""

from trustgap.scope_monitor import ALERT_KINDS as ALERT_KINDS
from trustgap.scope_monitor import DEFAULT_REMEDIATION_DAYS as DEFAULT_REMEDIATION_DAYS
from trustgap.scope_monitor import SEVERITIES as SEVERITIES
from trustgap.scope_monitor import SOURCES as SOURCES
from trustgap.scope_monitor import AlertsConfig as AlertsConfig
from trustgap.scope_monitor import EmailConfig as EmailConfig
from trustgap.scope_monitor import MonitorConfig as MonitorConfig
from trustgap.scope_monitor import ScheduleConfig as ScheduleConfig
from trustgap.scope_monitor import SlackConfig as SlackConfig
from trustgap.scope_monitor import WebhookConfig as WebhookConfig
from trustgap.scope_monitor import parse_monitor_settings as parse_monitor_settings
