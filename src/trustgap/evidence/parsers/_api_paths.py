"""What an API answer saved to a file is about, read from its path: empty answers are evidence too.

``GET /repos/{owner}/{repo}/pulls/{number}/reviews`` answers ``[]`` for a pull request nobody reviewed, and
``GET /api/v1/users/{id}/factors`` answers ``[]`` for a user without a second factor; neither answer names its pull
request or user. Saved as ``acme/api/pulls/231/reviews.json``, ``github/core/77/reviews.json``,
``reviews/api-231-reviews.json`` or ``okta/factors/00u1ab2cd3EF4gh5ij6k7.json`` (the paths the API call itself
uses, or the collector's naming), the path says which, so "no reviews" and "no factors" are facts, not files
nothing recognised.
"""

from __future__ import annotations

import re

_REVIEWS = (
    re.compile(r"(?:^|/)(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/pulls?/(?P<n>\d+)/reviews(?:\.json)?$", re.I),
    re.compile(r"(?:^|/)(?P<repo>[\w.-]+)/(?:pulls?/)?(?P<n>\d+)/reviews(?:\.json)?$", re.I),
    re.compile(r"(?:^|/)(?P<repo>[\w.-]+?)[-_.](?:pr[-_]?)?(?P<n>\d+)[-_.]reviews(?:\.json)?$", re.I),
    re.compile(r"(?:^|/)reviews[-_.](?P<repo>[\w.-]+?)[-_.](?:pr[-_]?)?(?P<n>\d+)(?:\.json)?$", re.I),
)
_OKTA_USER = re.compile(r"(?:^|[/_.-])(?P<id>00u[A-Za-z0-9]{17})(?:[/_.-]|$)")
_FACTORS = re.compile(r"factor", re.I)


def pull_reviews(path: str) -> tuple[str, str] | None:
    """(repository, number) of a reviews answer's path: ``owner/repo`` when the path has both, else ``repo``."""
    for i, pattern in enumerate(_REVIEWS):
        m = pattern.search(path)
        if m:
            repo = f"{m['owner']}/{m['repo']}" if i == 0 else m["repo"]
            return repo, str(int(m["n"]))
    return None


def member_filter(path: str) -> tuple[str, str] | None:
    """(role, filter) of an organisation members answer by its name (``members-2fa-disabled.json``,
    ``owners.json``), as ``GET /orgs/{org}/members?role=admin&filter=2fa_disabled`` was called."""
    name = path.lower().rsplit("/", 1)[-1]
    if "member" not in name and "owner" not in name and "admin" not in name:
        return None
    flt = "2fa_disabled" if re.search(r"2fa[-_ ]?disabled|no[-_]?2fa|without[-_]2fa|two[-_]factor[-_]disabled",
                                      name) else "all"
    role = "admin" if re.search(r"owner|admin", name) else "all"
    return role, flt


def okta_factors_user(path: str) -> str | None:
    """The Okta user id of a factors answer's path (``users/00u.../factors.json``, ``factors/00u....json``)."""
    if not _FACTORS.search(path):
        return None
    m = _OKTA_USER.search(path)
    return m["id"] if m else None


_PROTECTION = (
    re.compile(r"(?:^|/)(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/branches/(?P<branch>[^/]+)/protection(?:\.json)?$", re.I),
    re.compile(r"(?:^|/)(?P<repo>[\w.-]+?)[-_.](?P<branch>main|master|trunk|develop|production|release)[-_.]"
               r"(?:branch[-_.])?protection(?:\.json)?$", re.I),
    re.compile(r"(?:^|/)protection[-_.](?P<repo>[\w.-]+?)[-_.](?P<branch>main|master|trunk|develop|production|"
               r"release)(?:\.json)?$", re.I),
)


def branch_protection(path: str) -> tuple[str, str] | None:
    """(repository, branch) of a branch-protection answer's path (``owner/repo/branches/main/protection.json``,
    ``web-main-protection.json``): GitHub's 404 "Branch not protected" names neither."""
    for i, pattern in enumerate(_PROTECTION):
        m = pattern.search(path)
        if m:
            return (f"{m['owner']}/{m['repo']}" if i == 0 else m["repo"]), m["branch"]
    return None
