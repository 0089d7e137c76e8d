"""The layout of a serving release, which BI tools and the static pages read:

    <serving_dir>/releases/<release_id>/relintel.duckdb   schema `serving`, one table per published model
    <serving_dir>/releases/<release_id>/parquet/<table>.parquet
    <serving_dir>/releases/<release_id>/parquet/<table>/<YYYY-MM>.parquet   append-only tables, by month
    <serving_dir>/releases/<release_id>/site/index.html    the static Relationship Analytics pages
    <serving_dir>/releases/<release_id>/docs/index.html    the dbt docs of the published models (one static page)
    <serving_dir>/current -> releases/<release_id>
"""

SCHEMA = "serving"  # the release file's own schema, not one of the warehouse's
DATABASE_FILE = "relintel.duckdb"
PARQUET_DIR = "parquet"
# Append-only tables are dated by this column; their Parquet is a folder of one file per month
# (parquet/<table>/<YYYY-MM>.parquet), so a release rewrites only the months that changed.
APPEND_DATE_COLUMN = "snapshot_date"
SITE_DIR = "site"
DOCS_DIR = "docs"
