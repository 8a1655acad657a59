"""A broken copy of the catalog data fails with an InputError naming the file, line and field."""

from __future__ import annotations

import pytest

from trustgap.catalog.loader import bundled_sources, load_catalog, parse_catalog
from trustgap.errors import InputError


def sources(**edits: tuple[str, str]) -> dict[str, tuple[str, str]]:
    """The bundled files, with ``file_stem=(old, new)`` replaced once in that file."""
    out = bundled_sources()
    for stem, (old, new) in edits.items():
        name = f"{stem}.yaml" if f"{stem}.yaml" in out else f"frameworks/{stem}.yaml"
        path, text = out[name]
        assert old in text, f"{old!r} not in {name}"
        out[name] = (path, text.replace(old, new, 1))
    return out


def line_of(name: str, needle: str) -> int:
    text = bundled_sources()[name][1]
    return text[: text.index(needle)].count("\n") + 1


def error(**edits: tuple[str, str]) -> InputError:
    with pytest.raises(InputError) as info:
        parse_catalog(sources(**edits))
    return info.value


def test_unchanged_copy_is_valid() -> None:
    assert len(parse_catalog(sources()).controls) == len(load_catalog().controls)


def test_yaml_syntax_error_names_file_and_line() -> None:
    needle = "  - id: AC-04\n"
    err = error(controls=(needle, "  - id: AC-04\n    title: [unclosed\n"))
    assert err.path == "catalog/data/controls.yaml"
    assert err.line is not None and abs(err.line - line_of("controls.yaml", needle)) <= 3
    assert "not valid YAML" in err.message


def test_unknown_criterion_names_the_line_and_field() -> None:
    needle = "    criteria: [CC6.2, CC6.3]\n    evidence:\n      - access review records"
    err = error(controls=(needle, needle.replace("CC6.2", "CC6.9")))
    assert err.path == "catalog/data/controls.yaml"
    assert err.line == line_of("controls.yaml", needle)
    assert err.field is not None and err.field.endswith(".criteria.0")
    assert "AC-08: unknown criterion CC6.9" in err.message


def test_missing_field_is_reported_with_its_control() -> None:
    needle = "  - id: GOV-01\n    title: Code of conduct adopted and acknowledged\n"
    err = error(controls=(needle, "  - id: GOV-01\n"))
    assert err.path == "catalog/data/controls.yaml"
    assert err.field == "controls.0.title"
    assert err.line == line_of("controls.yaml", needle)
    assert "required" in err.message.lower()


def test_bad_enum_value_names_the_field() -> None:
    needle = "    effort: S\n    severity: medium\n    criteria: [CC1.1]\n"
    err = error(controls=(needle, needle.replace("medium", "urgent")))
    assert err.field == "controls.0.severity"
    assert err.line == line_of("controls.yaml", needle) + 1


def test_uncovered_criterion_is_refused() -> None:
    needle = "    criteria: [P7.1]\n"
    err = error(controls=(needle, "    criteria: [P8.1]\n"))
    assert "not covered by any control: P7.1" in err.message
    assert err.path == "catalog/data/controls.yaml"


def test_unknown_framework_id_and_policy_key() -> None:
    err = error(iso27001=("  GOV-01: [A.5.1, A.6.2]\n", "  GOV-01: [A.5.1, A.5.99]\n"))
    assert "GOV-01: unknown ISO/IEC 27001:2022 Annex A requirement A.5.99" in err.message
    assert (err.path, err.field) == ("catalog/frameworks/iso27001.yaml", "mapping.GOV-01.1")
    err = error(nist_csf=("  GOV-01: [", "  GOV-99: ["))
    assert "unknown control GOV-99" in err.message and err.line == line_of("frameworks/nist_csf.yaml", "  GOV-01: [")
    err = error(controls=("    policy: code_of_conduct\n", "    policy: ethics\n"))
    assert "unknown policy key ethics" in err.message and err.field == "controls.0.policy"


def test_criteria_out_of_order_or_missing() -> None:
    err = error(criteria=("  - id: CC1.2\n", "  - id: CC1.9\n"))
    assert err.path == "catalog/data/criteria.yaml"
    assert "CC1.2" in err.message and "CC1.9" in err.message


def test_version_mismatch_and_duplicate_top_level_key() -> None:
    err = error(controls=('version: "2026.1"', 'version: "1999.1"'))
    assert err.path == "catalog/data/controls.yaml" and err.field == "version"
    err = error(controls=("controls:\n", "roles: []\ncontrols:\n"))
    assert err.path == "catalog/data/controls.yaml" and "'roles' is already defined" in err.message


def test_a_mapping_written_on_a_control_points_to_the_framework_file() -> None:
    """Mappings are kept once, in the framework's file: a control listing them itself is refused, saying where."""
    err = error(controls=("    criteria: [CC1.1]\n", "    criteria: [CC1.1]\n"
                                                  "    iso27001: [A.5.1]\n"))
    assert err.path == "catalog/data/controls.yaml" and err.field.endswith(".iso27001")
    assert "catalog/frameworks/iso27001.yaml" in err.message
    err = error(iso27001=("id: iso27001", "id: iso"))
    assert err.field == "id" and "file's name" in err.message


def test_framework_catalog_entries_are_checked() -> None:
    err = error(iso27001=('{id: A.6.1, title: "Screening", group: People}',
                          '{id: A.6.1, title: "Screening", group: Physical}'))
    assert "People theme" in err.message and err.field == "requirements.37.group"
    err = error(nist_csf=('{id: RC.CO-04, group: RC.CO,', '{id: RC.CO-03, group: RC.CO,'))
    assert "duplicate id RC.CO-03" in err.message
