"""The relationship health scorer: factor sub-scores, the weighted rule, labels, training,
calibration, evaluation and daily scoring. Pure functions over pandas frames; the Dagster assets in
orchestration/defs/scoring_assets.py read and write the warehouse around them."""
