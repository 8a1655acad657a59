"""The scope file's ``plan:`` section, read by the plan: the model lives with the scope file
(:mod:`trustgap.scope_plan`, so that loading a scope never imports the plan)."""

from trustgap.scope_plan import PHASES as PHASES
from trustgap.scope_plan import Decision as Decision
from trustgap.scope_plan import ManualRisk as ManualRisk
from trustgap.scope_plan import PlanSettings as PlanSettings
from trustgap.scope_plan import RiskMatrix as RiskMatrix
from trustgap.scope_plan import parse_plan_settings as parse_plan_settings
