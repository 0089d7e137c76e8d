"""Order-independent fingerprints of every published table, to prove a change leaves them identical.

    python scripts/serving_fingerprint.py [release.duckdb] > fingerprints.json
    python scripts/serving_fingerprint.py --compare before.json after.json

A table's fingerprint is the sum of a 64-bit hash of each row (columns in name order), so row order
does not matter but every value does; its row count and column list are kept beside it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from runtime import relations
from runtime.settings import load as load_settings
from runtime.sql import qualified, quote_identifier


def fingerprints(release: Path) -> dict[str, dict[str, object]]:
    """Every table's fingerprint but the run logs' (runtime.relations: they record when a run read
    its feeds, so two runs over the same data differ there by design)."""
    run_logs = relations.load().run_logs()
    out: dict[str, dict[str, object]] = {}
    with duckdb.connect(str(release), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables order by 1, 2").fetchall()
        for schema, table in tables:
            if table in run_logs:
                continue
            columns = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by column_name", [schema, table]).fetchall()]
            relation_sql = qualified(schema, table)
            row_sql = "row(" + ", ".join(quote_identifier(c) for c in columns) + ")"
            rows, digest = con.execute(
                f"select count(*), coalesce(sum(hash({row_sql})::hugeint), 0)::varchar from {relation_sql}").fetchone()
            out[f"{schema}.{table}"] = {"rows": rows, "columns": columns, "hash": digest}
    return out


def compare(before: dict, after: dict) -> list[str]:
    problems = [f"{name}: only before" for name in sorted(set(before) - set(after))]
    problems += [f"{name}: only after" for name in sorted(set(after) - set(before))]
    for name in sorted(set(before) & set(after)):
        for key in ("rows", "columns", "hash"):
            if before[name][key] != after[name][key]:
                problems.append(f"{name}: {key} differs")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("release", nargs="?", type=Path, default=None)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        problems = compare(before, after)
        print("\n".join(problems) if problems else f"identical: {len(before)} tables")
        return 1 if problems else 0
    if args.release is None:
        args.release = load_settings().serving_dir / "current" / "relintel.duckdb"
    json.dump(fingerprints(args.release), sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
