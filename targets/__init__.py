"""The warehouses besides the embedded DuckDB: how landed data reaches them and how Python connects."""
