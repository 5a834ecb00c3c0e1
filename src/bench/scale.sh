#!/usr/bin/env bash
# Scaling: `rollout evaluate` alone on seeded logs of growing size, with the benchmark's spec
# (p95 keeps every latency: memory grows 8 bytes a row) and with bench-flat.yaml (mean instead:
# nothing kept per row, memory should stay flat). Prints wall and peak RSS per size, and wall
# per million rows, which should stay about constant if cost grows linearly.
#
#   bash src/bench/scale.sh [ROWS ...]     # from the project root; default 1000000 10000000 30000000
#
# Environment: BENCH_RUNS (runs per point, median, default 3), BENCH_SEED (default 20260302).
# Logs are cached in target/bench/ (30 M rows is about 1 GB).
set -euo pipefail

cd "$(dirname "$0")/../.."
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-20260302}
OUT=target/bench
mkdir -p "$OUT"
[ $# -gt 0 ] || set -- 1000000 10000000 30000000
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
[ -x target/rollout ] || mvn -q -B package -DskipTests

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "# rollout scaling, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo '?'); median of $RUNS"
printf '%-12s %-16s %8s %10s %12s\n' rows spec "wall s" "s/M rows" "peak RSS MB"
for rows in "$@"; do
  log=$OUT/predictions-$rows-$SEED.csv
  if [ ! -f "$log" ]; then
    java src/bench/Gen.java "$rows" "$log.tmp" "$SEED" && mv "$log.tmp" "$log"
  fi
  cat "$log" >/dev/null
  for spec in src/bench/bench.yaml src/bench/bench-flat.yaml; do
    : >"$TMP/times"
    for i in $(seq 1 "$RUNS"); do
      rm -f "$TMP/s.json"*
      rc=0
      /usr/bin/time -o "$TMP/t" -f '%e %M' target/rollout evaluate "$spec" --metrics "$log" -o json \
        --state "$TMP/s.json" >/dev/null || rc=$?
      case $rc in 0|3|4) ;; *) echo "scale: rollout evaluate exited $rc" >&2; exit 1;; esac
      tail -n1 "$TMP/t" >>"$TMP/times"
    done
    mid=$(( (RUNS + 1) / 2 ))
    wall=$(cut -d' ' -f1 "$TMP/times" | sort -n | sed -n "${mid}p")
    rss=$(cut -d' ' -f2 "$TMP/times" | sort -n | sed -n "${mid}p")
    awk -v w="$wall" -v m="$rss" -v rows="$rows" -v spec="$(basename "$spec")" \
      'BEGIN { printf "%-12d %-16s %8.2f %10.3f %12.0f\n", rows, spec, w, w / (rows / 1e6), m / 1024 }'
  done
done
