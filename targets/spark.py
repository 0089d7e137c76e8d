"""The `spark` target: a Spark Connect session, and the landed Parquet as external tables.

dbt (dbt-spark's session method) and the Python steps reach Spark through the same Spark Connect
endpoint (RI_SPARK_REMOTE): the local server scripts/spark_server.sh starts, or a cluster's. The
landed folder is read where it lies: each landed entity is an external Parquet table of the
`landed` schema over its folder (the same source `landed` the other server warehouses load), and
the batches' versions a small table beside them, so the staging models compare batches as they do
everywhere. Nothing is copied; registering the tables again after each landing picks up new files
and new columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ingest import contract, landing
from runtime import relations
from runtime.settings import SparkServer
from runtime.sql import quote_identifier
from targets.column_types import column_type
from targets.landed import (BATCHES_TABLE, LANDED_SOURCE, NEWS_LANDED_SOURCE, QUARANTINE_TABLE, landed_batches,
                            landed_news_tables)

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Spark's session settings for the Python steps' SQL: double-quoted names are identifiers, as in
# the SQL the steps share with DuckDB and PostgreSQL; days and timestamps are UTC.
SESSION_SETTINGS = {"spark.sql.ansi.doubleQuotedIdentifiers": "true", "spark.sql.session.timeZone": "UTC"}


def open_session(server: SparkServer) -> SparkSession:
    """A Spark Connect session of its own on the server (the caller stops it)."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(server.remote).create()
    for name, value in SESSION_SETTINGS.items():
        spark.conf.set(name, value)
    return spark


@contextmanager
def session(server: SparkServer) -> Iterator[SparkSession]:
    """A Spark Connect session of its own on the server, stopped on exit."""
    spark = open_session(server)
    try:
        yield spark
    finally:
        spark.stop()


def _columns_sql(schema: pa.Schema) -> str:
    return ", ".join(f"{quote_identifier(field.name)} {column_type(field.type, 'spark')}" for field in schema)


def register_external(spark: Any, relation: relations.Relation, schema: pa.Schema, folder: Path,
                      recursive: bool = False) -> None:
    """Make `relation` an external Parquet table over `folder` with these columns (files lacking a
    column read null there; names starting with `_`, like landing's `_schema.parquet`, are not
    data). Replaces what the name held: the table is only metadata over the files."""
    spark.sql(f"create schema if not exists {quote_identifier(relation.schema)}")
    spark.sql(f"drop table if exists {relation.sql}")
    options_sql = "options (recursiveFileLookup 'true') " if recursive else ""
    columns_sql = _columns_sql(schema)
    spark.sql(f"create table {relation.sql} ({columns_sql}) using parquet {options_sql}location ?",
              args=[str(folder)])


def write_table(spark: Any, relation: relations.Relation, table: pa.Table) -> None:
    """Replace `relation` with a managed Parquet table holding exactly `table`."""
    spark.sql(f"create schema if not exists {quote_identifier(relation.schema)}")
    spark.sql(f"drop table if exists {relation.sql}")
    columns_sql = _columns_sql(table.schema)
    spark.sql(f"create table {relation.sql} ({columns_sql}) using parquet")
    if table.num_rows:
        spark.createDataFrame(table).write.insertInto(_catalog_name(relation))


def replace_partitions(spark: Any, relation: relations.Relation, table: pa.Table, partition_column: str) -> None:
    """Write `table` into `relation`, a Parquet table partitioned by `partition_column` (created
    when missing; columns it lacks are added): the partitions `table` has rows for are replaced,
    the others are left as they are, so the cost is the new rows', not the table's."""
    from pyspark.sql import functions

    spark.sql(f"create schema if not exists {quote_identifier(relation.schema)}")
    partition_sql = quote_identifier(partition_column)
    if not spark.catalog.tableExists(relation.identifier, relation.schema):
        columns_sql = _columns_sql(table.schema)
        spark.sql(f"create table {relation.sql} ({columns_sql}) using parquet partitioned by ({partition_sql})")
    elif not any(c.isPartition and c.name == partition_column
                 for c in spark.catalog.listColumns(relation.identifier, relation.schema)):
        # a table kept whole (written before its partitions were): partitioned once, rows kept,
        # since overwriting an unpartitioned table would replace all of it
        kept = relations.Relation(relation.name, relation.schema, f"{relation.identifier}__unpartitioned")
        spark.sql(f"alter table {relation.sql} rename to {kept.sql}")
        spark.sql(f"create table {relation.sql} using parquet partitioned by ({partition_sql}) as "
                  f"select * from {kept.sql}")
        spark.sql(f"drop table {kept.sql}")
    have = {column.name for column in spark.catalog.listColumns(relation.identifier, relation.schema)}
    added = [field for field in table.schema if field.name not in have]
    if added:
        columns_sql = _columns_sql(pa.schema(added))
        spark.sql(f"alter table {relation.sql} add columns ({columns_sql})")
    if not table.num_rows:
        return
    # insertInto matches by position: the incoming rows in the table's column order, null where
    # they lack a column the table has
    order = [column.name for column in spark.catalog.listColumns(relation.identifier, relation.schema)]
    frame = spark.createDataFrame(table)
    frame = frame.select(*[functions.col(f"`{name}`") if name in table.column_names else functions.lit(None).alias(name)
                           for name in order])
    spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
    frame.write.insertInto(_catalog_name(relation), overwrite=True)


def _catalog_name(relation: relations.Relation) -> str:
    """The name the DataFrame writer takes (backquoted parts)."""
    return ".".join("`" + part.replace("`", "``") + "`" for part in (relation.schema, relation.identifier))


def register_landed(landed_dir: Path, server: SparkServer, progress: Callable[[str], None] = print) -> int:
    """The landed entities, their quarantine and their batches' versions as tables of the `landed`
    schema over the landed folder; returns the batches registered."""
    sources = relations.load()
    batches = []
    with session(server) as spark:
        for entity in sorted(contract.ENTITIES):
            folder = landed_dir / entity
            folder.mkdir(parents=True, exist_ok=True)
            register_external(spark, sources.source(LANDED_SOURCE, entity), contract.entity(entity).landed_schema(), folder)
            batches.extend(landed_batches(landed_dir, entity).values())
        quarantine = landed_dir / landing.QUARANTINE_DIR
        quarantine.mkdir(parents=True, exist_ok=True)
        register_external(spark, sources.source(LANDED_SOURCE, QUARANTINE_TABLE), landing.QUARANTINE_SCHEMA, quarantine,
                          recursive=True)
        write_table(spark, sources.source(LANDED_SOURCE, BATCHES_TABLE), pa.table({
            "entity": pa.array([b.entity for b in batches], pa.string()),
            "storage_key": pa.array([b.storage_key for b in batches], pa.string()),
            "batch_id": pa.array([b.batch_id for b in batches], pa.string()),
            "batch_version": pa.array([b.version for b in batches], pa.string()),
        }))
    progress(f"landed -> spark: {len(contract.ENTITIES)} entities read in place from {landed_dir}, {len(batches)} batches")
    return len(batches)


def register_news(folders: dict[str, Path], server: SparkServer, progress: Callable[[str], None] = print) -> int:
    """The landed news tables (source `news_landed`: table name -> its landed folder) as external
    tables over their folders; returns the tables registered."""
    sources = relations.load()
    present = landed_news_tables(folders)
    with session(server) as spark:
        for table, folder, schema in present:
            register_external(spark, sources.source(NEWS_LANDED_SOURCE, table), schema, folder)
    progress(f"landed news -> spark: {len(present)} tables read in place")
    return len(present)


class SparkError(Exception):
    """Spark refused a statement (PySpark's own error is the cause). Raised instead of PySpark's
    classes so that catching it does not import PySpark, which takes most of a second."""


@contextmanager
def engine_errors() -> Iterator[None]:
    """PySpark's errors inside as SparkError."""
    try:
        yield
    except Exception as exc:
        if type(exc).__module__.startswith("pyspark."):
            raise SparkError(f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}") from exc
        raise
