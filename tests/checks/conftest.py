"""Helpers for check tests: build a CheckContext from facts and run one registered check."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

import pytest

from trustgap.checks.base import CheckContext, CheckResult, load_checks
from trustgap.dates import zone
from trustgap.facts import FactSet
from trustgap.identity import IdentityConfig
from trustgap.thresholds import ResolvedThresholds

MakeCtx = Callable[..., CheckContext]
Run = Callable[..., CheckResult]


def build_ctx(
    facts: Iterable[Any],
    as_of: date = date(2026, 11, 1),
    *,
    period: tuple[date, date] | None = None,
    thresholds: dict[str, Any] | None = None,
    mfa_systems: tuple[str, ...] = (),
    systems: tuple[str, ...] = (),
    owners: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    aliases: dict[str, str] | None = None,
    time_zone: str = "UTC",
    identity_accounts: dict[str, str] | None = None,
    observed: dict[str, datetime] | None = None,
) -> CheckContext:
    config = IdentityConfig(aliases=aliases or {}, accounts=identity_accounts or {},
                            service_accounts=owners or {}, time_zone=zone(time_zone))
    return CheckContext(
        facts=FactSet(facts, identity=config, observed=observed),
        thresholds=ResolvedThresholds(thresholds or {}),
        as_of=as_of,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        systems_in_scope=systems,
        mfa_systems=mfa_systems,
        service_account_owners=owners or {},
        options=options if options is not None else {"categories": ("security",)},
    )


@pytest.fixture
def make_ctx() -> MakeCtx:
    return build_ctx


@pytest.fixture
def run() -> Run:
    registry = load_checks()

    def _run(check_id: str, facts: Iterable[Any] = (), **kwargs: Any) -> CheckResult:
        return registry[check_id].run(build_ctx(facts, **kwargs))

    return _run
