# Sourced by the benchmarks that need a PostgreSQL of their own (pg-writes.sh, sql.sh): Debian's
# PostgreSQL 15 in a fresh directory on 127.0.0.1, trust auth, stopped and removed on exit.
#   throwaway_pg_dir NAME        # sets $work and the exit trap
#   throwaway_pg_start PORT [server options]
pgbin=/usr/lib/postgresql/15/bin
started=""
throwaway_pg_dir() {
  work=$(mktemp -d "/tmp/rollout-$1.XXXXXX")
  chmod 755 "$work"
  trap throwaway_pg_stop EXIT
}
throwaway_pg_stop() {
  if [ -n "$started" ]; then
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null || echo "could not stop the server of $work" >&2
  fi
  rm -rf "$work"
}
throwaway_pg_start() {
  local port=$1
  shift
  mkdir -p "$work/data" && chown postgres "$work" "$work/data"
  runuser -u postgres -- "$pgbin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 >/dev/null
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/data" -l "$work/log" \
    -o "-p $port -k $work -c listen_addresses=127.0.0.1 $*" -w start >/dev/null
  started=yes
}
