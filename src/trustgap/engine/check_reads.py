"""Views of a run's facts and thresholds that note what a check reads (see :mod:`trustgap.engine.check_cache`).

A check sees the same objects as without them; each kind of fact asked for, the identity graph, each observation
time and each threshold by name is noted, and anything no kind of fact alone accounts for (the reconciled
conflicts, every fact at once, the thresholds as a whole) is noted as :data:`EVERYTHING`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustgap.facts import AccountEvent, FactSet, Person

if TYPE_CHECKING:
    from trustgap.thresholds import ResolvedThresholds

EVERYTHING = "*"


class Reads:
    """What one check read: kinds of facts, thresholds, observation times, or everything."""

    def __init__(self) -> None:
        self.tokens: set[str] = set()

    def add(self, token: str) -> None:
        self.tokens.add(token)


class _TypesView(dict[type, list[Any]]):
    """The run's facts by kind, noting each kind asked for (a walk over all kinds notes everything)."""

    def __init__(self, real: dict[type, list[Any]], reads: Reads) -> None:
        super().__init__()
        self._real = real
        self._reads = reads

    def get(self, cls: Any, default: Any = None) -> Any:  # type: ignore[override]
        self._reads.add(f"type:{cls.__module__}.{cls.__qualname__}")
        return self._real.get(cls, default)

    def __getitem__(self, cls: type) -> list[Any]:
        self._reads.add(f"type:{cls.__module__}.{cls.__qualname__}")
        return self._real[cls]

    def __contains__(self, cls: object) -> bool:
        if isinstance(cls, type):
            self._reads.add(f"type:{cls.__module__}.{cls.__qualname__}")
        return cls in self._real

    def _all(self) -> dict[type, list[Any]]:
        self._reads.add(EVERYTHING)
        return self._real

    def __iter__(self) -> Iterator[type]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def keys(self) -> Any:
        return self._all().keys()

    def values(self) -> Any:
        return self._all().values()

    def items(self) -> Any:
        return self._all().items()


class _ObservedView(Mapping[str, datetime]):
    """When each piece of evidence describes the world, noting which were asked for."""

    def __init__(self, real: Mapping[str, datetime], reads: Reads) -> None:
        self._real = real
        self._reads = reads

    def __getitem__(self, sha: str) -> datetime:
        self._reads.add(f"observed:{sha}")
        return self._real[sha]

    def get(self, sha: str, default: Any = None) -> Any:  # type: ignore[override]
        self._reads.add(f"observed:{sha}")
        return self._real.get(sha, default)

    def __contains__(self, sha: object) -> bool:
        self._reads.add(f"observed:{sha}")
        return sha in self._real

    def __iter__(self) -> Iterator[str]:
        self._reads.add(EVERYTHING)
        return iter(self._real)

    def __len__(self) -> int:
        self._reads.add(EVERYTHING)
        return len(self._real)


class _DerivedView(dict[Any, Any]):
    """Values shared between checks (derived once per run): a check that takes one made by another reads what the
    other had read when it made it."""

    def __init__(self, real: dict[Any, Any], made_from: dict[Any, frozenset[str]], reads: Reads) -> None:
        super().__init__()
        self._real = real
        self._made_from = made_from
        self._reads = reads

    def _took(self, key: Any) -> None:
        self._reads.tokens.update(self._made_from.get(key, (EVERYTHING,)))

    def get(self, key: Any, default: Any = None) -> Any:  # type: ignore[override]
        if key in self._real:
            self._took(key)
            return self._real[key]
        return default

    def __getitem__(self, key: Any) -> Any:
        value = self._real[key]
        self._took(key)
        return value

    def __contains__(self, key: object) -> bool:
        if key in self._real:
            self._took(key)
            return True
        return False

    def __setitem__(self, key: Any, value: Any) -> None:
        self._real[key] = value
        self._made_from[key] = frozenset(self._reads.tokens)

    def __iter__(self) -> Iterator[Any]:
        self._reads.add(EVERYTHING)
        return iter(self._real)

    def __len__(self) -> int:
        self._reads.add(EVERYTHING)
        return len(self._real)


class FactsView(FactSet):
    """The run's facts as one check sees them: the same objects, with every read noted."""

    def __init__(self, real: FactSet, reads: Reads, made_from: dict[Any, frozenset[str]]) -> None:  # noqa: D107
        self.__dict__.update(real.__dict__)  # no FactSet.__init__: the facts are shared, not copied
        self._real = real
        self._reads = reads
        self._by_type = _TypesView(real._by_type, reads)
        self.observed = _ObservedView(real.observed, reads)
        self.derived = _DerivedView(real.derived, made_from, reads)

    @property
    def identity(self) -> Any:
        for cls in (Person, AccountEvent):
            self._reads.add(f"type:{cls.__module__}.{cls.__qualname__}")
        self._reads.add("identity")
        return self._real.identity

    @property  # type: ignore[override]
    def conflicts(self) -> Any:  # reconciled across every kind: no one kind accounts for them
        self._reads.add(EVERYTHING)
        return self._real.conflicts

    @conflicts.setter
    def conflicts(self, value: Any) -> None:
        self.__dict__["conflicts"] = value

    def add(self, fact: Any) -> None:
        raise TypeError("a check cannot add facts")

    def extend(self, facts: Iterable[Any]) -> None:
        raise TypeError("a check cannot add facts")


class ThresholdsView:
    """The run's thresholds, noting each one asked for by name."""

    def __init__(self, real: ResolvedThresholds, reads: Reads) -> None:
        self._real = real
        self._reads = reads

    def get(self, key: str) -> Any:
        self._reads.add(f"threshold:{key}")
        return self._real.get(key)

    def __getattr__(self, key: str) -> Any:
        real = self.__dict__["_real"]
        if key in real._values:
            self._reads.add(f"threshold:{key}")
            return real._values[key].value
        self._reads.add(EVERYTHING)
        return getattr(real, key)
