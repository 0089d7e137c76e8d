#!/usr/bin/env bash
# A private Apache Spark server for the spark target's tests and `make demo-spark`: Spark Connect
# on 127.0.0.1 only, local mode, its catalog (Hive metastore in embedded Derby) and managed tables
# under one folder. dbt (dbt-spark's session method) and the scorer connect to it as they would to
# a cluster's Spark Connect endpoint (RI_SPARK_REMOTE).
#
#   scripts/spark_server.sh start [FOLDER] [PORT]   start (default build/spark, 15002); prints RI_SPARK_REMOTE
#   scripts/spark_server.sh stop [FOLDER] [PORT]
#
# Needs Java 17 or newer and the project's venv (PySpark from the lock file ships the server).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(realpath -m "${2:-build/spark}")"
PORT="${3:-15002}"
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
MEMORY="${SPARK_DRIVER_MEMORY:-2g}"

command -v java >/dev/null 2>&1 || { echo "java not found: the spark target needs Java 17 or newer" >&2; exit 3; }
SPARK_HOME="$("$PYTHON" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')" \
    || { echo "pyspark is not installed in $PYTHON's environment" >&2; exit 3; }
export SPARK_HOME SPARK_LOG_DIR="$ROOT/logs" SPARK_PID_DIR="$ROOT/pid" SPARK_IDENT_STRING="relintel-$PORT"
# The server runs this Python for the few Python expressions Spark evaluates itself.
export PYSPARK_PYTHON="$PYTHON"

listening() {
    "$PYTHON" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$PORT" 2>/dev/null
}

# The JVM compiles with its quick compiler only (C1, with the code cache the full compilers would
# have: Spark generates many classes): a local server lives minutes on small data, and the optimising
# compiler cost more CPU than it saved. The pipeline on the spark target's test sample: the server's
# CPU 563 -> 413 s, the pipeline's wall 399 -> 380 s. One collector thread, on a 2-core machine.
JAVA_OPTIONS="-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m -XX:+UseSerialGC"

launch() {
    "$SPARK_HOME/sbin/start-connect-server.sh" \
        --master 'local[2]' --driver-memory "$MEMORY" \
        --conf spark.connect.grpc.binding.address=127.0.0.1 \
        --conf spark.connect.grpc.binding.port="$PORT" \
        --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
        --conf spark.ui.enabled=false \
        --conf spark.sql.catalogImplementation=hive \
        --conf spark.sql.warehouse.dir="$ROOT/warehouse" \
        --conf spark.sql.session.timeZone=UTC \
        --conf spark.sql.sources.default=parquet \
        --conf spark.sql.legacy.createHiveTableByDefault=false \
        --conf spark.sql.shuffle.partitions=4 \
        --conf spark.local.dir="$ROOT/tmp" \
        --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$ROOT/derby -Duser.timezone=UTC $JAVA_OPTIONS" \
        >/dev/null
    for _ in $(seq 1 240); do
        listening && return 0
        sleep 0.5
    done
    echo "the Spark server did not start; see $ROOT/logs" >&2
    exit 4
}

shutdown() {
    # the server's process, gone only when it has let go of its files (Derby's lock among them)
    local pid
    pid="$(cat "$SPARK_PID_DIR"/spark-"$SPARK_IDENT_STRING"-*.pid 2>/dev/null \
        || pgrep -f -- "spark.connect.grpc.binding.port=$PORT( |$)" | head -1 || true)"
    "$SPARK_HOME/sbin/stop-connect-server.sh" >/dev/null 2>&1 || true
    for tick in $(seq 1 240); do
        if ! listening && { [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; }; then return 0; fi
        # the stop script gives up on a process it does not recognise as java: ask, then insist
        if [ -n "$pid" ] && [ "$tick" = 20 ]; then kill "$pid" 2>/dev/null || true; fi
        if [ -n "$pid" ] && [ "$tick" = 160 ]; then kill -9 "$pid" 2>/dev/null || true; fi
        sleep 0.5
    done
}

# The embedded metastore (Hive's schema in Derby) keeps a column comment in 256 characters, fewer
# than some of the dbt descriptions: on a new metastore, that column is widened once, while no
# server holds the database (Derby admits one process).
widen_comments() {
    "$PYTHON" -c 'import sys; from pyspark.sql import SparkSession
s = SparkSession.builder.remote(sys.argv[1]).create(); s.sql("show tables in default").collect(); s.stop()' \
        "sc://127.0.0.1:$PORT" 2>/dev/null
    shutdown
    local jars="$SPARK_HOME/jars"
    for _ in 1 2 3 4 5 6; do
        printf '%s\n' "connect 'jdbc:derby:$ROOT/derby/metastore_db';" \
            'alter table APP.COLUMNS_V2 alter column "COMMENT" set data type varchar(4000);' 'exit;' \
            | java -Dderby.system.home="$ROOT/derby" -cp "$(ls "$jars"/derby-*.jar "$jars"/derbytools-*.jar "$jars"/derbyshared-*.jar | paste -sd:)" \
                org.apache.derby.tools.ij >"$ROOT/derby/widen.log" 2>&1
        grep -q "ERROR" "$ROOT/derby/widen.log" || break
        sleep 5  # the stopped server may still be letting go of the database
    done
    grep -q "ERROR" "$ROOT/derby/widen.log" && { echo "the metastore could not be prepared; see $ROOT/derby/widen.log" >&2; exit 5; }
    touch "$ROOT/derby/.comments-widened"
}

case "${1:-}" in
start)
    mkdir -p "$ROOT/warehouse" "$ROOT/derby" "$ROOT/tmp"
    if ! listening; then
        launch
        if [ ! -f "$ROOT/derby/.comments-widened" ]; then
            widen_comments
            launch
        fi
    fi
    echo "RI_SPARK_REMOTE=sc://127.0.0.1:$PORT"
    ;;
stop)
    shutdown
    ;;
*)
    echo "usage: $0 start|stop [FOLDER] [PORT]" >&2; exit 2 ;;
esac
