"""Data-quality checks on landed extracts and published tables."""
