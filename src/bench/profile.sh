#!/usr/bin/env bash
# Where `rollout evaluate` spends its time: a JFR recording sampling every millisecond, on one
# parsing thread (ROLLOUT_THREADS=1, so the shares are not blurred by two threads contending),
# summed by top frame and grouped into the shares README quotes (the chunks' byte scanner, Commons
# CSV (the one pass), the rest of the per-row work, selection).
#
#   bash src/bench/profile.sh [ROWS]     # from the project root; the log comes from run.sh's cache
set -euo pipefail

cd "$(dirname "$0")/../.."
ROWS=${1:-10000000}
LOG=target/bench/predictions-$ROWS-20260302.csv
[ -f "$LOG" ] || { mkdir -p target/bench; java src/bench/Gen.java "$ROWS" "$LOG.tmp" 20260302; mv "$LOG.tmp" "$LOG"; }
[ -f target/rollout.jar ] || mvn -q -B package -DskipTests
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/1ms.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">1 ms</setting></event>
</configuration>
JFC
ROLLOUT_THREADS=1 java -XX:+UseSerialGC -XX:StartFlightRecording=filename="$TMP/r.jfr",settings="$TMP/1ms.jfc" \
  -jar target/rollout.jar evaluate src/bench/bench.yaml --metrics "$LOG" -o json --state "$TMP/s.json" >/dev/null 2>&1 || true
jfr print --events jdk.ExecutionSample "$TMP/r.jfr" \
  | grep -A1 'stackTrace = \[' | grep -v -e 'stackTrace' -e '^--' | sed 's/(.*//; s/^ *//' >"$TMP/top.txt"
echo "top frames (samples):"
sort "$TMP/top.txt" | uniq -c | sort -rn | head -20
awk '
  /^org\.apache\.commons\.(csv|io)\./ { csv++ }
  /^dev\.rollout\.metrics\.csv\.(SliceScan|Labels)/ { scan++ }
  /^dev\.rollout\.metrics\.DoubleList\.select/ { sel++ }
  /^dev\.rollout\.metrics\./ && !/DoubleList\.select/ && !/csv\.(SliceScan|Labels)/ { ours++ }
  /fdp|NumberInput|java\.util\.HashMap|java\.lang\.String/ { ours++ }
  { n++ }
  END { printf "\nof %d samples: byte scanner %.0f %%, Commons CSV %.0f %%, other per-row work %.0f %%, selection %.0f %%\n", n, 100*scan/n, 100*csv/n, 100*ours/n, 100*sel/n }
' "$TMP/top.txt"
