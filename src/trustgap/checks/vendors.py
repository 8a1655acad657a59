"""Vendors: an inventory with tiers, assurance for critical vendors, DPAs, periodic reviews."""

from __future__ import annotations

from datetime import date

from trustgap.checks._util import latest_by_subject, srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Vendor

TIERS = frozenset({"critical", "high", "medium", "low"})
HIGH_TIERS = frozenset({"critical", "high"})


def _vendors(ctx: CheckContext) -> list[Vendor]:
    return ctx.facts.of(Vendor)


@check(
    id="vendors.inventory_tiered",
    title="Every vendor in the inventory has a risk tier",
    controls=("VND-02",),
    criteria=("CC9.2",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Give every vendor a tier (critical, high, medium, low) based on the data it touches and how "
    "much the service depends on it; the tier decides what assurance is collected.",
    sources=("vendors",),
)
def inventory_tiered(ctx: CheckContext) -> CheckResult:
    vendors = _vendors(ctx)
    if not vendors:
        return ctx.not_assessed("no vendor inventory in the evidence")
    entities = []
    for v in vendors:
        tier = (v.tier or "").strip().lower()
        if tier in TIERS:
            entities.append(EntityResult("vendor", v.name, "pass", f"tier {tier}", srcs(v)))
        elif tier:
            entities.append(EntityResult("vendor", v.name, "partial", f"unrecognised tier {v.tier!r}", srcs(v),
                                         gap_kind="insufficient_evidence"))
        else:
            entities.append(EntityResult("vendor", v.name, "fail", "no risk tier", srcs(v), gap_kind="missing"))
    return ctx.result(entities)


@check(
    id="vendors.assurance_current",
    title="Critical and high-tier vendors have a current SOC 2 report or security questionnaire",
    controls=("VND-03",),
    criteria=("CC9.2",),
    severity="high",
    effort="M",
    category="process",
    remediation="Request the latest SOC 2 Type II report (or a completed security questionnaire) from each named "
    "vendor, review its exceptions and complementary user entity controls, and record the review date.",
    sources=("vendors",),
    thresholds=("vendor_assurance_months",),
)
def assurance_current(ctx: CheckContext) -> CheckResult:
    vendors = [v for v in _vendors(ctx) if (v.tier or "").lower() in HIGH_TIERS]
    if not _vendors(ctx):
        return ctx.not_assessed("no vendor inventory in the evidence")
    if not vendors:
        return ctx.not_assessed("no vendor is tiered critical or high")
    months = int(ctx.thresholds.vendor_assurance_months)
    entities = []
    for v in vendors:
        dates = [(d, what) for d, what in ((v.soc2_report_date, "SOC 2 report"),
                                           (v.questionnaire_date, "questionnaire")) if d is not None]
        if not dates:
            entities.append(EntityResult("vendor", v.name, "fail", "no SOC 2 report or questionnaire on record",
                                         srcs(v), gap_kind="missing"))
            continue
        day, what = max(dates)
        if ctx.within(day, months):
            entities.append(EntityResult("vendor", v.name, "pass", f"{what} dated {day.isoformat()}", srcs(v)))
        else:
            entities.append(EntityResult("vendor", v.name, "fail",
                                         f"latest {what} dated {day.isoformat()}, older than {months} months",
                                         srcs(v), gap_kind="stale"))
    return ctx.result(entities)


@check(
    id="vendors.dpa_signed",
    title="Vendors that process customer data have a signed DPA",
    controls=("VND-04",),
    criteria=("CC9.2", "C1.1"),
    severity="high",
    effort="S",
    category="policy",
    remediation="Sign a data processing agreement with each named vendor (most publish one to accept online) "
    "and keep the signed copy with its date.",
    sources=("vendors",),
)
def dpa_signed(ctx: CheckContext) -> CheckResult:
    if not _vendors(ctx):
        return ctx.not_assessed("no vendor inventory in the evidence")
    vendors = [v for v in _vendors(ctx) if v.processes_customer_data is True]
    if not vendors:
        return ctx.not_assessed("the inventory marks no vendor as processing customer data")
    return ctx.result([dpa_result(v, "customer data") for v in vendors])


def dpa_result(v: Vendor, data: str) -> EntityResult:
    """A vendor that processes ``data`` ("customer data", "personal data"): DPA signed, missing, or not said."""
    if v.dpa_signed is True or v.dpa_date is not None:
        when = f" on {v.dpa_date.isoformat()}" if v.dpa_date else ""
        return EntityResult("vendor", v.name, "pass", f"DPA signed{when}", srcs(v))
    if v.dpa_signed is False:
        return EntityResult("vendor", v.name, "fail", f"processes {data} without a DPA", srcs(v), gap_kind="missing")
    return EntityResult("vendor", v.name, "partial", f"processes {data}; DPA status unknown", srcs(v),
                        gap_kind="insufficient_evidence")


@check(
    id="vendors.reviewed_periodically",
    title="Vendors are reviewed within the review cadence",
    controls=("VND-05",),
    criteria=("CC9.2",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Review each vendor at the promised cadence (still needed, tier still right, assurance "
    "current, access still appropriate) and record the date in the inventory.",
    sources=("vendors",),
    thresholds=("vendor_review_months",),
    description="Critical, high and untiered vendors; the review date comes from the inventory or a "
    "vendor_review record naming the vendor.",
)
def reviewed_periodically(ctx: CheckContext) -> CheckResult:
    vendors = [v for v in _vendors(ctx) if (v.tier or "critical").lower() in HIGH_TIERS]
    if not _vendors(ctx):
        return ctx.not_assessed("no vendor inventory in the evidence")
    if not vendors:
        return ctx.not_assessed("no vendor is tiered critical or high")
    reviews = latest_by_subject(ctx.facts, "vendor_review")
    months = int(ctx.thresholds.vendor_review_months)
    entities = []
    for v in vendors:
        candidates: list[date] = [v.last_review_date] if v.last_review_date else []
        recs = reviews.get(v.name.strip().lower(), [])
        if recs:
            candidates.append(recs[0].performed_on)
        if not candidates:
            entities.append(EntityResult("vendor", v.name, "fail", "no review on record", srcs(v, *recs[:1])))
            continue
        last = max(candidates)
        if ctx.within(last, months):
            entities.append(EntityResult("vendor", v.name, "pass", f"reviewed {last.isoformat()}",
                                         srcs(v, *recs[:1])))
        else:
            entities.append(EntityResult("vendor", v.name, "fail",
                                         f"last reviewed {last.isoformat()}, over {months} months ago",
                                         srcs(v, *recs[:1]), gap_kind="stale"))
    return ctx.result(entities)


@check(
    id="vendors.owner_assigned",
    title="Every critical or high-tier vendor has an owner",
    controls=("VND-02",),
    criteria=("CC9.2",),
    severity="low",
    effort="S",
    category="process",
    remediation="Name an internal owner for each vendor who answers for its reviews, renewals and offboarding.",
    sources=("vendors",),
)
def owner_assigned(ctx: CheckContext) -> CheckResult:
    if not _vendors(ctx):
        return ctx.not_assessed("no vendor inventory in the evidence")
    vendors = [v for v in _vendors(ctx) if (v.tier or "critical").lower() in HIGH_TIERS]
    if not vendors:
        return ctx.not_assessed("no vendor is tiered critical or high")
    entities = [
        EntityResult("vendor", v.name, "pass" if v.owner else "fail",
                     f"owned by {v.owner}" if v.owner else "no owner named", srcs(v))
        for v in vendors
    ]
    return ctx.result(entities)
