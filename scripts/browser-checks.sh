#!/usr/bin/env bash
# Browser checks (part of `make test`): starts the fleet as `make run` does, drives the console,
# the seat page and the dashboard in headless Debian chromium (npm playwright-core, never a
# downloaded browser), then stops what it started. Screenshots go to browser-tests/target/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

scripts/ensure-test-tools.sh

(cd browser-tests && npm ci --no-audit --no-fund --loglevel=error)

# Only stop the fleet if this script started it: a developer's running `make run` is left alone.
started=""
if ! curl -fs http://127.0.0.1:8080/q/health/ready >/dev/null 2>&1; then
  started=yes
  trap 'scripts/stop.sh >/dev/null 2>&1 || true' EXIT
  scripts/run.sh >/dev/null || { tail -30 .run/logs/*.log >&2; exit 1; }
fi

status=0
for check in "chat-two-users.mjs http://127.0.0.1:8080" \
             "seat-countdown.mjs http://127.0.0.1:8080" \
             "dashboard-check.mjs http://127.0.0.1:8085"; do
  set -- $check
  echo "browser check: $1"
  if ! node "browser-tests/$1" "$2"; then
    status=1
    [ -n "$started" ] && tail -20 .run/logs/*.log >&2 || true
  fi
done
exit $status
