#!/usr/bin/env bash
# JVM options side by side on the benchmark's log: did a flag in src/main/sh/rollout pay?
#
#   bash src/bench/compare-options.sh RUNS "OPTIONS A" "OPTIONS B" ...    # "" is the launcher as it is
#
# e.g. bash src/bench/compare-options.sh 7 "" "-XX:Tier3InvocationThreshold=200 -XX:Tier3CompileThreshold=2000"
#
# Runs `target/rollout evaluate src/bench/bench.yaml` with ROLLOUT_JAVA_OPTS set to each in turn,
# RUNS rounds (so that a change of the machine's speed hits all alike), and prints the median wall
# and CPU (user + sys) seconds, the median peak RSS and the fastest wall per set. LOG= and SPEC= pick another export or spec.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 2 ] || { echo "usage: $0 RUNS OPTIONS..." >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
runs=$1; shift
log=${LOG:-target/bench/predictions-10000000-20260302.csv}
[ -f "$log" ] || { mkdir -p target/bench; java src/bench/Gen.java 10000000 "$log.tmp" 20260302 && mv "$log.tmp" "$log"; }
[ -x target/rollout ] || mvn -q -B package -DskipTests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $log"
for r in $(seq 1 "$runs"); do
  n=0
  for o in "$@"; do
    n=$((n + 1))
    ROLLOUT_JAVA_OPTS="$o" /usr/bin/time -a -o "$tmp/$n.t" -f "%e %U %S %M" \
      target/rollout evaluate "${SPEC:-src/bench/bench.yaml}" --metrics "$log" -o json --state "$tmp/state.json" >/dev/null 2>&1 || true
  done
done
n=0
for o in "$@"; do
  n=$((n + 1))
  rss=$(awk '{print $4}' "$tmp/$n.t" | sort -n | awk '{r[NR] = $1} END {printf "%d", r[int((NR + 1) / 2)] / 1024}')
  sort -n "$tmp/$n.t" | awk -v o="$o" -v rss="$rss" '{w[NR] = $1; c[NR] = $2 + $3} END {m = int((NR + 1) / 2); printf "median wall %.2f s, cpu %.2f s, peak RSS %d MB, fastest %.2f s  [%s]\n", w[m], c[m], rss, w[1], o}'
done
