"""Which column holds which field: every (column, field) pair scored, then the best assignment for the file.

A pair's score joins what the header means (its words against the field's synonyms, each with a weight: exact,
same words in another order, a synonym contained in a longer header, a partial overlap) and what the column
holds (the share of its sampled values having the shapes the field expects, or using the field's known words).
A header that matches while the values contradict it (a "Vendor" column of company names taken for an e-mail)
scores low; a column whose values leave no doubt (all e-mail addresses) can be found by its values alone.

The assignment is optimal for the whole file (each column at most one field, each field at most one column,
the total score maximal: the Hungarian method), never first-alias-wins, and does not depend on column order.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from trustgap.evidence.shapes import ColumnProfile

MIN_PAIR = 0.35  # below this a column is not taken for a field
_BRACKETS = re.compile(r"\[[^\]]{0,200}\]|\([^)]{0,200}\)")  # bounded: a header of 100,000 "[" stays linear
# Jira's CSV export names custom fields "Custom field (Change type)": the name is the part in brackets
_CUSTOM_FIELD = re.compile(r"^\s*custom\s*field\s*\(([^)]+)\)\s*$", re.I)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_JOIN = (("e mail", "email"), ("e-mail", "email"), ("log in", "login"), ("sign in", "signin"),
         ("user name", "username"), ("2 fa", "2fa"), ("two factor", "2fa"), ("multi factor", "mfa"))
# words that mean the same in headers
_SAME = {"mail": "email", "emailaddress": "email", "mailaddress": "email"}
# shapes that tell a field by the values alone (a date column could be any of several dates: not these)
DISTINCT_SHAPES = frozenset({"email", "url", "cve", "severity"})


@lru_cache(maxsize=8192)
def tokens(header: str) -> tuple[str, ...]:
    """Words of a header: bracketed notes dropped, camelCase and punctuation split, lower-cased, plural 's'
    dropped (``Work E-mail [Required]`` -> ``('work', 'email')``, ``primaryEmail`` -> ``('primary', 'email')``);
    Jira's ``Custom field (Change type)`` is its bracketed name (``('change', 'type')``)."""
    wrapped = _CUSTOM_FIELD.match(header)
    text = wrapped.group(1) if wrapped else _BRACKETS.sub(" ", header)
    if not text.strip():
        text = header
    text = _CAMEL.sub(" ", text).lower()
    for a, b in _JOIN:
        text = re.sub(rf"\b{re.escape(a)}\b", b, text)
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w]
    words = [_SAME.get(w, w) for w in words]
    return tuple(_stem(w) for w in words)


def _stem(word: str) -> str:
    """Plural 's' and past 'ed' dropped, so "Started" meets "start" and "Reviewers" "reviewer"."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ed"):
        word = word[:-2]
    return word


# Words that say little on their own: "Status" is not "DPA status", "Date" is not "Review date".
_GENERIC = {
    "status": 0.3, "date": 0.3, "name": 0.4, "id": 0.4, "type": 0.3, "on": 0.1, "at": 0.1, "of": 0.1, "the": 0.1,
    "by": 0.2, "number": 0.3, "no": 0.3, "num": 0.3, "nr": 0.3, "last": 0.4, "first": 0.5, "is": 0.1, "has": 0.1,
    "code": 0.4, "value": 0.2, "level": 0.4, "flag": 0.3, "time": 0.3, "current": 0.3, "primary": 0.4,
    "work": 0.5, "total": 0.3, "count": 0.4, "to": 0.1, "for": 0.1, "in": 0.1, "and": 0.1, "or": 0.1, "user": 0.5,
    "employee": 0.6, "person": 0.5, "address": 0.5, "report": 0.5, "state": 0.4, "description": 0.5, "title": 0.5,
}


def _w(words: set[str]) -> float:
    return sum(_GENERIC.get(w, 1.0) for w in words)


@lru_cache(maxsize=65536)
def header_similarity(header: str, synonym: str) -> float:
    """How well a header matches a synonym, 0..1: exact words 1, the same words in another order 0.95, a synonym
    inside a longer header or a shorter header inside a synonym by the share of the meaningful words they share
    (``Work Contact: Work Email`` ~ ``work email``; ``Status`` is far from ``DPA status``)."""
    h, s = tokens(header), tokens(synonym)
    if not h or not s:
        return 0.0
    if h == s or "".join(h) == "".join(s):
        return 1.0
    hs, ss = set(h), set(s)
    if hs == ss:
        return 0.95
    common = hs & ss
    if not common:
        return 0.0
    if ss <= hs:  # the synonym inside a longer header
        return round(0.35 + 0.6 * _w(ss) / _w(hs), 4)
    if hs <= ss:  # a shorter header: "Email" ~ "work email"
        return round(0.9 * _w(hs) / _w(ss), 4)
    return round(0.6 * _w(common) / _w(hs | ss), 4)


@dataclass(frozen=True)
class FieldWant:
    """What recognition needs to know about one field."""

    name: str
    synonyms: tuple[tuple[str, float], ...]  # (header name, weight)
    shapes: tuple[str, ...] = ()  # shapes its values have
    vocabulary: tuple[str, ...] = ()  # words its values use
    avoid: tuple[str, ...] = ()  # header words that rule a column out
    forced: str | None = None  # the column the user named for it
    by_values: bool = False  # may be found by its values alone (a required subject: its e-mail addresses)


@dataclass(frozen=True)
class PairScore:
    """The evidence for taking a column as a field."""

    column: str
    field: str
    score: float
    header: float  # header similarity (0..1), times the synonym's weight
    synonym: str | None  # the synonym that matched best
    values: float | None  # share of sampled values fitting (None: nothing to compare)
    fit: str  # what the values were compared with ("email", "known words", ...)
    forced: bool = False

    def why(self) -> str:
        if self.forced:
            return "named in the scope file"
        parts = []
        if self.synonym is not None and self.header > 0:
            parts.append(f"header ~ {self.synonym!r} ({self.header:.2f})")
        if self.values is not None:
            parts.append(f"{self.values:.0%} of values {self.fit}")
        return ", ".join(parts) or "no evidence"


def pair_score(profile: ColumnProfile, want: FieldWant) -> PairScore:
    header = profile.header
    if want.forced is not None:
        forced = tokens(want.forced) == tokens(header) or want.forced.strip().lower() == header.strip().lower()
        return PairScore(header, want.name, 1.0 if forced else 0.0, 1.0 if forced else 0.0, want.forced, None, "",
                         forced=forced)
    htoks = set(tokens(header))
    if want.avoid and htoks & {t for a in want.avoid for t in tokens(a)}:
        return PairScore(header, want.name, 0.0, 0.0, None, None, "")
    best, best_syn = 0.0, None
    for syn, weight in want.synonyms:
        sim = header_similarity(header, syn) * weight
        if sim > best:
            best, best_syn = sim, syn
    value, fit = _value_fit(profile, want)
    if value is None:
        score = best
    elif best == 0.0:
        distinct = set(want.shapes) & DISTINCT_SHAPES
        score = 0.5 * value if want.by_values and distinct and value >= 0.8 and fit in distinct else 0.0
    else:
        score = best * (0.7 + 0.3 * value)  # values confirm a header; they cannot make a weak one strong
        if value < 0.2 and profile.values >= 3:
            score *= 0.35  # the values say it is something else
    return PairScore(header, want.name, round(score, 4), round(best, 4), best_syn,
                     None if value is None else round(value, 4), fit)


def _value_fit(profile: ColumnProfile, want: FieldWant) -> tuple[float | None, str]:
    """(share of values fitting, what they fit) or (None, '') when there is nothing to compare."""
    if profile.values == 0:
        return None, ""
    best: tuple[float | None, str] = (None, "")
    if want.vocabulary:
        share = profile.vocabulary_share(want.vocabulary)
        best = (share, "known words")
    if want.shapes:
        share = profile.share(*want.shapes)
        if best[0] is None or share > best[0]:
            label = want.shapes[0] if len(want.shapes) == 1 else "/".join(want.shapes)
            best = (share, label)
    return best


# --------------------------------------------------------------------------- assignment


def hungarian(score: Sequence[Sequence[float]]) -> list[int]:
    """For each row, the column assigned (-1 for none) maximising the total score (rows <= columns or not)."""
    n_rows = len(score)
    n_cols = len(score[0]) if n_rows else 0
    if not n_rows or not n_cols:
        return [-1] * n_rows
    n = max(n_rows, n_cols)
    top = max(max(r) for r in score)
    cost = [[(top - score[i][j]) if i < n_rows and j < n_cols else top for j in range(n)] for i in range(n)]
    inf = math.inf
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    p = [0] * (n + 1)
    way = [0] * (n + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    out = [-1] * n_rows
    for j in range(1, n + 1):
        if p[j] and p[j] - 1 < n_rows and j - 1 < n_cols:
            out[p[j] - 1] = j - 1
    return out


@dataclass
class Assignment:
    """Field -> the column taken for it, with the evidence; the columns nothing took."""

    pairs: dict[str, PairScore] = field(default_factory=dict)
    unassigned: list[str] = field(default_factory=list)

    def column(self, name: str) -> str | None:
        p = self.pairs.get(name)
        return p.column if p else None

    def score(self, name: str) -> float:
        p = self.pairs.get(name)
        return p.score if p else 0.0


def assign(profiles: Sequence[ColumnProfile], wants: Sequence[FieldWant], minimum: float = MIN_PAIR) -> Assignment:
    """The best assignment of columns to fields for the whole file."""
    # the same columns in another order give the same answer: solve over columns sorted by header
    cols = sorted(profiles, key=lambda p: (tokens(p.header), p.header, p.index))
    fields = sorted(wants, key=lambda w: w.name)
    pairs = [[pair_score(c, w) for c in cols] for w in fields]
    # squared, so that one strong pair beats two weak ones (a "First Name" column is the first name, not a weak
    # full name leaving the first name to "Preferred Name")
    matrix = [[p.score ** 2 if p.score >= minimum else 0.0 for p in row] for row in pairs]
    chosen = hungarian(matrix) if fields and cols else []
    out = Assignment()
    taken: set[int] = set()
    for i, j in enumerate(chosen):
        if j >= 0 and matrix[i][j] > 0:
            out.pairs[fields[i].name] = pairs[i][j]
            taken.add(j)
    out.unassigned = [c.header for j, c in enumerate(cols) if j not in taken and c.header.strip()]
    out.unassigned.sort(key=lambda h: next(p.index for p in profiles if p.header == h))
    return out


def wants_from(fields: Mapping[str, FieldWant], forced: Mapping[str, str] | None = None) -> list[FieldWant]:
    """The fields, with the user's column choices applied."""
    out = []
    for name, want in fields.items():
        col = (forced or {}).get(name)
        out.append(dataclasses.replace(want, forced=col) if col else want)
    return out
