"""One identity graph per assessment: every account, login and name resolved to one person, or said to be
resolved to no one.

People come from HR rosters and contractor lists (:class:`~trustgap.facts.Person` rows). Rows of one human are
merged into a :class:`PersonRecord`: by work e-mail (and the scope's e-mail aliases), then by employee id. A
person who left and came back (a rehire) has several :class:`Span` s of employment; a past termination does
not make today's account a leaver's. When two exports of different dates describe the same person (an old
roster and a new one), the newest export decides the spans and the disagreement is kept as a
:class:`SourceConflict`.

An account (or a bare login, a display name, a device owner, a cloud principal) is resolved in this order,
first match wins, and the method is recorded so that a finding can say how sure the join is:

1. ``scope``: the scope file's ``identity.accounts`` maps the name (``login`` or ``system:login``) to a person;
2. ``email``: the account's e-mail, or an id that is an e-mail, equals a person's work e-mail (after aliases);
3. ``login``: a login the HR export lists for the person (a "GitHub username" column, say);
4. ``service owner``: a service account whose owner the scope (``identity.service_accounts``) or the source
   names resolves to the owner, marked as a service account (it is not the owner's own account);
5. ``local part``: the account id equals the local part of exactly one person's e-mail (``dana.lee`` for
   ``dana.lee@acme.io``);
6. ``display name``: the account's display name has the same words as exactly one person's name
   (``Lee, Dana`` = ``Dana Lee``; accents and case ignored);
7. ``name pattern``: the id is ``first.last``, ``first_last``, ``firstlast``, ``flast``, ``f.last`` or
   ``last.first`` of exactly one person's name.

Two or more candidates at a step make the account *ambiguous*; no candidate at all makes it *unresolved*.
Either way the account is listed as such and never blamed on anyone.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from trustgap.dates import local_day_end, local_day_start
from trustgap.facts import Account, AccountEvent, Person, Src, norm_email, system_kind

METHOD_ORDER = ("scope", "email", "login", "service owner", "local part", "display name", "name pattern")
# joins an auditor would accept without a second look; the others are stated in the finding
EXACT_METHODS = frozenset({"scope", "email", "login", "service owner"})

DEACTIVATING_ACTIONS = frozenset({"suspended", "deactivated", "deleted", "disabled", "deprovisioned"})
REACTIVATING_ACTIONS = frozenset({"activated", "reactivated", "unsuspended", "enabled"})


@dataclass(frozen=True)
class IdentityConfig:
    """What the scope file says about identities."""

    aliases: Mapping[str, str] = field(default_factory=dict)  # other e-mail -> canonical e-mail
    accounts: Mapping[str, str] = field(default_factory=dict)  # login / system:login -> person e-mail
    service_accounts: Mapping[str, str] = field(default_factory=dict)  # service account id or e-mail -> owner
    time_zone: tzinfo = UTC


@dataclass(frozen=True)
class Span:
    """One period of employment. ``end`` is the last day (the termination date); ``end_at`` the instant access
    should be gone: the export's own time when it gives one, else the end of the local day."""

    start: date | None
    end: date | None
    end_at: datetime | None
    src: Src

    def covers(self, when: datetime, tz: tzinfo) -> bool:
        if self.start is not None and when < local_day_start(self.start, tz):
            return False
        return self.end_at is None or when < self.end_at


@dataclass(frozen=True)
class SourceConflict:
    """Two pieces of evidence disagreeing about one thing; ``chosen`` won because it is closest to the as-of date."""

    subject: str  # the person or account it is about
    field: str
    chosen: str
    chosen_src: Src
    other: str
    other_src: Src

    def describe(self) -> str:
        return (f"{self.field}: {self.chosen} (newer evidence {self.chosen_src}) vs {self.other} "
                f"(older evidence {self.other_src})")


@dataclass
class PersonRecord:
    key: str  # canonical work e-mail, or "id:<employee id>" / "name:<name>" when there is none
    email: str | None
    name: str | None
    emails: set[str] = field(default_factory=set)
    employee_ids: set[str] = field(default_factory=set)
    logins: set[str] = field(default_factory=set)  # lower-cased, "system:login" or bare
    spans: list[Span] = field(default_factory=list)
    rows: list[Person] = field(default_factory=list)
    source_kinds: set[str] = field(default_factory=set)
    employment_type: str | None = None

    @property
    def label(self) -> str:
        return self.email or self.name or self.key

    @property
    def src(self) -> Src:
        return self.rows[-1].src

    @property
    def hire_date(self) -> date | None:
        """Start of the latest employment span (a rehire's return date)."""
        starts = [s.start for s in self.spans if s.start is not None]
        return max(starts) if starts else None

    @property
    def is_contractor(self) -> bool:
        return self.employment_type == "contractor" or self.source_kinds == {"contractors"}

    def active_at(self, when: datetime, tz: tzinfo) -> bool:
        return any(s.covers(when, tz) for s in self.spans)

    def active_on(self, day: date, tz: tzinfo) -> bool:
        """Employed at the end of ``day`` (local time): hired on or before it and not terminated by then."""
        return self.span_on(day, tz) is not None

    def span_on(self, day: date, tz: tzinfo) -> Span | None:
        last_moment = local_day_end(day, tz) - _EPS
        return next((s for s in reversed(self.spans) if s.covers(last_moment, tz)), None)

    def leavings(self, until: date) -> list[tuple[Span, date | None]]:
        """Every span that ended on or before ``until``, with the start of the next span (a rehire) if any."""
        ordered = sorted(self.spans, key=lambda s: (s.start or date.min, s.end or date.max))
        out: list[tuple[Span, date | None]] = []
        for i, s in enumerate(ordered):
            if s.end is None or s.end > until:
                continue
            later = [t.start for t in ordered[i + 1:] if t.start is not None and t.start >= s.end]
            out.append((s, min(later) if later else None))
        return out


_EPS = datetime(2000, 1, 1, 0, 0, 1, tzinfo=UTC) - datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Resolution:
    person: PersonRecord | None
    method: str | None  # one of METHOD_ORDER, or None
    status: str  # "resolved", "ambiguous", "unresolved"
    detail: str = ""
    service: bool = False  # resolved through service-account ownership: the person owns it, it is not theirs

    @property
    def exact(self) -> bool:
        return self.method in EXACT_METHODS

    def describe(self) -> str:
        if self.person is None:
            return self.detail or self.status
        how = f"by {self.method}" + (f" ({self.detail})" if self.detail else "")
        return f"{self.person.label}, matched {how}"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_tokens(name: str | None) -> frozenset[str]:
    """Words of a person's name, accents and case folded, order ignored (``Lee, Dana`` = ``dana lee``)."""
    if not name:
        return frozenset()
    return frozenset(t for t in re.split(r"[^a-z0-9]+", _fold(name)) if t)


def _id_key(value: str) -> str:
    """An account id compared loosely: lower case, e-mail domain dropped, ``.``/``_``/``-`` kept apart."""
    v = _fold(value.strip())
    return v.split("@", 1)[0] if "@" in v else v


def name_patterns(name: str | None) -> set[str]:
    """The user names organisations derive from a name: first.last, first_last, firstlast, flast, f.last,
    last.first (first and last words of the name)."""
    words = [t for t in re.split(r"[^a-z0-9]+", _fold(name or "")) if t]
    if len(words) < 2:
        return set()
    first, last = words[0], words[-1]
    return {f"{first}.{last}", f"{first}_{last}", f"{first}-{last}", f"{first}{last}", f"{first[0]}{last}",
            f"{first[0]}.{last}", f"{last}.{first}", f"{last}{first[0]}"}


class IdentityGraph:
    """Built once per assessment from the facts (people, accounts, account events) and the scope's identity
    settings; read by every check that needs to know whose an account is."""

    def __init__(self, people: Iterable[Person], config: IdentityConfig | None = None, *,
                 observed: Mapping[str, datetime] | None = None,
                 events: Iterable[AccountEvent] = ()) -> None:
        self.config = config or IdentityConfig()
        self.tz = self.config.time_zone
        self._aliases = {k.strip().lower(): v.strip().lower() for k, v in self.config.aliases.items()}
        self._scope_accounts = {k.strip().lower(): v.strip().lower() for k, v in self.config.accounts.items()}
        self._owners = {k.strip().lower(): v.strip().lower() for k, v in self.config.service_accounts.items()}
        self.conflicts: list[SourceConflict] = []
        self.people: list[PersonRecord] = self._merge(list(people), observed or {})
        self._index()
        self._events: dict[tuple[str, str], list[AccountEvent]] = defaultdict(list)
        for ev in events:
            for key in {ev.account_id.lower(), (ev.email or "").lower()} - {""}:
                self._events[(system_kind(ev.system), key)].append(ev)
        for evs in self._events.values():
            evs.sort(key=lambda e: e.at)
        self._cache: dict[tuple[str, str, str, str, str], Resolution] = {}

    # ------------------------------------------------------------------ building

    def canonical_email(self, email: str | None) -> str | None:
        e = norm_email(email)
        return None if e is None else self._aliases.get(e, e)

    def _merge(self, rows: list[Person], observed: Mapping[str, datetime]) -> list[PersonRecord]:
        """Rows of one human, across files: grouped by canonical e-mail, else employee id, else name."""
        groups: dict[str, list[Person]] = defaultdict(list)
        id_to_key: dict[str, str] = {}
        for p in rows:
            email = self.canonical_email(p.email)
            if email:
                groups[email].append(p)
                if p.employee_id:
                    id_to_key.setdefault(f"{p.source_kind}:{p.employee_id}", email)
        for p in rows:
            if self.canonical_email(p.email):
                continue
            if p.employee_id and f"{p.source_kind}:{p.employee_id}" in id_to_key:
                groups[id_to_key[f"{p.source_kind}:{p.employee_id}"]].append(p)
            elif p.employee_id:
                groups[f"id:{p.employee_id}"].append(p)
            elif p.name:
                groups[f"name:{' '.join(sorted(name_tokens(p.name)))}"].append(p)
        out = [self._record(key, group, observed) for key, group in groups.items()]
        return sorted(out, key=lambda r: r.key)

    def _record(self, key: str, group: list[Person], observed: Mapping[str, datetime]) -> PersonRecord:
        # one export is one picture of the person: when several exports of different dates disagree, the newest
        # (closest to the as-of date) decides; rows of one export are the person's employment spans
        by_file: dict[str, list[Person]] = defaultdict(list)
        for p in group:
            by_file[p.src.sha256].append(p)
        hr_files = [sha for sha, ps in by_file.items() if any(p.source_kind == "hr" for p in ps)]
        chosen_rows = group
        if len(hr_files) > 1:
            newest = max(hr_files, key=lambda sha: (observed.get(sha, datetime.min.replace(tzinfo=UTC)), sha))
            chosen_rows = [p for p in group if p.src.sha256 == newest or p.source_kind != "hr"]
            self._note_person_conflicts(key, by_file[newest], [p for p in group if p.src.sha256 != newest
                                                                and p.source_kind == "hr"])
        rec = PersonRecord(key=key, email=key if "@" in key else None, name=None)
        for p in sorted(chosen_rows, key=lambda p: (p.hire_date or date.min, p.src)):
            rec.rows.append(p)
            rec.source_kinds.add(p.source_kind)
            if p.email:
                rec.emails.add(p.email.lower())
            rec.name = rec.name or p.name
            if p.employee_id:
                rec.employee_ids.add(p.employee_id)
            rec.logins.update(x.strip().lower() for x in p.logins if x.strip())
            rec.employment_type = p.employment_type or rec.employment_type
            rec.spans.extend(self._spans(p))
        rec.spans = _dedupe_spans(rec.spans)
        return rec

    def _spans(self, p: Person) -> list[Span]:
        """One row's employment. A termination dated before the (re)hire date of an active row is the end of an
        earlier employment (a rehire whose export keeps the old termination date beside the new hire date): two
        spans, the current one open."""
        if (p.termination_date is not None and p.hire_date is not None and p.termination_date < p.hire_date
                and p.status != "terminated"):
            earlier = Span(start=None, end=p.termination_date,
                           end_at=p.termination_at.astimezone(UTC) if p.termination_at else local_day_end(
                               p.termination_date, self.tz), src=p.src)
            return [earlier, Span(start=p.hire_date, end=None, end_at=None, src=p.src)]
        return [self._span(p)]

    def _span(self, p: Person) -> Span:
        end = p.termination_date
        if end is None and p.status == "terminated" and p.termination_at is not None:
            end = p.termination_at.astimezone(self.tz).date()
        if p.termination_at is not None:
            end_at: datetime | None = p.termination_at.astimezone(UTC)
        elif end is not None:
            end_at = local_day_end(end, self.tz)
        elif p.status == "terminated":
            # terminated without a date: gone, since when unknown (judged as ended before anything we see)
            end_at = datetime.min.replace(tzinfo=UTC)
        else:
            end_at = None
        return Span(start=p.hire_date, end=end, end_at=end_at, src=p.src)

    def _note_person_conflicts(self, key: str, newest: list[Person], older: list[Person]) -> None:
        if not newest or not older:
            return
        new = newest[-1]
        for old in older:
            for fname in ("termination_date", "status", "hire_date"):
                a, b = getattr(new, fname), getattr(old, fname)
                if a != b and b is not None:
                    self.conflicts.append(SourceConflict(key, fname, str(a) if a is not None else "not given",
                                                         new.src, str(b), old.src))

    def _index(self) -> None:
        self._by_email: dict[str, PersonRecord] = {}
        self._by_login: dict[str, list[PersonRecord]] = defaultdict(list)
        self._by_local: dict[str, list[PersonRecord]] = defaultdict(list)
        self._names: tuple[dict[frozenset[str], Any], dict[str, Any]] | None = None
        for rec in self.people:
            for e in rec.emails | ({rec.email} if rec.email else set()):
                self._by_email[e] = rec
                self._by_local[_id_key(e)].append(rec)
            for alias, canon in self._aliases.items():
                if canon in rec.emails or canon == rec.email:
                    self._by_email[alias] = rec
                    self._by_local[_id_key(alias)].append(rec)
            for login in rec.logins:
                self._by_login[login].append(rec)

    def _name_indexes(self) -> tuple[dict[frozenset[str], Any], dict[str, Any]]:
        """People by the words of their name, and by the user names derived from it: the last joins tried, built
        when an account first needs them. A key names one person (most do) or a list of them: a large roster's
        eight name patterns a person cost no list each."""
        if self._names is None:
            by_name: dict[frozenset[str], Any] = {}
            by_pattern: dict[str, Any] = {}
            for rec in self.people:
                tokens = name_tokens(rec.name)
                if tokens:
                    _add(by_name, tokens, rec)
                for pat in name_patterns(rec.name):
                    _add(by_pattern, pat, rec)
            self._names = (by_name, by_pattern)
        return self._names

    # ------------------------------------------------------------------ resolving

    def person_by_email(self, email: str | None) -> PersonRecord | None:
        e = self.canonical_email(email)
        return self._by_email.get(e) if e else None

    def resolve(self, account: Account) -> Resolution:
        """The account's person: by its id, then by each other name it is known by (an Okta login), so that the
        scope's account map and HR logins can name it either way."""
        first = self.resolve_name(account.account_id, system=account.system, email=account.email,
                                  display_name=account.display_name, owner=account.owner_email,
                                  service=account.kind == "service")
        if first.person is not None or first.status == "ambiguous":
            return first
        for alias in account.aliases:
            alias_email = alias if "@" in alias else None
            r = self.resolve_name(alias, system=account.system, email=alias_email,
                                  display_name=account.display_name, owner=account.owner_email,
                                  service=account.kind == "service")
            if r.person is not None and r.method in EXACT_METHODS:
                return r
        return first

    def resolve_name(self, name: str, *, system: str | None = None, email: str | None = None,
                     display_name: str | None = None, owner: str | None = None,
                     service: bool = False) -> Resolution:
        key = (name or "", system or "", email or "", display_name or "", f"{owner or ''}|{service}")
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._resolve(name or "", system, email, display_name, owner, service)
        return hit

    def _resolve(self, name: str, system: str | None, email: str | None, display_name: str | None,
                 owner: str | None, service: bool) -> Resolution:
        kind = system_kind(system) if system else None
        low = name.strip().lower()
        # 1. the scope file's explicit mapping
        for k in ([f"{system}:{low}", f"{kind}:{low}"] if system else []) + [low, (email or "").lower()]:
            if k and k in self._scope_accounts:
                target = self._scope_accounts[k]
                rec = self.person_by_email(target)
                if rec is None:
                    return Resolution(None, "scope", "unresolved",
                                      f"identity.accounts maps {k} to {target}, who is on no roster")
                return Resolution(rec, "scope", "resolved", f"identity.accounts: {k}")
        # 2. e-mail
        for e in (email, name if "@" in name else None):
            rec = self.person_by_email(e)
            if rec is not None:
                return Resolution(rec, "email", "resolved")
        # 3. logins the HR export lists
        cands = _unique([*(self._by_login.get(f"{kind}:{low}", []) if kind else []), *self._by_login.get(low, [])])
        if len(cands) == 1:
            return Resolution(cands[0], "login", "resolved", f"login {name}")
        if len(cands) > 1:
            return _ambiguous(name, cands, "login")
        # 4. service accounts resolve to their owner, flagged as such
        if service or low in self._owners or (email or "").lower() in self._owners:
            own = owner or self._owners.get(low) or self._owners.get((email or "").lower())
            rec = self.person_by_email(own) if own else None
            if rec is not None:
                return Resolution(rec, "service owner", "resolved", f"service account owned by {rec.label}",
                                  service=True)
            why = f"service account owned by {own}, who is on no roster" if own else "service account with no owner"
            return Resolution(None, None, "unresolved", why, service=True)
        if email and "@" in email:
            # an account with an e-mail that matches nobody: the e-mail is the strongest key it has, so looser
            # joins would guess
            return Resolution(None, None, "unresolved", f"no person with e-mail {email.lower()}")
        # 5. local part of a work e-mail
        ident = _id_key(name)
        cands = _unique(self._by_local.get(ident, []))
        if len(cands) == 1:
            return Resolution(cands[0], "local part", "resolved", f"{name} = {cands[0].label}")
        if len(cands) > 1:
            return _ambiguous(name, cands, "local part")
        # 6. display name
        tokens = name_tokens(display_name)
        if len(tokens) >= 2:
            cands = _unique(_listed(self._name_indexes()[0].get(tokens)))
            if len(cands) == 1:
                return Resolution(cands[0], "display name", "resolved", f"display name {display_name!r}")
            if len(cands) > 1:
                return _ambiguous(display_name or name, cands, "display name")
        # 7. a user name derived from the name
        cands = _unique(_listed(self._name_indexes()[1].get(ident)))
        if len(cands) == 1:
            return Resolution(cands[0], "name pattern", "resolved", f"{name} from the name {cands[0].name!r}")
        if len(cands) > 1:
            return _ambiguous(name, cands, "name pattern")
        return Resolution(None, None, "unresolved", f"no person matches {name!r}")

    # ------------------------------------------------------------------ events

    def events_for(self, account: Account) -> list[AccountEvent]:
        kind = system_kind(account.system)
        seen: dict[int, AccountEvent] = {}
        for key in {account.account_id.lower(), (account.email or "").lower()} - {""}:
            for ev in self._events.get((kind, key), []):
                seen[id(ev)] = ev
        return sorted(seen.values(), key=lambda e: e.at)

    def deactivated_between(self, account: Account, after: datetime, before: datetime | None) -> datetime | None:
        """When the account was suspended / deactivated after ``after`` (and before ``before``): the account's
        own ``deactivated_at`` or the first deactivating event of the audit log, whichever is known."""
        times: list[datetime] = []
        if account.deactivated_at is not None:
            times.append(account.deactivated_at.astimezone(UTC))
        times.extend(e.at.astimezone(UTC) for e in self.events_for(account)
                     if e.action in DEACTIVATING_ACTIONS and (e.outcome or "success").lower() in _SUCCESS)
        window = [t for t in times if t >= after and (before is None or t < before)]
        return min(window) if window else None

    def summary(self, accounts: Iterable[Account]) -> dict[str, Any]:
        """Counts per method and the accounts resolved to no one (for the run and ``inspect``)."""
        methods: dict[str, int] = defaultdict(int)
        unresolved: list[dict[str, str]] = []
        for a in accounts:
            if a.kind == "root":
                continue
            r = self.resolve(a)
            if r.person is not None and r.method:
                methods[r.method] += 1
            else:
                unresolved.append({"system": a.system, "account": a.email or a.account_id, "status": r.status,
                                   "why": r.detail})
        unresolved.sort(key=lambda u: (u["system"], u["account"]))
        return {"people": len(self.people), "resolved": dict(sorted(methods.items())), "unresolved": unresolved,
                "conflicts": [c.describe() for c in self.conflicts]}


_SUCCESS = frozenset({"success", "succeeded", "ok", "allow", "allowed"})


def _add(index: dict[Any, Any], key: Any, rec: PersonRecord) -> None:
    known = index.get(key)
    if known is None:
        index[key] = rec
    elif isinstance(known, list):
        known.append(rec)
    else:
        index[key] = [known, rec]


def _listed(found: PersonRecord | list[PersonRecord] | None) -> list[PersonRecord]:
    return [] if found is None else found if isinstance(found, list) else [found]


def _unique(recs: Iterable[PersonRecord]) -> list[PersonRecord]:
    out: dict[str, PersonRecord] = {}
    for r in recs:
        out.setdefault(r.key, r)
    return list(out.values())


def _ambiguous(name: str, cands: list[PersonRecord], how: str) -> Resolution:
    who = ", ".join(sorted(c.label for c in cands)[:5])
    return Resolution(None, how, "ambiguous", f"{name!r} matches several people by {how}: {who}")


def _dedupe_spans(spans: list[Span]) -> list[Span]:
    seen: dict[tuple[date | None, date | None], Span] = {}
    for s in spans:
        seen.setdefault((s.start, s.end), s)
    return sorted(seen.values(), key=lambda s: (s.start or date.min, s.end or date.max))
