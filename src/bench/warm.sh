#!/usr/bin/env bash
# What a cold JVM costs the benchmark's evaluation: the same `evaluate` (bench.yaml, the cached
# 10 M-row log) run RUNS times in one JVM by src/bench/Warm.java, with the launcher's JVM options,
# after one run of the launcher itself for comparison. The first in-process run pays
# what every command line pays (class loading and initialization, the interpreter, the JIT's
# compilations, the first rows in slower code); from the second on only the work is left.
#
#   bash src/bench/warm.sh [RUNS]     # from the project root; RUNS defaults to 6
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-6}
LOG=target/bench/predictions-10000000-20260302.csv
[ -f "$LOG" ] || { mkdir -p target/bench; java src/bench/Gen.java 10000000 "$LOG.tmp" 20260302; mv "$LOG.tmp" "$LOG"; }
[ -f target/rollout.jar ] && [ -x target/rollout ] || mvn -q -B package -DskipTests
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -o "$TMP/t" -f '%e %U %S' target/rollout evaluate src/bench/bench.yaml --metrics "$LOG" -o json --state "$TMP/s.json" >/dev/null || true
read -r wall user sys <"$TMP/t"
echo "the launcher, one run: wall $wall s, cpu $(echo "$user $sys" | awk '{printf "%.2f", $1 + $2}') s"
# The in-process runs get the launcher's own JVM options for evaluate (heap, collector, JIT; no CDS
# archive, which is the jar's alone): the launcher is run once with a java that prints them.
mkdir -p "$TMP/jdk/bin"
printf '#!/bin/sh\nfor a in "$@"; do [ "$a" = -jar ] && break; printf "%%s\\n" "$a"; done\n' >"$TMP/jdk/bin/java"
chmod +x "$TMP/jdk/bin/java"
mapfile -t opts < <(JAVA_HOME="$TMP/jdk" ROLLOUT_CDS=off target/rollout evaluate 2>/dev/null)
echo "the in-process runs' JVM options (the launcher's): ${opts[*]}"
java "${opts[@]}" -cp target/rollout.jar src/bench/Warm.java "$RUNS" src/bench/bench.yaml "$LOG"
