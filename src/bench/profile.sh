#!/usr/bin/env bash
# Where `rollout evaluate` spends its time: a JFR recording sampling every millisecond, on one
# parsing thread (ROLLOUT_THREADS=1, so the shares are not blurred by two threads contending),
# summed by top frame and grouped into the shares README quotes (the chunks' byte scanner, Commons
# CSV (the one pass), the rest of the per-row work, selection); then the benchmark's own run
# (the launcher, default threads) with the JIT compilers' and the collector's totals and the
# deoptimizations of rollout's code.
#
#   bash src/bench/profile.sh [ROWS]     # from the project root; the log comes from run.sh's cache
set -euo pipefail

cd "$(dirname "$0")/../.."
ROWS=${1:-10000000}
LOG=target/bench/predictions-$ROWS-20260302.csv
[ -f "$LOG" ] || { mkdir -p target/bench; java src/bench/Gen.java "$ROWS" "$LOG.tmp" 20260302; mv "$LOG.tmp" "$LOG"; }
[ -f target/rollout.jar ] && [ -x target/rollout ] || mvn -q -B package -DskipTests
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
  /^dev\.rollout\.metrics\.DoubleList\.(select|byHistogram)/ { sel++ }
  /^dev\.rollout\.metrics\./ && !/DoubleList\.(select|byHistogram)/ && !/csv\.(SliceScan|Labels)/ { ours++ }
  /fdp|NumberInput|java\.util\.HashMap|java\.lang\.String/ { ours++ }
  { n++ }
  END { printf "\nof %d samples: byte scanner %.0f %%, Commons CSV %.0f %%, other per-row work %.0f %%, selection %.0f %%\n", n, 100*scan/n, 100*csv/n, 100*ours/n, 100*sel/n }
' "$TMP/top.txt"

# The run as the benchmark makes it (the launcher, default threads): how much CPU the JIT compilers
# and the collector take from the parsing threads on this machine. -XX:+CITime prints the compilers'
# totals at exit; -Xlog:gc every pause; JFR's jdk.Deoptimization events name each compiled method
# that trapped (each trap recompiles the method it was inlined into).
echo
echo "the benchmark's run (target/rollout, default threads):"
cat >"$TMP/deopt.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.Deoptimization"><setting name="enabled">true</setting><setting name="stackTrace">false</setting></event>
</configuration>
JFC
/usr/bin/time -o "$TMP/time.txt" -f '%e %U %S' env ROLLOUT_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+CITime -Xlog:gc:file=$TMP/gc.log -XX:StartFlightRecording=filename=$TMP/d.jfr,settings=$TMP/deopt.jfc" \
  target/rollout evaluate src/bench/bench.yaml --metrics "$LOG" -o json --state "$TMP/s2.json" >"$TMP/citime.txt" 2>&1 || true
read -r wall user sys <"$TMP/time.txt"
echo "  wall $wall s, CPU $(echo "$user $sys" | awk '{printf "%.2f", $1 + $2}') s (user + sys) on $(nproc) cores"
grep -E "^ *C[12] \{|Total compilation time" "$TMP/citime.txt" | sed -E 's/^ *//; s/speed: [^;]*; //; s/; nmethods_size.*//; s/^/  /'
grep -c Pause "$TMP/gc.log" | awk '{printf "  GC: %d pauses", $1}'
grep Pause "$TMP/gc.log" | sed -E 's/.* ([0-9.]+)ms$/\1/' | awk '{s += $1} END {printf ", %.0f ms, every thread stopped\n", s}'
echo "  deoptimizations of rollout's code (each recompiles the method it was inlined into):"
jfr print --events jdk.Deoptimization "$TMP/d.jfr" | grep -E "method =|lineNumber|reason" | paste - - - | grep 'dev\.rollout' \
  | sed -E 's/ *method = ([^(]*)\(.*lineNumber = ([0-9]+).*reason = "([^"]*)".*/\1:\2 \3/' | sort | uniq -c | sed 's/^/  /' || echo "  none"
