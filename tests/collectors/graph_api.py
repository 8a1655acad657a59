"""A fake Microsoft Graph v1.0 and token endpoint (shapes as documented at https://learn.microsoft.com/graph:
``/users`` with ``@odata.nextLink`` paging, ``userRegistrationDetails``, the client-credentials token answer),
served by :class:`FakeApi`."""

from __future__ import annotations

from typing import Any

from tests.collectors.fake_api import FakeApi, Reply

TENANT = "11111111-2222-3333-4444-555555555555"
PLANTED_CLIENT_SECRET = "csecret~TESTSECRET0123456789abcdefTRUSTGAP"
PLANTED_ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiTESTTOKEN0123456789TRUSTGAP"

USERS = [
    {"id": "u1", "userPrincipalName": "adele@acme.example", "mail": "adele@acme.example", "displayName": "Adele",
     "accountEnabled": True, "userType": "Member", "createdDateTime": "2024-01-01T00:00:00Z",
     "signInActivity": {"lastSignInDateTime": "2026-10-30T08:00:00Z",
                        "lastSuccessfulSignInDateTime": "2026-10-30T08:00:00Z"}},
    {"id": "u2", "userPrincipalName": "grady@acme.example", "mail": "grady@acme.example", "displayName": "Grady",
     "accountEnabled": True, "userType": "Member", "createdDateTime": "2024-01-01T00:00:00Z",
     "signInActivity": {"lastSignInDateTime": "2026-03-01T08:00:00Z",
                        "lastSuccessfulSignInDateTime": "2026-03-01T08:00:00Z"}},
    {"id": "u3", "userPrincipalName": "megan@acme.example", "mail": None, "displayName": "Megan",
     "accountEnabled": False, "userType": "Member", "createdDateTime": "2023-01-01T00:00:00Z"},
]
REGISTRATION = [
    {"id": "u1", "userPrincipalName": "adele@acme.example", "userDisplayName": "Adele", "userType": "member",
     "isAdmin": True, "isMfaRegistered": True, "isMfaCapable": True,
     "methodsRegistered": ["microsoftAuthenticatorPush"]},
    {"id": "u2", "userPrincipalName": "grady@acme.example", "userDisplayName": "Grady", "userType": "member",
     "isAdmin": False, "isMfaRegistered": False, "isMfaCapable": False, "methodsRegistered": []},
]


class GraphApi:
    """Three users over two pages; sign-in activity can be refused as without a P1 licence."""

    def __init__(self, *, premium: bool = True, throttle_first: bool = False) -> None:
        self.api = FakeApi()
        self.premium = premium
        self.throttle_first = throttle_first
        self.throttled = 0
        self.api.routes["/v1.0/users"] = self.users
        self.api.routes["/v1.0/reports/authenticationMethods/userRegistrationDetails"] = self.registration
        self.api.post_routes[f"/{TENANT}/oauth2/v2.0/token"] = self.token

    @property
    def base_url(self) -> str:
        return self.api.url + "/v1.0"

    def start(self) -> GraphApi:
        self.api.start()
        return self

    def stop(self) -> None:
        self.api.stop()

    def _authorised(self, h: dict[str, str]) -> bool:
        return h.get("authorization") == f"Bearer {PLANTED_ACCESS_TOKEN}"

    def token(self, form: dict[str, str], h: dict[str, str]) -> Reply:
        if form.get("client_secret") != PLANTED_CLIENT_SECRET or form.get("grant_type") != "client_credentials":
            return 401, {}, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret"}
        return 200, {}, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                         "access_token": PLANTED_ACCESS_TOKEN}

    def users(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        if not self._authorised(h):
            return 401, {}, {"error": {"code": "InvalidAuthenticationToken", "message": "Access token is empty."}}
        if self.throttle_first and self.throttled == 0:
            self.throttled += 1
            return 429, {"Retry-After": "3"}, {"error": {"code": "TooManyRequests", "message": "Throttled"}}
        select = q.get("$select", "")
        if "signInActivity" in select and not self.premium:
            return 403, {}, {"error": {"code": "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
                                       "message": "Neither tenant is B2C or tenant doesn't have premium license"}}
        items: list[dict[str, Any]] = [
            {k: v for k, v in u.items() if k != "signInActivity" or "signInActivity" in select} for u in USERS]
        page = 2 if q.get("$skiptoken") == "page2" else 1
        body: dict[str, Any] = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
                                "value": items[:2] if page == 1 else items[2:]}
        if page == 1:
            body["@odata.nextLink"] = f"{self.base_url}/users?$select={select}&$top=999&$skiptoken=page2"
        return 200, {}, body

    def registration(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        if not self._authorised(h):
            return 401, {}, {"error": {"code": "InvalidAuthenticationToken", "message": "Access token is empty."}}
        return 200, {}, {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#reports/"
                                           "authenticationMethods/userRegistrationDetails", "value": REGISTRATION}
