"""Extract contract, landing and connectors: everything between a source system and typed Parquet."""
