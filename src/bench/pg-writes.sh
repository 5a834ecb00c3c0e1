#!/bin/sh
# Writes/s and per-write latency of the PostgreSQL state from 16 processes x 50 `rollout approve`
# on one rollout (the README's "Shared state" figures).
#   src/bench/pg-writes.sh [URL]
# Without a URL it starts a throwaway PostgreSQL 15 (Debian's postgresql-15 package, as in
# .ci notes: /usr/lib/postgresql/15) under a temp directory on 127.0.0.1:55433 and stops it at the end.
# Each writer is one JVM running the command 50 times (src/bench/PgWrites.java), so the figures
# are the store's (connect, lock, CAS, commit, queueing), not JVM start-up. Needs target/rollout.jar
# (mvn -B -DskipTests package).
set -eu
cd "$(dirname "$0")/../.."
procs=${PROCS:-16}
runs=${RUNS:-50}
jar=target/rollout.jar
[ -f "$jar" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
. src/bench/throwaway-pg.sh
throwaway_pg_dir pgbench
if [ $# -ge 1 ]; then
  url=$1
else
  throwaway_pg_start 55433 -c max_connections=100
  url=postgresql://postgres@127.0.0.1:55433/postgres
fi
case $url in *\?*) url="$url&schema=bench_$$" ;; *) url="$url?schema=bench_$$" ;; esac
cp -r rollouts/fraud-detector "$work/spec"
spec=$work/spec/rollout.yaml
java -jar "$jar" advance "$spec" --state "$url" >/dev/null
start=$(( $(date +%s%3N) + 3000 ))
i=0
pids=""
while [ $i -lt "$procs" ]; do
  java -XX:TieredStopAtLevel=1 -cp "$jar" src/bench/PgWrites.java "$runs" "$start" "$spec" "$url" > "$work/lat.$i" &
  pids="$pids $!"
  i=$((i + 1))
done
fail=0
for pid in $pids; do wait "$pid" || fail=1; done
end=$(date +%s%3N)
serial=$(java -jar "$jar" status "$spec" --state "$url" -o json | sed -n 's/^  "serial" : \([0-9]*\),/\1/p')
cat "$work"/lat.* | sort -n > "$work/all"
n=$(wc -l < "$work/all")
pick() { sed -n "$(( ($1 * n + 99) / 100 ))p" "$work/all"; }
echo "PostgreSQL state, $procs processes x $runs approve: serial $serial (expected $((procs * runs + 1))), failures: $fail"
awk -v n="$n" -v ms=$((end - start)) 'BEGIN { printf "writes/s: %.0f (%d writes in %.1f s)\n", n / (ms / 1000), n, ms / 1000 }'
echo "latency per write (ms): median $(pick 50 | awk '{printf "%.1f", $1/1000}')" \
  "p95 $(pick 95 | awk '{printf "%.1f", $1/1000}') max $(tail -1 "$work/all" | awk '{printf "%.1f", $1/1000}')"
[ "$fail" -eq 0 ] && [ "$serial" -eq $((procs * runs + 1)) ]
