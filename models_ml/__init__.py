"""The relationship health scorer: the entity registry (entities.py), factor sub-scores and the
weighted rule, training and calibration (training/), daily snapshots with ratings, reasons and
trends, and the evaluation report. Most modules are functions over pandas frames; warehouse.py
alone reads the contracted dbt models (models/scoring) and writes the `ml` snapshot tables, with
relation names from runtime.relations. The Dagster assets (orchestration/defs/scoring_assets.py)
run it under the warehouse lock."""
