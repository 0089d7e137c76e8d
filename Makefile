# The two commands: `make demo` and `make test`. Each sets up what it needs first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export RI_DATA_DIR ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(RI_DATA_DIR)/dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
# Python keeps each module's compiled bytecode beside it: an environment that turns that off
# (PYTHONDONTWRITEBYTECODE, common in container images) makes every process (each dbt invocation,
# each run, each training worker) compile dagster, dbt and scikit-learn from source again.
unexport PYTHONDONTWRITEBYTECODE
export DBT_PROFILES_DIR := $(CURDIR)/dbt_project
# The private PostgreSQL server `make test` starts (scripts/postgres_server.sh) for the postgres
# target's tests; RI_TARGET stays duckdb unless set.
export RI_PG_HOST ?= 127.0.0.1
export RI_PG_PORT ?= 54329
export RI_PG_USER ?= relintel
export RI_PG_DATABASE ?= relintel
export DBT_ENV_SECRET_PG_PASSWORD ?=
# The private Spark Connect server `make demo-spark` starts (scripts/spark_server.sh); the spark
# target's tests start one of their own.
export RI_SPARK_REMOTE ?= sc://127.0.0.1:15002

.PHONY: setup demo demo-postgres demo-spark test ui lock clean browser axe postgres spark

setup: $(BIN)/.installed dbt_project/target/manifest.json $(DAGSTER_HOME)/dagster.yaml

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# Dagster reads the dbt manifest when the code location loads, so it must exist beforehand.
dbt_project/target/manifest.json: $(BIN)/.installed $(shell find dbt_project/models dbt_project/macros dbt_project/tests -type f 2>/dev/null) dbt_project/dbt_project.yml
	cd dbt_project && $(CURDIR)/$(BIN)/dbt parse --quiet --vars "$$($(CURDIR)/$(BIN)/python -m runtime.settings --dbt-vars)"
	touch $@

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp $< $@

demo: setup
	$(BIN)/python -m orchestration.demo

# The suite runs on a worker per core, at most four (pytest-xdist); tests/conftest.py groups the tests
# that share fixtures. `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto
test: setup browser axe postgres spark
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses 4

# The same demo on the PostgreSQL server (started first; its files under data/postgres, Dagster's
# records on the server too): BI tools read the server's schema `serving`.
demo-postgres: setup postgres
	mkdir -p data/postgres/dagster_home
	cat orchestration/dagster.yaml orchestration/dagster_postgres_storage.yaml > data/postgres/dagster_home/dagster.yaml
	RI_TARGET=postgres RI_DATA_DIR=$(CURDIR)/data/postgres DAGSTER_HOME=$(CURDIR)/data/postgres/dagster_home \
		$(BIN)/python -m orchestration.demo

# The same demo on Apache Spark: a local Spark Connect server under build/spark (its catalog and
# tables), files under data/spark. BI tools read the release, or the tables through Spark.
demo-spark: setup spark
	scripts/spark_server.sh start build/spark 15002
	mkdir -p data/spark/dagster_home
	cp orchestration/dagster.yaml data/spark/dagster_home/dagster.yaml
	RI_TARGET=spark RI_SPARK_REMOTE=sc://127.0.0.1:15002 RI_DATA_DIR=$(CURDIR)/data/spark DAGSTER_HOME=$(CURDIR)/data/spark/dagster_home \
		$(BIN)/python -m orchestration.demo

# Spark needs Java 17 or newer (PySpark itself comes from the lock file). Installed from Debian when
# missing and apt-get is there (as root); otherwise the spark target's tests skip, saying why.
spark:
	@if ! command -v java >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Java (the spark target's tests) ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null) \
			|| echo "Java could not be installed: the spark target's tests will be skipped"; \
	fi

# A private PostgreSQL server under build/postgres on 127.0.0.1:$(RI_PG_PORT), for the postgres
# target's tests and demo. Installed from Debian when missing and apt-get is there (as root);
# otherwise those tests skip, saying why.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1 \
			&& command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing postgresql (the postgres target's tests) ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null) \
			|| echo "postgresql could not be installed: the postgres target's tests will be skipped"; \
	fi
	@scripts/postgres_server.sh start >/dev/null && echo "PostgreSQL server on $(RI_PG_HOST):$(RI_PG_PORT) (build/postgres)" \
		|| echo "no PostgreSQL server could be started: the postgres target's tests will be skipped"

# Headless Chromium renders the hygiene report in the tests. Installed from Debian when missing and
# apt-get is there (as root); otherwise that one test skips.
browser:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing chromium (headless rendering of the hygiene report) ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
			|| echo "chromium could not be installed: the report rendering test will be skipped"; \
	fi

# axe-core checks the static pages' accessibility in the same headless Chromium (tests/pages).
# Installed from the npm registry into build/ when npm is there; otherwise that check skips.
AXE_VERSION := 4.10.3
axe:
	@if [ ! -f build/axe/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then \
		echo "Installing axe-core $(AXE_VERSION) (accessibility checks of the pages) ..."; \
		npm install --silent --no-audit --no-fund --no-save --prefix build/axe axe-core@$(AXE_VERSION) >/dev/null \
			|| echo "axe-core could not be installed: the accessibility check will be skipped"; \
	fi

ui: setup
	$(BIN)/dagster dev -w workspace.yaml

lock:
	$(BIN)/uv pip compile --quiet --python-version 3.11 --extra dev pyproject.toml -o requirements.lock

clean:
	rm -rf $(RI_DATA_DIR) dbt_project/target dbt_project/logs
