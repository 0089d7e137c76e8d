"""Plus-addressing folds the same in Python (the connectors) and in SQL (the dbt macro on DuckDB)."""

from __future__ import annotations

import duckdb
import pytest

from ingest.connectors.identity import normalize_address
from ingest.connectors.plus_addressing import fold_plus_address
from tests.dbt_macros import render_macros

TRICKY = [
    "name+tag@x.com",
    "Name+Tag@X.com",
    "a+b+c@x.com",  # several "+": everything from the first one is the tag
    "a+@x.com",  # an empty tag
    "+tag@x.com",  # a leading "+" is not a tag separator
    "+@x.com",
    "@x.com",  # empty local part
    "plain@x.com",
    "i+x@y.com",  # starts like "imcea" but is not
    "imcea+x@y.com",
    "imceaex-_o=enron_cn=j+2esmith@enron.com",  # Exchange encapsulation: "+2e" escapes a "."
    "IMCEAEX-_O=ENRON_CN=J+2ESMITH@ENRON.COM",
    "IMCEANOTES-j+2esmith+40acme+2ecom@ENRON.com",
]


@pytest.fixture(scope="module")
def sql_fold() -> object:
    macros = render_macros("literals.sql", "email_addresses.sql")
    con = duckdb.connect()

    def fold(address: str, *, normalize: bool = False) -> str | None:
        column = macros.normalize_email("address") if normalize else "address"
        query = f"select {macros.email_base_address(column)} from (select ?::varchar as address)"
        return con.execute(query, [address]).fetchone()[0]

    yield fold
    con.close()


@pytest.mark.parametrize("address", TRICKY)
def test_the_rule_folds_the_same_in_python_and_duckdb(address: str, sql_fold) -> None:  # type: ignore[no-untyped-def]
    assert fold_plus_address(address) == sql_fold(address)


@pytest.mark.parametrize("address", [a for a in TRICKY if normalize_address(a) and not a.lower().startswith("imceanotes")])
def test_connector_addresses_match_the_dbt_base_address(address: str, sql_fold) -> None:  # type: ignore[no-untyped-def]
    # What the connectors write and what dbt derives from the raw value agree (IMCEANOTES- addresses
    # are unwrapped by the connectors to the address inside, which dbt never sees).
    assert normalize_address(address) == sql_fold(address, normalize=True)


def test_the_rule_keeps_what_the_connectors_always_did() -> None:
    assert [normalize_address(a) for a in ("Name+Tag@X.com", "a+b+c@x.com", "+tag@x.com", "imcea+x@y.com")] == [
        "name@x.com", "a@x.com", "+tag@x.com", "imcea+x@y.com"]
