"""Copies of one message filed in several folders with a Date shifted by whole hours are one message.

Hand-made maildirs (written by the tests) for the rule, and the Enron sample (skipped when absent)
for the real case: the `inbox` copy and the `all_documents` / `discussion_threads` copy of a
message 10 or 12 hours apart.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import hashlib
import time
from collections import defaultdict
from pathlib import Path

import pytest

from ingest.connectors.base import ConnectorConfig, ConversionReport
from ingest.connectors.mail import convert_maildir
from ingest.connectors.mail.dedupe import MAX_HOUR_SHIFT, Deduplicator, hour_shift
from ingest.connectors.mail.headers import zone
from ingest.connectors.mail.message import ParsedMessage, parse_message
from ingest.connectors.mail.sources import maildir_messages
from tests.connectors.extract_batches import read_batch

NOW = dt.datetime(2025, 3, 20, tzinfo=dt.timezone.utc)
SENT = dt.datetime(2025, 3, 4, 9, 15, 42, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
CONFIG = ConnectorConfig(internal_domains=("harborline.io",))


def message(n: int, sent: dt.datetime, *, body: str = "Can we move the site visit to Thursday?\n", subject: str = "Site visit") -> bytes:
    # Each copy gets its own Message-ID, as in the Enron corpus, so only the fingerprint can match.
    return (
        f"Message-ID: <copy-{n}@harborline.io>\n"
        f"Date: {sent.strftime('%a, %d %b %Y %H:%M:%S %z')}\n"
        "From: Avery Quinn <avery.quinn@harborline.io>\n"
        "To: Jordan Ellis <jordan.ellis@blueridgehotels.com>, Sam Park <sam.park@blueridgehotels.com>\n"
        f"Subject: {subject}\n\n{body}"
    ).encode()


def write_maildir(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / "avery-q" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def convert(tmp_path: Path, files: dict[str, bytes]) -> tuple[ConversionReport, Path]:
    source, out = write_maildir(tmp_path / "in", files), tmp_path / "out"
    report = convert_maildir(source, out, batch_name="b", config=CONFIG, now=NOW)
    assert report.accounted == report.inputs_read == len(files)
    return report, out


def activities(out: Path) -> list[dict[str, str]]:
    return read_batch(out, "activities", "b")


@pytest.mark.parametrize(
    ("shift", "merged"),
    [
        (dt.timedelta(0), True),
        (dt.timedelta(hours=9), True),
        (dt.timedelta(hours=12), True),
        (dt.timedelta(hours=14), True),
        (dt.timedelta(hours=-14), True),
        (dt.timedelta(hours=15), False),
        (dt.timedelta(hours=9, minutes=30), False),
        (dt.timedelta(hours=9, seconds=1), False),
    ],
    ids=["0h", "9h", "12h", "14h", "minus14h", "15h", "9h30m", "9h0m1s"],
)
def test_folder_copy_with_shifted_date(tmp_path: Path, shift: dt.timedelta, merged: bool) -> None:
    copy_sent = SENT + shift
    report, out = convert(tmp_path, {"inbox/1.": message(1, SENT), "all_documents/7.": message(2, copy_sent)})
    kept = activities(out)
    if merged:
        assert report.duplicates == 1 and report.details["duplicates_by_key"] == {"fingerprint": 1}
        assert report.details["duplicates_hour_shifted"] == (1 if shift else 0)
        # The representative is the first copy in path order (all_documents/ before inbox/): its id and Date.
        assert [(a["internet_message_id"], a["started_at"]) for a in kept] == [("<copy-2@harborline.io>", copy_sent.isoformat())]
    else:
        assert report.duplicates == 0 and report.details["duplicates_hour_shifted"] == 0
        assert len(kept) == 2


def test_copy_written_with_a_wrong_offset_is_merged(tmp_path: Path) -> None:
    """A 9 h mistake written as another offset with the same wall time is merged too."""
    wrong_zone = SENT.replace(tzinfo=dt.timezone(dt.timedelta(hours=4)))  # 09:15:42 +0400 instead of -0500
    report, _ = convert(tmp_path, {"inbox/1.": message(1, SENT), "discussion_threads/3.": message(2, wrong_zone)})
    assert report.duplicates == 1 and report.details["duplicates_hour_shifted"] == 1


def test_different_content_is_never_merged_by_the_hour_rule(tmp_path: Path) -> None:
    files = {
        "inbox/1.": message(1, SENT),
        "inbox/2.": message(2, SENT + dt.timedelta(hours=12), body="Thursday works for us.\n"),
        "inbox/3.": message(3, SENT + dt.timedelta(hours=12), subject="Site visit agenda"),
    }
    report, _ = convert(tmp_path, files)
    assert report.duplicates == 0


def test_copies_are_compared_with_kept_messages_only(tmp_path: Path) -> None:
    """t, t+9 h, t+18 h: the second is a copy of the first; the third is 18 h from it, a resend."""
    files = {f"inbox/{i}.": message(i, SENT + dt.timedelta(hours=9 * i)) for i in range(3)}
    report, out = convert(tmp_path, files)
    assert report.duplicates == 1 and report.details["duplicates_hour_shifted"] == 1
    assert sorted(a["internet_message_id"] for a in activities(out)) == ["<copy-0@harborline.io>", "<copy-2@harborline.io>"]


def test_the_nearest_kept_message_answers_for_a_copy(tmp_path: Path) -> None:
    """Two kept messages (15 h apart) and a copy 3 h after the second: it is a copy of the second."""
    files = {
        "inbox/1.": message(1, SENT),
        "inbox/2.": message(2, SENT + dt.timedelta(hours=15)),
        "inbox/3.": message(3, SENT + dt.timedelta(hours=18)),
    }
    parsed = [parse_message(files[k], source_ref=k, now=NOW, default_tz=dt.timezone.utc) for k in sorted(files)]
    dedupe = Deduplicator()
    results = [dedupe.check(m) for m in parsed]
    assert results[0][0] is None and results[1][0] is None
    duplicate = results[2][0]
    assert duplicate is not None and duplicate.original_ref == "inbox/2." and duplicate.hours == 3
    assert duplicate.original_activity_id == results[1][2]


def test_hour_shift() -> None:
    assert hour_shift(SENT, SENT) == 0
    assert hour_shift(SENT, SENT - dt.timedelta(hours=MAX_HOUR_SHIFT)) == MAX_HOUR_SHIFT
    assert hour_shift(SENT, SENT + dt.timedelta(hours=MAX_HOUR_SHIFT + 1)) is None
    assert hour_shift(SENT, SENT + dt.timedelta(hours=2, minutes=30)) is None
    assert hour_shift(SENT, SENT + dt.timedelta(days=1)) is None


# --- the Enron sample ---------------------------------------------------------------------------

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ENRON = SHARED_DATA / "enron_maildir"
MAILBOXES = ("buy-r", "presto-k")


def independent_count(mailbox: Path) -> int:
    """Distinct messages by a simple fingerprint, grouping Dates that differ by whole hours up to 14 h."""
    times: dict[tuple[str, tuple[str, ...], str, str], list[int]] = defaultdict(list)
    for raw in maildir_messages(mailbox):
        try:
            msg: ParsedMessage = parse_message(raw.load(), source_ref=raw.source_ref, now=NOW, default_tz=zone("UTC"))
        except Exception:  # rejected by the connector too
            continue
        body = hashlib.sha256(" ".join((msg.body or "").split()).encode("utf-8", "surrogatepass")).hexdigest()
        subject = " ".join((msg.subject or "").split()).casefold()
        times[(msg.sender.lower(), tuple(sorted(set(msg.recipients))), subject, body)].append(int(msg.sent_at.timestamp()))
    count = 0
    for instants in times.values():
        kept: list[int] = []
        for t in sorted(instants):
            if not any((t - k) % 3600 == 0 and abs(t - k) <= 14 * 3600 for k in kept):
                kept.append(t)
        count += len(kept)
    return count


@pytest.mark.parametrize("name", MAILBOXES)
def test_enron_mailbox_dedupe_is_stable_and_matches_an_independent_count(name: str, tmp_path: Path) -> None:
    mailbox = ENRON / name
    if not mailbox.is_dir():
        pytest.skip(f"shared sample data not present: {mailbox}")
    started = time.perf_counter()
    first = convert_maildir(mailbox, tmp_path / "a", batch_name="b", config=ConnectorConfig(internal_domains=("enron.com",)), now=NOW)
    second = convert_maildir(mailbox, tmp_path / "b", batch_name="b", config=ConnectorConfig(internal_domains=("enron.com",)), now=NOW)
    strip = {"files_written"}
    assert {k: v for k, v in first.as_dict().items() if k not in strip} == {k: v for k, v in second.as_dict().items() if k not in strip}
    for entity in ("activities", "activity_parties", "excluded_activities", "source_rejections"):
        a, b = tmp_path / "a" / entity / "b.csv", tmp_path / "b" / entity / "b.csv"
        assert a.exists() == b.exists() and (not a.exists() or filecmp.cmp(a, b, shallow=False)), entity

    distinct = first.activities + first.excluded  # what remains after dedupe, before and after the noise rules
    assert distinct == first.inputs_read - first.rejected - first.duplicates
    assert distinct == independent_count(mailbox)
    assert first.details["duplicates_hour_shifted"] > 0  # this corpus holds folder copies 10 and 12 hours apart
    print(f"\n{name}: {first.duplicates} duplicates, {first.details['duplicates_hour_shifted']} by the hour-shift rule, "
          f"{distinct} distinct messages, {time.perf_counter() - started:.1f} s")
