"""Cross-process locks, so two runs can never write the same files or the warehouse at once.

These are OS advisory locks (flock): the kernel releases one the moment its holder dies, even by
`kill -9`, so a killed run never wedges the runs after it. A waiter gives up after the settings'
`lock_timeout_seconds` (RI_LOCK_TIMEOUT_SECONDS) with an error naming who holds the lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from runtime.settings import Settings

POLL_SECONDS = 0.2


class LockTimeout(TimeoutError):
    """Waited longer than allowed for a lock another live process holds."""


@contextmanager
def exclusive(lock_path: Path, timeout_seconds: float | None = None, holder: str = "",
              on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on lock_path for the duration; wait at most timeout_seconds (None: forever).

    `holder` (e.g. "run 1a2b3c4d, dbt build") is written into the lock file while it is held, so a
    waiter can say whom it waits for; `on_wait` hears that once, when the wait begins."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        _acquire(fd, lock_path, timeout_seconds, on_wait)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "holder": holder, "since": time.time()}).encode(), 0)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, lock_path: Path, timeout_seconds: float | None, on_wait: Callable[[str], None] | None) -> None:
    deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if on_wait is not None and not told:
                on_wait(f"waiting for {lock_path}, held by {describe_holder(lock_path)}")
                told = True
            if deadline is not None and time.monotonic() >= deadline:
                raise LockTimeout(
                    f"gave up after {timeout_seconds:g} s waiting for {lock_path}, held by "
                    f"{describe_holder(lock_path)}; raise RI_LOCK_TIMEOUT_SECONDS to wait longer"
                ) from None
            time.sleep(POLL_SECONDS)


def describe_holder(lock_path: Path) -> str:
    """Who wrote the lock file last (the holder while the lock is held)."""
    try:
        info = json.loads(lock_path.read_text() or "{}")
    except (OSError, ValueError):
        return "an unknown process"
    if not info:
        return "an unknown process"
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.get("since", 0)))
    return f"process {info.get('pid')} ({info.get('holder') or 'no description'}) since {since}"


def warehouse_lock(cfg: Settings, holder: str = "",
                   on_wait: Callable[[str], None] | None = None) -> AbstractContextManager[None]:
    """The warehouse's single-writer lock (DuckDB has one writer), with the settings' time-out."""
    return exclusive(cfg.warehouse_lock, cfg.lock_timeout_seconds, holder, on_wait)


def landing_lock(cfg: Settings, holder: str = "",
                 on_wait: Callable[[str], None] | None = None) -> AbstractContextManager[None]:
    """The landed folder's lock, with the settings' time-out."""
    return exclusive(cfg.landing_lock, cfg.lock_timeout_seconds, holder, on_wait)
