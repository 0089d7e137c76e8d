"""The layout of a serving release, which BI tools and the static pages read:

    <serving_dir>/releases/<release_id>/relintel.duckdb   schema `serving`, one table per published model
                                                          (a view of its month files for those published by month)
    <serving_dir>/releases/<release_id>/parquet/<table>.parquet
    <serving_dir>/releases/<release_id>/parquet/<table>/<YYYY-MM>.parquet   tables published by month
    <serving_dir>/releases/<release_id>/months.json        each month's row count and fingerprint of those tables
    <serving_dir>/releases/<release_id>/site/index.html    the static Relationship Analytics pages
    <serving_dir>/releases/<release_id>/docs/index.html    the dbt docs of the published models (one static page)
    <serving_dir>/current -> releases/<release_id>
"""

SCHEMA = "serving"  # the release file's own schema, not one of the warehouse's
DATABASE_FILE = "relintel.duckdb"
PARQUET_DIR = "parquet"
# Tables published by month (a model's meta `published_by_month`: its date column) have a folder of
# one Parquet file per month (parquet/<table>/<YYYY-MM>.parquet); the next release compares each
# month with these fingerprints and writes only the months that changed (orchestration/publishing.py).
MONTHS_FILE = "months.json"
SITE_DIR = "site"
DOCS_DIR = "docs"
