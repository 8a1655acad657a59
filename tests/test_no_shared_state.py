"""No module-level mutable state: two assessments in one process (two web requests, two scheduled jobs) share
nothing but read-only data. A module-level container that starts empty, or a ``global`` statement, is state
filled at run time; the few registries that are filled once (under a lock) and then only read are listed here
with what guards them."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "trustgap"

# (module path, name): why it is safe
ALLOWED = {
    ("checks/base.py", "_REGISTRY"): "filled by @check at import, under _LOAD_LOCK; read through a read-only view",
    ("checks/base.py", "_LOADED"): "the read-only view, set once under _LOAD_LOCK",
    ("collectors/registry.py", "_LOADED"): "the read-only collector registry, set once under _LOCK",
    ("evidence/detect.py", "_REGISTRY"): "parsers registered at import, under _LOAD_LOCK; callers get copies",
    ("evidence/detect.py", "_LOADED"): "set once under _LOAD_LOCK",
    ("evidence/mapping_registry.py", "_HOOKS"): "hooks registered at import of the parser modules (under "
                                                "detect's _LOAD_LOCK); callers get a copy",
    ("collectors/aws_session.py", "_LOADER"): "one botocore loader, created once under _LOADER_LOCK",
    ("evidence/parsers/_doc_dates.py", "MONTHS"): "filled by a loop at import time, then only read",
}


def _is_empty_container(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Dict | ast.List | ast.Set):
        return not getattr(node, "keys", getattr(node, "elts", None))
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("dict", "list", "set", "defaultdict", "OrderedDict") and not node.args)


def _module_state(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        if _is_empty_container(value):
            found.extend((node.lineno, t.id) for t in targets if isinstance(t, ast.Name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.extend((node.lineno, name) for name in node.names)
    return found


def test_no_module_level_state_filled_at_run_time() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for line, name in _module_state(path):
            if (rel, name) not in ALLOWED:
                offenders.append(f"src/trustgap/{rel}:{line}: {name}")
    assert not offenders, ("module-level state filled at run time (pass it explicitly, or make it a registry "
                           "loaded once under a lock and listed in ALLOWED with what guards it):\n"
                           + "\n".join(offenders))


def test_the_allowed_registries_still_exist() -> None:
    for rel, name in ALLOWED:
        assert (rel, name) in {(rel, n) for _, n in _module_state(SRC / rel)} or name in (
            SRC / rel).read_text(encoding="utf-8"), f"{rel}: {name} is gone: remove it from ALLOWED"
