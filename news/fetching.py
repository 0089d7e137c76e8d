"""Fetch one RSS/Atom feed (an http(s) URL or a local file) safely.

Feed URLs are typed in by people and served by strangers, so every fetch is bounded: separate
connect, per-read and whole-body time limits; a body cap that also holds after gzip/deflate
decompression (a small bomb cannot fill memory); a short redirect chain that never leaves http(s)
(a feed must not be able to point us at file:, ftp: or data:); a few retries for trouble that may
pass. A fetch never raises for bad input, network or server trouble: it returns a `FetchResult`
with a short reason, so one broken feed never stops a run. Conditional GET (ETag/Last-Modified,
kept by the caller between runs) spares downloading a feed that has not changed.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import stat
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

USER_AGENT = "relintel-news/0.1 (relationship-intelligence feed reader)"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_AFTER_CAP_SECONDS = 60.0
CHUNK_BYTES = 64 * 1024
PATH_SAFE = "/%:@!$&'()*+,;=-._~"  # kept as is when a path is percent-encoded (existing escapes too)


@dataclass(frozen=True)
class FetchLimits:
    """Bounds on one fetch; the defaults suit public news feeds (a few hundred KB, answered in seconds)."""

    connect_timeout: float = 5.0  # seconds to open the TCP/TLS connection
    read_timeout: float = 20.0  # seconds any single read may block
    total_timeout: float = 60.0  # seconds for one attempt: redirects, headers, whole body (a slow drip is cut off)
    max_bytes: int = 10_000_000  # body cap, after gzip/deflate decompression too
    attempts: int = 3  # tries for retryable failures (connection errors, timeouts, 5xx, 429)
    backoff_seconds: float = 1.0  # wait before retry n is backoff * 2**(n-1) (Retry-After honoured, capped at 60 s)
    max_redirects: int = 5


@dataclass(frozen=True)
class Validators:
    """Conditional-GET state of one feed, stored between runs by the caller."""

    etag: str | None = None
    last_modified: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"etag": self.etag, "last_modified": self.last_modified}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> Validators:
        """Missing or hand-edited state is tolerated: anything but a non-empty string counts as absent."""
        d = d or {}
        etag, last_modified = d.get("etag"), d.get("last_modified")
        return cls(etag=etag if isinstance(etag, str) and etag else None,
                   last_modified=last_modified if isinstance(last_modified, str) and last_modified else None)


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch: trouble is a value with a reason, never an exception."""

    status: str  # "fetched" | "not_modified" | "failed"
    body: bytes | None  # only when fetched
    reason: str | None  # only when failed: short human text
    http_status: int | None
    final_url: str | None  # after redirects (None for local files)
    validators: Validators  # to store for the next run (the previous ones unless fetched)
    attempts: int
    elapsed_seconds: float


class _Failure(Exception):
    """Trouble that trying again will not cure: a bad URL, a 404, an oversized body, an unsafe redirect."""

    def __init__(self, reason: str, http_status: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.http_status = reason, http_status


class _Retryable(_Failure):
    """Trouble that may pass: connection errors, timeouts, 5xx and 429 (maybe with a Retry-After)."""

    def __init__(self, reason: str, http_status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason, http_status)
        self.retry_after = retry_after


def fetch(location: str, previous: Validators = Validators(), limits: FetchLimits = FetchLimits(),
          sleep: Callable[[float], None] = time.sleep) -> FetchResult:
    """Fetch `location` (http(s) URL, file:// URL or plain path); `sleep` is injectable so tests need not wait."""
    started = time.monotonic()
    try:
        parts = urlsplit(location.strip())
    except ValueError:
        return _failed("invalid location", started, previous, attempts=0)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return _fetch_http(location.strip(), previous, limits, sleep, started)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return _failed(f"file URL with a host ('{parts.netloc}') not allowed", started, previous, attempts=0)
        return _fetch_file(Path(url2pathname(parts.path)), previous, limits, started)
    if scheme == "":
        return _fetch_file(Path(location), previous, limits, started)
    return _failed(f"scheme '{scheme}' not allowed", started, previous, attempts=0)


def _failed(reason: str, started: float, previous: Validators, *, attempts: int = 1,
            http_status: int | None = None, final_url: str | None = None) -> FetchResult:
    return FetchResult("failed", None, reason, http_status, final_url, previous, attempts, time.monotonic() - started)


def _too_large(limits: FetchLimits) -> str:
    return f"body larger than {limits.max_bytes} bytes"


def _fetch_file(path: Path, previous: Validators, limits: FetchLimits, started: float) -> FetchResult:
    """A local feed file; its mtime and size stand in for Last-Modified, so an unchanged file is not read."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return _failed(f"not a regular file: {path}", started, previous)
        validators = Validators(last_modified=f"{info.st_mtime_ns}:{info.st_size}")
        if previous.last_modified == validators.last_modified:
            return FetchResult("not_modified", None, None, None, None, previous, 1, time.monotonic() - started)
        if info.st_size > limits.max_bytes:
            return _failed(_too_large(limits), started, previous)
        with path.open("rb") as handle:
            body = handle.read(limits.max_bytes + 1)  # the file may have grown since stat
    except FileNotFoundError:
        return _failed(f"not found: {path}", started, previous)
    except OSError as error:
        return _failed(f"cannot read {path} ({error.strerror or type(error).__name__})", started, previous)
    if len(body) > limits.max_bytes:
        return _failed(_too_large(limits), started, previous)
    return FetchResult("fetched", body, None, None, None, validators, 1, time.monotonic() - started)


def _fetch_http(url: str, previous: Validators, limits: FetchLimits, sleep: Callable[[float], None],
                started: float) -> FetchResult:
    """Tries the whole redirect chain again on retryable trouble, waiting with exponential back-off."""
    tries = max(1, limits.attempts)
    attempt = 0
    while True:
        attempt += 1
        chain = [urldefrag(url).url]  # URLs of this attempt; _follow appends each redirect target
        try:
            status, headers, body = _follow(chain, previous, limits)
        except _Retryable as trouble:
            if attempt < tries:
                wait = limits.backoff_seconds * 2 ** (attempt - 1)
                sleep(trouble.retry_after if trouble.retry_after is not None else wait)
                continue
            return _failed(f"{trouble.reason} after {attempt} attempt{'s' if attempt != 1 else ''}", started, previous,
                           attempts=attempt, http_status=trouble.http_status, final_url=chain[-1])
        except _Failure as trouble:
            return _failed(trouble.reason, started, previous, attempts=attempt,
                           http_status=trouble.http_status, final_url=chain[-1])
        elapsed = time.monotonic() - started
        if status == 304:
            return FetchResult("not_modified", None, None, status, chain[-1], previous, attempt, elapsed)
        validators = Validators(etag=headers.get("ETag"), last_modified=headers.get("Last-Modified"))
        return FetchResult("fetched", body, None, status, chain[-1], validators, attempt, elapsed)


def _follow(chain: list[str], previous: Validators,
            limits: FetchLimits) -> tuple[int, http.client.HTTPMessage, bytes | None]:
    """Follows redirects by hand, so each target is vetted (scheme, loop, count) before it is requested."""
    deadline = time.monotonic() + limits.total_timeout
    while True:
        status, headers, body = _exchange(chain[-1], previous, limits, deadline)
        if status not in REDIRECT_STATUSES:
            return status, headers, body
        location = headers.get("Location")
        if not location:
            raise _Failure(f"HTTP {status} redirect without a Location", status)
        try:
            target = urldefrag(urljoin(chain[-1], location.strip())).url
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            raise _Failure(f"redirect to an invalid URL ({location[:200]!r})", status) from None
        if scheme not in ("http", "https"):
            raise _Failure(f"redirect to a non-http(s) URL (scheme '{scheme}')", status)
        if target in chain:
            raise _Failure(f"redirect loop at {target}", status)
        if len(chain) > limits.max_redirects:
            raise _Failure(f"too many redirects ({limits.max_redirects})", status)
        chain.append(target)


def _exchange(url: str, previous: Validators, limits: FetchLimits,
              deadline: float) -> tuple[int, http.client.HTTPMessage, bytes | None]:
    """One GET on a fresh connection (always closed); the body is read only for a 2xx answer."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").encode("idna").decode("ascii"), parts.port
        target = quote(parts.path or "/", safe=PATH_SAFE) + ("?" + quote(parts.query, safe=PATH_SAFE + "?")
                                                             if parts.query else "")
    except ValueError:  # UnicodeError included: a bad port, bracket or host name
        raise _Failure(f"invalid URL {url[:200]}") from None
    if not host:
        raise _Failure(f"no host in URL {url[:200]}")
    connection = (http.client.HTTPSConnection(host, port, timeout=limits.connect_timeout,
                                              context=ssl.create_default_context())
                  if parts.scheme.lower() == "https"
                  else http.client.HTTPConnection(host, port, timeout=limits.connect_timeout))
    response: http.client.HTTPResponse | None = None
    try:
        sock = _connect(connection, host)  # kept: http.client drops connection.sock once a response will close
        try:
            _arm_read_timeout(sock, limits, deadline)
            connection.request("GET", target, headers=_request_headers(previous))
            response = connection.getresponse()
            status = response.status
            if status == 304 or status in REDIRECT_STATUSES:
                return status, response.msg, None
            if 200 <= status < 300:
                return status, response.msg, _read_body(sock, response, limits, deadline)
            if status == 429 or status >= 500:
                raise _Retryable(f"HTTP {status}", status, _retry_after(response))
            raise _Failure(f"HTTP {status}", status)
        except TimeoutError:
            if time.monotonic() >= deadline - 0.01:
                raise _Retryable(f"total time limit ({limits.total_timeout:g} s) exceeded") from None
            raise _Retryable("read timed out") from None
        except (ConnectionError, http.client.IncompleteRead) as error:
            raise _Retryable(f"connection lost ({type(error).__name__})") from None
        except http.client.InvalidURL:
            raise _Failure(f"invalid URL {url[:200]}") from None
        except http.client.HTTPException as error:
            raise _Failure(f"malformed HTTP response ({type(error).__name__})") from None
        except OSError as error:
            raise _Retryable(f"network error ({error.strerror or type(error).__name__})") from None
    finally:
        connection.close()
        if response is not None:  # the response may own the socket (Connection: close)
            response.close()


def _connect(connection: http.client.HTTPConnection, host: str) -> socket.socket:
    """Opens TCP (and TLS) under connect_timeout; a certificate that does not verify is not retried."""
    try:
        connection.connect()
        assert connection.sock is not None
        return connection.sock
    except ssl.SSLCertVerificationError as error:
        raise _Failure(f"TLS certificate of {host} not trusted ({error.verify_message})") from None
    except TimeoutError:
        raise _Retryable("connect timed out") from None
    except ConnectionRefusedError:
        raise _Retryable("connection refused") from None
    except OSError as error:
        raise _Retryable(f"connection failed ({error.strerror or type(error).__name__})") from None


def _arm_read_timeout(sock: socket.socket, limits: FetchLimits, deadline: float) -> None:
    """The next read may block read_timeout, but never past the deadline of the whole attempt."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    sock.settimeout(min(limits.read_timeout, remaining))


def _request_headers(previous: Validators) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
    for name, value in (("If-None-Match", previous.etag), ("If-Modified-Since", previous.last_modified)):
        if value and value.isascii() and value.isprintable():  # stored state must not inject headers
            headers[name] = value
    return headers


def _retry_after(response: http.client.HTTPResponse) -> float | None:
    """Only the delay-seconds form, only for 429/503; a date or anything else falls back to back-off."""
    value = (response.getheader("Retry-After") or "").strip()
    return min(float(value), RETRY_AFTER_CAP_SECONDS) if response.status in (429, 503) and value.isdigit() else None


def _read_body(sock: socket.socket, response: http.client.HTTPResponse,
               limits: FetchLimits, deadline: float) -> bytes:
    """Reads chunk by chunk so the cap (on raw and decompressed bytes) and the deadline hold throughout."""
    length = (response.getheader("Content-Length") or "").strip()
    if length.isdigit() and int(length) > limits.max_bytes:
        raise _Failure(_too_large(limits), response.status)
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise _Failure(f"unsupported Content-Encoding '{encoding[:40]}'", response.status)
    inflater: zlib._Decompress | None = None
    body, raw_bytes = bytearray(), 0
    while True:
        _arm_read_timeout(sock, limits, deadline)
        data = response.read1(CHUNK_BYTES)  # at most one socket read, so a drip cannot outlast the deadline
        if not data:
            break
        raw_bytes += len(data)
        if encoding != "identity":
            if inflater is None:  # gzip; "deflate" is zlib-wrapped by the RFC, but raw from some servers
                raw_deflate = encoding == "deflate" and data[0] & 0x0F != 8
                inflater = zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else 32 + zlib.MAX_WBITS)
            try:  # output bounded by the room left + 1, so a bomb never expands past the cap
                data = inflater.decompress(data, limits.max_bytes - len(body) + 1)
            except zlib.error as error:
                raise _Failure(f"cannot decompress the body ({error})", response.status) from None
        body += data
        if raw_bytes > limits.max_bytes or len(body) > limits.max_bytes:
            raise _Failure(_too_large(limits), response.status)
    if response.length:  # Content-Length promised more than arrived
        raise _Retryable("connection closed before the end of the body", response.status)
    if inflater is not None and not inflater.eof:
        raise _Retryable("compressed body cut short", response.status)
    return bytes(body)
