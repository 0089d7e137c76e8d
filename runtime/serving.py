"""The layout of a serving release, which BI tools and the static pages read:

    <serving_dir>/releases/<release_id>/relintel.duckdb   schema `serving`, one table per published model
    <serving_dir>/releases/<release_id>/parquet/<table>.parquet
    <serving_dir>/releases/<release_id>/site/index.html    the static Relationship Analytics pages
    <serving_dir>/current -> releases/<release_id>
"""

SCHEMA = "serving"  # the release file's own schema, not one of the warehouse's
DATABASE_FILE = "relintel.duckdb"
PARQUET_DIR = "parquet"
SITE_DIR = "site"
