"""The one way an identifier from outside (a schema, table or column name) enters a SQL text.

Values never do: they are bound parameters (`?`). Identifiers cannot be bound, so they are quoted
here, with embedded quotes doubled, which makes any string a single harmless identifier; so is the
text of a comment, which no engine takes as a parameter.
"""

from __future__ import annotations


def quote_identifier(name: str) -> str:
    """`name` as one quoted SQL identifier: `a"b` -> `"a""b"`."""
    if not isinstance(name, str) or not name or "\x00" in name:
        raise ValueError(f"not a usable SQL identifier: {name!r}")
    return '"' + name.replace('"', '""') + '"'


def qualified(*parts: str) -> str:
    """`database.schema.table` (any number of parts), each part quoted."""
    return ".".join(quote_identifier(p) for p in parts)


def quote_literal(text: str) -> str:
    """`text` as one SQL string literal, for the statements that take no parameters (COMMENT ON):
    `it's` -> `'it''s'`."""
    if not isinstance(text, str) or "\x00" in text:
        raise ValueError(f"not a usable SQL string: {text!r}")
    return "'" + text.replace("'", "''") + "'"
