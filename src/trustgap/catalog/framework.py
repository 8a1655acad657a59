"""Frameworks by registry: every ``catalog/frameworks/<id>.yaml`` is one framework (ISO/IEC 27001:2022 Annex A,
NIST CSF 2.0, ...): its id, name and version, its requirements, and the mapping of trustgap's controls to them,
kept there only. The frameworks are found by listing the folder (plus the folder named by
``TRUSTGAP_FRAMEWORKS_DIR``, whose files add frameworks or replace a bundled one with the same id), so a new
framework is a new file: roll-ups, reports and ``trustgap catalog --framework`` pick it up.

Each file is validated on load; errors name the file, line and field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trustgap.errors import InputError
from trustgap.yamlfile import LocatedYaml, load_yaml, validation_error

FRAMEWORKS_FOLDER = "frameworks"
SUFFIXES = (".yaml", ".yml")


class Requirement(BaseModel):
    """One requirement of a framework (an Annex A control, a CSF subcategory)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    group: str  # ISO theme (Organizational / People / Physical / Technological), NIST category, ...


class Framework(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    requirement_label: str = Field("requirements", description="what the report calls its requirements")
    aliases: list[str] = Field(default_factory=list, description="other names accepted on the command line")
    id_pattern: str | None = Field(None, description="regular expression every requirement id matches")
    groups: dict[str, str] = Field(default_factory=dict, description="id prefix -> the group its ids belong to")
    group_is_id_prefix: bool = Field(False, description="a requirement's group is its id up to the '-'")
    requirements: list[Requirement] = Field(min_length=1)
    mapping: dict[str, list[str]] = Field(default_factory=dict, description="control id -> requirement ids")

    def requirements_of(self, control_id: str) -> list[str]:
        return list(self.mapping.get(control_id, []))

    def controls_for(self, requirement_id: str) -> list[str]:
        return [c for c, ids in self.mapping.items() if requirement_id in ids]


def bundled_framework_sources() -> dict[str, tuple[str, str]]:
    """``{"frameworks/<file>": (path shown in errors, text)}`` for the packaged frameworks."""
    root = resources.files("trustgap.catalog") / FRAMEWORKS_FOLDER
    return {f"{FRAMEWORKS_FOLDER}/{e.name}": (f"catalog/{FRAMEWORKS_FOLDER}/{e.name}", e.read_text(encoding="utf-8"))
            for e in sorted(root.iterdir(), key=lambda e: e.name) if e.name.endswith(SUFFIXES)}


def folder_framework_sources(folder: Path) -> dict[str, tuple[str, str]]:
    """The framework files of an extra folder (keys after the bundled ones, so they win on the same id)."""
    if not folder.is_dir():
        raise InputError(str(folder), "frameworks folder not found")
    return {f"{FRAMEWORKS_FOLDER}/+{p.name}": (str(p), p.read_text(encoding="utf-8"))
            for p in sorted(folder.iterdir()) if p.suffix.lower() in SUFFIXES and p.is_file()}


def parse_frameworks(sources: Mapping[str, tuple[str, str]], control_ids: set[str]) -> dict[str, Framework]:
    """Validate every ``frameworks/...`` source; a later file with the id of an earlier one replaces it."""
    out: dict[str, Framework] = {}
    for key in sorted(k for k in sources if k.startswith(f"{FRAMEWORKS_FOLDER}/")):
        fw = parse_framework(load_yaml(*sources[key]), control_ids)
        out[fw.id] = fw
    return dict(sorted(out.items()))


def parse_framework(doc: LocatedYaml, control_ids: set[str]) -> Framework:
    def fail(msg: str, loc: tuple[object, ...]) -> InputError:
        return InputError(doc.path, msg, line=doc.line_of(loc), field=".".join(map(str, loc)) or None)

    if not isinstance(doc.data, dict):
        raise InputError(doc.path, "a framework file is a mapping: id, name, version, requirements, mapping", line=1)
    try:
        fw = Framework.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from None
    stem = Path(doc.path).stem
    if fw.id != stem:
        raise fail(f"the framework id {fw.id!r} must be the file's name ({stem!r})", ("id",))
    pattern = re.compile(fw.id_pattern) if fw.id_pattern else None
    seen: set[str] = set()
    for i, r in enumerate(fw.requirements):
        if r.id in seen:
            raise fail(f"duplicate id {r.id}", ("requirements", i, "id"))
        seen.add(r.id)
        if pattern is not None and not pattern.match(r.id):
            raise fail(f"not a {fw.name} id: {r.id!r}", ("requirements", i, "id"))
        prefix = r.id.rsplit(".", 1)[0]
        if fw.groups and prefix in fw.groups and r.group != fw.groups[prefix]:
            raise fail(f"{r.id} belongs to the {fw.groups[prefix]} theme", ("requirements", i, "group"))
        if fw.group_is_id_prefix and r.id.split("-")[0] != r.group:
            raise fail(f"{r.id} belongs to category {r.id.split('-')[0]}", ("requirements", i, "group"))
    for control, ids in fw.mapping.items():
        if control not in control_ids:
            raise fail(f"unknown control {control} (not in catalog/data/controls.yaml)", ("mapping", control))
        for j, rid in enumerate(ids):
            if rid not in seen:
                raise fail(f"{control}: unknown {fw.name} requirement {rid}", ("mapping", control, j))
            if ids.index(rid) != j:
                raise fail(f"{control}: {rid} listed twice", ("mapping", control, j))
    return fw
