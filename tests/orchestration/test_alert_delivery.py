"""Alert delivery: each alert reaches the outbox and the webhook at most once per recipient, and a
failing or silent webhook costs a bounded wait, never an exception.

The webhook is a real HTTP server on 127.0.0.1 whose answer to each request is chosen by the test.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from orchestration import alert_delivery
from orchestration.alert_delivery import DeliveryReport, DeliverySettings, deliver, idempotency_key
from runtime import locks
from runtime import settings as runtime_settings

HANG = -1  # an answer: read the request, then say nothing until the client has given up


class Webhook:
    """Answers request n (1-based, counted per Idempotency-Key) with `answer(key, n)`."""

    def __init__(self, answer: Callable[[str, int], int]) -> None:
        self.answer = answer
        self.requests: list[dict[str, Any]] = []  # key, status, path, headers, body
        self.released = threading.Event()
        self._lock = threading.Lock()
        self.url = ""

    def tries(self) -> Counter[str]:
        return Counter(r["key"] for r in self.requests)

    def accepted(self) -> Counter[str]:
        return Counter(r["key"] for r in self.requests if 200 <= r["status"] < 300)


@contextmanager
def webhook(answer: Callable[[str, int], int]) -> Iterator[Webhook]:
    hook = Webhook(answer)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            key = self.headers["Idempotency-Key"]
            with hook._lock:  # noqa: SLF001 - the test's own helper
                n = hook.tries()[key] + 1
                status = hook.answer(key, n)
                hook.requests.append({"key": key, "status": status, "path": self.path,
                                      "headers": dict(self.headers), "body": body})
            if status == HANG:
                hook.released.wait(5)
                return
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/moved")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    # a short poll, so shutting the server down takes milliseconds, not the default half second
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        hook.released.set()
        server.shutdown()
        server.server_close()


def settings(tmp_path: Path, url: str | None = None, **overrides: Any) -> DeliverySettings:
    values: dict[str, Any] = {"attempts": 3, "backoff_seconds": 0.01, "connect_timeout": 1.0, "read_timeout": 2.0}
    values.update(overrides)
    return DeliverySettings(outbox=tmp_path / "alerts" / "outbox.jsonl", state=tmp_path / "alerts" / "delivered.json",
                            webhook_url=url, **values)


def alert(alert_id: str = "a1", recipient: str = "u1", role: str = "owner", **extra: Any) -> dict[str, Any]:
    return {"alert_id": alert_id, "recipient_user_id": recipient, "recipient_name": f"Person {recipient}",
            "recipient_role": role, "entity_type": "account", "entity_id": "acc-1", "entity_name": "Acme & Co",
            "rule": "health_drop", "message": "Health score dropped by 20 points",
            "opened_date": dt.date(2025, 3, 1), "score": 41.5, "rating": "at_risk", **extra}


def outbox_lines(cfg: DeliverySettings) -> list[dict[str, Any]]:
    return [json.loads(line) for line in cfg.outbox.read_text().splitlines()] if cfg.outbox.exists() else []


def outbox_keys(cfg: DeliverySettings) -> Counter[str]:
    return Counter(line["idempotency_key"] for line in outbox_lines(cfg))


def quiet(report_lines: list[str]) -> Callable[[str], None]:
    return report_lines.append


def test_a_webhook_failing_twice_then_answering_gets_each_alert_once(tmp_path: Path) -> None:
    alerts = [alert("a1"), alert("a2")]
    keys = {idempotency_key(a) for a in alerts}
    with webhook(lambda key, n: 500 if n <= 2 else 200) as hook:
        cfg = settings(tmp_path, hook.url)
        first = deliver(alerts, cfg, log=quiet([]))
        second = deliver(alerts, cfg, log=quiet([]))
    assert (first.webhook_sent, first.webhook_failed, first.errors) == (2, 0, [])
    assert (second.webhook_sent, second.outbox_written, second.already_delivered) == (0, 0, 2)
    assert hook.tries() == {k: 3 for k in keys}  # the second call did not post at all
    assert hook.accepted() == {k: 1 for k in keys}
    assert outbox_keys(cfg) == {k: 1 for k in keys}


def test_an_alert_the_webhook_refused_all_call_is_sent_on_the_next_call_once(tmp_path: Path) -> None:
    alerts = [alert("a1"), alert("a2")]
    keys = {idempotency_key(a) for a in alerts}
    with webhook(lambda key, n: 500 if n <= 2 else 200) as hook:
        first = deliver(alerts, settings(tmp_path, hook.url, attempts=2), log=quiet([]))
        # the first alert used its two tries; the second was not tried against an unavailable webhook
        assert (first.webhook_sent, first.webhook_failed, first.outbox_written) == (0, 2, 2)
        assert len(first.errors) == 2 and "HTTP 500" in first.errors[0] and "not tried" in first.errors[1]
        second = deliver(alerts, settings(tmp_path, hook.url), log=quiet([]))
        third = deliver(alerts, settings(tmp_path, hook.url), log=quiet([]))
    assert (second.webhook_sent, second.webhook_failed, second.outbox_written) == (2, 0, 0)
    assert (third.webhook_sent, third.already_delivered) == (0, 2)
    assert hook.accepted() == {k: 1 for k in keys}
    assert outbox_keys(settings(tmp_path)) == {k: 1 for k in keys}


def test_a_webhook_that_never_answers_costs_a_bounded_wait_and_the_outbox_is_written(tmp_path: Path) -> None:
    alerts = [alert("a1"), alert("a2"), alert("a3")]
    keys = {idempotency_key(a) for a in alerts}
    with webhook(lambda key, n: HANG) as silent:
        cfg = settings(tmp_path, silent.url, attempts=2, read_timeout=0.2)
        started = time.monotonic()
        report = deliver(alerts, cfg, log=quiet([]))
        elapsed = time.monotonic() - started
    assert (report.outbox_written, report.webhook_sent, report.webhook_failed) == (3, 0, 3)
    assert len(report.errors) == 3 and "timed out" in report.errors[0]
    # one alert's tries, then the others wait for the next call instead of a time-out each
    assert silent.tries() == {idempotency_key(alerts[0]): 2}
    assert elapsed < cfg.longest_webhook_seconds()
    assert outbox_keys(cfg) == {k: 1 for k in keys}
    with webhook(lambda key, n: 200) as working:
        later = deliver(alerts, settings(tmp_path, working.url), log=quiet([]))
    assert (later.webhook_sent, later.webhook_failed, later.outbox_written) == (3, 0, 0)
    assert working.accepted() == {k: 1 for k in keys}


def test_delivering_again_writes_nothing_new_and_a_new_alert_is_written(tmp_path: Path) -> None:
    cfg = settings(tmp_path)
    log: list[str] = []
    assert deliver([alert("a1"), alert("a2")], cfg, log=log.append).outbox_written == 2
    again = deliver([alert("a1"), alert("a2")], cfg, log=log.append)
    assert (again.outbox_written, again.already_delivered) == (0, 2)
    more = deliver([alert("a1"), alert("a2"), alert("a3")], cfg, log=log.append)
    assert (more.outbox_written, more.already_delivered) == (1, 2)
    assert [line["alert_id"] for line in outbox_lines(cfg)] == ["a1", "a2", "a3"]
    assert len(log) == 3 and "outbox +1" in log[-1]  # one line per call, with the counts


def test_one_alert_for_an_owner_and_a_manager_is_delivered_to_both(tmp_path: Path) -> None:
    owner, manager = alert("a1", "u1", "owner"), alert("a1", "u9", "manager")
    assert idempotency_key(owner) != idempotency_key(manager)
    with webhook(lambda key, n: 200) as hook:
        cfg = settings(tmp_path, hook.url)
        report = deliver([owner, manager], cfg, log=quiet([]))
    assert (report.outbox_written, report.webhook_sent) == (2, 2)
    assert hook.accepted() == {idempotency_key(owner): 1, idempotency_key(manager): 1}
    assert sorted(line["recipient_role"] for line in outbox_lines(cfg)) == ["manager", "owner"]
    texts = sorted(r["body"]["text"] for r in hook.requests)
    assert "Person u1" in texts[0] and "Person u9" in texts[1]


def test_the_outbox_line_and_the_webhook_request_carry_the_alert(tmp_path: Path) -> None:
    row = alert("a1", extra_field="kept", score=float("nan"))
    with webhook(lambda key, n: 200) as hook:
        cfg = settings(tmp_path, hook.url)
        deliver([row], cfg, log=quiet([]))
    (line,) = outbox_lines(cfg)
    assert line["opened_date"] == "2025-03-01" and line["extra_field"] == "kept" and line["score"] is None
    assert line["idempotency_key"] == idempotency_key(row)
    (request,) = hook.requests
    assert request["path"] == "/hook"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Idempotency-Key"] == idempotency_key(row)
    assert request["headers"]["User-Agent"].startswith("relintel-alerts/")
    assert request["body"]["alert"] == line
    text = request["body"]["text"]
    assert "Acme &amp; Co" in text and "Health score dropped" in text and "Person u1" in text


def test_a_corrupt_state_file_is_set_aside_and_nothing_is_sent_twice(tmp_path: Path) -> None:
    with webhook(lambda key, n: 200) as hook:
        cfg = settings(tmp_path, hook.url)
        deliver([alert("a1"), alert("a2")], cfg, log=quiet([]))
        cfg.state.write_text('{"outbox": ["trunc')
        log: list[str] = []
        report = deliver([alert("a1"), alert("a2"), alert("a3")], cfg, log=log.append)
    assert (report.outbox_written, report.webhook_sent, report.already_delivered) == (1, 1, 2)
    assert set(outbox_keys(cfg).values()) == {1} and len(outbox_keys(cfg)) == 3
    assert set(hook.accepted().values()) == {1} and len(hook.accepted()) == 3
    aside = cfg.state.with_name("delivered.json.corrupt-1")
    assert aside.read_text() == '{"outbox": ["trunc'
    assert any("not a valid state file" in line and aside.name in line for line in log)
    assert json.loads(cfg.state.read_text())["outbox"] == sorted(outbox_keys(cfg))


def test_a_missing_state_file_is_rebuilt_from_the_outbox(tmp_path: Path) -> None:
    cfg = settings(tmp_path)
    deliver([alert("a1")], cfg, log=quiet([]))
    cfg.state.unlink()
    assert deliver([alert("a1"), alert("a2")], cfg, log=quiet([])).outbox_written == 1
    assert [line["alert_id"] for line in outbox_lines(cfg)] == ["a1", "a2"]


def test_a_line_written_but_not_recorded_or_cut_short_is_not_duplicated(tmp_path: Path) -> None:
    cfg = settings(tmp_path)
    deliver([alert("a1")], cfg, log=quiet([]))
    # a call stopped between appending a1's line and recording it
    cfg.state.write_text(json.dumps({"outbox": [], "webhook": []}))
    assert deliver([alert("a1")], cfg, log=quiet([])).outbox_written == 0
    # a call stopped in the middle of a line: the next line starts on its own
    with open(cfg.outbox, "a") as handle:
        handle.write('{"alert_id": "a2", "idempot')
    assert deliver([alert("a2")], cfg, log=quiet([])).outbox_written == 1
    raw = cfg.outbox.read_text().splitlines()
    assert raw[1].startswith('{"alert_id": "a2", "idempot') and json.loads(raw[2])["alert_id"] == "a2"


def test_a_webhook_url_that_is_not_http_names_the_variable(tmp_path: Path) -> None:
    secret = "ftp://hooks.example.com/services/T0/B0/s3cr3t"
    with pytest.raises(ValueError, match="RI_ALERT_WEBHOOK_URL") as raised:
        runtime_settings.load({"RI_DATA_DIR": str(tmp_path), "RI_ALERT_WEBHOOK_URL": secret})
    assert "s3cr3t" not in str(raised.value)  # a webhook URL's path is its credential
    with pytest.raises(ValueError, match="RI_ALERT_WEBHOOK_ATTEMPTS"):
        runtime_settings.load({"RI_DATA_DIR": str(tmp_path), "RI_ALERT_WEBHOOK_ATTEMPTS": "zero"})
    plain = DeliverySettings.from_settings(runtime_settings.load({"RI_DATA_DIR": str(tmp_path), "RI_ALERT_WEBHOOK_URL": ""}))
    assert plain.webhook_url is None and plain.outbox == tmp_path.resolve() / "alerts" / "outbox.jsonl"
    assert plain.state == tmp_path.resolve() / "alerts" / "delivered.json"
    hooked = DeliverySettings.from_settings(runtime_settings.load({"RI_DATA_DIR": str(tmp_path), "RI_ALERT_WEBHOOK_URL": "https://hooks.example.com/x",
                                                           "RI_ALERT_WEBHOOK_ATTEMPTS": "5"}))
    assert (hooked.webhook_url, hooked.attempts) == ("https://hooks.example.com/x", 5)


def test_a_400_is_not_retried_and_does_not_stop_the_other_alerts(tmp_path: Path) -> None:
    bad, good = alert("a1"), alert("a2")
    with webhook(lambda key, n: 400 if key == idempotency_key(bad) else 200) as hook:
        cfg = settings(tmp_path, hook.url)
        report = deliver([bad, good], cfg, log=quiet([]))
        assert hook.tries() == {idempotency_key(bad): 1, idempotency_key(good): 1}
        assert (report.webhook_sent, report.webhook_failed) == (1, 1)
        assert len(report.errors) == 1 and idempotency_key(bad) in report.errors[0] and "HTTP 400" in report.errors[0]
        deliver([bad, good], cfg, log=quiet([]))  # given up for that call only
        assert hook.tries() == {idempotency_key(bad): 2, idempotency_key(good): 1}


def test_a_redirect_is_not_followed(tmp_path: Path) -> None:
    with webhook(lambda key, n: 302) as hook:
        report = deliver([alert("a1")], settings(tmp_path, hook.url), log=quiet([]))
    assert [r["path"] for r in hook.requests] == ["/hook"]
    assert report.webhook_failed == 1 and "redirect not followed" in report.errors[0]


def test_delivery_reports_what_it_could_not_do_instead_of_raising(tmp_path: Path) -> None:
    cfg = settings(tmp_path)
    skipped = deliver([alert("a1"), {"alert_id": None, "recipient_user_id": "u1"}], cfg, log=quiet([]))
    assert skipped.outbox_written == 1 and skipped.errors == ["alert #1 skipped: an alert needs an alert_id "
                                                              "and a recipient_user_id"]
    taken = settings(tmp_path / "taken")
    taken.outbox.mkdir(parents=True)  # the outbox path is a folder: nothing can be written
    report = deliver([alert("a1")], taken, log=quiet([]))
    assert isinstance(report, DeliveryReport) and report.outbox_written == 0
    assert len(report.errors) == 1 and "outbox.jsonl" in report.errors[0]
    assert report.as_metadata()["error_count"] == 1


def test_a_delivery_while_another_is_under_way_waits_a_bounded_time_and_sends_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alert_delivery, "LOCK_MARGIN_SECONDS", 0.0)
    cfg = settings(tmp_path, attempts=1, connect_timeout=0.05, read_timeout=0.05)
    cfg.state.parent.mkdir(parents=True)
    with locks.exclusive(cfg.state.with_suffix(".lock")):
        report = deliver([alert("a1")], cfg, log=quiet([]))
    assert report.outbox_written == 0 and not cfg.outbox.exists()
    assert len(report.errors) == 1 and "another alert delivery" in report.errors[0]
    assert deliver([alert("a1")], cfg, log=quiet([])).outbox_written == 1
