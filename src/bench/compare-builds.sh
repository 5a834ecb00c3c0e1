#!/usr/bin/env bash
# Two builds of rollout side by side on the benchmark's log: did a change make `evaluate` slower?
#
#   bash src/bench/compare-builds.sh OLD_LAUNCHER NEW_LAUNCHER [ROWS]
#
# e.g. git worktree add /tmp/r-old 9c41a27 && (cd /tmp/r-old && mvn -q -B package -DskipTests)
#      bash src/bench/compare-builds.sh /tmp/r-old/target/rollout target/rollout 10000000
#
# Runs `evaluate src/bench/bench.yaml` with each launcher in turn (BENCH_RUNS rounds, default 3,
# so that a change of the machine's speed hits both alike), once with the default threads and once
# with ROLLOUT_THREADS=1, and prints wall, CPU and peak RSS per run and the medians. Fails unless
# both builds print the same metric values. The log is the one run.sh generates (cached in
# target/bench/); LOG= another export of the same columns (e.g. run.sh's Parquet file).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 2 ] || { echo "usage: $0 OLD_LAUNCHER NEW_LAUNCHER [ROWS]" >&2; exit 2; }
old=$1 new=$2 rows=${3:-10000000}
runs=${BENCH_RUNS:-3} seed=${BENCH_SEED:-20260302}
command -v jq >/dev/null || { echo "bench: needs jq (apt-get install jq)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
mkdir -p target/bench
log=${LOG:-target/bench/predictions-$rows-$seed.csv}
if [ ! -f "$log" ]; then
  java src/bench/Gen.java "$rows" "$log.tmp" "$seed" && mv "$log.tmp" "$log"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $log"
for threads in default 1; do
  for i in $(seq 1 "$runs"); do
    for which in old new; do
      launcher=${!which}
      settings=(); [ "$threads" = 1 ] && settings=(ROLLOUT_THREADS=1)
      env "${settings[@]}" /usr/bin/time -o "$tmp/t" -f '%e %U %S %M' "$launcher" evaluate src/bench/bench.yaml --metrics "$log" \
        --state "$tmp/none.state.json" -o json >"$tmp/$which.json" 2>/dev/null || [ $? -le 4 ]
      read -r wall user sys rss <"$tmp/t"
      echo "$threads $which $wall $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') $((rss / 1024))" | tee -a "$tmp/runs"
    done
  done
  cmp -s <(jq -S '.metrics | map(del(.positive))' "$tmp/old.json") <(jq -S '.metrics | map(del(.positive))' "$tmp/new.json") \
    || { echo "bench: the two builds disagree on the metrics" >&2; exit 1; }
done
echo "# threads build: median wall s, median cpu s, median peak RSS MB"
for threads in default 1; do
  for which in old new; do
    med() { awk -v t="$threads" -v w="$which" -v c="$1" '$1 == t && $2 == w {print $c}' "$tmp/runs" | sort -g \
      | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
    echo "$threads $which $(med 3) $(med 4) $(med 5)"
  done
done
