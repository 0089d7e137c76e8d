"""How a column of each Arrow type (landed Parquet, a table a step writes) is declared on each
server warehouse: one table, first match wins."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

# Arrow type test -> (PostgreSQL's name, Spark's name)
_TYPES: tuple[tuple[Callable[[pa.DataType], bool], tuple[str, str]], ...] = (
    (lambda t: pa.types.is_string(t) or pa.types.is_large_string(t), ("text", "string")),
    (pa.types.is_boolean, ("boolean", "boolean")),
    (pa.types.is_int32, ("integer", "int")),
    (pa.types.is_int64, ("bigint", "bigint")),
    (pa.types.is_floating, ("double precision", "double")),
    (pa.types.is_date, ("date", "date")),
    (lambda t: pa.types.is_timestamp(t) and t.tz is not None, ("timestamp with time zone", "timestamp")),
    (pa.types.is_timestamp, ("timestamp", "timestamp_ntz")),
    (lambda t: pa.types.is_list(t) and pa.types.is_string(t.value_type), ("text[]", "array<string>")),
)
_ENGINES = ("postgres", "spark")


def column_type(arrow_type: pa.DataType, engine: str) -> str:
    """The type a column of this Arrow type is declared as on `engine` (postgres or spark)."""
    for matches, names in _TYPES:
        if matches(arrow_type):
            return names[_ENGINES.index(engine)]
    raise TypeError(f"no {engine} type for the column type {arrow_type}")
