"""The HTTP client the REST collectors share: bounded connection pool, retries with backoff, rate limits,
``Link: <...>; rel="next"`` pagination.

Rate limits honoured (each wait capped at ``max_wait`` seconds; ``sleep`` and ``clock`` are injectable so
tests do not really wait):

- ``Retry-After`` (seconds) on 429 and 403 answers (GitHub secondary rate limits, Okta, Google);
- GitHub's ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset`` (epoch seconds): a 403 or 429 with
  remaining 0 waits until the reset; a successful answer with remaining 0 makes the *next* request wait.
  See https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api ;
- Okta's ``X-Rate-Limit-Remaining`` / ``X-Rate-Limit-Reset`` (same meaning, other spelling), see
  https://developer.okta.com/docs/reference/rl-best-practices/ , and GitLab's ``RateLimit-Remaining`` /
  ``RateLimit-Reset`` (https://docs.gitlab.com/security/rate_limits/);
- Google's 429 / 403 ``rateLimitExceeded`` answers: exponential backoff, as its docs advise;
- a rate-limit answer with no hint at all (GitHub's secondary limits may come so): ``hintless_wait``
  seconds doubled on each retry (GitHub asks for at least one minute, then exponentially longer), or the
  plain exponential backoff when ``hintless_wait`` is 0.

5xx answers, timeouts and connection errors are retried with exponential backoff up to ``max_retries``.
Tokens go in headers only; nothing this module raises or reports contains a header value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

RATE_LIMIT_WORDS = ("rate limit", "ratelimit", "rateLimitExceeded", "userRateLimitExceeded", "too many requests")


class HttpError(Exception):
    """A request that failed for good (after retries): status (None for a transport error) and reason."""

    def __init__(self, method: str, target: str, status: int | None, reason: str) -> None:
        self.method = method
        self.target = target
        self.status = status
        self.reason = reason
        super().__init__(f"{method} {target}: {reason}")


@dataclass
class Answer:
    """One HTTP answer: status, parsed JSON (or None), raw bytes, the request target (path and query,
    without the host) and the next page's URL from the ``Link`` header."""

    status: int
    data: Any
    content: bytes
    target: str
    next_url: str | None
    headers: Mapping[str, str]


class HttpClient:
    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30,
        max_retries: int = 5,
        max_wait: float = 120,
        max_connections: int = 8,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: Any = None,
        on_wait: Callable[[float, str], None] | None = None,
        hintless_wait: float = 0,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            headers=dict(headers or {}),
            timeout=httpx.Timeout(timeout, pool=None),  # waiting for a free pooled connection is not a failure
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
            follow_redirects=True,
        )
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        self._on_wait = on_wait
        self.hintless_wait = hintless_wait
        self._lock = threading.Lock()
        self._resume_at = 0.0  # epoch seconds before which no request is sent (rate limit exhausted)
        self.requests = 0
        self.waits: list[float] = []

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- helpers -------------------------------------------------------------------------------

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    def target(self, url: str) -> str:
        """The request target shown in evidence: the path (below the base URL's path) and query."""
        parts = urlsplit(url)
        base_path = urlsplit(self.base_url).path.rstrip("/")
        path = parts.path[len(base_path):] if base_path and parts.path.startswith(base_path) else parts.path
        return path + (f"?{parts.query}" if parts.query else "")

    def _wait(self, seconds: float, why: str) -> None:
        seconds = max(0.0, min(seconds, self.max_wait))
        if seconds <= 0:
            return
        with self._lock:
            self.waits.append(seconds)
        if self._on_wait:
            self._on_wait(seconds, why)
        self._sleep(seconds)

    def _backoff(self, attempt: int) -> float:
        return min(2.0 ** attempt, 60.0)

    def _rate_limit_wait(self, resp: Any, attempt: int) -> float | None:
        """Seconds to wait before retrying a rate-limited answer, or None when it is not one."""
        h = resp.headers
        retry_after = h.get("retry-after")
        remaining, reset = _budget_headers(h)
        limited = resp.status_code == 429 or retry_after is not None or remaining == "0"
        if not limited and resp.status_code == 403:
            body = resp.text[:2000]
            limited = any(w.lower() in body.lower() for w in RATE_LIMIT_WORDS)
        if not limited:
            return None
        if retry_after is not None:
            try:
                return float(retry_after)
            except ValueError:
                pass
        if remaining == "0" and reset:
            try:
                return max(1.0, float(reset) - self._clock() + 1.0)
            except ValueError:
                pass
        if self.hintless_wait > 0:  # no hint: GitHub asks for at least a minute, growing exponentially
            return self.hintless_wait * 2.0 ** attempt
        return self._backoff(attempt)

    def _note_budget(self, resp: Any) -> None:
        h = resp.headers
        remaining, reset = _budget_headers(h)
        if remaining == "0" and reset:
            try:
                with self._lock:
                    self._resume_at = max(self._resume_at, float(reset) + 1.0)
            except ValueError:
                pass

    # ---- requests ------------------------------------------------------------------------------

    def get(self, path_or_url: str, *, params: Mapping[str, Any] | None = None,
            accept: tuple[int, ...] = (200,)) -> Answer:
        """GET with retries; statuses in ``accept`` are answers, anything else raises :class:`HttpError`."""
        import httpx

        url = self.url(path_or_url)
        request = self._client.build_request("GET", url, params=params)
        target = self.target(str(request.url))
        attempt = 0
        while True:
            with self._lock:
                pause = self._resume_at - self._clock()
            if pause > 0:
                self._wait(pause, "rate limit exhausted")
                with self._lock:
                    self._resume_at = 0.0
            try:
                with self._lock:
                    self.requests += 1
                resp = self._client.send(request)
            except httpx.TransportError as exc:
                if attempt >= self.max_retries:
                    raise HttpError("GET", target, None, f"{type(exc).__name__} after {attempt + 1} tries") from None
                self._wait(self._backoff(attempt), f"{type(exc).__name__}")
                attempt += 1
                continue
            if resp.status_code in accept:
                self._note_budget(resp)
                return _answer(resp, target)
            wait_for = self._rate_limit_wait(resp, attempt) if resp.status_code in (403, 429) else None
            if wait_for is None and resp.status_code >= 500:
                wait_for = self._backoff(attempt)
            if wait_for is None:
                raise HttpError("GET", target, resp.status_code, _reason(resp))
            if attempt >= self.max_retries:
                raise HttpError("GET", target, resp.status_code, f"{_reason(resp)} (gave up after {attempt + 1} tries)")
            self._wait(wait_for, f"HTTP {resp.status_code}")
            attempt += 1

    def pages(self, path_or_url: str, *, params: Mapping[str, Any] | None = None) -> Iterator[Answer]:
        """Follow ``Link: rel="next"`` until there is none (the next URL already carries every parameter)."""
        answer = self.get(path_or_url, params=params)
        yield answer
        while answer.next_url:
            answer = self.get(answer.next_url)
            yield answer


def _budget_headers(h: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(remaining, reset epoch) from GitHub's ``X-RateLimit-*``, Okta's ``X-Rate-Limit-*`` or GitLab's
    ``RateLimit-*`` headers."""
    remaining = h.get("x-ratelimit-remaining", h.get("x-rate-limit-remaining", h.get("ratelimit-remaining")))
    reset = h.get("x-ratelimit-reset", h.get("x-rate-limit-reset", h.get("ratelimit-reset")))
    return remaining, reset


def _answer(resp: Any, target: str) -> Answer:
    content = resp.content
    data: Any = None
    if content:
        try:
            data = resp.json()
        except ValueError:
            data = None
    nxt = resp.links.get("next", {}).get("url") if resp.headers.get("link") else None
    return Answer(resp.status_code, data, content, target, nxt, resp.headers)


def _reason(resp: Any) -> str:
    text = ""
    try:
        body = resp.json()
        if isinstance(body, dict):
            err = body.get("error")
            text = str(body.get("message") or body.get("errorSummary")
                       or (err.get("message") if isinstance(err, dict) else err) or "")
    except ValueError:
        text = resp.text[:200]
    return f"HTTP {resp.status_code}" + (f" {text.strip()[:200]}" if text.strip() else "")
