"""Endpoint checks over MDM exports (Intune, Jamf Pro, Kandji read by their specs) and MFA factor strength."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tests.checks.conftest import build_ctx

from trustgap.checks.base import load_checks
from trustgap.checks.endpoints import add_working_days, os_support_table
from trustgap.engine.reconcile import promises_in_text
from trustgap.evidence.ingest import finalize_facts, ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import Account, Device, Person, RiskAcceptance, Src
from trustgap.thresholds import ResolvedThresholds

S = Src("d" * 64, "x")


def _facts(tmp_path: Path, files: dict[str, Any]) -> list[Any]:
    ev = tmp_path / "evidence"
    for name, doc in files.items():
        (ev / name).parent.mkdir(parents=True, exist_ok=True)
        (ev / name).write_text(json.dumps(doc))
    out = ingest_folder(ev, store=EvidenceStore(tmp_path / "store"), as_of=date(2026, 10, 20))
    assert all(i.status == "parsed" for i in out.items), [(i.name, i.status, i.errors) for i in out.items]
    return finalize_facts(out)


def _mdm_exports() -> dict[str, Any]:
    # Intune: GET /deviceManagement/managedDevices (https://learn.microsoft.com/graph/api/intune-devices-manageddevice-list)
    intune = [{"id": f"i-{n}", "deviceName": n, "operatingSystem": "Windows", "osVersion": v, "isEncrypted": enc,
               "complianceState": "compliant" if enc else "noncompliant", "userPrincipalName": f"{n.lower()}@acme.io",
               "userDisplayName": n, "serialNumber": f"SN{n}", "lastSyncDateTime": "2026-10-18T09:00:00Z"}
              for n, v, enc in (("WIN-OK", "10.0.26100.2033", True), ("WIN-PLAIN", "10.0.22631.4317", False),
                                ("WIN-OLD", "10.0.22000.2538", True))]
    # Jamf Pro: GET /api/v1/computers-inventory (https://developer.jamf.com/jamf-pro/reference/get_v1-computers-inventory)
    jamf = {"totalCount": 2, "results": [
        {"id": str(i), "general": {"name": n, "lastContactTime": "2026-10-18T09:00:00Z",
                                   "remoteManagement": {"managed": managed}},
         "diskEncryption": {"bootPartitionEncryptionDetails": {"partitionFileVault2State": state}},
         "userAndLocation": {"username": n.lower(), "realname": n, "email": f"{n.lower()}@acme.io"},
         "operatingSystem": {"name": "macOS", "version": v}}
        for i, (n, state, v, managed) in enumerate((("MAC-FV", "ENCRYPTED", "15.0.1", True),
                                                    ("MAC-NOFV", "UNENCRYPTED", "14.6.1", False)))]}
    # Kandji: GET /api/v1/devices (https://api-docs.kandji.io/)
    kandji = [{"device_id": "k-1", "device_name": "MAC-OLD", "platform": "Mac", "os_version": "12.7.6",
               "serial_number": "C02K", "mdm_enabled": True, "is_removed": False,
               "last_check_in": "2026-10-18T09:00:00Z",
               "user": {"email": "edith@acme.io", "name": "Edith Vasquez", "id": "u1", "is_archived": False}}]
    return {"devices/intune-managed-devices.json": {"value": intune},
            "devices/jamf-computers-inventory.json": jamf, "devices/kandji-devices.json": kandji}


def test_disk_encryption_and_enrolment_from_mdm_exports(tmp_path: Path, run) -> None:  # noqa: ANN001
    facts = _facts(tmp_path, _mdm_exports())
    enc = {e.entity.split(" ")[0]: e.status for e in run("endpoints.disk_encrypted", facts).entities}
    assert enc == {"WIN-OK": "pass", "WIN-PLAIN": "fail", "WIN-OLD": "pass", "MAC-FV": "pass", "MAC-NOFV": "fail"}
    mdm = {e.entity.split(" ")[0]: e.status for e in run("endpoints.mdm_enrolled", facts).entities}
    assert mdm == {"MAC-FV": "pass", "MAC-NOFV": "fail", "MAC-OLD": "pass"}


def test_os_support_from_the_table(tmp_path: Path, run) -> None:  # noqa: ANN001
    facts = _facts(tmp_path, _mdm_exports())
    res = run("endpoints.os_supported", facts, as_of=date(2026, 10, 20))
    by = {e.entity.split(" ")[0]: e for e in res.entities}
    assert by["MAC-OLD"].status == "fail" and "since 2024-09-16" in by["MAC-OLD"].reason
    assert by["WIN-OLD"].status == "fail"  # Windows 11 21H2: no edition supported after 2024-10-08
    assert {k for k, e in by.items() if e.status == "pass"} == {"WIN-OK", "WIN-PLAIN", "MAC-FV", "MAC-NOFV"}
    # Windows 10 22H2 after its end: Extended Security Updates cannot be seen in an export
    w10 = Device(src=S, system="intune", device_id="w10", name="W10", platform="windows", os_version="10.0.19045.5011")
    (e,) = run("endpoints.os_supported", [w10], as_of=date(2026, 10, 20)).entities
    assert e.status == "partial" and e.gap_kind == "insufficient_evidence"
    # a version the table cannot place is not judged; the MDM's own verdict is used when given
    odd = Device(src=S, system="intune", device_id="x", name="ODD", platform="windows", os_version="14.6.1")
    assert run("endpoints.os_supported", [odd]).status == "not_assessed"
    said = Device(src=S, system="mdm", device_id="y", name="TAB", platform="android", os_version="9",
                  os_supported=False)
    assert run("endpoints.os_supported", [said]).status == "fail"
    assert os_support_table()["as_of"]


def test_screen_lock(run) -> None:  # noqa: ANN001
    devs = [Device(src=S, system="mdm", device_id="a", name="A", screen_lock=True, screen_lock_minutes=5),
            Device(src=S, system="mdm", device_id="b", name="B", screen_lock=True, screen_lock_minutes=30),
            Device(src=S, system="mdm", device_id="c", name="C", screen_lock=False),
            Device(src=S, system="mdm", device_id="d", name="D", screen_lock=False, status="retired")]
    res = run("endpoints.screen_lock", devs)
    assert {e.entity: e.status for e in res.entities} == {"A": "pass", "B": "fail", "C": "fail"}
    assert run("endpoints.screen_lock", devs, thresholds={"screen_lock_max_minutes": 30}).failing[0].entity == "C"


def _leaver(email: str, term: date) -> Person:
    return Person(src=S, email=email, name=email.split("@")[0].title(), hire_date=date(2020, 1, 6),
                  termination_date=term, status="terminated")


def test_leaver_devices_returned(run) -> None:  # noqa: ANN001
    people = [_leaver("ann@acme.io", date(2026, 9, 4)), _leaver("bob@acme.io", date(2026, 9, 4)),
              _leaver("cy@acme.io", date(2026, 9, 4)), _leaver("di@acme.io", date(2026, 10, 15)),
              Person(src=S, email="eve@acme.io", name="Eve", hire_date=date(2021, 1, 4))]
    seen = datetime(2026, 10, 12, 9, tzinfo=UTC)
    devs = [Device(src=S, system="jamf", device_id="1", name="ANN-MAC", owner_email="ann@acme.io",
                   returned_on=date(2026, 9, 10)),
            Device(src=S, system="jamf", device_id="2", name="BOB-MAC", owner_email="bob@acme.io", last_seen=seen),
            Device(src=S, system="jamf", device_id="3", name="CY-MAC", owner_email="cy@acme.io"),
            Device(src=S, system="jamf", device_id="4", name="DI-MAC", owner_email="di@acme.io"),  # not due yet
            Device(src=S, system="jamf", device_id="5", name="EVE-MAC", owner_email="eve@acme.io", last_seen=seen),
            Device(src=S, system="jamf", device_id="6", name="X-MAC", owner_email="nobody@acme.io", last_seen=seen)]
    res = run("endpoints.leaver_devices_returned", [*people, *devs], as_of=date(2026, 10, 20))
    by = {e.entity.split(" ")[0]: e for e in res.entities}
    assert set(by) == {"ANN-MAC", "BOB-MAC", "CY-MAC"}
    assert by["ANN-MAC"].status == "pass"
    assert by["BOB-MAC"].status == "fail" and "2026-09-18" in by["BOB-MAC"].reason
    assert by["CY-MAC"].status == "partial" and by["CY-MAC"].gap_kind == "insufficient_evidence"
    assert add_working_days(date(2026, 9, 4), 10) == date(2026, 9, 18)


# ------------------------------------------------------------------------------------------------ MFA


def _entra(tmp_path: Path) -> list[Any]:
    # GET /reports/authenticationMethods/userRegistrationDetails
    # (https://learn.microsoft.com/graph/api/resources/userregistrationdetails): methodsRegistered
    regs = [{"id": f"id-{u}", "userPrincipalName": f"{u}@acme.io", "userDisplayName": u, "userType": "member",
             "isAdmin": False, "isMfaRegistered": bool(m), "isMfaCapable": bool(m), "methodsRegistered": m}
            for u, m in (("maya", ["mobilePhone"]), ("pavel", ["softwareOneTimePasscode"]),
                         ("fiona", ["fido2SecurityKey", "microsoftAuthenticatorPush"]), ("nils", []))]
    return _facts(tmp_path, {"entra/user-registration-details.json": {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/"
                          "userRegistrationDetails", "value": regs}})


def test_factor_strength_against_the_policy(tmp_path: Path, run) -> None:  # noqa: ANN001
    facts = _entra(tmp_path)
    factors = {a.account_id: a.mfa_factors for a in facts if isinstance(a, Account)}
    assert factors["maya@acme.io"] == ("sms",) and factors["fiona@acme.io"] == ("webauthn", "push")
    # no promise: SMS is accepted, said to be the weaker kind
    res = run("mfa.factor_strength", facts)
    assert res.status == "pass" and "weaker" in {e.entity: e for e in res.entities}["maya@acme.io (azuread)"].reason
    # the access control policy refuses SMS and voice
    (promise,) = [p for p in promises_in_text("SMS and voice calls are not accepted as a second factor.",
                                              source="policies/access-control.md", ref=None)
                  if p.key == "mfa_rejected_factors"]
    ctx = build_ctx(facts)
    ctx.thresholds = ResolvedThresholds({}, [promise])
    res = load_checks()["mfa.factor_strength"].run(ctx)
    (bad,) = res.failing
    assert bad.entity == "maya@acme.io (azuread)" and "policies/access-control.md" in bad.reason
    assert {e.entity for e in res.entities} == {"maya@acme.io (azuread)", "pavel@acme.io (azuread)",
                                                "fiona@acme.io (azuread)"}


def test_mfa_exclusions_need_approval_and_expiry(run) -> None:  # noqa: ANN001
    ok = RiskAcceptance(src=S, ref="EX-1", title="MFA exclusion for break-glass", covers=("AC-04", "breakglass"),
                        approved_by="CISO", approved_on=date(2026, 5, 1), expires_on=date(2027, 5, 1),
                        status="approved")
    open_ended = RiskAcceptance(src=S, ref="EX-2", covers=("idp.mfa_enforced",), approved_by="CISO",
                                approved_on=date(2026, 5, 1), status="approved")
    unapproved = RiskAcceptance(src=S, ref="EX-3", covers=("AC-04",), expires_on=date(2027, 1, 1), status="pending")
    other = RiskAcceptance(src=S, ref="RA-9", covers=("AC-19",), approved_by="CTO", expires_on=date(2027, 1, 1))
    res = run("mfa.exclusions_expire", [ok, open_ended, unapproved, other])
    assert {e.entity.split(" ")[0]: e.status for e in res.entities} == {"EX-1": "pass", "EX-2": "fail",
                                                                        "EX-3": "fail"}
    assert run("mfa.exclusions_expire", [other]).status == "not_applicable"
    assert run("mfa.exclusions_expire", []).status == "not_assessed"


def test_type2_lapse_in_an_older_export_is_a_deviation() -> None:
    now = Device(src=S, system="intune", device_id="w1", name="WIN-1", encrypted=True, managed=True)
    before = Device(src=Src("0" * 64, "$.value[0]"), system="intune", device_id="w1", name="WIN-1", encrypted=False,
                    managed=True)
    ctx = build_ctx([now], as_of=date(2026, 10, 20), period=(date(2026, 4, 1), date(2026, 9, 30)))
    ctx.facts.history = {id(now): [(datetime(2026, 6, 1, tzinfo=UTC), before)]}
    checks = load_checks()
    (e,) = checks["endpoints.disk_encrypted"].run(ctx).entities
    assert e.status == "fail" and "2026-06-01" in e.reason and "deviation" in e.reason
    (m,) = checks["endpoints.mdm_enrolled"].run(ctx).entities
    assert m.status == "pass"


def test_policy_sentences_that_refuse_second_factors() -> None:
    def refused(text: str) -> list[str] | None:
        found = [p.value for p in promises_in_text(text, source="p.md", ref=None) if p.key == "mfa_rejected_factors"]
        return found[0] if found else None

    assert refused("Accepted second factors are FIDO2 security keys, Windows Hello, and authenticator apps (push or "
                   "one-time codes); SMS and voice calls are not accepted.") == ["sms", "voice"]
    assert refused("Accepted second factors are authenticator apps and SMS codes.") is None
    assert refused("Only FIDO2 security keys are accepted for administrators.") is None  # not about everyone
    assert refused("Email is not accepted as a second factor.") == ["email"]
    assert refused("Sending customer data by email is not allowed.") is None
    assert refused("Text messages may not be used as a second factor.") == ["sms"]


def test_scope_names_refused_factors_by_their_documented_names(run) -> None:  # noqa: ANN001
    import pytest

    from trustgap.thresholds import Thresholds

    assert Thresholds(mfa_rejected_factors=["SMS", "voice"]).mfa_rejected_factors == ["sms", "voice"]
    with pytest.raises(ValueError, match="unknown second factor"):
        Thresholds(mfa_rejected_factors=["carrier pigeon"])
    sms_only = Account(src=S, system="okta", account_id="u1", email="u1@acme.io", active=True, mfa_enabled=True,
                       mfa_factors=("sms",))
    res = run("mfa.factor_strength", [sms_only], thresholds={"mfa_rejected_factors": ["sms"]})
    assert res.status == "fail" and "(scope)" in res.failing[0].reason


def test_os_table_vouches_for_open_ended_releases_for_a_year_only(run) -> None:  # noqa: ANN001
    mac = Device(src=S, system="jamf", device_id="m", name="MAC-15", os_version="15.1")
    assert run("endpoints.os_supported", [mac], as_of=date(2026, 10, 20)).status == "pass"
    assert run("endpoints.os_supported", [mac], as_of=date(2028, 1, 10)).status == "not_assessed"
    old = Device(src=S, system="jamf", device_id="o", name="MAC-12", os_version="12.7.6")
    assert run("endpoints.os_supported", [old], as_of=date(2028, 1, 10)).status == "fail"


def test_okta_factor_types_are_named_like_the_other_sources(tmp_path: Path) -> None:
    fixtures = Path(__file__).parents[1] / "fixtures" / "evidence" / "identity"
    files = {f"okta/{n}": json.loads((fixtures / n).read_text()) for n in ("okta-users.json", "okta-factors.json")}
    factors = {a.email: a.mfa_factors for a in _facts(tmp_path, files) if isinstance(a, Account)}
    assert factors["alice.ng@acme.example"] == ("webauthn", "push")
    assert factors["ivan.petrov@acme.example"] == ("totp",)
    assert factors["bob.ortiz@acme.example"] == ()
