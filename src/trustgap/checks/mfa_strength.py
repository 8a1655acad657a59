"""MFA factor strength and MFA exclusions.

Factor strength: an account whose registered second factors are all of a kind the organisation does not accept
(``mfa_rejected_factors``: a policy line such as "SMS and voice calls are not accepted", an interview answer or the
scope file) is a gap against that promise. With no such promise nothing is rejected (most audits accept any second
factor) and a text-message or voice-only account passes, its reason saying the factor is the weaker kind: codes
sent by text or call can be intercepted or redirected (SIM swap), unlike an authenticator app (TOTP), a push
approval or a FIDO2 / WebAuthn key. Only accounts whose export lists their factors are judged; accounts without
any second factor are judged by the MFA checks of ``identity``.

MFA exclusions: a documented exception that exempts accounts from MFA (a risk acceptance or security exception
whose ``covers`` names an MFA control or check) must be approved and carry an expiry date, so that exclusions
end instead of becoming permanent.
"""

from __future__ import annotations

from trustgap.checks._util import account_label, is_human, srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Account, RiskAcceptance, system_kind

WEAKER = frozenset({"sms", "voice", "email"})
MFA_COVERS = ("AC-04", "AC-05", "idp.mfa_enforced", "mfa.", "admins.mfa_enabled", "github.org_2fa_required")
REFUSED_STATUSES = frozenset({"rejected", "denied", "declined", "pending", "draft", "requested", "withdrawn",
                              "cancelled", "canceled"})


def _names(factors: frozenset[str]) -> str:
    return ", ".join(sorted(factors))


@check(
    id="mfa.factor_strength",
    title="Accounts use second factors the organisation accepts",
    controls=("AC-04",),
    criteria=("CC6.1",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Have the users named register an accepted factor (authenticator app, push, FIDO2 key or platform "
    "passkey), then remove text-message and voice methods from the identity provider's authentication-methods "
    "policy so they cannot be used on their own.",
    sources=("google.users", "okta.users", "azuread.users"),
    thresholds=("mfa_rejected_factors",),
)
def factor_strength(ctx: CheckContext) -> CheckResult:
    rejected = frozenset(str(f).strip().lower() for f in ctx.thresholds.mfa_rejected_factors or ())
    tv = ctx.thresholds.get("mfa_rejected_factors")
    said = f" ({tv.promise.cited})" if tv.promise is not None else " (scope)" if tv.origin == "scope" else ""
    wanted = set(ctx.mfa_systems)
    entities = []
    for a in ctx.facts.of(Account):
        if not a.mfa_factors or not is_human(a) or a.active is False:
            continue
        if wanted and system_kind(a.system) not in wanted:
            continue
        factors = frozenset(a.mfa_factors) - {"security_question", "temporary_access_pass"}
        if not factors:
            continue
        accepted = factors - rejected
        label = account_label(a)
        if not accepted:
            entities.append(EntityResult("account", label, "fail",
                                         f"only {_names(factors)} registered, which the organisation does not accept "
                                         f"as a second factor{said}", srcs(a),
                                         measured={"factors": sorted(factors)}))
        elif accepted <= WEAKER:
            entities.append(EntityResult("account", label, "pass",
                                         f"only {_names(accepted)} registered: accepted, but weaker than an "
                                         "authenticator app, push or security key", srcs(a)))
        else:
            entities.append(EntityResult("account", label, "pass", f"registered: {_names(factors)}", srcs(a)))
    return ctx.result(entities, empty="no export lists the second factors accounts registered")


def is_mfa_exception(r: RiskAcceptance) -> bool:
    return any(c.strip().startswith(MFA_COVERS) or "mfa" in c.strip().lower() for c in r.covers) or \
        "mfa" in (r.title or "").lower() or "multi-factor" in (r.title or "").lower()


@check(
    id="mfa.exclusions_expire",
    title="Exclusions from MFA are approved and expire",
    controls=("AC-04",),
    criteria=("CC6.1",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Give every MFA exclusion (break-glass accounts, service logins) an approver and an end date, "
    "review it before it ends, and remove accounts from the exclusion group when it does.",
    sources=("records.exceptions",),
)
def exclusions_expire(ctx: CheckContext) -> CheckResult:
    entities = []
    for r in ctx.facts.of(RiskAcceptance):
        if not is_mfa_exception(r):
            continue
        what = f"{r.ref}" + (f" ({', '.join(r.covers)})" if r.covers else "")
        status = (r.status or "").strip().lower()
        if status in REFUSED_STATUSES or not (r.approved_by or r.approved_on):
            entities.append(EntityResult("exception", what, "fail", f"MFA exclusion {r.ref} has no recorded approval"
                                         + (f" (status {r.status})" if r.status else ""), srcs(r),
                                         gap_kind="not_operating"))
        elif r.expires_on is None:
            entities.append(EntityResult("exception", what, "fail", f"MFA exclusion {r.ref} has no expiry date: it "
                                         "never ends", srcs(r), gap_kind="not_operating"))
        else:
            state = "expired" if r.expires_on < ctx.evaluation_end else "expires"
            entities.append(EntityResult("exception", what, "pass", f"approved by {r.approved_by or '?'}; {state} on "
                                         f"{r.expires_on.isoformat()}", srcs(r)))
    if not entities:
        if ctx.facts.of(RiskAcceptance):
            return ctx.not_applicable("no documented exclusions from MFA")
        return ctx.not_assessed("no register of security exceptions in the evidence")
    return ctx.result(entities)
