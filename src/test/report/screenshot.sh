#!/usr/bin/env bash
# Renders the fraud example's report in headless Chromium and saves a screenshot to
# src/site/report.png (the picture README shows). Needs Debian's chromium:
#   apt-get install -y chromium
# Run from the project root after `mvn -q package -DskipTests`:
#   bash src/test/report/screenshot.sh
set -euo pipefail
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r rollouts/fraud-detector "$work/"
cd "$work/fraud-detector"
r="$root/target/rollout"
run() { ROLLOUT_NOW=$1 "$r" "${@:2}" >/dev/null 2>&1 || true; }
run 2026-03-02T08:00:00Z advance rollout.yaml
run 2026-03-02T08:30:00Z evaluate rollout.yaml --metrics exports/offline.csv
run 2026-03-02T09:00:00Z advance rollout.yaml --metrics exports/offline.csv
run 2026-03-02T09:40:00Z evaluate rollout.yaml --metrics exports/shadow.csv
run 2026-03-02T11:00:00Z advance rollout.yaml --metrics exports/shadow.csv
run 2026-03-02T12:30:00Z evaluate rollout.yaml --metrics exports/canary-5.csv
run 2026-03-02T14:00:00Z advance rollout.yaml --metrics exports/canary-5.csv
run 2026-03-02T17:00:00Z evaluate rollout.yaml --metrics exports/canary-25.csv
run 2026-03-02T21:00:00Z advance rollout.yaml --metrics exports/canary-25.csv
ROLLOUT_NOW=2026-03-02T21:10:00Z ROLLOUT_ACTOR=alice "$r" approve rollout.yaml --by alice --reason "dashboards look fine" >/dev/null
run 2026-03-02T21:15:00Z advance rollout.yaml
ROLLOUT_NOW=2026-03-03T00:00:00Z "$r" report rollout.yaml --out report.html
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --hide-scrollbars \
  --window-size=940,1100 --screenshot="$root/src/site/report.png" "file://$work/fraud-detector/report.html" 2>/dev/null
echo "wrote src/site/report.png"
