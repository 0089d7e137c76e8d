"""E-mail addresses and web sites as CRMs store them, in the form the mail connectors use."""

from __future__ import annotations

import re
from email.utils import getaddresses

from ingest.connectors.base import ConnectorConfig
from ingest.connectors.identity import normalize_address


def normalize_email(text: str | None) -> str | None:
    """The canonical address (shared with the mail connectors), or None when the value is not one.

    Accepts `Name <address>` as CRMs store some sender fields.
    """
    if not text:
        return None
    m = re.search(r"<([^<>]+@[^<>]+)>", text)
    return normalize_address(m.group(1) if m else text)


def split_addresses(text: str | None) -> list[tuple[str | None, str]]:
    """(display name, address) pairs from a `;`- or `,`-separated recipient field; non-addresses skipped."""
    if not text:
        return []
    out: list[tuple[str | None, str]] = []
    for name, addr in getaddresses([text.replace(";", ",")]):
        email = normalize_email(addr)
        if email:
            out.append((name.strip() or None, email))
    return out


def domain_of_url(url: str | None) -> str | None:
    """Host of a web site without `www.`: `https://www.Example.com/x` -> `example.com`."""
    if not url:
        return None
    host = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", url.strip().lower())
    host = re.split(r"[/?#:\s]", host, maxsplit=1)[0].strip(".")
    host = host.removeprefix("www.")
    return host if "." in host and re.fullmatch(r"[a-z0-9.\-]+", host) else None


def company_domain(email: str | None, config: ConnectorConfig) -> str | None:
    """Domain of an address unless it is a personal mail provider's."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1]
    return None if domain in config.personal_domains else domain
