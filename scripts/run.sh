#!/usr/bin/env bash
# make run: Redis and PostgreSQL (local, installed if missing), a real Kafka broker (KRaft) from
# Maven Central jars, then the six services from their built jars. Everything started here is
# recorded by pid under .run/ so that `make stop` stops exactly that.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN="$ROOT/.run"
mkdir -p "$RUN/logs"

KAFKA_PORT=${PARLEY_KAFKA_PORT:-9092}
SERVICES="gateway:8080 ws-service:8081 delivery-consumer:8082 persistence-consumer:8083 seat-service:8084 metrics-service:8085"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Build only when something changed since the last build: after a crash, `make run` restarts just
# what died, in seconds. Stale = a service jar or dev-infra's classpath missing, or a source or pom
# newer than the oldest jar.
stale() {
  local oldest="" jar
  [ -f "$ROOT/dev-infra/target/runtime.classpath" ] || return 0
  for entry in $SERVICES; do
    jar="$ROOT/${entry%%:*}/target/quarkus-app/quarkus-run.jar"
    [ -f "$jar" ] || return 0
    if [ -z "$oldest" ] || [ "$jar" -ot "$oldest" ]; then oldest=$jar; fi
  done
  [ -n "$(find "$ROOT" -path "$ROOT/.run" -prune -o -path '*/target' -prune -o -path '*/node_modules' -prune -o \
      \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$oldest" -print -quit)" ]
}
if stale; then
  echo "sources changed since the last build: building (mvn -DskipTests install)"
  ${MVN:-mvn -B -ntp} -DskipTests install
fi

scripts/ensure-infra.sh

DEVINFRA_CP="$ROOT/dev-infra/target/classes:$(cat "$ROOT/dev-infra/target/runtime.classpath")"
java -cp "$DEVINFRA_CP" dev.parley.devinfra.DevInfraMain databases parley_chat parley_seat

if alive "$RUN/kafka/kafka.pid"; then
  echo "kafka: already running (pid $(cat "$RUN/kafka/kafka.pid"))"
else
  java -Dparley.root="$ROOT" -cp "$DEVINFRA_CP" dev.parley.devinfra.DevInfraMain kafka "$RUN/kafka" "$KAFKA_PORT"
fi

export PARLEY_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
# A token secret of this installation's own (access tokens and the internal tokens derived from
# it: gateway, ws-service, persistence-consumer, seat-service, metrics-service); never in git.
[ -s "$RUN/jwt-secret" ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$RUN/jwt-secret")
export PARLEY_JWT_SECRET="$(cat "$RUN/jwt-secret")"
# An operator's token for this installation (the dashboard's fault switch, POST /internal/drain).
java -cp "$DEVINFRA_CP" dev.parley.devinfra.DevInfraMain operator-token "$RUN/jwt-secret" "$RUN/operator-token"
# The local fleet offers the demo login (off by default, i.e. in production).
export PARLEY_DEV_LOGIN=true
# Traces go to metrics-service's OTLP receiver (HTTP/protobuf), which draws the request waterfall.
export PARLEY_OTLP_ENDPOINT="${PARLEY_OTLP_ENDPOINT:-http://127.0.0.1:8085}"
export QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="${QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL:-http/protobuf}"
# One Vert.x event loop per service: the fleet shares this machine's cores, and each JVM would
# otherwise start two loops per core it sees (docs/messaging.md, "One event loop per service").
export QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE="${QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE:-1}"
for entry in $SERVICES; do
  svc=${entry%%:*}
  if alive "$RUN/$svc.pid"; then echo "$svc: already running (pid $(cat "$RUN/$svc.pid"))"; continue; fi
  jar="$ROOT/$svc/target/quarkus-app/quarkus-run.jar"
  [ -f "$jar" ] || { echo "$svc: $jar missing — run 'make build' first" >&2; exit 1; }
  # a stable name per process: the consumers are static members of their groups, so a restarted
  # one takes its partitions back at once instead of after the session timeout
  # the log of the run before (a crash's last words) is kept next to the new one
  [ -s "$RUN/logs/$svc.log" ] && mv -f "$RUN/logs/$svc.log" "$RUN/logs/$svc.log.1"
  PARLEY_CONSUMER_INSTANCE_ID="$svc-0" nohup java -Xms64m -Xmx384m -XX:+UseSerialGC -jar "$jar" > "$RUN/logs/$svc.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$svc.pid"
  echo "$svc: started (pid $!)"
done

deadline=$(( $(date +%s) + 180 ))
for entry in $SERVICES; do
  svc=${entry%%:*}; port=${entry##*:}
  until curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null; do
    if ! alive "$RUN/$svc.pid"; then echo "$svc exited; see $RUN/logs/$svc.log" >&2; tail -20 "$RUN/logs/$svc.log" >&2; exit 1; fi
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "$svc not ready after 180 s; see $RUN/logs/$svc.log" >&2
      curl -s "http://127.0.0.1:$port/q/health/ready" >&2 || true; exit 1
    fi
    sleep 1
  done
  echo "$svc: ready"
done

cat <<TXT

Parley is running.
  console          http://127.0.0.1:8080/
  seat page        http://127.0.0.1:8080/seats/?cohort=<id>&user=<name>
  dashboard        http://127.0.0.1:8085/dashboard/
  gateway          http://127.0.0.1:8080/q/health/ready   /q/metrics
  ws-service       http://127.0.0.1:8081/q/health/ready   /q/metrics
  delivery         http://127.0.0.1:8082/q/health/ready   /q/metrics
  persistence      http://127.0.0.1:8083/q/health/ready   /q/metrics
  seat-service     http://127.0.0.1:8084/q/health/ready   /q/metrics
  metrics-service  http://127.0.0.1:8085/q/health/ready   /q/metrics
  kafka            127.0.0.1:$KAFKA_PORT (KRaft, data in .run/kafka)
  logs             $RUN/logs/   (kafka: $RUN/kafka/logs/)
Stop with: make stop
TXT
