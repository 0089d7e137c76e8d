"""Landing tells our e-mails from the customer's with the warehouse's own address rules."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ingest.authorship import OurSide, _domains, normalize_emails, sent_by_us
from tests.dbt_macros import render_macros

ADDRESSES = [
    "Jordan.Ellis@BlueRidgeHotels.com", "  padded@x.io  ", "Jordan Ellis <jordan@x.io>", "<bare@x.io>", "mailto:M@X.IO",
    " mailto: spaced@x.io", "\"Quoted, Name\" <q@x.io> (work)", "a@b@c.io", "no-at-sign", "", "   ", "MAILTO:", "x <>",
    "İstanbul@x.io", "tab\there@x.io", "two <a@x.io> <b@x.io>",
]


def test_addresses_are_cleaned_up_as_the_warehouse_does() -> None:
    macros = render_macros("literals.sql", "email_addresses.sql")
    normalize_sql, domain_sql = str(macros.normalize_email("v")), str(macros.email_domain("v"))
    with duckdb.connect() as con:
        warehouse = [con.execute(f"select {normalize_sql}, {domain_sql} from (select ? as v)", [a]).fetchone()
                     for a in ADDRESSES]
    cleaned = normalize_emails(pa.array(ADDRESSES))
    assert cleaned.to_pylist() == [w[0] for w in warehouse]
    assert _domains(pa.array(ADDRESSES)).to_pylist() == [w[1] for w in warehouse]


def test_ours_are_users_addresses_and_domains_but_no_free_mail() -> None:
    ours = OurSide.from_users(["Avery@Harborline.io", None], [["avery.home@gmail.com"], None])
    assert ours.domains == {"harborline.io"}
    addresses = ["avery@harborline.io", "ops@eu.mail.harborline.io", "avery.home@gmail.com", "pat@gmail.com",
                 "x@harborline.io.evil.com", "x@notharborline.io", None]
    assert ours.holds(pa.array(addresses)).tolist() == [True, True, True, False, False, False, False]


def test_an_email_is_ours_when_every_sender_is() -> None:
    ours = OurSide.from_users(["avery@harborline.io"], [None])
    parties = pa.table({
        "activity_id": ["e1", "e2", "e2", "e3", "e4", "e5"],
        "party_role": ["sender", "sender", "sender", "to", "sender", "sender"],
        "email_address": ["Avery <AVERY@harborline.io>", "avery@harborline.io", "jo@them.io", "avery@harborline.io",
                          "jo@them.io", "ops@harborline.io"],
    })
    ids = pa.array(["e1", "e2", "e3", "e4", "e5", "e6"])
    assert sent_by_us(ids, parties, ours).tolist() == [True, False, False, False, True, False]
