"""Training a health scorer: rows (rows.py), the scikit-learn pipeline and its calibration
(estimator.py), the walk-forward evaluation against baselines (walk_forward.py), and the whole
run with its model card (trainer.py).

Rows: one as-of date every `step_days`, on a fixed grid of the calendar (rows.grid_floor), so every
training over the same days reads the same rows. Time decides everything, never a random split:

    published model   every row in the window before the run's as-of date whose label is known by then
    evaluation        the last `holdout_days` of as-of dates (back to the refit grid), in blocks of
                      `refit_every_days`: each block is scored by a model trained only on rows whose
                      as-of date *and* label were known when the block starts (how the weekly
                      training runs in production); a block's model is kept for later trainings,
                      which hold the same block (walk_forward.block_model)

Calibration uses out-of-fold predictions over a model's training rows in contiguous time blocks
(`calibration_folds` per entity type in scoring.yml, rows in date order, no shuffling): a separate
calibration period would hold only a few dozen closed deals, too few to estimate a calibration curve.

A deal is won or lost once, however many days it was open; its rows share one outcome. Training
therefore weighs each deal as one (its rows' weights sum to the same total), so long deals do not
outvote short ones and probabilities stay calibrated per deal.
"""

from models_ml.training.trainer import TrainResult, fits_nothing, train_entity

__all__ = ["TrainResult", "fits_nothing", "train_entity"]
