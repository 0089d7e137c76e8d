"""Write the static pages of a release: index (with search), opportunity, account and contact pages,
"my accounts" per owner and a book per manager. No server, no external script, font or image: every
page opens from the file system or any static host.

    python -m pages RELEASE_DIR [--out DIR]    (default: RELEASE_DIR/site)
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import numpy as np
import pandas as pd

from charts import svg
from pages import data
from pages.config import PagesConfig, load_config
from runtime import local_duckdb, serving
from runtime.dbt_vars import project_var
from runtime.sql import qualified

TEMPLATES = Path(__file__).parent / "templates"
BANDS = ("Excellent", "Good", "Fair", "Poor")
CHANNELS = ("email", "meeting", "call")
ROLE_LABELS = {"decision_maker": "decision-maker", "champion": "champion", "influencer": "influencer", "user": "user"}
RULE_LABELS = {"introduction": "Ask for an introduction", "single_threaded": "Engage another stakeholder",
               "no_decision_maker": "Engage a decision-maker", "quiet_account": "The account has gone quiet",
               "waiting_on_us": "They are waiting on us", "leadership_news": "Leadership change in the news"}
# A contact is shown as silent from the unanswered streak at which the introduction recommendation
# starts (the var recommendations.introduction.unanswered_streak).
SILENT_STREAK = int(project_var("recommendations")["introduction"]["unanswered_streak"])
# Contacts "engaged" on a deal: a meaningful interaction in the same 90 days as the health tables'
# *_engaged_90d columns.
ENGAGED_WITHIN_DAYS = 90
# The corners of the health x deal 2x2 (x: relationship health, y: deal score), named as
# models/actions/opportunity_quadrant.sql names them: top left, top right, bottom left, bottom right.
QUADRANT_NAMES = ("vulnerable deal", "sweet spot", "disengaged", "strong relationship, stalling deal")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class SiteResult:
    out_dir: Path
    pages: dict[str, int]  # kind -> pages written
    seconds: float


def slug(entity_id: str) -> str:
    """A file name for an id: safe characters kept, anything else replaced (ids stay distinct by a
    short hash when they had to change)."""
    clean = _UNSAFE.sub("_", entity_id)
    if clean != entity_id or clean.startswith("."):
        clean = f"{clean}-{hashlib.sha256(entity_id.encode('utf-8')).hexdigest()[:8]}"
    return clean


def page_path(kind: str, entity_id: str, number: int = 1) -> str:
    """Where a page lives, relative to the site root."""
    suffix = "" if number == 1 else f"-{number}"
    return f"{kind}/{slug(entity_id)}{suffix}.html"


def _value(x: Any) -> Any:
    """pandas missing values as None, timestamps as dates, numpy scalars as Python ones (for templates)."""
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass  # a list or an array: kept as it is
    if isinstance(x, pd.Timestamp):
        return x.date()
    return x.item() if hasattr(x, "item") else x


def _percent(share: float | None) -> float | None:
    return None if share is None else 100 * share


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts of _value's values, converted a column at a time."""
    names = list(frame.columns)
    columns = [_column_values(frame[name]) for name in names]
    return [dict(zip(names, values)) for values in zip(*columns)]


def _column_values(column: pd.Series) -> list[Any]:
    """_value of every cell of a column. Numbers, booleans and timestamps in numpy's own types (what
    DuckDB's frames hold) are converted by the column instead of by a call per cell: the trends and
    timelines are hundreds of thousands of rows."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else None
    if kind in ("i", "u", "b"):
        return column.tolist()  # Python ints and bools; these dtypes hold no missing values
    if kind == "f":
        return [None if value != value else value for value in column.tolist()]  # NaN -> None
    if kind == "M":
        return [None if missing else day for day, missing in zip(column.dt.date.tolist(), column.isna().tolist())]
    # text, missing values, lists: text needs no conversion, anything else _value's
    return [value if type(value) is str else _value(value) for value in column.tolist()]


# A rating change is marked when the new rating holds this many snapshots (a score hovering on a
# cut-off would otherwise mark every day); at most MARKED_CHANGES, the latest, are labelled.
LASTING_DAYS = 3
MARKED_CHANGES = 4


def _lasting_changes(dates: list[dt.date], ratings: list[str | None]) -> list[tuple[dt.date, str, str]]:
    """(date, from, to) of each rating change that lasted, the latest MARKED_CHANGES."""
    changes, held = [], None
    for i, rating in enumerate(ratings):
        if not rating:
            continue
        following = [r for r in ratings[i:i + LASTING_DAYS] if r]
        if held is not None and rating != held and all(r == rating for r in following) \
                and (len(following) == LASTING_DAYS or i + len(following) == len(ratings)):
            changes.append((dates[i], held, rating))
            held = rating
        elif held is None:
            held = rating
    return changes[-MARKED_CHANGES:]


def _day(value: Any) -> dt.date:
    """A date column's value as a date (what _column_values gives a date column, or a timestamp)."""
    return value if type(value) is dt.date else pd.Timestamp(value).date()


@dataclass(frozen=True)
class Trend:
    """An entity's health snapshots in date order."""

    dates: list[dt.date]
    scores: list[float | None]
    ratings: list[str | None]


def _trends(frame: pd.DataFrame, key: str) -> dict[Any, Trend]:
    """Each entity's snapshots (columns snapshot_date, score, rating), as three lists per entity
    rather than a dict per snapshot: a release's trends are a million snapshots."""
    if not len(frame):
        return {}
    ordered = frame.sort_values([key, "snapshot_date"])
    dates = [_day(d) for d in _column_values(ordered["snapshot_date"])]
    scores, ratings = _column_values(ordered["score"]), _column_values(ordered["rating"])
    out, start = {}, 0
    for entity_id, snapshots in groupby(ordered[key].tolist()):
        end = start + sum(1 for _ in snapshots)
        out[entity_id] = Trend(dates[start:end], scores[start:end], ratings[start:end])
        start = end
    return out


def _grouped(frame: pd.DataFrame, *keys: str) -> dict[Any, list[dict[str, Any]]]:
    """Rows (in the frame's order) per value of `keys` (one key: the value; several: a tuple)."""
    out: dict[Any, list[dict[str, Any]]] = {}
    for r in _rows(frame):
        out.setdefault(r[keys[0]] if len(keys) == 1 else tuple(r[k] for k in keys), []).append(r)
    return out


def _newest(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["event_date", "item_id"], ascending=[False, True]) if len(frame) else frame


def _words(code: str | None) -> str | None:
    """A code as words: strong_relationship_stalling_deal -> strong relationship stalling deal."""
    return code.replace("_", " ") if code else None


def _reasons(text: Any) -> list[str]:
    return [r.strip() for r in str(text).split(";") if r.strip()] if text else []


class Site:
    def __init__(self, pd_: data.PageData, config: PagesConfig, out_dir: Path):
        self.d, self.config, self.out = pd_, config, out_dir
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.users = {r["user_id"]: r for r in _rows(pd_.users)} if len(pd_.users) else {}
        self.has_page = {"opportunity": set(pd_.opportunities["opportunity_id"]),
                         "account": set(pd_.accounts["account_id"]), "contact": set(pd_.contacts["contact_id"])}
        self.account_names = dict(zip(pd_.accounts["account_id"], pd_.accounts["account_name"])) if len(pd_.accounts) else {}
        # Every table turned into plain rows grouped by entity once: per-page pandas look-ups cost
        # more than the pages themselves.
        self.snapshots = {kind: dict(zip(frame.index, _rows(frame))) if len(frame) else {}
                          for kind, frame in pd_.latest.items()}
        self.trends = {kind: _trends(frame, data.KEYS[kind]) for kind, frame in pd_.trends.items()}
        self.timeline: dict[tuple[str, str], dict[tuple[str, str], dict[dt.date, int]]] = {}
        timeline_columns = ("entity_type", "entity_id", "channel", "side", "activity_date", "interactions")
        for kind, entity_id, channel, side, day, interactions in zip(
                *(_column_values(pd_.timeline[c]) for c in timeline_columns)) if len(pd_.timeline) else ():
            per_day = self.timeline.setdefault((kind, entity_id), {}).setdefault((channel, side), {})
            per_day[_day(day)] = int(interactions)
        self.colleagues = _grouped(pd_.colleagues.sort_values(["colleague_rank", "user_id"]), "contact_id") \
            if len(pd_.colleagues) else {}
        recos = pd_.recommendations
        self.recommendations = _grouped(recos.sort_values(["priority", "opened_date", "recommendation_id"]), "entity_type", "entity_id") \
            if len(recos) else {}
        self.quadrant = _grouped(pd_.quadrant, "owner_user_id") if len(pd_.quadrant) else {}
        self.deal_score_cutoff = float(project_var("opportunity_quadrant")["deal_score_cutoff"])
        self.account_news = _grouped(_newest(pd_.account_news), "account_id")
        self.contact_news = _grouped(_newest(pd_.contact_news), "contact_id")
        # the days every timeline draws, oldest first
        self.timeline_days = [pd_.as_of - dt.timedelta(days=n) for n in range(config.trend_days - 1, -1, -1)]
        self.written: dict[str, int] = {}

    # ---- helpers -----------------------------------------------------------------------------
    def href(self, kind: str, entity_id: str | None, depth: int) -> str | None:
        if entity_id is None or entity_id not in self.has_page.get(kind, ()):
            return None
        return "../" * depth + page_path(kind, entity_id)

    def user_name(self, user_id: str | None) -> str:
        return (self.users.get(user_id) or {}).get("full_name") or (user_id or "nobody")

    def latest(self, kind: str, entity_id: str) -> dict[str, Any]:
        """The entity's as-of snapshot; every column reads None when it has none (not scored that day)."""
        return defaultdict(lambda: None, self.snapshots[kind].get(entity_id, {}))

    def write(self, relative: str, template: str, depth: int, **context: Any) -> None:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        html = self.env.get_template(template).render(root="../" * depth, as_of=self.d.as_of, **context)
        path.write_text(html, encoding="utf-8")
        kind = relative.split("/")[0] if "/" in relative else "index"
        self.written[kind] = self.written.get(kind, 0) + 1

    def trend_svg(self, kind: str, entity_id: str, title: str, h: dict[str, Any]) -> str:
        trend = self.trends[kind].get(entity_id) or Trend([], [], [])
        dates, scores, ratings = trend.dates, trend.scores, trend.ratings
        transitions = _lasting_changes(dates, ratings)
        bands = {"Excellent": h.get("threshold_excellent") or 80, "Good": h.get("threshold_good") or 60,
                 "Fair": h.get("threshold_fair") or 40}
        table = data.HEALTH_TABLES[kind]
        now = f"now {h['score']:.0f} ({h.get('rating')})" if h.get("score") is not None else "unscored now"
        desc = (f"Health score of {title} over {len(dates)} days up to {self.d.as_of}, {now}"
                + (f"; rating changes: " + ", ".join(f"{d} {a} to {b}" for d, a, b in transitions) if transitions else ""))
        return svg.trend_chart(f"Health score, last {self.config.trend_days} days", dates, scores, bands, transitions,
                               source=f"serving.{table}.score", desc=desc, chart_id=f"trend-{kind}")

    def timeline_svg(self, kind: str, entity_id: str, title: str) -> str:
        known = self.timeline.get((kind, entity_id), {})
        days = self.timeline_days
        series: dict[str, list[int]] = {}
        for channel in CHANNELS:
            for side in ("theirs", "ours"):
                counts = known.get((channel, side), {})
                series[f"{channel} ({side})"] = [counts.get(day, 0) for day in days] if counts else [0] * len(days)
        total = {side: sum(sum(v) for k, v in series.items() if k.endswith(f"({side})")) for side in ("theirs", "ours")}
        desc = (f"Interactions with {title} per day over {len(days)} days: {total['theirs']} started by them, "
                f"{total['ours']} by us")
        return svg.timeline_chart(f"Interactions, last {len(days)} days (theirs above, ours below)", days, series,
                                  source="serving.interaction_timeline.interactions", desc=desc, chart_id=f"timeline-{kind}")

    def recos(self, entity_type: str, entity_id: str) -> list[dict[str, Any]]:
        rows = self.recommendations.get((entity_type, entity_id), [])
        return [{**x, "rule_label": RULE_LABELS.get(x["rule"], x["rule"])} for x in rows]

    def known_by(self, contact_id: str) -> list[dict[str, Any]]:
        return self.colleagues.get(contact_id, [])[: self.config.colleagues_per_contact]

    def person(self, contact: dict[str, Any], depth: int) -> dict[str, Any]:
        h = self.latest("contact", contact["contact_id"])
        streak = h.get("unanswered_streak")
        return {**contact, **{k: h.get(k) for k in ("score", "rating", "last_meaningful_date", "unanswered_streak",
                                                     "days_since_customer_touch", "days_since_meaningful")},
                "href": self.href("contact", contact["contact_id"], depth),
                "role_label": ROLE_LABELS.get(contact.get("contact_role") or "", "unknown"),
                "silent": bool(streak and streak >= SILENT_STREAK)}

    # ---- pages -------------------------------------------------------------------------------
    def opportunity_pages(self) -> None:
        contacts = self.d.deal_contacts.merge(self._all_contacts(), on="contact_id", how="left", suffixes=("", "_contact"))
        by_deal = _grouped(contacts, "opportunity_id") if len(contacts) else {}
        for deal in _rows(self.d.opportunities):
            oid = deal["opportunity_id"]
            h = self.latest("opportunity", oid)
            deal = {**deal, "account_name": self.account_names.get(deal["account_id"], deal["account_id"]),
                    "owner_name": self.user_name(deal["owner_user_id"])}
            people = []
            for c in by_deal.get(oid, []):
                p = self.person(c, 1)
                p.update(deal_role_label=ROLE_LABELS.get(c.get("deal_role") or "", c.get("deal_role") or "unknown"),
                         colleagues=self.known_by(c["contact_id"]))
                people.append(p)
            people.sort(key=lambda p: (not p.get("is_primary"), p.get("full_name") or ""))
            engaged = sorted({p["role_label"] for p in people
                              if p.get("days_since_meaningful") is not None and p["days_since_meaningful"] <= ENGAGED_WITHIN_DAYS})
            last = max((p["last_meaningful_date"] for p in people if p.get("last_meaningful_date")), default=None)
            quadrant_svg, quadrant = self.quadrant_svg(deal)
            h["win_probability_pct"] = _percent(h.get("win_probability"))
            account_href = self.href("account", deal["account_id"], 1) or "../index.html"
            self.write(page_path("opportunity", oid), "opportunity.html.j2", 1, title=deal["opportunity_name"],
                       crumbs=[(deal["account_name"], account_href)], deal=deal, h=h, account_href=account_href,
                       quadrant=quadrant, trend_svg=self.trend_svg("opportunity", oid, deal["opportunity_name"], h),
                       quadrant_svg=quadrant_svg, timeline_svg=self.timeline_svg("opportunity", oid, deal["opportunity_name"]),
                       reasons_down=_reasons(h.get("reasons_down")), reasons_up=_reasons(h.get("reasons_up")),
                       kpis={"last_meaningful": last, "roles_engaged": ", ".join(engaged),
                             "roles_missing": ", ".join(sorted(set(ROLE_LABELS.values()) - set(engaged)))},
                       recos=self.recos("opportunity", oid), people=people,
                       sources=["serving.opportunity_health", "serving.dim_opportunities", "serving.dim_opportunity_contacts",
                                "serving.contact_health", "serving.relationship_strength", "serving.recommendations",
                                "serving.interaction_timeline", "serving.opportunity_quadrant"])

    def quadrant_svg(self, deal: dict[str, Any]) -> tuple[str, str | None]:
        """The owner's open deals on the health x deal 2x2 with this one highlighted, and its quadrant."""
        mine = self.quadrant.get(deal["owner_user_id"], [])
        names = [r["opportunity_name"] for r in mine]
        # two deals of one name are told apart by their ids
        label = lambda r: r["opportunity_name"] if names.count(r["opportunity_name"]) == 1 \
            else f"{r['opportunity_name']} ({r['opportunity_id']})"  # noqa: E731
        points = [(label(r), r["relationship_health"], r["deal_score"]) for r in mine
                  if r.get("relationship_health") is not None and r.get("deal_score") is not None]
        this = next((r for r in mine if r["opportunity_id"] == deal["opportunity_id"]), None)
        if not points:
            return "", None
        quadrant = _words(this["quadrant"]) if this else None
        chart = svg.quadrant_chart(
            f"Health × deal, {deal['owner_name']}'s open deals", points, (this or {}).get("health_cutoff") or 60,
            self.deal_score_cutoff, "relationship health", "deal score", highlight=label(this) if this else None,
            quadrant_names=QUADRANT_NAMES, source="serving.opportunity_quadrant", chart_id="quadrant",
            desc=f"{deal['opportunity_name']} is in the quadrant {quadrant or 'unknown'}")
        return chart, quadrant

    def _all_contacts(self) -> pd.DataFrame:
        cols = ["contact_id", "full_name", "title", "contact_role"]
        return self.d.contacts[cols] if len(self.d.contacts) else pd.DataFrame(columns=cols)

    def account_pages(self) -> None:
        contacts = _grouped(self.d.contacts, "account_id") if len(self.d.contacts) else {}
        deals = _grouped(self.d.opportunities, "account_id") if len(self.d.opportunities) else {}
        for account in _rows(self.d.accounts):
            aid = account["account_id"]
            h = self.latest("account", aid)
            h["reply_rate_pct"] = _percent(h.get("reply_rate_90d"))
            people = sorted((self.person(c, 1) for c in contacts.get(aid, [])),
                            key=lambda p: (p.get("score") is None, -(p.get("score") or 0), p["full_name"] or ""))
            open_deals = [{**d, **{k: self.latest("opportunity", d["opportunity_id"]).get(k) for k in ("score", "rating")},
                           "href": self.href("opportunity", d["opportunity_id"], 1)} for d in deals.get(aid, [])]
            self.write(page_path("account", aid), "account.html.j2", 1, title=account["account_name"], crumbs=[],
                       account={**account, "owner_name": self.user_name(account.get("owner_user_id"))}, h=h,
                       trend_svg=self.trend_svg("account", aid, account["account_name"], h),
                       timeline_svg=self.timeline_svg("account", aid, account["account_name"]),
                       reasons_down=_reasons(h.get("reasons_down")), reasons_up=_reasons(h.get("reasons_up")),
                       news=self._news(self.account_news.get(aid)), recos=self.recos("account", aid), deals=open_deals, people=people,
                       sources=["serving.account_health", "serving.dim_accounts", "serving.account_news", "serving.contact_health",
                                "serving.recommendations", "serving.interaction_timeline"])

    @staticmethod
    def _news(rows: list[dict[str, Any]] | None, limit: int = 10) -> list[dict[str, Any]]:
        # contact_news carries no matched_on: the template reads None there
        return [{**r, "event_type_label": (r.get("event_type") or "other").replace("_", " "),
                 "matched_on": r.get("matched_on")} for r in (rows or [])[:limit]]

    def contact_pages(self) -> None:
        for contact in _rows(self.d.contacts):
            cid = contact["contact_id"]
            h = self.latest("contact", cid)
            h["reply_rate_pct"] = _percent(h.get("reply_rate_90d"))
            person = {**contact, "account_name": self.account_names.get(contact.get("account_id")),
                      "role_label": ROLE_LABELS.get(contact.get("contact_role") or "", "unknown")}
            account_href = self.href("account", contact.get("account_id"), 1)
            self.write(page_path("contact", cid), "contact.html.j2", 1, title=contact["full_name"],
                       crumbs=[(person["account_name"], account_href)] if account_href else [],
                       person=person, h=h, account_href=account_href,
                       trend_svg=self.trend_svg("contact", cid, contact["full_name"], h),
                       timeline_svg=self.timeline_svg("contact", cid, contact["full_name"]),
                       reasons_down=_reasons(h.get("reasons_down")), reasons_up=_reasons(h.get("reasons_up")),
                       known_by=self.known_by(cid), news=self._news(self.contact_news.get(cid)),
                       sources=["serving.contact_health", "serving.relationship_strength", "serving.contact_news",
                                "serving.interaction_timeline"])

    def my_accounts_pages(self) -> list[dict[str, str]]:
        owners = []
        frame = self.d.my_accounts
        for owner_id, rows in (sorted(frame.groupby("owner_user_id")) if len(frame) else []):
            rows = _rows(rows.sort_values(["risk_rank", "account_id"]))
            size = self.config.list_page_size
            numbers = range(1, max(1, math.ceil(len(rows) / size)) + 1)
            for n in numbers:
                chunk = rows[(n - 1) * size: n * size]
                for a in chunk:
                    a["href"] = self.href("account", a["account_id"], 1)
                    a["spark"] = self._spark(a["account_id"], a["account_name"])
                pages = [{"number": k, "href": "../" + page_path("my-accounts", owner_id, k), "current": k == n} for k in numbers]
                self.write(page_path("my-accounts", owner_id, n), "my_accounts.html.j2", 1, title=f"My accounts: {self.user_name(owner_id)}",
                           crumbs=[], owner_name=self.user_name(owner_id), total=len(rows), rows=chunk, pages=pages,
                           sources=["serving.my_accounts", "serving.account_health"])
            owners.append({"id": owner_id, "name": self.user_name(owner_id), "href": page_path("my-accounts", owner_id)})
        return owners

    def _spark(self, account_id: str, name: str) -> str:
        trend = self.trends["account"].get(account_id)
        values = trend.scores if trend else []
        if not values:
            return ""
        return svg.sparkline(values, label=f"{name}: health over the last {len(values)} days")

    def book_pages(self) -> list[dict[str, str]]:
        managers = []
        book, alerts = self.d.book, self.d.alerts
        for manager_id, reps in (sorted(book.groupby("manager_user_id")) if len(book) else []):
            reps = _rows(reps.sort_values(["owner_name", "owner_user_id"]))
            for r in reps:
                r["href"] = "../" + page_path("my-accounts", r["owner_user_id"])
                r["healthy_pct"] = _percent(r.get("healthy_share"))
                r["healthy_change_pts"] = _percent(r.get("healthy_share_change_30d"))
            rows = [(r["owner_name"], {b: r.get(f"{b.lower()}_count") or 0 for b in BANDS}) for r in reps]
            mine = alerts[(alerts["recipient_user_id"] == manager_id)] if len(alerts) else alerts
            shown = [{**a, "href": self.href(a["entity_type"], a["entity_id"], 1)}
                     for a in _rows(mine.sort_values(["opened_date", "alert_id"], ascending=[False, True]).head(50))] if len(mine) else []
            name = self.user_name(manager_id)
            self.write(page_path("book", manager_id), "book.html.j2", 1, title=f"Book of {name}'s team", crumbs=[],
                       manager_name=name, reps=reps, accounts=sum(r.get("accounts_scored") or 0 for r in reps),
                       bands_svg=svg.band_bars(f"Accounts per rating, {name}'s team", rows, BANDS,
                                               source="serving.book_health_by_rep", chart_id="book-bands",
                                               desc=f"Accounts of each of {len(rows)} reps by rating band"),
                       alerts=shown, sources=["serving.book_health_by_rep", "serving.alerts"])
            managers.append({"id": manager_id, "name": name, "href": page_path("book", manager_id)})
        return managers

    def index(self, owners: list[dict[str, str]], managers: list[dict[str, str]]) -> None:
        entries = []
        for kind, frame, name_col in (("opportunity", self.d.opportunities, "opportunity_name"),
                                      ("account", self.d.accounts, "account_name"), ("contact", self.d.contacts, "full_name")):
            for entity_id, name in zip(frame[data.KEYS[kind]], frame[name_col]) if len(frame) else []:
                entries.append({"n": name or entity_id, "k": kind, "u": page_path(kind, entity_id),
                                "r": self.latest(kind, entity_id).get("rating") or ""})
        entries += [{"n": o["name"], "k": "my accounts", "u": o["href"], "r": ""} for o in owners]
        entries += [{"n": m["name"], "k": "manager's book", "u": m["href"], "r": ""} for m in managers]
        risky = sorted(({"name": d["opportunity_name"], "account": self.account_names.get(d["account_id"], ""),
                         "href": page_path("opportunity", d["opportunity_id"]),
                         **{k: self.latest("opportunity", d["opportunity_id"]).get(k) for k in ("score", "rating")}}
                        for d in _rows(self.d.opportunities)), key=lambda d: (d["score"] is None, d["score"] or 0, d["name"]))
        search_json = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        self.write("index.html", "index.html.j2", 0, title="Relationship Analytics", crumbs=[],
                   counts={k: len(v) for k, v in self.has_page.items()}, owners=owners, managers=managers,
                   risky=risky[: self.config.list_page_size], search_json=search_json,
                   sources=["serving.opportunity_health", "serving.dim_opportunities", "serving.dim_accounts", "serving.dim_contacts"])


def build_site(con: duckdb.DuckDBPyConnection, table_sql: data.TableSql, available: Iterable[str], out_dir: Path,
               config: PagesConfig | None = None, as_of: dt.date | None = None,
               log: Callable[[str], None] = print) -> SiteResult:
    """Every page of the release whose tables `table_sql` names, written into `out_dir`."""
    started = time.perf_counter()
    config = config or load_config()
    reader = data.Reader(con, table_sql, set(available))
    as_of = as_of or data.as_of_date(reader)
    if as_of is None:
        raise ValueError("the release has no account health snapshots: nothing to draw")
    page_data = data.load(reader, config, as_of)
    site = Site(page_data, config, out_dir)
    log(f"pages: {len(page_data.opportunities)} deals, {len(page_data.accounts)} accounts, {len(page_data.contacts)} contacts as of {as_of}")
    site.opportunity_pages()
    site.account_pages()
    site.contact_pages()
    owners = site.my_accounts_pages()
    managers = site.book_pages()
    site.index(owners, managers)
    result = SiteResult(out_dir, dict(site.written), round(time.perf_counter() - started, 2))
    log(f"pages: {sum(result.pages.values()):,} written in {result.seconds:.1f} s")
    return result


def build_release_site(release_dir: Path, out_dir: Path | None = None, log: Callable[[str], None] = print, *,
                       memory_limit: str | None = None) -> SiteResult:
    """The pages of a serving release folder (its DuckDB file, schema `serving`), by default in its
    `site` folder; `memory_limit` bounds the DuckDB reading it (the pipeline's setting by default)."""
    database = release_dir / serving.DATABASE_FILE
    with local_duckdb.connect(database, read_only=True, memory_limit=memory_limit) as con:
        available = {name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [serving.SCHEMA]).fetchall()}
        return build_site(con, lambda table: qualified(serving.SCHEMA, table), available,
                          out_dir or release_dir / serving.SITE_DIR, log=log)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the static Relationship Analytics pages of a serving release.")
    parser.add_argument("release", type=Path, help="a release folder, e.g. data/serving/current")
    parser.add_argument("--out", type=Path, help="where to write the pages (default: RELEASE/site)")
    args = parser.parse_args(argv)
    result = build_release_site(args.release.resolve(), args.out)
    print(f"open {result.out_dir / 'index.html'}")
    return 0
