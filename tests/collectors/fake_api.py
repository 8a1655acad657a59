"""A local HTTP server answering at the real API paths of GitHub, Google, Okta and Microsoft Graph (tests
only).

Routes map a path (without query) to a function ``(query, headers) -> (status, headers, body)``; every
request is recorded (path, query, headers) so tests can assert what was asked and how.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, dict[str, str], Any]
Route = Callable[[dict[str, str], dict[str, str]], Reply]


class FakeApi:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.post_routes: dict[str, Route] = {}  # path -> handler of the form fields (token endpoints)
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server interface
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                headers = {k.lower(): v for k, v in self.headers.items()}
                with api._lock:
                    api.requests.append((parts.path, query, headers))
                route = api.routes.get(parts.path)
                status, extra, body = route(query, headers) if route else (404, {}, {"message": "Not Found"})
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 - the http.server interface
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                headers = {k.lower(): v for k, v in self.headers.items()}
                with api._lock:
                    api.requests.append((parts.path, form, headers))
                route = api.post_routes.get(parts.path)
                status, extra, body = route(form, headers) if route else (404, {}, {"message": "Not Found"})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def paths(self) -> list[str]:
        with self._lock:
            return [p for p, _, _ in self.requests]


def link_header(base: str, path: str, query: dict[str, Any], page: int, last: int) -> dict[str, str]:
    """A GitHub-style Link header for page ``page`` of ``last``."""
    def url(n: int) -> str:
        q = "&".join(f"{k}={v}" for k, v in {**query, "page": n}.items())
        return f"<{base}{path}?{q}>"

    links = []
    if page < last:
        links.append(f'{url(page + 1)}; rel="next"')
        links.append(f'{url(last)}; rel="last"')
    if page > 1:
        links.append(f'{url(1)}; rel="first"')
        links.append(f'{url(page - 1)}; rel="prev"')
    return {"Link": ", ".join(links)} if links else {}
