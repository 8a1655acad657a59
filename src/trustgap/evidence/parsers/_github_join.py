"""Joining GitHub facts read from separate answers: reviews to their pull requests, member lists to each other.

The intermediate facts below exist only between a file's parse and the GitHub parser's ``finalize``; the checks
never see them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from trustgap.facts import Account, Change, CollectionIssue, Review, Src

SYSTEM = "github"


@dataclass(frozen=True, slots=True, kw_only=True)
class PullAwaitingReviews:
    """A merged pull request read without its reviews (a plain ``GET /repos/{o}/{r}/pulls`` answer)."""

    src: Src
    change: Change


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewBatch:
    """The answer of ``GET /repos/{o}/{r}/pulls/{n}/reviews``: the reviews of one pull request."""

    src: Src
    repository: str
    number: str
    reviews: tuple[Review, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberListing:
    """Which logins one ``GET /orgs/{org}/members?role=..&filter=..`` answer listed."""

    src: Src
    org: str | None
    role: str  # all, admin, member
    filter: str  # all, 2fa_disabled
    logins: frozenset[str]  # lower-cased


def _review_key(r: Review) -> tuple[str, str, str, str]:
    return (r.reviewer.lower(), r.state, r.submitted_at.isoformat() if r.submitted_at else "", r.commit_id or "")


def _union(*groups: tuple[Review, ...]) -> tuple[Review, ...]:
    seen: set[tuple[str, str, str, str]] = set()
    out: list[Review] = []
    for group in groups:
        for r in group:
            k = _review_key(r)
            if k not in seen:
                seen.add(k)
                out.append(r)
    return tuple(out)


def join_changes(changes: list[Change], waiting: list[PullAwaitingReviews],
                 batches: list[ReviewBatch]) -> list[Any]:
    """Changes with every review on record; a merged pull request whose reviews are nowhere in the evidence
    becomes a :class:`CollectionIssue` (``github.pulls``) instead, since approval cannot be judged without them."""
    reviews: dict[tuple[str, str], tuple[Review, ...]] = {}
    for b in batches:
        key = (b.repository.lower(), b.number)
        reviews[key] = _union(reviews.get(key, ()), b.reviews)
    # a reviews answer named by its path may say only the repository's name ("core/77/reviews.json"), or a folder
    # before it: such a batch meets the pull request of the repository of that name
    short: dict[tuple[str, str], tuple[Review, ...]] = {}
    for b in batches:
        if b.reviews == ():
            short[(b.repository.lower().rsplit("/", 1)[-1], b.number)] = ()
    lower: dict[str, str] = {}  # a repository's name -> lower case (one string per repository, not per change)

    def low(repository: str) -> str:
        found = lower.get(repository)
        if found is None:
            found = lower[repository] = repository.lower()
        return found

    if short:
        full = {(low(c.repository), c.change_id) for c in changes} | {
            (low(w.change.repository), w.change.change_id) for w in waiting}
        for repo, number in sorted(full):
            name = (repo.rsplit("/", 1)[-1], number)
            if (repo, number) not in reviews and name in short:
                reviews[(repo, number)] = short[name]
    # repository -> number -> the change so far; ``order`` keeps each pull request's first appearance (no key
    # object per change: a large export has a million of them)
    merged: dict[str, dict[str, Change]] = {}
    order: list[Change] = []
    for c in changes:
        repo = low(c.repository)
        per = merged.get(repo)
        if per is None:
            per = merged[repo] = {}
        known = per.get(c.change_id)
        if known is None:
            order.append(c)
        per[c.change_id] = c if known is None else replace(known, reviews=_union(known.reviews, c.reviews))
    missing: dict[str, list[PullAwaitingReviews]] = {}
    for w in waiting:
        repo = low(w.change.repository)
        per = merged.get(repo)
        if per is not None and w.change.change_id in per:
            continue
        if (repo, w.change.change_id) in reviews:
            if per is None:
                per = merged[repo] = {}
            per[w.change.change_id] = w.change
            order.append(w.change)
        else:
            missing.setdefault(w.change.repository, []).append(w)
    out: list[Any] = []
    for first in order:
        repo = low(first.repository)
        c = merged[repo][first.change_id]
        extra = reviews.get((repo, first.change_id)) if reviews else None
        out.append(replace(c, reviews=_union(c.reviews, extra)) if extra else c)
    for repo, items in sorted(missing.items()):
        numbers = sorted({w.change.change_id for w in items}, key=lambda n: (len(n), n))
        shown = ", ".join(f"#{n}" for n in numbers[:10]) + (" ..." if len(numbers) > 10 else "")
        out.append(CollectionIssue(
            src=items[0].src, source="github.pulls",
            reason=f"{len(numbers)} merged pull request(s) of {repo} without their reviews in the evidence ({shown}); "
                   "add the reviews answers (GET /repos/{owner}/{repo}/pulls/{number}/reviews)"))
    return out


def _completeness(m: MemberListing) -> int:
    """0 for a list of every member, 1 for the owners or the non-owners only, 2 for those without 2FA."""
    return 2 if m.filter != "all" else (0 if m.role == "all" else 1)


def merge_members(accounts: list[Account], listings: list[MemberListing]) -> list[Account]:
    """One account per login, with owner rights and 2FA state read across the member lists of its organisation.

    Absence from a list counts only where the list was complete for what it filters: an owner list (role admin)
    makes every other member of the organisation a non-owner; a 2fa_disabled list of all members means everyone
    else listed has two-factor authentication (for role admin / member lists, the owners / the others). A plain
    member list says nothing of its organisation; when the evidence names only one organisation, it is that one.

    A merged account keeps the source of its entry in the most complete list that names it (every member, then
    owners or non-owners, then members without 2FA), whatever order the lists came in: reconciling across
    evidence reads an account's source as a listing it is in, and a narrower list (the owners, those without 2FA)
    collected a moment later must not read as a newer listing of everyone that no longer names it."""
    completeness = {m.src.sha256: _completeness(m) for m in listings}
    by_login: dict[str, Account] = {}
    for a in accounts:
        key = a.account_id.lower()
        known = by_login.get(key)
        if known is None:
            by_login[key] = a
            continue
        wider = completeness.get(a.src.sha256, 0) < completeness.get(known.src.sha256, 0)
        by_login[key] = replace(
            known,
            src=a.src if wider else known.src,
            email=known.email or a.email,
            display_name=known.display_name or a.display_name,
            is_admin=True if True in (known.is_admin, a.is_admin) else (known.is_admin if known.is_admin is not None
                                                                        else a.is_admin),
            mfa_enabled=False if False in (known.mfa_enabled, a.mfa_enabled) else (
                known.mfa_enabled if known.mfa_enabled is not None else a.mfa_enabled),
            groups=tuple(dict.fromkeys((*known.groups, *a.groups))),
        )
    admins: dict[str | None, set[str]] = {}
    non_admins: dict[str | None, set[str]] = {}
    no_2fa: dict[str | None, list[MemberListing]] = {}
    named = {m.org for m in listings if m.org}
    only_org = next(iter(named)) if len(named) == 1 else None
    for m in listings:
        org = m.org or only_org  # a bare answer saved to a file: of the one organisation in the evidence
        if m.filter == "all" and m.role == "admin":
            admins.setdefault(org, set()).update(m.logins)
        elif m.filter == "all" and m.role == "member":
            non_admins.setdefault(org, set()).update(m.logins)
        elif m.filter == "2fa_disabled":
            no_2fa.setdefault(org, []).append(m)
    out: list[Account] = []
    for login, a in by_login.items():
        if not a.groups and only_org is not None:  # a plain member list of the one organisation in the evidence
            a = replace(a, groups=(only_org,))
        orgs: list[str | None] = list(a.groups) or [None]
        is_admin = a.is_admin
        if any(login in admins.get(o, set()) for o in orgs):
            is_admin = True
        elif is_admin is None and any(o in admins or login in non_admins.get(o, set()) for o in orgs):
            is_admin = False
        mfa = a.mfa_enabled
        lists = [m for o in orgs for m in no_2fa.get(o, [])]
        if any(login in m.logins for m in lists):
            mfa = False
        elif mfa is None and any(m.role == "all" or (m.role == "admin" and is_admin is True)
                                 or (m.role == "member" and is_admin is False) for m in lists):
            mfa = True
        out.append(replace(a, is_admin=is_admin, mfa_enabled=mfa))
    return out
