#!/usr/bin/env bash
# Benchmark: `rollout evaluate` against the pandas + scikit-learn peer (src/bench/peer.py) on a
# seeded prediction log, plain and gzipped (gzip -1), against DuckDB's in-process SQL on the plain
# file (src/bench/duckdb/, JDBC, outside the product's class path), on Parquet when this build
# reads it, plus start-up of `status` and `plan` against a JVM hello world.
#
#   bash src/bench/run.sh [ROWS]          # from the project root; ROWS defaults to 10000000
#
# Environment: BENCH_RUNS (evaluate/peer runs each, default 3), BENCH_STARTUP_RUNS (default 20),
# BENCH_SEED (default 20260302), PYTHON (default /usr/bin/python3, needs Debian's
# python3-pandas and python3-sklearn). Generated logs are cached in target/bench/.
# Fails (exit 1) when any tool disagrees with pandas on any value by more than 1e-9 relative.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROWS=${1:-10000000}
RUNS=${BENCH_RUNS:-3}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-20}
SEED=${BENCH_SEED:-20260302}
PYTHON=${PYTHON:-/usr/bin/python3}
OUT=target/bench
SPEC=src/bench/bench.yaml
mkdir -p "$OUT"

die() { echo "bench: $*" >&2; exit 1; }

if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time missing, installing Debian's time package" >&2
  apt-get update -qq && apt-get install -y -qq time >/dev/null || die "cannot install /usr/bin/time"
fi
"$PYTHON" -c 'import pandas, sklearn' 2>/dev/null \
  || die "$PYTHON lacks pandas/scikit-learn (apt-get install python3-pandas python3-sklearn)"

if [ ! -f target/rollout.jar ]; then
  echo "bench: building target/rollout.jar" >&2
  mvn -q -B package -DskipTests
fi
[ -x target/rollout ] || die "target/rollout (the launcher) is missing; run mvn package"

LOG=$OUT/predictions-$ROWS-$SEED.csv
if [ ! -f "$LOG" ]; then
  echo "bench: generating $LOG ($ROWS rows, seed $SEED)" >&2
  java src/bench/Gen.java "$ROWS" "$LOG.tmp" "$SEED"
  mv "$LOG.tmp" "$LOG"
fi
GZ=$LOG.gz
if [ ! -f "$GZ" ]; then
  echo "bench: compressing $GZ (gzip -1)" >&2
  gzip -1 -c "$LOG" >"$GZ.tmp" && mv "$GZ.tmp" "$GZ"
fi
DUCK_CP="$OUT/duckdb/classes:$OUT/duckdb/lib/*"
if [ ! -f "$OUT/duckdb/classes/DuckPeer.class" ] || [ src/bench/duckdb/src/main/java/DuckPeer.java -nt "$OUT/duckdb/classes/DuckPeer.class" ]; then
  echo "bench: building the DuckDB peer (src/bench/duckdb/build.sh)" >&2
  bash src/bench/duckdb/build.sh
fi
# Parquet: only when this build reads it (--metrics x.parquet, branch sql: a *Parquet*.java source); DuckDB writes the file.
PARQUET=""
if find src/main/java -iname '*parquet*.java' | grep -q .; then
  PARQUET=$OUT/predictions-$ROWS-$SEED.parquet
  [ -f "$PARQUET" ] || java -cp "$DUCK_CP" DuckPeer --parquet "$LOG" "$PARQUET"
fi
if [ ! -f "$OUT/Hello.class" ] || [ src/bench/Hello.java -nt "$OUT/Hello.class" ]; then
  javac -d "$OUT" src/bench/Hello.java
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
jar_sum() { sha256sum target/rollout.jar | cut -c1-12; }
JAR_SUM=$(jar_sum)

echo "# rollout benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/^Mem:/ {print $2}') GB RAM"
echo "# java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
echo "# python: $("$PYTHON" -c 'import sys, pandas, sklearn, numpy; print(sys.version.split()[0], "pandas", pandas.__version__, "scikit-learn", sklearn.__version__, "numpy", numpy.__version__)')"
echo "# rollout: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src/main pom.xml 2>/dev/null || echo ' + uncommitted changes'), jar sha256 $JAR_SUM, ROLLOUT_JAVA_OPTS='${ROLLOUT_JAVA_OPTS:-}'"
cds="not in use"
java_real=$(readlink -f -- "$(command -v java)" 2>/dev/null || :)
if [ -z "${JAVA_HOME:-}" ] && [ -f target/rollout.jsa ] \
   && [ "$(sed -n 1p target/rollout.jsa.jar 2>/dev/null)" = "$(cd -P target && pwd)/rollout.jar" ] \
   && [ "$(sed -n 2p target/rollout.jsa.jar 2>/dev/null)" = "$java_real" ]; then
  cds="in use (target/rollout.jsa)"
fi
echo "# class-data-sharing archive: $cds"
echo "# log: $LOG, $ROWS rows, $(du -mL "$LOG" | cut -f1) MB; gzip -1: $(du -mL "$GZ" | cut -f1) MB; $RUNS runs each, alternating"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# measure NAME OUTFILE CMD...: appends "wall_s peak_rss_kb" to $TMP/NAME.times, stdout to OUTFILE.
# Before each command the inputs are read once, untimed, so that every tool finds them in the page
# cache: a virtual machine may page out what was not touched for a minute (DAMON's proactive reclaim
# here pages out cold page cache), and a round of this loop takes longer than that, so the first
# tool to read a file in a round would otherwise read part of it from disk and the next one not.
measure() {
  local name=$1 out=$2; shift 2
  local rc=0
  cat "$LOG" "$GZ" ${PARQUET:+"$PARQUET"} >/dev/null
  /usr/bin/time -o "$TMP/time.txt" -f '%e %M' "$@" >"$out" 2>"$TMP/$name.err" || rc=$?
  tail -n1 "$TMP/time.txt" >>"$TMP/$name.times"
  echo "$rc"
}

for i in $(seq 1 "$RUNS"); do
  rm -f "$TMP/state.json"*
  rc=$(measure rollout "$TMP/rollout-$i.json" \
    target/rollout evaluate "$SPEC" --metrics "$LOG" -o json --state "$TMP/state.json")
  case $rc in 0|3|4) ;; *) cat "$TMP/rollout.err" "$TMP/rollout-$i.json" >&2; die "rollout evaluate exited $rc";; esac
  # the same on one parsing thread: what the second core adds
  rm -f "$TMP/state.json"*
  rc=$(ROLLOUT_THREADS=1 measure rollout1 "$TMP/rollout1-$i.json" \
    target/rollout evaluate "$SPEC" --metrics "$LOG" -o json --state "$TMP/state.json")
  case $rc in 0|3|4) ;; *) cat "$TMP/rollout1.err" >&2; die "rollout evaluate (one thread) exited $rc";; esac
  rc=$(measure peer "$TMP/peer-$i.json" "$PYTHON" src/bench/peer.py "$LOG")
  [ "$rc" = 0 ] || { cat "$TMP/peer.err" >&2; die "peer exited $rc"; }
  rm -f "$TMP/state.json"*
  rc=$(measure rollout_gz "$TMP/rollout_gz-$i.json" \
    target/rollout evaluate "$SPEC" --metrics "$GZ" -o json --state "$TMP/state.json")
  case $rc in 0|3|4) ;; *) cat "$TMP/rollout_gz.err" >&2; die "rollout evaluate (gz) exited $rc";; esac
  rc=$(measure peer_gz "$TMP/peer_gz-$i.json" "$PYTHON" src/bench/peer.py "$GZ")
  [ "$rc" = 0 ] || { cat "$TMP/peer_gz.err" >&2; die "peer (gz) exited $rc"; }
  rc=$(measure duckdb "$TMP/duckdb-$i.json" java -cp "$DUCK_CP" DuckPeer "$LOG")
  [ "$rc" = 0 ] || { cat "$TMP/duckdb.err" >&2; die "DuckDB peer exited $rc"; }
  if [ -n "$PARQUET" ]; then
    rm -f "$TMP/state.json"*
    rc=$(measure rollout_pq "$TMP/rollout_pq-$i.json" \
      target/rollout evaluate "$SPEC" --metrics "$PARQUET" -o json --state "$TMP/state.json")
    case $rc in 0|3|4) ;; *) cat "$TMP/rollout_pq.err" >&2; die "rollout evaluate (parquet) exited $rc";; esac
  fi
  echo "# run $i: rollout $(tail -n1 "$TMP/rollout.times" | awk '{printf "%.2f s %d MB", $1, $2/1024}'), peer $(tail -n1 "$TMP/peer.times" | awk '{printf "%.2f s %d MB", $1, $2/1024}')" >&2
done

# start-up: wall in ms by EPOCHREALTIME (finer than /usr/bin/time's 10 ms), the four commands
# interleaved run by run so that a busy moment costs them alike
once() {
  local name=$1; shift
  local t0 t1
  t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || true
  t1=$EPOCHREALTIME
  echo "$t0 $t1" | awk '{printf "%.4f\n", $2 - $1}' >>"$TMP/$name.startup"
}
# status of a started rollout reads its state file (Jackson), which a rollout not started skips
ROLLOUT_NOW=2026-03-02T08:00:00Z target/rollout advance rollouts/svm-classifier/rollout.yaml --state "$TMP/run.state.json" >/dev/null
for i in 1 2; do java -cp "$OUT" Hello >/dev/null; target/rollout status --state "$TMP/none/x.json" >/dev/null 2>&1 || true; done   # warm-up
for i in $(seq 1 "$STARTUP_RUNS"); do
  once hello java -cp "$OUT" Hello
  once status target/rollout status --state "$TMP/none/nothing.state.json"
  once running target/rollout status rollouts/svm-classifier/rollout.yaml --state "$TMP/run.state.json"
  once plan target/rollout plan rollouts/fraud-detector/rollout.yaml --state "$TMP/plan.state.json"
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
[ "$(jar_sum)" = "$JAR_SUM" ] || echo "# WARNING: target/rollout.jar changed during the run; figures mix two builds" >&2

"$PYTHON" - "$TMP" "$RUNS" "${PARQUET:+yes}" <<'PY'
import json, os, statistics, sys
tmp, runs, parquet = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "yes"

def times(name):
    rows = [l.split() for l in open(f"{tmp}/{name}.times") if l.strip()]
    return statistics.median(float(r[0]) for r in rows), statistics.median(int(r[1]) for r in rows)

# values: both tools, every run, candidate and baseline, four metrics, 1e-9 relative
bad = []
for i in range(1, runs + 1):
    ro = json.load(open(f"{tmp}/rollout-{i}.json"))
    pe = json.load(open(f"{tmp}/peer-{i}.json"))
    for m in ro["metrics"]:
        for side, version in (("baseline", "41"), ("candidate", "42")):
            a, b = m[side], pe[version][m["name"]]
            if a is None or abs(a - b) > 1e-9 * max(abs(a), abs(b)):
                bad.append(f"run {i} {m['name']} {side}: rollout {a!r} peer {b!r}")
    for side, version in (("baseline", "41"), ("candidate", "42")):
        if ro["rows"][side] != pe[version]["rows"]:
            bad.append(f"run {i} rows {side}: rollout {ro['rows'][side]} peer {pe[version]['rows']}")
    # the other readings of the same rows: rollout on gz (and Parquet), pandas on gz, DuckDB; each to pandas on the plain file
    others = [("rollout gz", f"rollout_gz-{i}.json", True), ("pandas gz", f"peer_gz-{i}.json", False),
              ("duckdb", f"duckdb-{i}.json", False)] + ([("rollout parquet", f"rollout_pq-{i}.json", True)] if parquet else [])
    for who, name, is_rollout in others:
        o = json.load(open(f"{tmp}/{name}"))
        for m in ro["metrics"]:
            for side, version in (("baseline", "41"), ("candidate", "42")):
                a = next(x for x in o["metrics"] if x["name"] == m["name"])[side] if is_rollout else o[version][m["name"]]
                b = pe[version][m["name"]]
                if a is None or abs(a - b) > 1e-9 * max(abs(a), abs(b)):
                    bad.append(f"run {i} {who} {m['name']} {side}: {a!r} pandas {b!r}")
        for side, version in (("baseline", "41"), ("candidate", "42")):
            rows = o["rows"][side] if is_rollout else o[version]["rows"]
            if rows != pe[version]["rows"]:
                bad.append(f"run {i} {who} rows {side}: {rows} pandas {pe[version]['rows']}")
last_r, last_p = json.load(open(f"{tmp}/rollout-{runs}.json")), json.load(open(f"{tmp}/peer-{runs}.json"))
print("\nvalues (rollout; peer):")
for m in last_r["metrics"]:
    print(f"  {m['name']:<12} baseline {m['baseline']!r:<20} {last_p['41'][m['name']]!r:<20}"
          f" candidate {m['candidate']!r:<20} {last_p['42'][m['name']]!r}")
print(f"  rows         baseline {last_r['rows']['baseline']}, candidate {last_r['rows']['candidate']}; decision {last_r['decision']}, score {last_r['score']}")

rw, rm = times("rollout")
pw, pm = times("peer")
print(f"\nevaluate, median of {runs} | wall s | peak RSS MB")
print(f"  rollout evaluate         | {rw:6.2f} | {rm / 1024:7.0f}")
r1w, r1m = times("rollout1")
print(f"  ... ROLLOUT_THREADS=1    | {r1w:6.2f} | {r1m / 1024:7.0f}")
print(f"  pandas + scikit-learn    | {pw:6.2f} | {pm / 1024:7.0f}")
print(f"  ratio rollout/peer       | {rw / pw:6.3f} | {rm / pm:7.3f}   (goal: <= 0.100 | <= 0.250)")

gw, gm = times("rollout_gz")
pgw, pgm = times("peer_gz")
dw, dm = times("duckdb")
print(f"\nthe rows of issue 18, median of {runs} | rollout wall s, RSS MB | peer wall s, RSS MB | ratio wall | goal")
print(f"  plain CSV vs pandas + scikit-learn | {rw:6.2f} {rm / 1024:5.0f} | {pw:6.2f} {pm / 1024:5.0f} | {rw / pw:5.3f} | <= 0.10 (RSS {rm / pm:.3f}, <= 0.25)")
print(f"  gzip -1 vs pandas on the same .gz  | {gw:6.2f} {gm / 1024:5.0f} | {pgw:6.2f} {pgm / 1024:5.0f} | {gw / pgw:5.3f} | <= 0.15")
print(f"  plain CSV vs DuckDB (JDBC, SQL)    | {rw:6.2f} {rm / 1024:5.0f} | {dw:6.2f} {dm / 1024:5.0f} | {rw / dw:5.3f} | < 1")
if parquet:
    qw, qm = times("rollout_pq")
    print(f"  Parquet vs rollout on plain CSV    | {qw:6.2f} {qm / 1024:5.0f} | {rw:6.2f} {rm / 1024:5.0f} | {qw / rw:5.3f} | <= 1")
else:
    print("  Parquet vs rollout on plain CSV    | NOT IN THIS BUILD: --metrics x.parquet comes with branch sql; the lead fills this row after merging")

def med(name):
    return statistics.median(float(l) for l in open(f"{tmp}/{name}.startup") if l.strip())
h, s, p, r = med("hello"), med("status"), med("plan"), med("running")
n = sum(1 for _ in open(f"{tmp}/hello.startup"))
print(f"\nstart-up, median of {n} | wall s | x hello")
print(f"  java Hello (plain JVM)   | {h:6.3f} | {1:6.2f}")
print(f"  rollout status, no state | {s:6.3f} | {s / h:6.2f}   (goal: <= 5)")
print(f"  rollout status, started  | {r:6.3f} | {r / h:6.2f}   (goal: <= 5)")
print(f"  rollout plan (fraud)     | {p:6.3f} | {p / h:6.2f}   (goal: <= 5)")

if bad:
    print("\nVALUES DISAGREE (1e-9 relative):", *bad, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print("\nvalues agree to 1e-9 relative (4 metrics x 2 variants, rows too, every run; rollout plain and gz"
      + (" and Parquet" if parquet else "") + ", pandas gz and DuckDB, each against pandas on the plain file)")
PY
echo "# load average after: $LOAD_AFTER"
