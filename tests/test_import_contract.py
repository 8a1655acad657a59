"""The floors of trustgap, checked on every test run: a module imports only from its own floor or below.

Data flows one way (docs/architecture in README and /docs): evidence and facts at the bottom, checks over
facts, the engine over check results, then what is computed from verdicts (plan, reports, the store), the
one orchestration (``assessment.py``), and the faces on top. Every import counts, including those inside
functions (lazy imports are still dependencies) and those only for type checking.

A new module must be placed in ``FLOORS`` (a module is placed by its longest listed prefix, so a new module
inside an existing package is placed already); the test says where to add one that is not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# Lowest floor first. Each entry: floor name, module prefixes on it. A module may import from its floor and
# the floors below. To place a new package or top-level module, add its dotted name to the fitting floor.
FLOORS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", (
        "trustgap.__init__",  # the version
        "trustgap.errors", "trustgap.dates", "trustgap.yamlfile", "trustgap.config",
        "trustgap.facts", "trustgap.identity",  # typed facts and the identity graph over them
        "trustgap.thresholds", "trustgap.answers",
        "trustgap.engine.models",  # the result model: its own low floor that everything above reads
        "trustgap.evidence.limits",  # the size/time limits every reader obeys (YAML files included)
    )),
    ("inputs", (
        "trustgap.catalog",
        "trustgap.scope", "trustgap.plan.settings", "trustgap.monitor.config",  # the scope file and its sections
        "trustgap.starter",
        "trustgap.evidence",
        "trustgap.conflicts",  # one fact seen by several exports: which one is kept
    )),
    ("collection", ("trustgap.collectors",)),
    ("checks", ("trustgap.checks",)),
    ("engine", ("trustgap.engine",)),
    ("results", (
        "trustgap.plan", "trustgap.report", "trustgap.store", "trustgap.policies", "trustgap.interview",
    )),
    ("orchestration", (
        "trustgap.assessment", "trustgap.assessment_interview",
        "trustgap.policies.workspace",  # the policy workspace of an organisation folder (reads it as a run does)
        "trustgap.demo",
        # Type II over the period and the trend read stored runs and snapshots and re-read the organisation's
        # inputs: computed here, shown by the faces (the report's monitoring section is built here too)
        "trustgap.monitor.trend", "trustgap.monitor.period", "trustgap.monitor.render", "trustgap.report.monitoring",
    )),
    ("faces", (
        "trustgap.__main__", "trustgap.cli", "trustgap.cli_", "trustgap.web", "trustgap.monitor",
    )),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts)


def floor_of(module: str) -> int | None:
    """Index of the floor of ``module`` (longest matching prefix; ``trustgap.cli_`` matches ``cli_plan``)."""
    best: tuple[int, int] | None = None
    for i, (_, prefixes) in enumerate(FLOORS):
        for p in prefixes:
            matches = module == p or module.startswith(p + ".") or (p.endswith("_") and module.startswith(p))
            if matches and (best is None or len(p) > best[0]):
                best = (len(p), i)
    return None if best is None else best[1]


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every ``trustgap`` import of a file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module.rsplit(".", 1)[0] if not module.endswith("__init__") else module.rsplit(".", 1)[0]
    if path.name == "__init__.py":
        package = module.rsplit(".", 1)[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "trustgap")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name.split(".")[0] != "trustgap":
                continue
            # "from trustgap.engine import models" imports the module trustgap.engine.models
            for a in node.names:
                out.append((node.lineno, f"{name}.{a.name}" if _is_module(f"{name}.{a.name}") else name))
    return out


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (SRC / rel).with_suffix(".py").is_file() or (SRC / rel / "__init__.py").is_file()


def _target(name: str) -> str:
    """A package import stands for its ``__init__``."""
    rel = Path(*name.split("."))
    return f"{name}.__init__" if (SRC / rel / "__init__.py").is_file() else name


def all_modules() -> list[tuple[Path, str]]:
    return sorted((p, module_name(p)) for p in (SRC / "trustgap").rglob("*.py"))


def test_every_module_has_a_floor() -> None:
    unplaced = [m for _, m in all_modules() if floor_of(m) is None]
    names = ", ".join(f for f, _ in FLOORS)
    assert not unplaced, (
        f"modules on no floor: {', '.join(unplaced)}. Add each (or its package) to FLOORS in "
        f"tests/test_import_contract.py, on the lowest floor whose modules it imports ({names}, lowest first)")


def test_no_module_imports_from_a_higher_floor() -> None:
    upward: list[str] = []
    for path, module in all_modules():
        own = floor_of(module)
        if own is None:
            continue  # reported by test_every_module_has_a_floor
        for line, name in imports_of(path, module):
            target = floor_of(_target(name))
            if target is None:
                target = floor_of(name)
            if target is not None and target > own:
                rel = path.relative_to(SRC).as_posix()
                upward.append(f"{rel}:{line}: {module} ({FLOORS[own][0]}) imports {name} ({FLOORS[target][0]})")
    assert not upward, "imports from a higher floor:\n" + "\n".join(upward)


@pytest.mark.parametrize(("module", "floor"), [
    ("trustgap.checks.some_new_domain", "checks"),
    ("trustgap.evidence.limits", "foundation"),
    ("trustgap.evidence.folder", "inputs"),
    ("trustgap.evidence.cache", "inputs"),
    ("trustgap.web.routes.some_page", "faces"),
    ("trustgap.cli_something", "faces"),
    ("trustgap.engine.models", "foundation"),
    ("trustgap.engine.evaluate", "engine"),
])
def test_new_modules_of_known_packages_are_placed(module: str, floor: str) -> None:
    index = floor_of(module)
    assert index is not None and FLOORS[index][0] == floor


def test_an_unknown_top_level_module_is_not_placed() -> None:
    assert floor_of("trustgap.brand_new_module") is None
