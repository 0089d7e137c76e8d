"""Noise rules, one by one: each fires on its own evidence and stays quiet otherwise."""

from __future__ import annotations

import dataclasses

import pytest

from ingest.connectors import noise
from ingest.connectors.identity import InternalPolicy
from ingest.connectors.noise import ItemFacts, classify

POLICY = InternalPolicy(("harborline.io",))
CUSTOMER = "jordan.ellis@blueridgehotels.com"
SELLER = "avery.quinn@harborline.io"


def facts(sender: str = CUSTOMER, recipients: tuple[str, ...] = (SELLER,), **headers: str) -> ItemFacts:
    return ItemFacts(sender=sender, recipients=recipients, headers={k.replace("_", "-"): v for k, v in headers.items()})


def history(scope: str = "blueridgehotels.com", messages: int = 4, marked: int = 0, reached: int = 1, answered: tuple[str, ...] = ()) -> noise.SenderHistory:
    return noise.SenderHistory(scope, messages, marked, addresses=1, internal_recipients=reached, answered_addresses=frozenset(answered))


def with_(base: ItemFacts, **changes: object) -> ItemFacts:
    return dataclasses.replace(base, **changes)


MANY = tuple(f"p{i}@harborline.io" for i in range(20))
ORGS = tuple(f"someone@org{i}.example" for i in range(5))


def test_a_plain_customer_message_is_kept() -> None:
    assert classify(facts(), POLICY) is None


@pytest.mark.parametrize(
    ("rule", "positive", "negative"),
    [
        ("auto_submitted", facts(auto_submitted="auto-replied"), facts(auto_submitted="no")),
        ("auto_submitted", facts(x_autoreply="yes"), facts()),
        ("list_id_header", facts(list_id="<deals.lists.example.com>"), facts()),
        ("list_unsubscribe", facts(list_unsubscribe="<mailto:u@x.example>"), facts()),
        ("precedence_bulk", facts(precedence="bulk"), facts(precedence="first-class")),
        ("precedence_bulk", facts(precedence="junk"), facts()),
        ("no_reply_sender", facts(sender="no-reply@blueridgehotels.com"), facts(sender="nora.reply@blueridgehotels.com")),
        ("no_reply_sender", facts(sender="noreply123@x.example"), facts()),
        ("no_reply_sender", facts(sender="mailer-daemon@x.example"), facts()),
        ("newsletter_sender", facts(sender="newsletter@hotelnews.example"), facts(sender="newton@hotelnews.example")),
        ("newsletter_sender", facts(sender="portfoliomailer@smtp.quote.com"), facts()),
        ("newsletter_sender", facts(sender="offers@lists.vendor.example"), facts()),
        ("newsletter_sender", facts(sender="anna@lists.vendor.example"), facts(sender="anna@vendor.example")),
        ("notification_sender", facts(sender="notifications@tracker.example"), facts(sender="notary@tracker.example")),
        ("notification_sender", facts(sender="strat_alert@hotmail.com"), facts()),
        ("notification_sender", facts(sender="webmaster@spegcs.org"), facts(sender="webb.master@spegcs.org")),
        ("generated_sender", facts(sender="402075.57130981.1@1.americanexpress.com"), facts(sender="8777865122@skytel.com")),
        ("generated_sender", facts(sender="r-4-144706-4002205-2@xmr3.com"), facts(sender="jo_2000@yahoo.com")),
        # a generated-looking address we wrote to is someone's real address
        ("generated_sender", facts(sender="insynconline.6gfwm6w8.d@insync-palm.com"),
         with_(facts(sender="insynconline.6gfwm6w8.d@insync-palm.com"), history=history(answered=("insynconline.6gfwm6w8.d@insync-palm.com",)))),
        ("role_sender", facts(sender="info@netr-m.com"), facts(sender="informant@netr-m.com")),
        ("role_sender", facts(sender="save@eastwayfordsales.com"), with_(facts(sender="info@evans.example"), history=history(answered=("info@evans.example",)))),
        ("bulk_body_markers", with_(facts(), body_markers=("unsubscribe",)), with_(facts(), body_markers=("unsubscribe",), history=history(answered=(CUSTOMER,)))),
        ("bulk_body_markers", with_(facts(), body_markers=("opt-out",)), with_(facts(sender=SELLER, recipients=(CUSTOMER,)), body_markers=("opt-out",))),
        ("bulk_sender_domain", with_(facts(), history=history(messages=5, marked=3)), with_(facts(), history=history(messages=5, marked=2))),
        ("bulk_sender_domain", with_(facts(), history=history(reached=10)), with_(facts(), history=history(reached=10, answered=("x@blueridgehotels.com",)))),
        ("one_to_many_unanswered", facts(recipients=MANY), with_(facts(recipients=MANY), history=history(answered=("x@blueridgehotels.com",)))),
        ("one_to_many_unanswered", facts(recipients=(SELLER, *ORGS)), facts(recipients=(SELLER, *ORGS[:4]))),
        ("distribution_list", facts(sender=SELLER, recipients=("all-staff@harborline.io", CUSTOMER)), facts(sender=SELLER, recipients=("allison@harborline.io", CUSTOMER))),
        ("distribution_list", facts(sender=SELLER, recipients=("all.worldwide@harborline.io", CUSTOMER)), facts(sender=SELLER)),
        ("distribution_list", facts(sender=SELLER, recipients=tuple(f"p{i}@blueridgehotels.com" for i in range(51))), facts(sender=SELLER, recipients=tuple(f"p{i}@blueridgehotels.com" for i in range(50)))),
        ("no_recipients", facts(sender=SELLER, recipients=()), facts()),
        ("no_internal_party", facts(recipients=("pat.lee@acmefoods.com",)), facts()),
        ("no_external_party", facts(sender=SELLER, recipients=("morgan.diaz@harborline.io",)), facts(sender=SELLER, recipients=(CUSTOMER,))),
    ],
)
def test_rule_fires_on_its_evidence_only(rule: str, positive: ItemFacts, negative: ItemFacts) -> None:
    assert noise.RULES[rule](positive, POLICY)
    assert not noise.RULES[rule](negative, POLICY)
    exclusion = classify(positive, POLICY)
    assert exclusion is not None and exclusion.rule == rule and exclusion.detail


def test_every_rule_in_the_order_has_a_function_and_a_stable_name() -> None:
    assert set(noise.RULE_ORDER) == {"deny_list", *noise.RULES}
    assert noise.RULE_ORDER[0] == "deny_list"


def test_first_rule_in_order_wins_and_detail_says_what_it_saw() -> None:
    exclusion = classify(facts(sender="no-reply@lists.vendor.example", list_id="<x.example>"), POLICY)
    assert exclusion is not None
    assert (exclusion.rule, exclusion.detail) == ("list_id_header", "List-Id: <x.example>")


def test_deny_list_by_domain_and_address() -> None:
    assert classify(facts(sender="sales@denied.example"), POLICY, deny=["denied.example"]).rule == "deny_list"  # type: ignore[union-attr]
    assert classify(facts(sender="sales@eu.denied.example"), POLICY, deny=["@denied.example"]).rule == "deny_list"  # type: ignore[union-attr]
    assert classify(facts(), POLICY, deny=[CUSTOMER.upper()]).rule == "deny_list"  # type: ignore[union-attr]
    assert classify(facts(), POLICY, deny=["other.example"]) is None


def test_allow_list_overrides_every_other_rule() -> None:
    bulk = facts(sender="alerts@partner.example", recipients=(), list_id="<x>", precedence="bulk")
    assert classify(bulk, POLICY) is not None
    assert classify(bulk, POLICY, allow=["partner.example"]) is None


def test_most_specific_list_entry_wins_and_deny_wins_ties() -> None:
    ceo = facts(sender="ceo@acme.example")
    assert classify(ceo, POLICY, allow=["ceo@acme.example"], deny=["acme.example"]) is None
    assert classify(ceo, POLICY, allow=["acme.example"], deny=["ceo@acme.example"]).rule == "deny_list"  # type: ignore[union-attr]
    assert classify(ceo, POLICY, allow=["acme.example"], deny=["acme.example"]).rule == "deny_list"  # type: ignore[union-attr]


def test_disabled_rules_are_skipped() -> None:
    internal = facts(sender=SELLER, recipients=("morgan.diaz@harborline.io",))
    assert classify(internal, POLICY, disabled=["no_external_party"]) is None


def test_party_rules_need_known_internal_domains() -> None:
    unknown = InternalPolicy()
    assert classify(facts(sender=SELLER, recipients=("morgan.diaz@harborline.io",)), unknown) is None
    assert classify(facts(recipients=("pat.lee@acmefoods.com",)), unknown) is None


def test_meetings_use_the_same_rules() -> None:
    lonely = ItemFacts(sender=SELLER, recipients=(), kind="meeting")
    assert classify(lonely, POLICY).detail == "no attendees"  # type: ignore[union-attr]
    assert classify(ItemFacts(sender=None, kind="meeting"), POLICY).detail == "no organizer or attendees"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("Click here to unsubscribe from these mailings.", ("unsubscribe",)),
        ("If you would like to be removed, PLEASE CLICK HERE", ("removal instructions",)),
        ("To be removed from our list reply with REMOVE in the subject.", ("removal instructions",)),
        ("You are receiving this e-mail because you registered at our site.", ("subscription footer",)),
        ("Having trouble viewing this? View it in your browser.", ("view in browser",)),
        ("Dear Colleague,\nRecent market events demonstrate ...", ("generic greeting",)),
        ("To opt out of future offers, click below.", ("opt-out",)),
        ("Thanks, the pricing works for us. Can we remove the setup fee?", ()),
        ("Dear Jordan, I will forward this to a colleague in finance.", ()),
        ("Please forward this e-mail to any colleagues who may benefit.", ("subscription footer",)),
        ("", ()),
    ],
)
def test_bulk_markers_in_a_senders_own_words(text: str, markers: tuple[str, ...]) -> None:
    assert noise.bulk_markers(text) == markers


def test_a_removal_request_is_not_an_answer() -> None:
    assert noise.removal_request("Remove.", "RE: Grassy.com Update")
    assert noise.removal_request("please unsubscribe me", None)
    assert not noise.removal_request("Can we remove the setup fee from the proposal and sign this week?", "RE: pricing")


def test_bulk_rules_are_the_rules_about_the_mail_itself() -> None:
    assert {"newsletter_sender", "bulk_body_markers", "bulk_sender_domain", "one_to_many_unanswered"} <= noise.BULK_RULES
    assert not {"deny_list", "no_recipients", "no_internal_party", "no_external_party"} & noise.BULK_RULES
