#!/usr/bin/env bash
# Starts a throw-away Prometheus on 127.0.0.1:${PORT:-9090} over six hours of synthetic series,
# the way the tests do (PrometheusServer): the series as OpenMetrics text, backfilled with
# promtool into a fresh TSDB, then prometheus in the foreground (Ctrl-C stops it). The samples
# end now, by the real clock: Prometheus keeps only blocks inside its retention (15 days).
# Needs Debian's package: apt-get install -y --no-install-recommends prometheus
#
#   requests_total{job="fraud",version,outcome}   50 req/s per version; errors 0.5 % (41), 0.4 % (42)
#   latency_seconds histogram by version           p95 about 0.30 s (41) and 0.29 s (42)
set -euo pipefail
command -v prometheus >/dev/null && command -v promtool >/dev/null || {
  echo "prometheus is not installed: apt-get install -y --no-install-recommends prometheus" >&2; exit 1; }
dir=$(mktemp -d)
end=$(( $(date +%s) / 60 * 60 ))
awk -v end="$end" 'BEGIN {
  first = end - 6 * 3600; step = 15
  split("41 42", v, " "); rate[41] = 50; rate[42] = 50; err[41] = 0.005; err[42] = 0.004
  n = split("0.05 0.1 0.2 0.3 0.5 +Inf", le, " ")
  split("0.30 0.60 0.85 0.95 0.99 1", f41, " "); split("0.35 0.65 0.88 0.96 0.995 1", f42, " ")
  print "# TYPE requests counter"
  for (i = 1; i <= 2; i++) for (o = 0; o <= 1; o++) for (t = first; t <= end; t += step) {
    total = rate[v[i]] * (t - first); e = total * err[v[i]]
    printf "requests_total{job=\"fraud\",version=\"%s\",outcome=\"%s\"} %.3f %d\n", v[i], o ? "error" : "ok", o ? e : total - e, t
  }
  print "# TYPE latency_seconds histogram"
  for (i = 1; i <= 2; i++) for (t = first; t <= end; t += step) {
    total = rate[v[i]] * (t - first)
    for (b = 1; b <= n; b++) {
      frac = (v[i] == 41) ? f41[b] : f42[b]
      printf "latency_seconds_bucket{job=\"fraud\",version=\"%s\",le=\"%s\"} %.3f %d\n", v[i], le[b], total * frac, t
    }
    printf "latency_seconds_count{job=\"fraud\",version=\"%s\"} %.3f %d\n", v[i], total, t
    printf "latency_seconds_sum{job=\"fraud\",version=\"%s\"} %.3f %d\n", v[i], total * 0.12, t
  }
  print "# EOF"
}' > "$dir/series.om"
promtool tsdb create-blocks-from openmetrics "$dir/series.om" "$dir/data" >/dev/null
printf 'global:\n  scrape_interval: 1h\n' > "$dir/prometheus.yml"
echo "series end at $(date -u -d "@$end" +%Y-%m-%dT%H:%M:%SZ); data in $dir" >&2
exec prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
  --web.listen-address="127.0.0.1:${PORT:-9090}"
