"""Same seed and parameters give the same bytes; another seed gives other data; the size knob works."""

from __future__ import annotations

import hashlib
from pathlib import Path

from simulator.config import SimulationConfig, org_size


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_files(sample, sample_again):
    extracts = digest(sample.out)
    truth = digest(sample.truth)
    assert extracts and truth
    out, truth_dir, _ = sample_again
    assert extracts == digest(out)
    assert truth == digest(truth_dir)


def test_other_seed_gives_other_data(sample, other_seed):
    mine, theirs = digest(sample.out), digest(other_seed.out)
    assert mine["activities/2025-06.csv"] != theirs["activities/2025-06.csv"]
    assert mine["contacts/2026-03-31.csv"] != theirs["contacts/2026-03-31.csv"]


def test_requested_volume_is_met(sample):
    n = sample.result.extract_rows["activities"]
    assert 0.85 * 5_000 <= n <= 1.15 * 5_000


def test_org_grows_with_volume(tmp_path):
    def config(**kwargs):  # the size depends on the volume only; nothing is written
        return SimulationConfig(out_dir=tmp_path / "out", truth_dir=tmp_path / "truth", **kwargs)

    small = org_size(config(activities=5_000))
    default = org_size(config())
    big = org_size(config(activities=10_000_000))
    assert 30 <= default.sellers <= 50 and 5 <= default.managers <= 8 and 250 <= default.accounts <= 400
    assert small.sellers >= 8 and small.accounts >= 40
    assert big.sellers > 40 * default.sellers and big.accounts > 40 * default.accounts


def test_batches_are_named_by_time(sample):
    assert [p.name for p in (sample.out / "users").iterdir()] == ["2026-03-31.csv"]
    months = sorted(p.stem for p in (sample.out / "activities").iterdir())
    assert months[0] == "2025-01" and months[-1] == "2026-03" and len(months) == 15
