"""The local Dagster instance (`orchestration/dagster.yaml` names it): Dagster's own SQLite files
under $DAGSTER_HOME, written through a connection kept open per database file.

Dagster's SQLite event log opens a database engine and a connection for every event it stores and
closes them again. A run stores over a thousand events (a dbt build reports each model and each
data test, planned and done), and the opening and closing was a quarter of a small organisation's
whole run: 71.5 against 52.7 CPU-s, the same run with the connections kept. Files, tables and rows
are Dagster's own, so the UI, the daemon and a plain Dagster install read and write the same
history. With `storage:` set in dagster.yaml (the PostgreSQL storage) that storage is used instead.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import dagster as dg
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

# Database files kept open at once: a run writes its own file and the index; a UI reading many runs
# keeps only the last few open instead of one file handle per run ever read.
OPEN_DATABASES = 4


class KeptConnectionEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log with each database's engine kept between events (the last
    OPEN_DATABASES of them), instead of one engine and connection per event."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._engines: OrderedDict[str, Engine] = OrderedDict()

    def _engine(self, shard: str) -> Engine:
        """The shard's kept engine (created, and the database made ready, on first use); called
        holding the storage's lock, which also keeps a connection to one thread at a time."""
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        url = self.conn_string_for_shard(shard)
        if shard not in self._initialized_dbs:
            # Dagster's set-up of a new database opens connections of its own: a throwaway engine
            setup = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
            try:
                self._initdb(setup)
            finally:
                setup.dispose()
            self._initialized_dbs.add(shard)
        engine = create_engine(url, poolclass=QueuePool, pool_size=1, max_overflow=0,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
        self._engines[shard] = engine
        while len(self._engines) > OPEN_DATABASES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()


class KeptConnectionSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, event log, schedules under one folder) with the event log
    above."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._event_log_storage = KeptConnectionEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value: Mapping[str, str]) -> KeptConnectionSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)


class LocalInstance(dg.DagsterInstance):
    """A Dagster instance whose default storage, under its home folder, is the one above."""

    @classmethod
    def config_schema(cls) -> dict:
        return {}

    @classmethod
    def config_defaults(cls, base_dir: str) -> Mapping[str, ConfigurableClassData | None]:
        storage = ConfigurableClassData(__name__, KeptConnectionSqliteStorage.__name__,
                                        yaml.dump({"base_dir": base_dir}, default_flow_style=False))
        return {**InstanceRef.config_defaults(base_dir), "storage": storage}
