"""Small rules of the pages: which rating changes are marked, and safe file names."""

import datetime as dt

from pages.build import _lasting_changes, page_path, slug

DAYS = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(10)]


def test_only_lasting_rating_changes_are_marked() -> None:
    ratings = ["Good", "Excellent", "Good", "Good", "Good", "Good", "Fair", "Fair", "Fair", "Poor"]
    # a one-day Excellent is not a change; Good -> Fair held three days is; a change on the last day is new
    assert _lasting_changes(DAYS, ratings) == [(DAYS[6], "Good", "Fair"), (DAYS[9], "Fair", "Poor")]


def test_unscored_days_are_skipped_and_flapping_is_not_marked() -> None:
    ratings = ["Good", None, "Fair", "Fair", "Fair", "Good", "Good", "Good", "Fair", "Fair"]
    assert _lasting_changes(DAYS, ratings) == [(DAYS[2], "Good", "Fair"), (DAYS[5], "Fair", "Good"), (DAYS[8], "Good", "Fair")]
    flipping = ["Good", "Fair"] * 20
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(40)]
    # a score hovering on a cut-off marks nothing but the change on the last day, which is news
    assert _lasting_changes(days, flipping) == [(days[39], "Good", "Fair")]


def test_file_names_are_safe_and_distinct() -> None:
    assert page_path("opportunity", "o-000001") == "opportunity/o-000001.html"
    assert page_path("my-accounts", "u-avery", 2) == "my-accounts/u-avery-2.html"
    assert slug("../etc/passwd") != slug("__etc_passwd") and "/" not in slug("../etc/passwd")
    assert slug("a b") != slug("a_b")
