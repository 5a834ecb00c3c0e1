#!/usr/bin/env bash
# The benchmark's log (src/bench/Gen.java) evaluated four ways with the benchmark's metrics
# (bench.yaml: accuracy, weighted recall and F1, p95 latency): the CSV export, the same rows as
# zstd Parquet (--metrics x.parquet), a sql: source over that Parquet file in DuckDB, and a sql:
# source over a COPY-loaded PostgreSQL 15 table (a throwaway server on 127.0.0.1:55434, Debian's
# /usr/lib/postgresql/15, as pg-writes.sh). Prints wall and peak RSS per run and each run's
# accuracy and p95, which must agree.
#
#   bash src/bench/sql.sh [ROWS]      # from the project root, after mvn -B -DskipTests package; default 10000000
#
# Environment: BENCH_RUNS (default 3), BENCH_SEED (default 20260302).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-10000000}
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-20260302}
OUT=$PWD/target/bench
mkdir -p "$OUT"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
[ -f target/rollout.jar ] && ls target/lib/duckdb_jdbc-*.jar >/dev/null || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
csv=$OUT/predictions-$ROWS-$SEED.csv
parquet=$OUT/predictions-$ROWS-$SEED.parquet
[ -f "$csv" ] || { java src/bench/Gen.java "$ROWS" "$csv.tmp" "$SEED" && mv "$csv.tmp" "$csv"; }
[ -f "$parquet" ] || java -cp "$(ls target/lib/duckdb_jdbc-*.jar)" src/bench/ToParquet.java "$csv" "$parquet"

. src/bench/throwaway-pg.sh
throwaway_pg_dir sqlbench
throwaway_pg_start 55434
psql -q -h 127.0.0.1 -p 55434 -U postgres -c "CREATE TABLE bench (ts timestamptz, model_version text, y_true text, y_pred text, latency_ms double precision)"
load_start=$(date +%s.%N)
psql -q -h 127.0.0.1 -p 55434 -U postgres -c "\\copy bench FROM '$csv' (FORMAT csv, HEADER true)"
psql -q -h 127.0.0.1 -p 55434 -U postgres -c "VACUUM ANALYZE bench"
echo "# PostgreSQL COPY + ANALYZE of $ROWS rows: $(echo "$(date +%s.%N) - $load_start" | bc) s"

# The benchmark's spec with every metric read from a source named lake, whose sql: block is $1.
sourced() {
  python3 - "$1" <<'PY'
import re, sys
spec = open("src/bench/bench.yaml").read()
head, metrics = spec.split("metrics:\n", 1)
metrics = re.sub(r"(?m)^  - name: (.*)$", r"  - name: \1\n    source: lake", metrics)
print(head + "sources:\n  lake:\n    sql:\n" + sys.argv[1] + "\nmetrics:\n" + metrics, end="")
PY
}
sourced "      url: \"jdbc:duckdb:\"
      query: \"select * from read_parquet('$parquet')\"" > "$work/duckdb.yaml"
sourced "      url: \"jdbc:postgresql://127.0.0.1:55434/postgres\"
      table: bench" > "$work/pg.yaml"
export ROLLOUT_SOURCE_LAKE_USER=postgres

echo "# rollout sql sources, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $ROWS rows"
printf '%-34s %8s %12s  %s\n' run "wall s" "peak RSS MB" "accuracy / p95 (baseline, candidate)"
for i in $(seq 1 "$RUNS"); do
  for run in csv parquet duckdb-sql pg-sql; do
    case $run in
      csv) args=(src/bench/bench.yaml --metrics "$csv") ;;
      parquet) args=(src/bench/bench.yaml --metrics "$parquet") ;;
      duckdb-sql) args=("$work/duckdb.yaml") ;;
      pg-sql) args=("$work/pg.yaml") ;;
    esac
    rm -f "$work/s.json"*
    rc=0
    /usr/bin/time -o "$work/t" -f '%e %M' target/rollout evaluate "${args[@]}" -o json --state "$work/s.json" > "$work/out.json" || rc=$?
    case $rc in 0|3|4) ;; *) echo "sql.sh: $run exited $rc" >&2; cat "$work/out.json" >&2; exit 1;; esac
    values=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m={x["name"]:x for x in d["metrics"]}; print(m["accuracy"]["baseline"], m["accuracy"]["candidate"], m["latency_p95"]["baseline"], m["latency_p95"]["candidate"])' "$work/out.json")
    read -r wall rss < <(tail -n1 "$work/t")
    printf '%-34s %8s %12s  %s\n' "$run" "$wall" "$((rss / 1024))" "$values"
  done
done
