"""A small real HTTP server for feed tests: each path answers with a declarative `Route` or a handler.

    with serve({"/feed": Route(body=b"<rss/>", etag='"v1"'), "/slow": drip}) as base:
        fetch(base + "/feed")
        base.requests[0].headers["User-Agent"]

It runs on 127.0.0.1, port 0 (a free port), in a daemon thread, and records every request (path and
headers) on the yielded URL's `requests`, in arrival order. An unknown path answers 404.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class Route:
    """A canned answer; with an `etag`, a request whose If-None-Match equals it gets 304."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    etag: str | None = None


@dataclass(frozen=True)
class Seen:
    path: str
    headers: Message  # case-insensitive: headers["if-none-match"]


class BaseUrl(str):
    """The server's base URL, e.g. "http://127.0.0.1:41234", carrying the requests it has seen."""

    requests: list[Seen]


def answer(handler: BaseHTTPRequestHandler, route: Route) -> None:
    time.sleep(route.delay)
    if route.etag is not None and handler.headers.get("If-None-Match") == route.etag:
        handler.send_response(304)
        handler.send_header("ETag", route.etag)
        handler.end_headers()
        return
    handler.send_response(route.status)
    if route.etag is not None:
        handler.send_header("ETag", route.etag)
    for name, value in route.headers.items():
        handler.send_header(name, value)
    if "content-length" not in {name.lower() for name in route.headers}:
        handler.send_header("Content-Length", str(len(route.body)))
    handler.end_headers()
    handler.wfile.write(route.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (timeouts, caps) leaves a broken pipe behind: expected, not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve(routes: Mapping[str, Route | Handler]) -> Iterator[BaseUrl]:
    seen: list[Seen] = []

    class RequestHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            seen.append(Seen(self.path, self.headers))
            route = routes.get(urlsplit(self.path).path)
            if route is None:
                answer(self, Route(status=404, body=b"not found"))
            elif isinstance(route, Route):
                answer(self, route)
            else:
                route(self)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass  # keep test output clean

    server = _Server(("127.0.0.1", 0), RequestHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    base = BaseUrl(f"http://127.0.0.1:{server.server_address[1]}")
    base.requests = seen
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)
