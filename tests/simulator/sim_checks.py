"""Helpers that read simulator extracts the way a downstream consumer would."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

INTERNAL = "@harborline.io"


def utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True, format="ISO8601")


def domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower()


def split_list(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


def normalised_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", text).strip().casefold()


def address_to_contact(contacts: pd.DataFrame) -> dict[str, str]:
    """Every contact address (primary and aliases), lower-cased, to the first record holding it."""
    out: dict[str, str] = {}
    for cid, email, aliases in zip(contacts.contact_id, contacts.email, contacts.email_aliases):
        for addr in [email, *split_list(aliases)]:
            if addr:
                out.setdefault(addr.lower(), cid)
    return out


def activities_with_parties(extract) -> pd.DataFrame:
    a = extract["activities"]
    p = extract["activity_parties"]
    merged = p.merge(a, on="activity_id")
    merged["ts"] = utc(merged["started_at"])
    merged["addr"] = merged["email_address"].str.lower()
    return merged
