"""News feeds about the simulated accounts: well-formed, labelled, deterministic, and hard to match naively."""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import re
from pathlib import Path

import feedparser
import pandas as pd
import pytest

import simulator.pipeline as pipeline
from simulator import SimulationConfig, simulate
from simulator import names as N
from simulator import news_templates as T
from simulator.cli import parse_args
from simulator.news import EVENT_TYPES, FEED_FILES, KINDS, TRACKING, NewsOutput

LABEL_COLUMNS = ["feed_file", "item_guid", "title", "link", "published", "account_ids", "event_type",
                 "named_contact_ids", "kind", "duplicate_of"]
END = pd.Timestamp("2026-03-31", tz="UTC")
LAST_WEEK = END - pd.Timedelta(days=6)  # the window's last 7 days: 25 to 31 March
NEWS_LABELS = "news_labels.parquet"


@pytest.fixture(scope="module")
def labels(sample) -> pd.DataFrame:
    return sample.truth_table("news_labels")


@pytest.fixture(scope="module")
def parsed(sample) -> dict[str, feedparser.FeedParserDict]:
    return {name: feedparser.parse(str(sample.feeds / name)) for name in FEED_FILES}


@pytest.fixture(scope="module")
def texts(parsed) -> dict[str, str]:
    """Each item's headline and summary as a reader sees them (markup gone, entities resolved)."""
    out = {}
    for feed in parsed.values():
        for e in feed.entries:
            out[e.id] = f"{e.title}\n{html.unescape(re.sub(r'<[^>]+>', ' ', e.summary))}"
    return out


@pytest.fixture(scope="module")
def crm(sample) -> tuple[pd.DataFrame, pd.DataFrame]:
    return sample["accounts"].set_index("account_id"), sample["contacts"].set_index("contact_id")


def digest(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in skip
    }


def first_word(short: str) -> str:
    return " ".join(short.split()[:-1])


def test_both_feeds_parse_cleanly(parsed):
    assert parsed["business_wire.rss"].version == "rss20"
    assert parsed["regional_ledger.atom"].version == "atom10"
    for name, feed in parsed.items():
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert len(feed.entries) > 30


def test_labels_describe_every_item(sample, labels, parsed):
    assert labels.columns.tolist() == LABEL_COLUMNS
    assert sample.result.truth_rows["news_labels"] == len(labels)
    assert sample.truth / NEWS_LABELS in sample.result.truth_files
    assert [p.name for p in sample.result.feed_files] == list(FEED_FILES)
    for name, feed in parsed.items():
        rows = labels[labels.feed_file == name]
        assert [e.id for e in feed.entries] == rows.item_guid.tolist()
        assert [e.title for e in feed.entries] == rows.title.tolist()
        assert [e.link for e in feed.entries] == rows.link.tolist()
        for e, published in zip(feed.entries, rows.published):
            if pd.isna(published):
                assert "published_parsed" not in e
            else:
                assert calendar.timegm(e.published_parsed) == published.timestamp()
    assert labels.item_guid.is_unique
    assert set(labels.kind) == set(KINDS)


def test_feed_markup_is_realistic(sample, labels):
    rss = (sample.feeds / "business_wire.rss").read_text(encoding="utf-8")
    atom = (sample.feeds / "regional_ledger.atom").read_text(encoding="utf-8")
    # HTML inside the XML: tags, numeric entities and ampersands, escaped once more by the feed.
    assert "&lt;b&gt;" in rss and "&amp;#8217;" in rss and "&amp;#8220;" in rss
    assert '<summary type="html">' in atom and "&lt;p&gt;" in atom
    assert re.search(r"<pubDate>[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d -0[45]00</pubDate>", rss)
    assert re.search(r"<published>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[56]:00</published>", atom)
    assert re.search(r'<guid isPermaLink="false">[^<]+</guid>', rss) and "<updated>" in atom
    assert labels.link.str.startswith("https://news.example.com/").all()
    # Newest first, undated items (RSS only) last.
    for name in FEED_FILES:
        published = labels[labels.feed_file == name].published
        dated = published.dropna()
        assert dated.is_monotonic_decreasing and published.iloc[: len(dated)].notna().all()
    undated = labels[labels.published.isna()]
    assert len(undated) >= 1 and (undated.feed_file == "business_wire.rss").all()
    assert labels.published.dropna().between(pd.Timestamp("2025-01-01", tz="UTC"), END + pd.Timedelta(days=1)).all()


def test_shares_of_kinds_and_events(labels):
    share = labels.kind.value_counts(normalize=True)
    assert 0.2 <= 1 - share["positive"] <= 0.3
    negatives = labels[labels.kind != "positive"]
    assert 0.3 <= (negatives.kind != "negative_unrelated").mean() <= 0.5
    for kind in KINDS:
        assert (labels.kind == kind).sum() >= 3, kind
    positives = labels[labels.kind == "positive"]
    assert set(positives.event_type) == set(EVENT_TYPES)
    assert negatives.event_type.isna().all() and positives.event_type.notna().all()
    assert (negatives.account_ids.map(len) == 0).all() and (negatives.named_contact_ids.map(len) == 0).all()
    assert (positives.account_ids.map(len) >= 1).all()
    assert (positives.account_ids.map(len) == 2).sum() >= 2  # mergers and partnerships between accounts


def test_every_event_type_in_the_last_week(labels):
    recent = labels[(labels.published >= LAST_WEEK) & (labels.kind == "positive") & labels.duplicate_of.isna()]
    counts = recent.event_type.value_counts()
    assert all(counts.get(e, 0) >= 3 for e in EVENT_TYPES), counts


def test_the_scenario_contact_leaves_in_the_last_week(sample, labels, texts):
    sc = json.loads((sample.truth / "scenario.json").read_text())
    jordan = sc["primary_contact"]["contact_id"]
    rows = labels[labels.named_contact_ids.map(lambda ids: jordan in ids) & (labels.published >= LAST_WEEK)]
    assert len(rows) >= 1
    row = rows.iloc[0]
    assert row.event_type == "leadership_change" and list(row.account_ids) == [sc["account"]["account_id"]]
    text = texts[row.item_guid]
    assert "Jordan Ellis" in text and re.search(r"step down|leav|moves on", text)
    # The mountains share the name, also in the last week.
    mountains = labels[labels.title.str.contains("Blue Ridge") & (labels.kind == "negative_other_sense")]
    assert (mountains.published >= LAST_WEEK).any()


def test_duplicates_appear_in_both_feeds(labels):
    copies = labels[labels.duplicate_of.notna()]
    assert 0.03 <= len(copies) / len(labels) <= 0.07
    first = labels.set_index("item_guid").loc[copies.duplicate_of]
    assert (first.feed_file.values != copies.feed_file.values).all()
    assert (first.title.values == copies.title.values).all()
    assert (copies.link.values == (first.link + "?" + TRACKING).values).all()
    assert first.duplicate_of.isna().all() and (copies.item_guid.values != first.index.values).all()
    assert (copies.published.reset_index(drop=True) >= first.published.reset_index(drop=True)).all()
    assert (first.kind.values == copies.kind.values).all()
    assert [list(a) for a in first.account_ids] == [list(a) for a in copies.account_ids]


def test_named_contacts_are_crm_records_of_the_account(labels, texts, crm):
    accounts, contacts = crm
    positives = labels[labels.kind == "positive"]
    assert set(a for ids in positives.account_ids for a in ids) <= set(accounts.index)
    named = positives[positives.named_contact_ids.map(len) > 0]
    assert len(named) >= 10
    for row in named.itertuples():
        for cid in row.named_contact_ids:
            assert contacts.loc[cid, "account_id"] in row.account_ids
            assert contacts.loc[cid, "full_name"] in texts[row.item_guid]
    leadership = positives[positives.event_type == "leadership_change"]
    assert (leadership.named_contact_ids.map(len) >= 1).all()


def test_positives_name_accounts_in_varied_ways(labels, texts, crm):
    accounts, _ = crm
    seen = set()
    for row in labels[labels.kind == "positive"].itertuples():
        title = row.title
        for a in row.account_ids:
            name, domain = accounts.loc[a, "name"], accounts.loc[a, "domains"].split(";")[0]
            short = name.rsplit(" ", 1)[0] if name.split()[-1] in N.COMPANY_SUFFIXES else name
            if name in title:
                seen.add("full")
            elif domain in title:
                seen.add("domain")
            elif name.upper() in title or short.upper() in title:
                seen.add("upper")
            elif short in title and name not in title:
                seen.add("without descriptor")
            if re.search(r"[’']s\b|s[’'] ", title):
                seen.add("possessive")
            if re.search(r"\b(GmbH|plc|Ltd|Inc\.|AG|S\.A\.)", title):
                seen.add("legal suffix")
            if any(alias.isupper() and alias in title for alias in accounts.loc[a, "aliases"].split(";") if alias):
                seen.add("acronym")
    assert {"full", "domain", "upper", "without descriptor", "possessive", "legal suffix"} <= seen


def test_positives_carry_corroborating_context(labels, texts, crm):
    """Sector words always; for shared or common first words also a full name, the domain or a contact."""
    accounts, contacts = crm
    shorts = {a: (n.rsplit(" ", 1)[0] if n.split()[-1] in N.COMPANY_SUFFIXES else n) for a, n in accounts.name.items()}
    firsts = pd.Series({a: first_word(s) for a, s in shorts.items()})
    shared = set(firsts[firsts.duplicated(keep=False)]) | set(T.OTHER_SENSE)
    for row in labels[labels.kind == "positive"].itertuples():
        text = texts[row.item_guid]
        for a in row.account_ids:
            words = T.SECTORS[accounts.loc[a, "industry"]].words
            assert any(re.search(rf"\b{w}\b", text, re.IGNORECASE) for w in words), (a, text)
            if firsts[a] in shared:
                named = [contacts.loc[c, "full_name"] for c in row.named_contact_ids if contacts.loc[c, "account_id"] == a]
                strong = (accounts.loc[a, "name"] in text or any(d in text for d in accounts.loc[a, "domains"].split(";"))
                          or any(n in text for n in named))
                assert strong, (a, text)


def test_lookalike_negatives(labels, texts, crm):
    accounts, contacts = crm
    shorts = [n.rsplit(" ", 1)[0] if n.split()[-1] in N.COMPANY_SUFFIXES else n for n in accounts.name]
    firsts = {first_word(s) for s in shorts}
    nouns = {noun for ns in N.INDUSTRIES.values() for noun in ns}
    surnames = {name.split()[-1] for name in contacts.full_name if name.strip()}
    crm_names = {s.lower() for s in shorts} | {n.lower() for n in accounts.name}
    other_sense = labels[labels.kind == "negative_other_sense"]
    for row in other_sense.itertuples():
        words = set(re.findall(r"[A-Za-z]+", texts[row.item_guid]))
        # A first word of an account's name, an industry word, or a contact's surname: all in another sense.
        assert any(f in texts[row.item_guid] for f in firsts) or words & nouns or words & surnames, texts[row.item_guid]
    other_company = labels[labels.kind == "negative_other_company"]
    for row in other_company.itertuples():
        text = texts[row.item_guid]
        assert any(re.search(rf"\b{re.escape(f)}\b", text, re.IGNORECASE) for f in firsts), text
        assert not any(re.search(rf"\b{re.escape(n)}\b", text, re.IGNORECASE) for n in crm_names), text
    prefixes = {p.lower() for p in N.COMPANY_PREFIXES} | {"blue", "ridge"}
    for row in labels[labels.kind == "negative_unrelated"].itertuples():
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", texts[row.item_guid])}
        assert not words & prefixes, texts[row.item_guid]


def test_templates_keep_their_promises():
    for industry, sector in T.SECTORS.items():
        assert industry in N.INDUSTRIES
        for text in sector.descriptors + sector.context:
            assert any(re.search(rf"\b{w}\b", text, re.IGNORECASE) for w in sector.words), (industry, text)
    assert not set(T.UNRELATED_STEMS) & set(N.COMPANY_PREFIXES)
    assert not set(T.OTHER_SECTORS) & {noun for ns in N.INDUSTRIES.values() for noun in ns}
    for event in EVENT_TYPES:
        variants = T.EVENTS[event]
        assert sum(len(v.titles) for v in variants) >= 3 and sum(len(v.leads) for v in variants) >= 3, event


def test_same_run_gives_the_same_feeds(sample, sample_again):
    """Another process, another hash seed, feeds written elsewhere: the same bytes everywhere."""
    assert digest(sample.feeds) == digest(sample_again.feeds)
    assert sample.feeds != sample_again.feeds
    assert digest(sample.out) == digest(sample_again.out)
    assert digest(sample.truth) == digest(sample_again.truth)


def test_news_changes_no_other_output(sample, tmp_path, monkeypatch):
    """A run without any news writes the same extracts and other truth files, byte for byte."""
    monkeypatch.setattr(pipeline, "write_news", lambda *args, **kwargs: NewsOutput(feed_files=[], labels=[]))
    quiet = simulate(SimulationConfig(out_dir=tmp_path / "out", truth_dir=tmp_path / "truth",
                                      activities=sample.result.config.activities))
    assert not (tmp_path / "feeds").exists()
    assert digest(sample.out) == digest(quiet.config.out_dir)
    assert digest(sample.truth, skip=(NEWS_LABELS,)) == digest(quiet.config.truth_dir, skip=(NEWS_LABELS,))


def test_feeds_folder_defaults_next_to_the_extracts(tmp_path):
    assert SimulationConfig(out_dir=tmp_path / "x" / "out", truth_dir=tmp_path / "t").feeds_dir == tmp_path / "x" / "feeds"
    assert SimulationConfig(out_dir="o", truth_dir="t", feeds_dir=str(tmp_path / "f")).feeds_dir == tmp_path / "f"
    assert parse_args(["--out", "o", "--truth", "t", "--feeds", "news"]).feeds_dir == Path("news")
