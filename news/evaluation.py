"""How well news items are matched to accounts and classified, on labelled sets.

Two labelled sets: the simulator's feeds (labels in its ground truth, `news_labels.parquet`) and the
real captures in ../shared/data/feeds labelled by hand against a small account list
(tests/news/fixtures). A prediction is an (item, account) pair matched at or above the published
confidence (dbt var news.min_confidence); precision and recall are over pairs, classification
accuracy per labelled event type over the truly matched items.

    python -m news.evaluation                 both sets (the simulated one from RI_DATA_DIR)
    python -m news.evaluation --json out.json
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from news.classifying import classify
from news.items import parse_feed
from news.matching import Account, Contact, Matcher, load_rules
from runtime import settings
from runtime.dbt_vars import project_var
from runtime.settings import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "news" / "fixtures"
REAL_FEEDS = PROJECT_ROOT.parent / "shared" / "data" / "feeds" / "rss_parser"
SIM_LABELS = "news_labels.parquet"
# Captures are years old: their dates are judged against a fixed "now", not today's.
_FETCHED_AT = dt.datetime(2026, 1, 1)


@dataclass
class Scores:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    unnamed: int = 0  # labelled pairs whose item never names the account (left out of precision and recall)
    unnamed_matched: int = 0
    classes: Counter[str] = field(default_factory=Counter)  # labelled event type -> items
    classes_right: Counter[str] = field(default_factory=Counter)
    mistakes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    def add(self, other: Scores) -> Scores:
        return Scores(self.true_positive + other.true_positive, self.false_positive + other.false_positive,
                      self.false_negative + other.false_negative, self.unnamed + other.unnamed,
                      self.unnamed_matched + other.unnamed_matched, self.classes + other.classes,
                      self.classes_right + other.classes_right, self.mistakes + other.mistakes)

    def summary(self) -> dict[str, object]:
        return {
            "pairs_labelled": self.true_positive + self.false_negative,
            "pairs_predicted": self.true_positive + self.false_positive,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "labelled_pairs_not_naming_the_account": self.unnamed, "of_which_matched": self.unnamed_matched,
            "classification_accuracy": {c: {"items": n, "accuracy": round(self.classes_right[c] / n, 3)}
                                        for c, n in sorted(self.classes.items())},
            "classification_accuracy_overall": round(sum(self.classes_right.values()) / max(1, sum(self.classes.values())), 3),
        }


@dataclass(frozen=True)
class LabelledItem:
    key: str  # how a mistake is shown
    title: str
    summary: str
    link: str | None
    accounts: frozenset[str]
    event_type: str | None


def names_of(accounts: Iterable[Account], contacts: Iterable[Contact]) -> dict[str, re.Pattern[str]]:
    """Per account, any of the names a CRM holds for it (name without legal form, aliases, domains,
    contacts' full names) as a case-insensitive whole word: whether an item *names* the account.
    Deliberately simple and independent of the matcher."""
    people: dict[str, list[str]] = {}
    for c in contacts:
        people.setdefault(c.account_id, []).append(c.full_name)
    out = {}
    for a in accounts:
        core = re.split(r",| (?:Inc\.?|Incorporated|Corporation|Corp\.?|Co\.|Ltd\.?|Limited|LLC|plc|GmbH|AG|S\.A\.?)\b", a.name)[0]
        names = [core, *a.aliases, *a.domains, *people.get(a.account_id, [])]
        out[a.account_id] = re.compile("|".join(rf"(?<!\w){re.escape(n.strip())}(?!\w)" for n in names if n.strip()), re.IGNORECASE)
    return out


def score(items: Iterable[LabelledItem], matcher: Matcher, minimum: float,
          names: dict[str, re.Pattern[str]] | None = None) -> Scores:
    """Precision and recall of the published matches over (item, account) pairs. With `names`, a
    labelled pair whose item never names the account (an article about a product, say) is counted
    apart: no name, alias or domain matcher can find it, and it is reported, not scored."""
    out = Scores()
    for item in items:
        found = {m.account_id for m in matcher.match(item.title, item.summary, item.link) if m.confidence >= minimum}
        text = f"{item.title}\n{item.summary}\n{item.link or ''}"
        unnamed = {a for a in item.accounts if names is not None and not names[a].search(text)}
        out.unnamed += len(unnamed)
        out.unnamed_matched += len(unnamed & found)
        found -= unnamed
        item = LabelledItem(item.key, item.title, item.summary, item.link, item.accounts - unnamed, item.event_type)
        out.true_positive += len(found & item.accounts)
        for account in sorted(found - item.accounts):
            out.false_positive += 1
            out.mistakes.append(f"false match {account}: {item.key} {item.title[:90]!r}")
        for account in sorted(item.accounts - found):
            out.false_negative += 1
            out.mistakes.append(f"missed {account}: {item.key} {item.title[:90]!r}")
        if item.accounts and item.event_type:
            predicted = classify(item.title, item.summary).event_type
            out.classes[item.event_type] += 1
            out.classes_right[item.event_type] += predicted == item.event_type
    return out


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(";") if v.strip())


def real_set(feeds_dir: Path = REAL_FEEDS, fixtures: Path = FIXTURES) -> tuple[list[Account], list[Contact], list[LabelledItem]]:
    """The hand-labelled real captures: accounts, contacts and every entry of every capture."""
    with (fixtures / "real_accounts.csv").open(encoding="utf-8") as fh:
        accounts = [Account(r["account_id"], r["name"], _split(r["aliases"]), _split(r["domains"]), r["industry"] or None)
                    for r in csv.DictReader(fh)]
    with (fixtures / "real_contacts.csv").open(encoding="utf-8") as fh:
        contacts = [Contact(r["contact_id"], r["account_id"], r["full_name"]) for r in csv.DictReader(fh)]
    with (fixtures / "real_feed_labels.csv").open(encoding="utf-8") as fh:
        labels = {(r["feed_file"], int(r["entry_index"])): r for r in csv.DictReader(fh)}
    items = []
    for path in sorted(p for p in feeds_dir.iterdir() if p.suffix in (".rss", ".atom", ".xml")):
        parsed = parse_feed(path.name, path.read_bytes(), _FETCHED_AT)
        for item in parsed.items:
            label = labels.get((path.name, item.entry_index), {})
            items.append(LabelledItem(f"{path.name}#{item.entry_index}", item.title, item.summary, item.link,
                                      frozenset(_split(label.get("account_ids", ""))), label.get("event_type") or None))
    return accounts, contacts, items


def _latest_rows(folder: Path, key: str, columns: list[str]) -> list[dict[str, object]]:
    """The landed rows of an entity, latest batch winning per key."""
    files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("_"))
    rows: dict[object, dict[str, object]] = {}
    for path in files:  # batch files sort by time
        for row in pq.read_table(path, columns=columns).to_pylist():
            rows[row[key]] = row
    return [rows[k] for k in sorted(rows)]


def simulated_set(cfg: settings.Settings) -> tuple[list[Account], list[Contact], list[LabelledItem]]:
    """The simulator's feeds (data/feeds) with its labels, against its landed accounts and contacts."""
    accounts = [Account(r["account_id"], r["name"], tuple(r["aliases"] or ()), tuple(r["domains"] or ()), r["industry"])
                for r in _latest_rows(cfg.landed_dir / "accounts", "account_id", ["account_id", "name", "aliases", "domains", "industry"])]
    contacts = [Contact(r["contact_id"], r["account_id"], r["full_name"])
                for r in _latest_rows(cfg.landed_dir / "contacts", "contact_id", ["contact_id", "account_id", "full_name"])
                if r["account_id"] and r["full_name"]]
    labels = pq.read_table(cfg.ground_truth_dir / SIM_LABELS)
    labels = labels.filter(pc.is_null(labels["duplicate_of"]))  # a copy is the same article
    items = [LabelledItem(f"{r['feed_file']}:{r['item_guid']}", r["title"], "", r["link"], frozenset(r["account_ids"] or ()),
                          r["event_type"]) for r in labels.to_pylist()]
    summaries = _summaries(cfg.data_dir / "feeds")
    return accounts, contacts, [LabelledItem(i.key, i.title, summaries.get(i.key, ""), i.link, i.accounts, i.event_type)
                                for i in items]


def _summaries(feeds_dir: Path) -> dict[str, str]:
    out = {}
    for path in sorted(feeds_dir.glob("*")):
        for item in parse_feed(path.name, path.read_bytes(), _FETCHED_AT).items:
            out[f"{path.name}:{item.guid}"] = item.summary
    return out


def evaluate(cfg: settings.Settings, real_dir: Path = REAL_FEEDS) -> dict[str, object]:
    rules = load_rules()
    minimum = float(project_var("news")["min_confidence"])
    results: dict[str, Scores] = {}
    sets = {"simulated": lambda: simulated_set(cfg), "real": lambda: real_set(real_dir)}
    available = {"simulated": (cfg.ground_truth_dir / SIM_LABELS).exists(), "real": real_dir.is_dir()}
    for name, build in sets.items():
        if available[name]:
            accounts, contacts, items = build()
            results[name] = score(items, Matcher(accounts, contacts, rules), minimum, names_of(accounts, contacts))
    combined = Scores()
    for s in results.values():
        combined = combined.add(s)
    return {"min_confidence": minimum, **{k: v.summary() for k, v in results.items()}, "combined": combined.summary(),
            "mistakes": {k: v.mistakes for k, v in results.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description="Match and classification figures on the labelled news sets.")
    parser.add_argument("--json", type=Path, help="also write the figures (and every mistake) here")
    args = parser.parse_args()
    report = evaluate(settings.load())
    for name in ("simulated", "real", "combined"):
        if name in report:
            r = report[name]
            print(f"{name:10s} precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
                  f"({r['pairs_labelled']} labelled pairs, {r['pairs_predicted']} predicted)")
            print("           classification: " + ", ".join(
                f"{c} {v['accuracy']:.2f} ({v['items']})" for c, v in r["classification_accuracy"].items()))
    for name, mistakes in report["mistakes"].items():
        for line in mistakes[:40]:
            print(f"  {name}: {line}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
