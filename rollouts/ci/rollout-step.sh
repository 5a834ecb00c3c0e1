#!/bin/sh
# One scheduled step of a rollout, as the GitHub Actions workflow, the GitLab CI job and the
# crontab line beside this file run it (README, "In CI"): start the rollout if it is not started,
# else evaluate the stage it is in and, on PROMOTE, advance it. The markdown goes to the job
# summary, the report, status and history to a folder to upload, and the exit code is rollout's:
# 0 PROMOTE / moved / nothing to do, 3 HOLD, 4 ROLLBACK, 5 conflict, 1 and 2 errors.
#
# Environment:
#   ROLLOUT_SPEC         the spec (required)
#   ROLLOUT_STATE        postgresql://… for a shared state (rollout reads it itself); unset: the
#                        state file beside the spec, which ROLLOUT_COMMIT_BACK=1 commits and pushes
#   ROLLOUT_METRICS      exports to evaluate, separated by blanks (none: the spec's sources:)
#   ROLLOUT_REPORT_DIR   where report.html, status.json and history.json go (default rollout-report)
#   ROLLOUT_SUMMARY      the file the markdown is appended to (default $GITHUB_STEP_SUMMARY, else
#                        ROLLOUT_REPORT_DIR/summary.md)
#   ROLLOUT_ROLLBACK     1: roll back when the evaluation says ROLLBACK (default: leave that to a person)
#   ROLLOUT_COMMIT_BACK  1: git add, commit and push the state file and its history after the step
# No flock needed around it: rollout locks the state itself, and a run that finds it locked
# waits for --lock-timeout (ROLLOUT_LOCK_TIMEOUT, default 30s), then exits 5 having done nothing.
set -u
: "${ROLLOUT_SPEC:?set ROLLOUT_SPEC to the rollout spec}"
spec=$ROLLOUT_SPEC
reports=${ROLLOUT_REPORT_DIR:-rollout-report}
mkdir -p "$reports" || exit 1
summary=${ROLLOUT_SUMMARY:-${GITHUB_STEP_SUMMARY:-$reports/summary.md}}
wait="--lock-timeout ${ROLLOUT_LOCK_TIMEOUT:-30s}"
metrics=
for f in ${ROLLOUT_METRICS:-}; do
  metrics="$metrics --metrics $f"
done

# Where the rollout stands, from the JSON whose names are a contract (jq-free: CI images lack it).
rollout status "$spec" $wait -o json >"$reports/status-before.json" || exit $?
status=$(sed -n 's/^  "status" : "\(.*\)",$/\1/p' "$reports/status-before.json")
stage=$(sed -n '/^  "stage" : {/,/^  }/s/^    "name" : "\(.*\)",\{0,1\}$/\1/p' "$reports/status-before.json")

code=0
case $status in
  NOT_STARTED)
    rollout advance "$spec" $wait -o markdown >>"$summary" || code=$?
    ;;
  PROGRESSING)
    rollout evaluate "$spec" $metrics $wait -o markdown >>"$summary" || code=$?
    if [ "$code" -eq 0 ]; then
      # --if-stage: if another run (a retry, a manual one) moved the rollout meanwhile, this one
      # exits 5 and moves nothing instead of advancing it a second time.
      rollout advance "$spec" --if-stage "$stage" $wait -o markdown >>"$summary" || code=$?
    elif [ "$code" -eq 4 ] && [ "${ROLLOUT_ROLLBACK:-0}" = 1 ]; then
      rollout rollback "$spec" --reason "CI: the evaluation of stage $stage said ROLLBACK" $wait -o markdown >>"$summary" || :
    fi
    ;;
  *)
    rollout status "$spec" $wait -o markdown >>"$summary" || code=$?
    ;;
esac

rollout status "$spec" $wait -o json >"$reports/status.json" || :
rollout history "$spec" $wait -o json >"$reports/history.json" || :
rollout report "$spec" $wait --out "$reports/report.html" || :

if [ "${ROLLOUT_COMMIT_BACK:-0}" = 1 ] && [ -z "${ROLLOUT_STATE:-}" ]; then
  dir=$(dirname -- "$spec")/.rollout
  # -f: a repository's .gitignore often ignores .rollout/; the lock and backup stay uncommitted.
  git add -f -- "$dir"/*.state.json "$dir"/*.history.jsonl || exit 1
  if ! git diff --cached --quiet; then
    git -c user.name="${GIT_AUTHOR_NAME:-rollout CI}" -c user.email="${GIT_AUTHOR_EMAIL:-rollout-ci@localhost}" \
      commit -q -m "rollout: $(basename -- "$spec") step in stage ${stage:-none} (exit $code)" || exit 1
    git push -q || exit 1
  fi
fi
exit "$code"
