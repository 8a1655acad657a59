"""Dependencies between remediation tasks: collected from the bundled data, the catalog (a control comes
after the control that establishes the policy it is documented in) and the scope file; checked for
cycles; and turned into an order that respects them while taking the highest priority first."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from trustgap.catalog.loader import Catalog
from trustgap.errors import InputError
from trustgap.plan.data import Edge, PlanData
from trustgap.plan.settings import PlanSettings

DATA_FILE = "plan/data/dependencies.yaml"


class DependencyCycleError(InputError):
    """The dependency data contains a cycle; ``cycle`` lists it, first node repeated at the end."""

    def __init__(self, cycle: list[str], edges: list[Edge]) -> None:
        self.cycle = cycle
        origins = sorted({e.origin.split(":")[0] for e in edges})
        path = origins[0] if len(origins) == 1 else ", ".join(origins)
        where = "; ".join(f"{e.task} after {e.after} ({e.origin})" for e in edges)
        super().__init__(path, f"dependency cycle {' -> '.join(cycle)} (each must be done before the next, "
                               f"so none can start): {where}")


def collect_edges(data: PlanData, cat: Catalog, settings: PlanSettings) -> list[Edge]:
    """Every dependency edge, deduplicated (first origin wins), sorted."""
    edges: dict[tuple[str, str], Edge] = {}

    def add(e: Edge) -> None:
        if e.task != e.after:
            edges.setdefault((e.task, e.after), e)

    for i, entry in enumerate(data.dependencies.dependencies):
        for after in entry.after:
            add(Edge(entry.task, after, entry.why, f"{DATA_FILE}:{data.dependency_lines.get(i, 0)}"))
    policy_controls = data.dependencies.policy_controls
    for ctl in cat.controls:
        owner = policy_controls.get(ctl.policy or "")
        if owner and owner != ctl.id:
            add(Edge(ctl.id, owner, f"documented in the {ctl.policy.replace('_', ' ')} policy",  # type: ignore[union-attr]
                     "catalog policy"))
    for i, dep in enumerate(settings.dependencies):
        for after in dep.after:
            add(Edge(dep.task, after, dep.why or "set in the scope file", f"scope:plan.dependencies.{i}"))
    return [edges[k] for k in sorted(edges)]


def find_cycle(edges: Iterable[Edge]) -> tuple[list[str], list[Edge]] | None:
    """A cycle in "task after prerequisite" edges, as [prerequisite, ..., prerequisite] in the order the
    work would have to happen, with the edges that form it; None when there is none."""
    before: dict[str, list[Edge]] = defaultdict(list)  # prerequisite -> edges of tasks that follow it
    nodes: set[str] = set()
    for e in edges:
        before[e.after].append(e)
        nodes.update((e.task, e.after))
    for k in before:
        before[k].sort(key=lambda e: e.task)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for start in sorted(nodes):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = [start]
        via: list[Edge] = []
        state[start] = 1
        while stack:
            node, i = stack[-1]
            nxt = before.get(node, [])
            if i >= len(nxt):
                stack.pop()
                path.pop()
                if via:
                    via.pop()
                state[node] = 2
                continue
            stack[-1] = (node, i + 1)
            e = nxt[i]
            if state.get(e.task) == 1:
                at = path.index(e.task)
                return [*path[at:], e.task], [*via[at:], e]
            if not state.get(e.task):
                state[e.task] = 1
                stack.append((e.task, 0))
                path.append(e.task)
                via.append(e)
    return None


def check_acyclic(edges: list[Edge]) -> None:
    found = find_cycle(edges)
    if found:
        raise DependencyCycleError(*found)


def _kahn(prereq: dict[str, set[str]], key: Callable[[str], tuple[Any, ...]]) -> list[str]:
    waiting = {t: len(p) for t, p in prereq.items()}
    followers: dict[str, list[str]] = defaultdict(list)
    for t, ps in prereq.items():
        for p in ps:
            followers[p].append(t)
    ready = [(key(t), t) for t, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, t = heapq.heappop(ready)
        order.append(t)
        for f in followers[t]:
            waiting[f] -= 1
            if waiting[f] == 0:
                heapq.heappush(ready, (key(f), f))
    return order


def priority_order(tasks: Mapping[str, float], edges: Iterable[Edge], tiers: Mapping[str, int] | None = None,
                   ) -> tuple[list[str], dict[str, list[str]], dict[str, float]]:
    """Order ``tasks`` (id -> priority score) so that every task comes after its prerequisites that are
    tasks too, taking the most urgent ready task first. A prerequisite is as urgent as the most urgent
    task waiting for it (its effective score), so a high-priority task is not held up by a low-scoring
    one it depends on. Returns the order, each task's prerequisites among the tasks, and the effective
    scores. ``tiers`` (id -> 1 for a critical risk, else 0) rank before scores: every critical task, and what it
    waits for, is taken before any other. A cycle raises :class:`DependencyCycleError`."""
    edges = list(edges)
    prereq: dict[str, set[str]] = {t: set() for t in tasks}
    for e in edges:
        if e.task in tasks and e.after in tasks:
            prereq[e.task].add(e.after)
    plain = _kahn(prereq, lambda t: (t,))
    if len(plain) != len(tasks):
        found = find_cycle(e for e in edges if e.task in tasks and e.after in tasks)
        assert found is not None
        raise DependencyCycleError(*found)
    effective = dict(tasks)
    tier = {t: (tiers or {}).get(t, 0) for t in tasks}
    for t in reversed(plain):
        for p in prereq[t]:
            effective[p] = max(effective[p], effective[t])
            tier[p] = max(tier[p], tier[t])
    order = _kahn(prereq, lambda t: (-tier[t], -effective[t], -tasks[t], t))
    return order, {t: sorted(p) for t, p in prereq.items()}, effective
