"""Matching news to accounts: distinctive names match alone; ambiguous ones only capitalised, in
their company sense, and corroborated; every match says why."""

from __future__ import annotations

import pytest

from news.matching import Account, Contact, Matcher, load_rules

ACCOUNTS = [
    Account("a1", "Blue Ridge Hotel Group", ("BRHG", "Blue Ridge Hotels"), ("blueridgehotels.com",), "Hospitality"),
    Account("a2", "Initech GmbH", (), ("initech.io",), "Software"),
    Account("a3", "Summit Health Partners", (), ("summithealth.org",), "Healthcare"),
    Account("a4", "Summit Freight Ltd", (), ("summitfreight.com",), "Logistics"),
    Account("a5", "Delta Inc.", (), ("delta-energy.com",), "Energy"),
    Account("a6", "Apple Inc.", (), ("apple.com",), "Technology"),
]
CONTACTS = [Contact("c1", "a1", "Jordan Ellis"), Contact("c2", "a4", "Priya Shah")]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(ACCOUNTS, CONTACTS, load_rules())


def published(matcher: Matcher, title: str, summary: str = "", link: str | None = None) -> dict[str, list[str]]:
    return {m.account_id: m.evidence for m in matcher.match(title, summary, link) if m.confidence >= 0.7}


@pytest.mark.parametrize(("title", "summary", "expected"), [
    ("Blue Ridge Hotel Group names a new COO", "", {"a1"}),
    ("BLUE RIDGE HOTEL GROUP'S NEW COO", "", {"a1"}),  # case and possessive
    ("Blue Ridge Hotels opens in Denver", "", {"a1"}),  # an alias
    ("Initech's quarterly results", "", {"a2"}),  # legal suffix dropped, possessive
    ("Deal closed", "Read more at initech.io/news", {"a2"}),  # a domain alone
    ("BRHG expands", "", {"a1"}),  # an acronym alias, in capitals
    ("Blue Ridge adds 3,000 rooms", "The hotel operator expects occupancy to rise.", {"a1"}),  # ambiguous + industry
    ("Blue Ridge expands", "Chief executive Jordan Ellis said the company would grow.", {"a1"}),  # + a contact
    ("Delta Inc. wins a grid contract", "", {"a5"}),  # ambiguous, written with its legal suffix
])
def test_matches(matcher: Matcher, title: str, summary: str, expected: set[str]) -> None:
    assert set(published(matcher, title, summary)) == expected


@pytest.mark.parametrize(("title", "summary"), [
    ("Hiking the Blue Ridge Mountains this fall", "Hotels fill up as tourism in the Blue Ridge grows."),  # a place
    ("Leaders meet at the G7 Summit", "Hotels were full for the Summit."),  # an event
    ("An apple a day", "Fresh apple juice from the orchard"),  # a fruit, lower case
    ("The Mekong Delta floods", "Power lines were cut across the Delta."),  # a place, even with energy words
    ("brhg expands", ""),  # an acronym not in capitals
    ("Blue Ridge expands", ""),  # ambiguous, nothing corroborates
    ("Summit opens a clinic and a depot", "Patients and freight alike"),  # shared name, evidence for both
    ("Jordan Ellis runs a marathon", ""),  # a contact's name alone is not the account
])
def test_no_published_match(matcher: Matcher, title: str, summary: str) -> None:
    assert published(matcher, title, summary) == {}


def test_a_shared_name_goes_to_the_account_the_evidence_prefers(matcher: Matcher) -> None:
    found = published(matcher, "Summit hires", "The hospital group said patients would benefit.")
    assert set(found) == {"a3"}
    held = {m.account_id: m for m in matcher.match("Summit hires", "The hospital group said patients would benefit.")}
    assert "shares the name with Summit Health Partners" in held["a4"].evidence


def test_evidence_and_named_contacts(matcher: Matcher) -> None:
    [match] = matcher.match("Blue Ridge Hotel Group: Jordan Ellis steps down", "Guests at blueridgehotels.com ...")
    assert match.evidence[0] == 'name "Blue Ridge Hotel Group"'
    assert "domain blueridgehotels.com" in match.evidence and "contact Jordan Ellis" in match.evidence
    assert any(e.startswith("Hospitality words: guests") for e in match.evidence)
    assert match.named_contact_ids == ["c1"]
    assert 0.99 < match.confidence <= 1


def test_the_article_host_is_evidence(matcher: Matcher) -> None:
    assert set(published(matcher, "Our news", "", "https://news.summitfreight.com/2026/launch")) == {"a4"}


def test_a_common_word_name_needs_corroboration(matcher: Matcher) -> None:
    assert published(matcher, "Apple unveils a new pie", "") == {}
    assert set(published(matcher, "Apple unveils a new laptop", "The chip inside is faster.")) == {"a6"}


def test_an_ambiguous_name_listed_with_companies_is_a_company(matcher: Matcher) -> None:
    assert set(published(matcher, "Big tech", "Initech, Apple and Blue Ridge Hotel Group pay less tax")) == {"a1", "a2", "a6"}
    assert set(published(matcher, "Big tech", "Initech staff ate an apple")) == {"a2"}
