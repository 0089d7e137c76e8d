"""news.fetching against a real HTTP server on 127.0.0.1 (tests/news/feed_server.py) and temp files.

Every limit is made tiny (timeouts of tenths of a second, caps of a few KB) and the back-off sleep is
a recorder, so each test shows a bound holding without waiting for it.
"""

from __future__ import annotations

import gzip
import os
import socket
import time
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from news.fetching import USER_AGENT, FetchLimits, FetchResult, Validators, fetch
from tests.news.feed_server import Route, serve

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Acme news</title></channel></rss>'
FAST = FetchLimits(connect_timeout=0.5, read_timeout=0.5, total_timeout=1.0, attempts=1)


class Sleeps(list[float]):
    """Stands in for time.sleep: records the back-off instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def failed(result: FetchResult) -> str:
    assert result.status == "failed" and result.body is None and result.reason, result
    return result.reason


# --- conditional GET -------------------------------------------------------------------------------

def test_fetched_with_validators_then_not_modified_with_the_previous_ones_kept() -> None:
    modified = "Mon, 06 Jan 2025 10:00:00 GMT"
    with serve({"/feed": Route(body=FEED, etag='"v1"', headers={"Last-Modified": modified})}) as base:
        first = fetch(base + "/feed", limits=FAST)
        assert (first.status, first.body, first.http_status) == ("fetched", FEED, 200)
        assert first.validators == Validators(etag='"v1"', last_modified=modified)
        assert first.final_url == base + "/feed" and first.attempts == 1 and first.reason is None

        stored = Validators.from_dict(first.validators.as_dict())  # as the caller keeps it between runs
        second = fetch(base + "/feed", previous=stored, limits=FAST)
        assert (second.status, second.body, second.http_status) == ("not_modified", None, 304)
        assert second.validators == stored

        first_seen, second_seen = base.requests
        assert first_seen.headers["If-None-Match"] is None and first_seen.headers["If-Modified-Since"] is None
        assert second_seen.headers["If-None-Match"] == '"v1"'
        assert second_seen.headers["If-Modified-Since"] == modified


def test_request_headers() -> None:
    with serve({"/feed": Route(body=FEED)}) as base:
        fetch(base + "/feed", limits=FAST)
    headers = base.requests[0].headers
    assert headers["User-Agent"] == USER_AGENT == "relintel-news/0.1 (relationship-intelligence feed reader)"
    assert headers["Accept"].startswith("application/rss+xml, application/atom+xml")
    assert headers["Accept-Encoding"] == "gzip, deflate"


def test_validators_round_trip_and_tolerate_bad_state() -> None:
    assert Validators.from_dict(None) == Validators()
    assert Validators.from_dict({"etag": 3, "last_modified": ""}) == Validators()
    assert Validators.from_dict(Validators("e", "m").as_dict()) == Validators("e", "m")


def test_stored_validators_cannot_inject_headers() -> None:
    with serve({"/feed": Route(body=FEED)}) as base:
        result = fetch(base + "/feed", previous=Validators(etag='"x"\r\nX-Evil: 1'), limits=FAST)
    assert result.status == "fetched"
    assert base.requests[0].headers["If-None-Match"] is None and base.requests[0].headers["X-Evil"] is None


# --- time limits and retries -----------------------------------------------------------------------

def test_read_timeout_is_retried_then_reported() -> None:
    sleeps = Sleeps()
    limits = FetchLimits(connect_timeout=0.5, read_timeout=0.3, attempts=2, backoff_seconds=0.25)
    with serve({"/slow": Route(body=FEED, delay=1.0)}) as base:
        started = time.monotonic()
        result = fetch(base + "/slow", limits=limits, sleep=sleeps)
    assert failed(result) == "read timed out after 2 attempts"
    assert result.attempts == 2 and sleeps == [0.25] and len(base.requests) == 2
    assert time.monotonic() - started < 1.2


def test_server_error_is_retried_with_exponential_back_off() -> None:
    sleeps = Sleeps()
    with serve({"/feed": Route(status=500)}) as base:
        result = fetch(base + "/feed", limits=FetchLimits(attempts=3, backoff_seconds=0.5), sleep=sleeps)
    assert failed(result) == "HTTP 500 after 3 attempts"
    assert (result.http_status, result.attempts, len(base.requests)) == (500, 3, 3)
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize(("status", "retry_after", "waited"), [(429, "120", 60.0), (503, "2", 2.0), (429, "soon", 1.0)])
def test_retry_after_is_honoured_and_capped(status: int, retry_after: str, waited: float) -> None:
    sleeps = Sleeps()
    with serve({"/feed": Route(status=status, headers={"Retry-After": retry_after})}) as base:
        result = fetch(base + "/feed", limits=FetchLimits(attempts=2, backoff_seconds=1.0), sleep=sleeps)
    assert failed(result) == f"HTTP {status} after 2 attempts"
    assert sleeps == [waited]


def test_a_server_that_recovers_is_fetched_on_the_next_attempt() -> None:
    calls = []

    def flaky(handler: BaseHTTPRequestHandler) -> None:
        calls.append(1)
        if len(calls) == 1:
            handler.send_error(502)
            return
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(FEED)))
        handler.end_headers()
        handler.wfile.write(FEED)

    sleeps = Sleeps()
    with serve({"/feed": flaky}) as base:
        result = fetch(base + "/feed", limits=FetchLimits(attempts=3), sleep=sleeps)
    assert (result.status, result.body, result.attempts, sleeps) == ("fetched", FEED, 2, [1.0])


def test_not_found_is_not_retried() -> None:
    sleeps = Sleeps()
    with serve({}) as base:
        result = fetch(base + "/missing", limits=FetchLimits(attempts=3), sleep=sleeps)
    assert failed(result) == "HTTP 404"
    assert (result.http_status, result.attempts, sleeps, len(base.requests)) == (404, 1, [], 1)


def drip(handler: BaseHTTPRequestHandler) -> None:
    """A byte every 50 ms for 3 s: each read is quick, the whole body is not."""
    handler.send_response(200)
    handler.end_headers()
    for _ in range(60):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.05)


def test_slow_drip_is_cut_by_the_total_timeout() -> None:
    limits = FetchLimits(read_timeout=0.3, total_timeout=0.4, attempts=1)
    with serve({"/drip": drip}) as base:
        started = time.monotonic()
        result = fetch(base + "/drip", limits=limits)
    assert failed(result) == "total time limit (0.4 s) exceeded after 1 attempt"
    assert 0.35 < time.monotonic() - started < 1.0


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_refused_connection() -> None:
    sleeps = Sleeps()
    result = fetch(f"http://127.0.0.1:{closed_port()}/feed", limits=FetchLimits(attempts=2), sleep=sleeps)
    assert failed(result) == "connection refused after 2 attempts"
    assert (result.attempts, result.http_status, sleeps) == (2, None, [1.0])


# --- size caps -------------------------------------------------------------------------------------

SMALL = FetchLimits(read_timeout=0.5, total_timeout=1.0, max_bytes=1000, attempts=1)


def test_oversized_body_with_a_content_length_is_refused_unread() -> None:
    with serve({"/big": Route(body=b"x" * 5000)}) as base:
        result = fetch(base + "/big", limits=SMALL)
    assert failed(result) == "body larger than 1000 bytes" and result.http_status == 200


def chunked(handler: BaseHTTPRequestHandler) -> None:
    handler.protocol_version = "HTTP/1.1"
    handler.close_connection = True
    handler.send_response(200)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for _ in range(10):
        handler.wfile.write(b"1f4\r\n" + b"x" * 500 + b"\r\n")  # 0x1f4 = 500 bytes
    handler.wfile.write(b"0\r\n\r\n")


def unsized(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)  # HTTP/1.0, no Content-Length: the body ends when the connection does
    handler.end_headers()
    handler.wfile.write(b"x" * 5000)


@pytest.mark.parametrize("route", [chunked, unsized])
def test_oversized_body_without_a_length_is_cut_at_the_cap(route) -> None:  # type: ignore[no-untyped-def]
    with serve({"/big": route}) as base:
        result = fetch(base + "/big", limits=SMALL)
    assert failed(result) == "body larger than 1000 bytes"


@pytest.mark.parametrize("route", [chunked, unsized])
def test_body_without_a_length_under_the_cap_is_fetched(route) -> None:  # type: ignore[no-untyped-def]
    with serve({"/feed": route}) as base:
        result = fetch(base + "/feed", limits=FetchLimits(max_bytes=6000, attempts=1))
    assert result.status == "fetched" and result.body == b"x" * 5000


def test_gzip_and_deflate_bodies_are_decompressed() -> None:
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    routes = {"/gzip": Route(body=gzip.compress(FEED), headers={"Content-Encoding": "gzip"}),
              "/deflate": Route(body=zlib.compress(FEED), headers={"Content-Encoding": "deflate"}),
              "/raw-deflate": Route(body=raw.compress(FEED) + raw.flush(), headers={"Content-Encoding": "deflate"})}
    with serve(routes) as base:
        for path in routes:
            assert fetch(base + path, limits=FAST).body == FEED, path


def test_unrequested_encoding_is_refused_not_passed_on_as_the_feed() -> None:
    with serve({"/feed": Route(body=b"\x1b\x00", headers={"Content-Encoding": "br"})}) as base:
        assert failed(fetch(base + "/feed", limits=FAST)) == "unsupported Content-Encoding 'br'"


def test_non_ascii_path_is_percent_encoded() -> None:
    with serve({"/actualit%C3%A9s/feed": Route(body=FEED)}) as base:
        result = fetch(base + "/actualités/feed?lang=fr", limits=FAST)
    assert result.body == FEED and base.requests[0].path == "/actualit%C3%A9s/feed?lang=fr"


def test_gzip_bomb_is_cut_at_the_cap() -> None:
    bomb = gzip.compress(b"\0" * 10_000_000)  # ~10 KB on the wire
    limits = FetchLimits(read_timeout=0.5, max_bytes=100_000, attempts=1)
    assert len(bomb) < limits.max_bytes
    with serve({"/bomb": Route(body=bomb, headers={"Content-Encoding": "gzip"})}) as base:
        result = fetch(base + "/bomb", limits=limits)
    assert failed(result) == "body larger than 100000 bytes"


# --- redirects -------------------------------------------------------------------------------------

def moved(to: str, status: int = 302) -> Route:
    return Route(status=status, headers={"Location": to})


def test_redirect_is_followed_to_the_final_url() -> None:
    with serve({"/old": moved("/feed", 301), "/feed": Route(body=FEED, etag='"v2"')}) as base:
        result = fetch(base + "/old", limits=FAST)
    assert (result.status, result.body, result.final_url) == ("fetched", FEED, base + "/feed")
    assert result.validators.etag == '"v2"' and [r.path for r in base.requests] == ["/old", "/feed"]


def test_redirect_loop() -> None:
    with serve({"/a": moved("/b"), "/b": moved("/a")}) as base:
        result = fetch(base + "/a", limits=FAST)
    assert failed(result) == f"redirect loop at {base}/a"
    assert [r.path for r in base.requests] == ["/a", "/b"]


def test_too_many_redirects() -> None:
    routes = {f"/r{n}": moved(f"/r{n + 1}", 307) for n in range(10)}
    with serve(routes) as base:
        result = fetch(base + "/r0", limits=FetchLimits(max_redirects=3, attempts=1))
    assert failed(result) == "too many redirects (3)"
    assert len(base.requests) == 4  # the first request and three redirects followed, not one more


@pytest.mark.parametrize(("target", "scheme"), [("ftp://example.com/x", "ftp"), ("file:///etc/passwd", "file"),
                                                 ("javascript:alert(1)", "javascript")])
def test_redirect_off_http_is_not_followed(target: str, scheme: str) -> None:
    with serve({"/feed": moved(target)}) as base:
        result = fetch(base + "/feed", limits=FAST)
    assert failed(result) == f"redirect to a non-http(s) URL (scheme '{scheme}')"
    assert result.http_status == 302 and result.final_url == base + "/feed" and len(base.requests) == 1


# --- locations -------------------------------------------------------------------------------------

@pytest.mark.parametrize("location", ["ftp://example.com/feed.xml", "data:text/xml,<rss/>", "gopher://x/"])
def test_unsupported_scheme(location: str) -> None:
    scheme = location.split(":")[0]
    result = fetch(location)
    assert failed(result) == f"scheme '{scheme}' not allowed" and result.attempts == 0


def test_local_file_fetched_then_not_modified_then_fetched_after_a_change(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(FEED)
    first = fetch(str(path))
    assert (first.status, first.body, first.final_url, first.validators.etag) == ("fetched", FEED, None, None)
    assert first.validators.last_modified

    second = fetch(path.as_uri(), previous=first.validators)  # a file:// URL names the same file
    assert (second.status, second.body, second.validators) == ("not_modified", None, first.validators)

    path.write_bytes(FEED + b"\n")
    later = path.stat().st_mtime_ns + 1_000_000_000  # a clear step, whatever the file system's clock grain
    os.utime(path, ns=(later, later))
    third = fetch(str(path), previous=second.validators)
    assert (third.status, third.body) == ("fetched", FEED + b"\n")
    assert third.validators != first.validators


def test_local_file_over_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(b"x" * 1001)
    assert failed(fetch(str(path), limits=SMALL)) == "body larger than 1000 bytes"


def test_missing_local_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.xml"
    assert failed(fetch(str(path))) == f"not found: {path}"
    assert failed(fetch(path.as_uri())) == f"not found: {path}"
    assert failed(fetch(str(tmp_path))) == f"not a regular file: {tmp_path}"
