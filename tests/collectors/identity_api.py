"""Fake Google Admin SDK Directory API (users.list) and Okta Users / Factors APIs, with the documented
answer shapes: https://developers.google.com/admin-sdk/directory/reference/rest/v1/users ,
https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/ and .../tag/UserFactor/ ."""

from __future__ import annotations

import threading
from typing import Any

from tests.collectors.fake_api import FakeApi, Reply

PLANTED_GOOGLE_TOKEN = "ya29.TESTSECRETgoogleTOKEN0123456789"
PLANTED_OKTA_TOKEN = "00TESTSECREToktaTOKEN0123456789abcdef"


def google_user(n: int, email: str, *, admin: bool = False, enrolled: bool = True, suspended: bool = False,
                last_login: str = "2026-10-30T08:00:00.000Z") -> dict[str, Any]:
    given, family = email.split("@")[0].split(".") if "." in email.split("@")[0] else (email.split("@")[0], "X")
    return {
        "kind": "admin#directory#user", "id": f"1000000000000000000{n:02d}", "etag": f'"etag-{n}"',
        "primaryEmail": email, "name": {"givenName": given.title(), "familyName": family.title(),
                                        "fullName": f"{given.title()} {family.title()}"},
        "isAdmin": admin, "isDelegatedAdmin": False, "lastLoginTime": last_login,
        "creationTime": "2024-01-15T09:00:00.000Z", "agreedToTerms": True, "suspended": suspended,
        "archived": False, "changePasswordAtNextLogin": False, "ipWhitelisted": False,
        "emails": [{"address": email, "primary": True}], "customerId": "C01abcd23", "orgUnitPath": "/",
        "isMailboxSetup": True, "isEnrolledIn2Sv": enrolled, "isEnforcedIn2Sv": False,
        "includeInGlobalAddressList": True,
    }


class GoogleApi:
    """Five users over pages of ``maxResults``; the first request for page 2 is answered 429 once."""

    def __init__(self, *, throttle_page: int | None = None) -> None:
        self.api = FakeApi()
        self.throttle_page = throttle_page
        self.throttled = False
        self.users = [
            google_user(1, "ada.lovelace@acme.example", admin=True),
            google_user(2, "bob.stone@acme.example", enrolled=False),
            google_user(3, "cy.young@acme.example"),
            google_user(4, "dee.ray@acme.example", suspended=True, enrolled=False),
            google_user(5, "eve.moss@acme.example", last_login="1970-01-01T00:00:00.000Z"),
        ]
        self.api.routes["/admin/directory/v1/users"] = self.users_list

    def users_list(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        size = int(q.get("maxResults", 100))
        start = int(q.get("pageToken", "0") or 0)
        page = start // size + 1
        if self.throttle_page == page and not self.throttled:
            self.throttled = True
            return 429, {}, {"error": {"code": 429, "message": "Quota exceeded for quota metric 'Queries'",
                                       "errors": [{"reason": "rateLimitExceeded", "domain": "usageLimits"}],
                                       "status": "RESOURCE_EXHAUSTED"}}
        body: dict[str, Any] = {"kind": "admin#directory#users", "etag": f'"page-{page}"',
                                "users": self.users[start:start + size]}
        if start + size < len(self.users):
            body["nextPageToken"] = str(start + size)
        return 200, {}, body


def okta_user(uid: str, email: str, status: str = "ACTIVE", changed: str = "2024-02-01T10:00:00.000Z",
              last_login: str | None = "2026-10-29T07:00:00.000Z") -> dict[str, Any]:
    first, last = email.split("@")[0].split(".")
    return {
        "id": uid, "status": status, "created": "2024-02-01T09:00:00.000Z",
        "activated": "2024-02-01T10:00:00.000Z" if status != "STAGED" else None, "statusChanged": changed,
        "lastLogin": last_login, "lastUpdated": changed, "passwordChanged": "2026-01-15T10:00:00.000Z",
        "type": {"id": "oty1default0001"},
        "profile": {"firstName": first.title(), "lastName": last.title(), "mobilePhone": None, "secondEmail": None,
                    "login": email, "email": email},
        "credentials": {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}},
        "_links": {"self": {"href": f"https://acme.okta.example/api/v1/users/{uid}"}},
    }


def okta_factor(fid: str, kind: str, status: str = "ACTIVE") -> dict[str, Any]:
    provider = {"token:software:totp": "GOOGLE", "push": "OKTA", "sms": "OKTA", "webauthn": "FIDO"}[kind]
    return {"id": fid, "factorType": kind, "provider": provider, "vendorName": provider, "status": status,
            "created": "2024-02-02T10:00:00.000Z", "lastUpdated": "2024-02-02T10:00:00.000Z",
            "profile": {"credentialId": "someone@acme.example"}, "_links": {}}


class OktaApi:
    """Three active users (page size 2 gives two pages), one deprovisioned user (only listed with the
    DEPROVISIONED filter, as Okta does), factors per user; the second users page is rate-limited once."""

    def __init__(self, *, throttle_after: str | None = None) -> None:
        self.api = FakeApi()
        self.throttle_after = throttle_after
        self.throttled = False
        self._lock = threading.Lock()
        self.active = [
            okta_user("00u1ada", "ada.lovelace@acme.example"),
            okta_user("00u2bob", "bob.stone@acme.example"),
            okta_user("00u3cy", "cy.young@acme.example", status="SUSPENDED", changed="2026-10-02T12:00:00.000Z"),
        ]
        self.deprovisioned = [okta_user("00u4dee", "dee.ray@acme.example", status="DEPROVISIONED",
                                        changed="2026-09-15T16:00:00.000Z", last_login=None)]
        self.factors = {
            "00u1ada": [okta_factor("ufs1", "webauthn"), okta_factor("ufs2", "push")],
            "00u2bob": [okta_factor("ufs3", "sms", status="PENDING_ACTIVATION")],
            "00u3cy": [okta_factor("ufs4", "token:software:totp")],
            "00u4dee": [],
        }
        self.api.routes["/api/v1/users"] = self.users
        for uid in self.factors:
            self.api.routes[f"/api/v1/users/{uid}/factors"] = lambda q, h, uid=uid: (200, {}, self.factors[uid])

    def users(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        limit = int(q.get("limit", 200))
        pool = self.deprovisioned if "DEPROVISIONED" in q.get("filter", "") else self.active
        after = q.get("after")
        if after and after == self.throttle_after:
            with self._lock:
                first = not self.throttled
                self.throttled = True
            if first:
                return 429, {"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0",
                             "X-Rate-Limit-Reset": "1700000030"}, {
                    "errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests.",
                    "errorLink": "E0000047", "errorId": "oaeTEST", "errorCauses": []}
        start = next((i + 1 for i, u in enumerate(pool) if u["id"] == after), 0) if after else 0
        items = pool[start:start + limit]
        base = self.api.url
        links = [f'<{base}/api/v1/users?limit={limit}>; rel="self"']
        if start + limit < len(pool):
            links.append(f'<{base}/api/v1/users?after={items[-1]["id"]}&limit={limit}>; rel="next"')
        return 200, {"Link": ", ".join(links), "X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "599",
                     "X-Rate-Limit-Reset": "1700000030"}, items
