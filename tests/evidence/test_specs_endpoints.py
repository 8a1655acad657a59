"""Endpoint management exports read by their format specs: Microsoft Intune (Graph managedDevices, v1.0 pages and a
beta $select answer), Jamf Pro (computers inventory with every section, and with the encryption section only) and
Kandji (list devices, flags as booleans and as 1 / 0)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import CollectionIssue, Device

FIX = Path(__file__).parent.parent / "fixtures"
FILES = {
    "intune_managed_devices": ("intune/managed-devices-v1.json", "intune/managed-devices-beta-select.json"),
    "jamf_pro_computers_inventory": ("jamf/computers-inventory-all-sections.json",
                                     "jamf/computers-inventory-encryption-only.json"),
    "kandji_devices": ("kandji/devices-2023.json", "kandji/devices-2025.json"),
}


def run(fmt: str, data: bytes, path: str) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    return parse_with(load_parsers()[fmt], data, ParseContext(ref=ref, path=path, as_of=date(2026, 3, 1)))


def devices(fmt: str, rel: str) -> dict[str, Device]:
    res = run(fmt, (FIX / rel).read_bytes(), rel)
    assert res.errors == [], res.errors
    return {d.name or d.device_id: d for d in res.facts if isinstance(d, Device)}


@pytest.mark.parametrize(("fmt", "rel"), [(f, r) for f, rels in FILES.items() for r in rels])
def test_recognised_by_content(fmt: str, rel: str) -> None:
    parser = recognise((FIX / rel).read_bytes(), "export.json")
    assert parser is not None and parser.name == fmt


def test_intune_pages_and_select() -> None:
    got = devices("intune_managed_devices", "intune/managed-devices-v1.json")
    assert set(got) == {"HB-LT-0412", "ELI-MBP", "FAY-LT"}  # two pages written back to back
    eli = got["ELI-MBP"]
    assert (eli.system, eli.owner_email, eli.platform, eli.encrypted, eli.compliant) == (
        "intune", "eli@acme.io", "macos", False, False)
    assert eli.last_seen == datetime(2026, 2, 26, 17, 40, 2, tzinfo=UTC) and eli.serial == "C02FK3ZZQ6L4"
    fay = got["FAY-LT"]
    assert fay.compliant is False and fay.managed is True  # in its grace period, being retired
    assert got["HB-LT-0412"].os_version == "10.0.22631.3155" and got["HB-LT-0412"].screen_lock is None
    beta = devices("intune_managed_devices", "intune/managed-devices-beta-select.json")
    assert beta["HAL-IPAD"].platform == "ios" and beta["HAL-IPAD"].encrypted is True


def test_jamf_file_vault_states_and_sections() -> None:
    got = devices("jamf_pro_computers_inventory", "jamf/computers-inventory-all-sections.json")
    assert got["DANA-MBP"].encrypted is True and got["DANA-MBP"].owner_email == "dana@acme.io"
    assert got["GUS-MBA"].encrypted is False and got["GUS-MBA"].firewall is False
    assert got["HAL-MBP"].encrypted is False  # RESTART_NEEDED: not yet protected
    assert got["DANA-MBP"].os_version == "14.3.1" and got["DANA-MBP"].platform == "macos"
    only = devices("jamf_pro_computers_inventory", "jamf/computers-inventory-encryption-only.json")
    ivy = only["IVY-MBP"]
    assert ivy.encrypted is True and ivy.owner_email is None and ivy.os_version is None  # section not asked for


def test_kandji_booleans_and_integers() -> None:
    old = devices("kandji_devices", "kandji/devices-2023.json")
    eli = old["Eli's MacBook Air"]
    assert (eli.owner_email, eli.managed, eli.status, eli.encrypted) == ("eli@acme.io", True, "active", None)
    assert old["Lab iPhone"].owner_email is None and old["Lab iPhone"].platform == "ios"
    new = devices("kandji_devices", "kandji/devices-2025.json")
    fay = new["Fay's MacBook Pro"]
    assert (fay.managed, fay.status, fay.os_version) == (False, "removed", "13.6.3")


def test_a_bad_value_is_named_with_its_record_and_the_rest_is_read() -> None:
    doc: dict[str, Any] = json.loads((FIX / "jamf/computers-inventory-all-sections.json").read_text())
    doc["results"][1]["general"]["lastContactTime"] = "last week"
    del doc["results"][2]["id"]
    res = run("jamf_pro_computers_inventory", json.dumps(doc).encode(), "jamf.json")
    assert any("lastContactTime" in (e.field or "") for e in res.errors)
    assert any("jamf.json" in str(e) for e in res.errors)
    assert {d.name for d in res.facts if isinstance(d, Device)} == {"DANA-MBP", "GUS-MBA"}
    assert [i.source for i in res.facts if isinstance(i, CollectionIssue)] == ["endpoints"]
