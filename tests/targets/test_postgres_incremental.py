"""The postgres target night after night: a build after new batches landed gives the tables a build
of everything gives (here, DuckDB's), so the incremental staging, the day windows and the
batch-wise loading agree on the server too."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb

from ingest.landing import land_all
from orchestration.defs.dbt_models import SERVING_SELECTION
from runtime import relations, settings
from runtime.settings import PostgresServer
from targets.postgres import load_landed
from targets.warehouse import PostgresConnection
from tests.dbt import fixture_org
from tests.dbt.test_dbt_build import dbt
from tests.targets.test_postgres_dbt import QUIET, rows_of


def test_a_build_after_new_batches_gives_the_tables_of_a_build_of_everything(postgres: PostgresServer, tmp_path: Path) -> None:
    as_of = dt.date.fromisoformat(fixture_org.AS_OF_DATE)
    build = ["build", "--exclude", SERVING_SELECTION]

    # everything at once, on DuckDB
    whole = tmp_path / "whole"
    fixture_org.write_extracts(whole / "extracts")
    land_all(whole / "extracts", whole / "landed")
    on_duckdb = settings.load({"RI_DATA_DIR": str(whole), "RI_INTERNAL_DOMAINS": fixture_org.INTERNAL_DOMAINS})
    assert dbt(build, on_duckdb.dbt_arguments(as_of), whole).returncode == 0

    # the first batches, then the rest, on Postgres
    nightly, held = tmp_path / "nightly", tmp_path / "held"
    extracts = nightly / "extracts"
    fixture_org.write_extracts(extracts)
    for path in sorted(extracts.rglob(f"{fixture_org.BATCH_2}*")) + [extracts / "activities" / "2025-10-03.csv"]:
        (held / path.parent.name).mkdir(parents=True, exist_ok=True)
        path.rename(held / path.parent.name / path.name)
    on_postgres = dataclasses.replace(settings.load({"RI_DATA_DIR": str(nightly), "RI_INTERNAL_DOMAINS": fixture_org.INTERNAL_DOMAINS}),
                                      target="postgres", postgres=postgres)
    land_all(extracts, nightly / "landed")
    load_landed(nightly / "landed", postgres, QUIET)
    first = dbt(build, on_postgres.dbt_arguments(as_of), nightly / "first")
    assert first.returncode == 0, first.stdout[-5000:]
    for path in sorted(held.rglob("*.csv")):
        path.rename(extracts / path.parent.name / path.name)
    land_all(extracts, nightly / "landed")
    assert load_landed(nightly / "landed", postgres, QUIET).loaded > 0
    second = dbt(build, on_postgres.dbt_arguments(as_of), nightly / "second")
    assert second.returncode == 0, second.stdout[-5000:]

    manifest = relations.load()
    tables = [r for r in manifest.models().values()
              if manifest.nodes[f"model.relintel.{r.name}"]["config"]["materialized"] in ("table", "incremental")]
    compared = 0
    with duckdb.connect(str(on_duckdb.warehouse_path), read_only=True) as a, PostgresConnection(postgres) as b:
        built = {name for (name,) in b.execute("select table_name from information_schema.tables").fetchall()}
        for relation in tables:
            if relation.identifier in built:
                assert rows_of(b, relation) == rows_of(a, relation), relation.name
                compared += 1
    assert compared >= 30
