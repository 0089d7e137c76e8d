"""What every layer shares about where and how the pipeline runs: its settings, file locks, the
warehouse's relation names and SQL quoting. Depends on nothing else in the project."""
