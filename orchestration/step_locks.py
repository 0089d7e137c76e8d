"""The locks a step takes, named after its run and step so a waiting run can say whom it waits for.

Steps over the warehouse serialise on the warehouse's OS lock (runtime/locks.py), not on a Dagster
concurrency pool: the kernel frees an OS lock when its holder dies, while a pool slot of a killed
run stays taken and every later run would wait for it forever.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from runtime import locks
from runtime.settings import Settings


def _holder(context: Any) -> tuple[str, Any]:
    op_context = getattr(context, "op_execution_context", context)
    return f"run {op_context.run_id[:8]}, step {op_context.op.name}", op_context.log.info


def warehouse_step(context: Any, cfg: Settings) -> AbstractContextManager[None]:
    """The warehouse lock for this step (waits at most cfg.lock_timeout_seconds)."""
    holder, log = _holder(context)
    return locks.warehouse_lock(cfg, holder, on_wait=log)


def landing_step(context: Any, cfg: Settings) -> AbstractContextManager[None]:
    """The landed folder's lock for this step."""
    holder, log = _holder(context)
    return locks.landing_lock(cfg, holder, on_wait=log)
