"""Equal values shared between facts, so that a large population holds each repeated value once.

A pull request export repeats the same logins, review states, branch names and commit ids thousands of times; a
roster and two directories name the same e-mail three times. Parsed one row at a time, every repetition is its own
string or datetime object. :class:`Interner` replaces a fact's field value by an equal one it has seen before
(strings, UTC datetimes, dates, tuples of strings), in place: the fact stays the same value (equality, hashing,
ordering and every rendering are unchanged), only the memory it takes shrinks.

A field whose first values are nearly all distinct (a row locator, a URL) stops being looked up, so that unique
values are never held twice by the interner's own tables. The interner belongs to one ingestion and is dropped
with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, cast

TRIAL = 2048  # values of a field looked up before deciding (again) whether sharing pays
MIN_SHARED = TRIAL // 8  # below this many copies replaced in a window, the field's values are left alone


@cache
def slotted_fields(cls: Any) -> tuple[str, ...] | None:
    """The fields of a slotted dataclass (facts, their ``Src``), or None for any other class."""
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        return None
    names = tuple(f.name for f in dataclasses.fields(cls))
    return names if set(names) == set(cls.__dict__["__slots__"]) else None



class Interner:
    """Shares equal immutable field values between the facts it is shown (see the module docstring)."""

    __slots__ = ("_plans", "_values")

    def __init__(self) -> None:
        # value -> the one object kept for it; strings, UTC datetimes, dates and tuples of strings never compare
        # equal to one another, so one table serves them all
        self._values: dict[Any, Any] = {}
        # class -> (field, trial) of the fields still looked at; a trial is [values seen, copies replaced] of the
        # current window of TRIAL values
        self._plans: dict[type, tuple[tuple[str, list[int]], ...]] = {}

    def facts(self, facts: Iterable[Any]) -> None:
        """Share the values of the facts of one file (and of the slotted objects they hold: their ``Src``,
        reviews). Which fields are worth it is decided again for each file (an e-mail column of a roster repeats
        those of a directory, a list of cloud users may not)."""
        self._plans.clear()
        for f in facts:
            self.fact(f)

    def _plan(self, cls: type) -> tuple[tuple[str, list[int]], ...]:
        plan = self._plans[cls] = tuple((n, [0, 0]) for n in slotted_fields(cast(Hashable, cls)) or ())
        return plan

    def _drop(self, cls: type, name: str) -> None:
        self._plans[cls] = tuple(p for p in self._plans[cls] if p[0] != name)

    def fact(self, obj: Any) -> None:
        cls = type(obj)
        plan = self._plans.get(cls)
        if plan is None:
            plan = self._plan(cls)
        values = self._values
        setter = object.__setattr__
        for name, trial in plan:
            value = getattr(obj, name)
            kind = type(value)
            key: Any = value
            if kind is datetime:
                # a UTC instant is one value (other zones, and the rare fold=1, keep their own object)
                key = value if value.tzinfo is UTC and not value.fold else None
            elif kind is tuple:
                if value and type(value[0]) is not str:
                    for item in value:  # reviews, statements: objects of their own
                        if slotted_fields(cast(Hashable, type(item))) is not None:
                            self.fact(item)
                    continue
                if not value or not all(type(v) is str for v in value):
                    key = None
            elif kind is date:
                key = value
            elif kind is not str:
                if value is not None and slotted_fields(cast(Hashable, kind)) is not None:
                    self.fact(value)  # a Src, or a fact held by an intermediate fact
                    continue
                key = None  # None, a flag, a number, a mapping: nothing to share
            known = None if key is None else values.get(key)
            if known is None:
                if key is not None:
                    values[key] = value
            elif known is not value:
                setter(obj, name, known)
                trial[1] += 1
            trial[0] += 1
            if trial[0] == TRIAL:  # judged again every TRIAL values, so that a field that stops repeating stops
                if trial[1] < MIN_SHARED:  # seldom a copy (or shared already): left alone from now on
                    self._drop(cls, name)
                trial[0] = trial[1] = 0
