"""Deliver alert rows (from the published `alerts` table) to a JSONL outbox and an optional webhook.

Why it is built this way:

- At most once per alert and recipient, per channel. Every alert gets a key made of its alert id
  and its recipient; a key is recorded in the state file right after its channel took it, and a
  recorded key is never sent to that channel again. Whoever reads the outbox or the chat channel
  sees an alert once, however often the sensor hands the same rows over.
- A failing webhook never blocks the nightly run. Delivery does not raise: every failure becomes a
  line in the report's `errors`. Tries are bounded (`attempts`, exponential back-off, connect and
  read time-outs), and once an alert found the webhook unavailable the rest of the call does not
  try it again, so a dead webhook costs one alert's tries per call, not one per alert. An alert the
  webhook did not take is not recorded and is tried again on the next call.
- The outbox is the durable record. It is written first, for all alerts, before the webhook is
  tried: a hanging webhook cannot keep an alert out of the outbox. Lines are appended, flushed and
  fsynced one at a time; a line cut short by a crash is left as is (readers skip a line that is
  not JSON) and the alert is written again whole, since its key was never recorded.
- The state file is replaced atomically, so it is either the old or the new version. If it is
  missing or unreadable all the same, the keys are rebuilt from the outbox rather than starting
  empty: an empty state would send every alert again. The rebuilt keys count as delivered to the
  webhook too (at most once wins over at least once); a damaged file is kept aside for inspection.

One limit: an answer that times out may come from a receiver that already took the alert, and the
retry then reaches it twice. Each request carries an `Idempotency-Key` header (the alert's key) so
a receiver can drop the repeat; a Slack incoming webhook does not, and may show such an alert twice.

Layout (both under `<data>/alerts/`): `outbox.jsonl`, one JSON object per line with the alert's
fields and its `idempotency_key`; `delivered.json`, `{"outbox": [keys], "webhook": [keys]}`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import hashlib
import http.client
import importlib.metadata
import json
import math
import os
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from runtime import locks
from runtime.settings import Settings, check_webhook_url

OUTBOX = "outbox"
WEBHOOK = "webhook"
# Statuses worth another try: the receiver is overloaded or briefly down. Any other 4xx means this
# request will never be taken as it is, and a redirect is not followed (a webhook URL that moved
# should be changed, not chased, and a POST body must not go to a host nobody configured).
RETRY_STATUSES = frozenset({408, 429})
RESPONSE_EXCERPT = 200  # characters of a refusal's body kept in the error, e.g. Slack's "invalid_payload"
LOCK_MARGIN_SECONDS = 5.0
DEFAULT_ATTEMPTS = 3


@dataclass(frozen=True)
class DeliverySettings:
    outbox: Path  # JSONL file the alerts are appended to
    state: Path  # JSON file recording what was delivered (idempotency), per channel
    webhook_url: str | None  # http(s) URL or None (then only the outbox)
    attempts: int = DEFAULT_ATTEMPTS  # bounded tries per alert per delivery call
    backoff_seconds: float = 1.0  # first back-off; doubles each retry
    connect_timeout: float = 5.0
    read_timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.webhook_url is not None:
            check_webhook_url(self.webhook_url, "webhook_url")
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {self.attempts}")
        if not (self.backoff_seconds >= 0 and self.connect_timeout > 0 and self.read_timeout > 0):
            raise ValueError("backoff_seconds must be >= 0 and both time-outs > 0")

    @classmethod
    def from_settings(cls, cfg: Settings) -> DeliverySettings:
        """Under `<data>/alerts/`, with the webhook and its tries from the settings (RI_ALERT_*)."""
        folder = cfg.data_dir / "alerts"
        return cls(outbox=folder / "outbox.jsonl", state=folder / "delivered.json",
                   webhook_url=cfg.alert_webhook_url, attempts=cfg.alert_webhook_attempts)

    def longest_webhook_seconds(self) -> float:
        """What one call can spend on an unavailable webhook: one alert's tries and back-offs."""
        backoffs = self.backoff_seconds * (2 ** (self.attempts - 1) - 1)
        return self.attempts * (self.connect_timeout + self.read_timeout) + backoffs


@dataclass
class DeliveryReport:
    outbox_written: int = 0  # new lines appended this call
    webhook_sent: int = 0  # alerts the webhook accepted this call
    webhook_failed: int = 0  # alerts still undelivered to the webhook after this call's tries
    already_delivered: int = 0  # alerts every configured channel had been given before
    errors: list[str] = field(default_factory=list)  # one per failed alert; never raised

    def as_metadata(self) -> dict[str, Any]:
        shown = self.errors[:20]
        if len(self.errors) > len(shown):
            shown.append(f"... and {len(self.errors) - len(shown)} more")
        return {
            "outbox_written": self.outbox_written,
            "webhook_sent": self.webhook_sent,
            "webhook_failed": self.webhook_failed,
            "already_delivered": self.already_delivered,
            "error_count": len(self.errors),
            "errors": "\n".join(shown),
        }

    def summary(self, received: int, webhook: bool) -> str:
        webhook_part = (f"webhook sent {self.webhook_sent}, failed {self.webhook_failed}" if webhook
                        else "no webhook configured")
        line = (f"alert delivery: {received} alerts in, outbox +{self.outbox_written}, {webhook_part}, "
                f"already delivered {self.already_delivered}, {len(self.errors)} errors")
        return line + (f" (first: {self.errors[0]})" if self.errors else "")


def idempotency_key(alert: Mapping[str, Any]) -> str:
    """A stable key for one alert to one recipient: the same row always gets the same key."""
    alert_id, recipient = alert.get("alert_id"), alert.get("recipient_user_id")
    if alert_id is None or str(alert_id) == "" or recipient is None or str(recipient) == "":
        raise ValueError("an alert needs an alert_id and a recipient_user_id")
    # Hashed from a JSON pair so that no choice of ids can make two different pairs collide, and so
    # the key is a plain ASCII token fit for an HTTP header.
    pair = json.dumps([str(alert_id), str(recipient)], ensure_ascii=False)
    return hashlib.sha256(pair.encode("utf-8")).hexdigest()[:32]


def deliver(alerts: Iterable[Mapping[str, Any]], settings: DeliverySettings,
            log: Callable[[str], None] = print) -> DeliveryReport:
    """Append the alerts not yet in the outbox, then post those the webhook has not taken; never raises."""
    report = DeliveryReport()
    received, wait = 0, 0.0
    try:
        rows = list(alerts)
        received = len(rows)
        settings.state.parent.mkdir(parents=True, exist_ok=True)
        settings.outbox.parent.mkdir(parents=True, exist_ok=True)
        # Two overlapping calls (the sensor and a manual run) would both see a key as new. The wait
        # is bounded by what a call can take, so a stuck holder costs this call, not the caller.
        wait = settings.longest_webhook_seconds() + LOCK_MARGIN_SECONDS
        with locks.exclusive(settings.state.with_suffix(".lock"), wait, "alert delivery", on_wait=log):
            _deliver_locked(rows, settings, log, report)
    except locks.LockTimeout:
        report.errors.append(f"delivery skipped: another alert delivery held {settings.state.with_suffix('.lock')} "
                             f"for over {wait:g} s; the next call delivers these alerts")
    except Exception as exc:  # noqa: BLE001 - delivery must never fail the run that calls it
        report.errors.append(f"delivery stopped: {type(exc).__name__}: {exc}")
    log(report.summary(received, settings.webhook_url is not None))
    return report


def _deliver_locked(rows: list[Mapping[str, Any]], settings: DeliverySettings, log: Callable[[str], None],
                    report: DeliveryReport) -> None:
    state = _load_state(settings, log)
    lines: dict[str, dict[str, Any]] = {}  # key -> outbox line, in input order, each key once
    for position, alert in enumerate(rows):
        try:
            key = idempotency_key(alert)
        except ValueError as exc:
            report.errors.append(f"alert #{position} skipped: {exc}")
            continue
        if key in lines:
            report.already_delivered += 1  # the same row twice in one call: delivered by its first copy
            continue
        lines[key] = {**_plain(alert), "idempotency_key": key}
    channels = [OUTBOX] + ([WEBHOOK] if settings.webhook_url else [])
    report.already_delivered += sum(all(k in state.keys[c] for c in channels) for k in lines)

    for key, line in lines.items():
        if key in state.keys[OUTBOX]:
            continue
        try:
            _append_line(settings.outbox, line)
        except OSError as exc:
            report.errors.append(f"{key}: outbox not written: {exc}")
            continue
        report.outbox_written += 1
        state.record(OUTBOX, key)  # a failure here stops the call: an unrecorded line would repeat

    if settings.webhook_url:
        _post_all([(k, v) for k, v in lines.items() if k not in state.keys[WEBHOOK]], settings, state, report)


def _post_all(pending: list[tuple[str, dict[str, Any]]], settings: DeliverySettings, state: _State,
              report: DeliveryReport) -> None:
    assert settings.webhook_url is not None
    unavailable = ""
    for key, line in pending:
        if unavailable:
            # Trying every alert against a webhook that just failed all its tries would multiply the
            # wait by the number of alerts; the next call tries them again.
            report.webhook_failed += 1
            report.errors.append(f"{key}: webhook not tried, it was unavailable for an earlier alert ({unavailable})")
            continue
        outcome = _post_with_retries(settings, key, _webhook_body(line))
        if outcome.delivered:
            report.webhook_sent += 1
            state.record(WEBHOOK, key)
            continue
        report.webhook_failed += 1
        report.errors.append(f"{key}: webhook {outcome.detail}")
        if outcome.retryable:
            unavailable = outcome.detail


def _webhook_body(line: Mapping[str, Any]) -> bytes:
    def words(*names: str, default: str = "") -> str:
        value = next((line[n] for n in names if line.get(n) not in (None, "")), default)
        # Slack reads <, > and & as markup; escaped, the words show as written.
        return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    role = words("recipient_role")
    text = (f"{words('entity_name', 'entity_id', default='unnamed')}: {words('message', 'rule', default='alert')} "
            f"(for {words('recipient_name', 'recipient_user_id', default='unknown recipient')}"
            f"{', ' + role if role else ''})")
    return json.dumps({"text": text, "alert": dict(line)}, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class _Outcome:
    delivered: bool
    retryable: bool  # worth another try: time-out, connection error, 5xx, 408, 429
    detail: str


def _post_with_retries(settings: DeliverySettings, key: str, body: bytes) -> _Outcome:
    outcome = _Outcome(False, True, "not tried")
    for attempt in range(1, settings.attempts + 1):
        outcome = _post_once(settings, key, body)
        if outcome.delivered or not outcome.retryable:
            return outcome
        if attempt < settings.attempts:
            time.sleep(settings.backoff_seconds * 2 ** (attempt - 1))
    return _Outcome(False, True, f"{outcome.detail}, after {settings.attempts} tries")


def _post_once(settings: DeliverySettings, key: str, body: bytes) -> _Outcome:
    assert settings.webhook_url is not None
    url = urlsplit(settings.webhook_url)
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    headers = {"Content-Type": "application/json", "Idempotency-Key": key, "User-Agent": _user_agent()}
    # http.client rather than urllib: it keeps the connect and read time-outs apart, and it never
    # follows a redirect.
    connection: http.client.HTTPConnection
    if url.scheme == "https":
        connection = http.client.HTTPSConnection(url.hostname or "", url.port, timeout=settings.connect_timeout,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=settings.connect_timeout)
    try:
        connection.connect()
        if connection.sock is not None:
            connection.sock.settimeout(settings.read_timeout)
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        excerpt = response.read(RESPONSE_EXCERPT).decode("utf-8", "replace").strip()
    except (OSError, http.client.HTTPException) as exc:  # time-outs are OSErrors too
        return _Outcome(False, True, f"{type(exc).__name__}: {exc}".rstrip(": "))
    finally:
        connection.close()
    if 200 <= status < 300:
        return _Outcome(True, False, f"HTTP {status}")
    detail = f"HTTP {status}" + (f" {excerpt!r}" if excerpt else "")
    if 300 <= status < 400:
        return _Outcome(False, False, f"{detail}: redirect not followed")
    return _Outcome(False, status >= 500 or status in RETRY_STATUSES, detail)


@functools.cache
def _user_agent() -> str:
    try:
        version = importlib.metadata.version("relintel")
    except importlib.metadata.PackageNotFoundError:
        version = "1"
    return f"relintel-alerts/{version}"


def _plain(value: Any) -> Any:
    """The value as JSON can hold it: dates as ISO strings, NaN as null, numpy scalars as numbers."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return _plain(float(value))
    if callable(getattr(value, "item", None)):  # numpy and pandas scalars
        return _plain(value.item())
    if callable(getattr(value, "isoformat", None)):
        return value.isoformat()
    return str(value)


def _append_line(outbox: Path, line: Mapping[str, Any]) -> None:
    data = (json.dumps(line, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(outbox, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            # A line cut short by a crash: end it, so this line is not glued onto it.
            data = b"\n" + data
        os.write(fd, data)  # one write of the whole line: O_APPEND keeps it in one piece
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class _State:
    path: Path
    keys: dict[str, set[str]]

    def record(self, channel: str, key: str) -> None:
        self.keys[channel].add(key)
        self.save()

    def save(self) -> None:
        data = json.dumps({c: sorted(self.keys[c]) for c in (OUTBOX, WEBHOOK)}, sort_keys=True, indent=1)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(data + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)  # readers see the old file or the new one, never half of one


def _load_state(settings: DeliverySettings, log: Callable[[str], None]) -> _State:
    path = settings.state
    try:
        keys = _parse_state(path.read_text(encoding="utf-8"))
        problem = "" if keys is not None else "is not a valid state file"
    except FileNotFoundError:
        keys, problem = None, ""
    except (OSError, UnicodeDecodeError) as exc:
        keys, problem = None, f"could not be read ({exc})"
    if keys is not None:
        state = _State(path, keys)
        _record_unrecorded_last_line(state, settings.outbox, log)
        return state
    found = _outbox_keys(settings.outbox)
    if problem:
        aside = _set_aside(path)
        log(f"alert delivery: the state file {path} {problem}; kept it as {aside.name} and rebuilt the state "
            f"from the {len(found)} alerts in {settings.outbox}, which count as delivered to every channel")
    elif found:
        log(f"alert delivery: no state file at {path}; rebuilt it from the {len(found)} alerts in "
            f"{settings.outbox}, which count as delivered to every channel")
    state = _State(path, {OUTBOX: set(found), WEBHOOK: set(found)})
    if problem or found:
        state.save()
    return state


def _parse_state(text: str) -> dict[str, set[str]] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    keys: dict[str, set[str]] = {}
    for channel in (OUTBOX, WEBHOOK):
        values = data.get(channel, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return None
        keys[channel] = set(values)
    return keys


def _set_aside(path: Path) -> Path:
    number = 1
    while path.with_name(f"{path.name}.corrupt-{number}").exists():
        number += 1
    aside = path.with_name(f"{path.name}.corrupt-{number}")
    os.replace(path, aside)
    return aside


def _line_key(raw: bytes) -> str | None:
    try:
        line = json.loads(raw)
    except ValueError:
        return None  # a line cut short by a crash
    key = line.get("idempotency_key") if isinstance(line, dict) else None
    return key if isinstance(key, str) else None


def _outbox_keys(outbox: Path) -> list[str]:
    if not outbox.exists():
        return []
    with open(outbox, "rb") as handle:
        return [key for raw in handle if (key := _line_key(raw)) is not None]


def _record_unrecorded_last_line(state: _State, outbox: Path, log: Callable[[str], None]) -> None:
    """A call stopped between appending a line and recording its key leaves exactly that last line
    unrecorded; record it, so the alert is not appended a second time."""
    key = _line_key(_last_line(outbox))
    if key is not None and key not in state.keys[OUTBOX]:
        log(f"alert delivery: the last line of {outbox} ({key}) was written by an interrupted call; recorded it")
        state.record(OUTBOX, key)


def _last_line(path: Path) -> bytes:
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return b""
    with handle:
        size = handle.seek(0, os.SEEK_END)
        chunk = 4096
        while True:
            start = max(0, size - chunk)
            handle.seek(start)
            tail = handle.read(size - start).rstrip(b"\n")
            if b"\n" in tail or start == 0:
                return tail.rsplit(b"\n", 1)[-1]
            chunk *= 4
