#!/usr/bin/env bash
# make stop: stops what `make run` started, by the pids it recorded, and nothing else.
set -uo pipefail
cd "$(dirname "$0")/.."
RUN=.run

stop_pid_file() {
  local file=$1 name=$2
  [ -f "$file" ] || return 0
  local pid; pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "$name: stopped (pid $pid)"
  fi
  rm -f "$file"
}

for svc in gateway ws-service delivery-consumer persistence-consumer seat-service metrics-service; do
  stop_pid_file "$RUN/$svc.pid" "$svc"
done
stop_pid_file "$RUN/kafka/kafka.pid" kafka
