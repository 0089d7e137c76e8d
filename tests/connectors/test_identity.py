"""Identity rules: address normalisation, internal vs external, and conservative person merging."""

from __future__ import annotations

import pytest

from ingest.connectors.identity import (
    IdentityResolver,
    InternalPolicy,
    local_part_matches_name,
    name_tokens,
    normalize_address,
    organisational_domain,
    pretty_name,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jordan.Ellis@BlueRidgeHotels.com", "jordan.ellis@blueridgehotels.com"),
        ("  <jordan.ellis@blueridgehotels.com>  ", "jordan.ellis@blueridgehotels.com"),
        ("mailto:jordan.ellis@blueridgehotels.com", "jordan.ellis@blueridgehotels.com"),
        ("MAILTO:Pat.Lee@AcmeFoods.com", "pat.lee@acmefoods.com"),
        ("jordan.ellis+crm@blueridgehotels.com", "jordan.ellis@blueridgehotels.com"),
        ("Jordan.Ellis+news+2025@BlueRidgeHotels.com", "jordan.ellis@blueridgehotels.com"),
        ("a..hughes@enron.com", "a..hughes@enron.com"),
        ("IMCEANOTES-+22Cagle+2C+20Donna+22+20+3CDCAGLE+40mariner-energy+2Ecom+3E+40ENRON@ENRON.com", "dcagle@mariner-energy.com"),
        ("not an address", None),
        ("kpresto@ENRON", None),  # no dot in the domain: a Notes routing name, not an Internet address
        ("a@b@c.com", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_address(raw: str | None, expected: str | None) -> None:
    assert normalize_address(raw) == expected


def test_organisational_domain() -> None:
    assert organisational_domain("mail.blueridgehotels.com") == "blueridgehotels.com"
    assert organisational_domain("mx.acme.co.uk") == "acme.co.uk"
    assert organisational_domain("acme.de") == "acme.de"


def test_internal_policy_matches_subdomains_and_owner_addresses() -> None:
    policy = InternalPolicy(("enron.com",), frozenset({"owner@gmail.com"}))
    assert policy.is_internal("rick.buy@enron.com")
    assert policy.is_internal("arsystem@mailman.enron.com")
    assert policy.is_internal("owner@gmail.com")
    assert not policy.is_internal("someone@gmail.com")
    assert not policy.is_internal("x@notenron.com")
    assert not InternalPolicy().known


def test_names_are_compared_in_first_last_order() -> None:
    assert name_tokens("Presto, Kevin M.") == ("kevin", "m", "presto")
    assert name_tokens("Kevin M Presto") == ("kevin", "m", "presto")
    assert name_tokens("Renée Dupont (Paris)") == ("renee", "dupont")
    assert name_tokens("jordan@x.com") == ()
    assert pretty_name('"Quinn, Avery"') == "Avery Quinn"


@pytest.mark.parametrize(
    ("local", "fits"),
    [("kevin.presto", True), ("m..presto", True), ("kpresto", True), ("k.m.presto", True), ("presto", True),
     ("kevin.presto2", False), ("kevin", False), ("sales", False), ("kp", False)],
)
def test_local_part_must_spell_the_name(local: str, fits: bool) -> None:
    assert local_part_matches_name(local, ("kevin", "m", "presto")) is fits


def _resolve(*sightings: tuple[str, str | None]):  # type: ignore[no-untyped-def]
    resolver = IdentityResolver()
    for address, name in sightings:
        resolver.observe(address, name)
    return resolver.resolve()


def test_same_name_same_domain_fitting_local_parts_are_one_person() -> None:
    result = _resolve(
        ("m..presto@enron.com", "Presto, Kevin M."),
        ("m..presto@enron.com", "Presto, Kevin M."),
        ("kevin.presto@enron.com", "Kevin M Presto"),
    )
    assert result.canonical["kevin.presto@enron.com"] == "m..presto@enron.com"
    person = next(p for p in result.persons if p.primary == "m..presto@enron.com")
    assert person.aliases == ("kevin.presto@enron.com",)
    assert person.display_name == "Kevin M. Presto"
    assert result.merges == [{"primary": "m..presto@enron.com", "aliases": ["kevin.presto@enron.com"], "rule": "same_name_same_domain"}]


def test_no_merge_across_domains_or_without_fitting_local_part() -> None:
    result = _resolve(
        ("jordan.ellis@blueridgehotels.com", "Jordan Ellis"),
        ("jordan.ellis@gmail.com", "Jordan Ellis"),  # another domain: could be anyone's private address
        ("frontdesk@blueridgehotels.com", "Jordan Ellis"),  # local part is not built from the name
        ("jordan.ellis2@blueridgehotels.com", "Jordan Ellis"),  # a second Jordan Ellis is just as likely
    )
    assert result.merges == []
    assert len(result.persons) == 4


def test_address_used_under_several_names_is_reported_not_merged() -> None:
    result = _resolve(
        ("sales@blueridgehotels.com", "Jordan Ellis"),
        ("sales@blueridgehotels.com", "Sam Park"),
        ("jordan.ellis@blueridgehotels.com", "Jordan Ellis"),
    )
    assert result.shared_addresses == {"sales@blueridgehotels.com": ("Jordan Ellis", "Sam Park")}
    assert result.canonical["sales@blueridgehotels.com"] == "sales@blueridgehotels.com"
    assert next(p for p in result.persons if p.primary == "sales@blueridgehotels.com").display_name is None


def test_name_variants_of_one_person_are_not_a_shared_address() -> None:
    result = _resolve(("rick.buy@enron.com", "Buy, Rick"), ("rick.buy@enron.com", "Rick Buy"))
    assert result.shared_addresses == {}


def test_middle_initials_that_disagree_block_merging() -> None:
    result = _resolve(
        ("john.a.smith@acme.example", "John A. Smith"),
        ("john.b.smith@acme.example", "John B. Smith"),
        ("jsmith@acme.example", "John Smith"),  # could be either of them
    )
    assert result.merges == []


def test_a_name_without_middle_initial_joins_the_fuller_form() -> None:
    result = _resolve(("kevin.presto@enron.com", "Kevin Presto"), ("kpresto@enron.com", "Kevin M. Presto"))
    assert len(result.merges) == 1
