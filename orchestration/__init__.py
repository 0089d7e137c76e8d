"""The Dagster code location: landing, dbt, publishing, schedules and sensors."""
