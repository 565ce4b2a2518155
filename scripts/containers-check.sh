#!/usr/bin/env bash
# make containers-check: the six Deployments of k8s/host (the kind overlay, adapted to one host) run
# as Podman pods on the host network next to this machine's Kafka, Redis and PostgreSQL; each
# container must pass its own manifest's readiness probe. Then everything started here is removed,
# by id, also when a step fails.
#
# Exit codes: 0 every container ready (and the smoke passed, unless SMOKE=0); 1 a container did not
# become ready or the smoke failed; 2 ports 8080-8085 are taken (e.g. by `make run`: stop it, or run
# under `flock /tmp/parley-test.lock`); 3 Podman cannot run containers on this machine (nothing was
# checked — never a pass).
#
# Environment: IMAGE_TAG (1.0.0-SNAPSHOT), READY_TIMEOUT seconds (300), MAX_RESTARTS of a container
# before it counts as failed (3), SMOKE=0 skips the smoke
# through the gateway, KEEP_LOGS=dir copies every container's log there before removal.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$ROOT/scripts/containers/containers.conf}
IMAGE_TAG=${IMAGE_TAG:-1.0.0-SNAPSHOT}
READY_TIMEOUT=${READY_TIMEOUT:-300}
SERVICES="gateway ws-service delivery-consumer persistence-consumer seat-service metrics-service"
KAFKA_PORT=9092
START=$(date +%s)
WORK=$(mktemp -d /tmp/parley-containers.XXXXXX)
PODS_FILE=$WORK/pods
SECRETS_FILE=$WORK/podman-secrets
VOLUMES_FILE=$WORK/podman-volumes
KAFKA_PID=""
: > "$PODS_FILE"; : > "$SECRETS_FILE"; : > "$VOLUMES_FILE"

elapsed() { echo "$(( $(date +%s) - START )) s"; }
cannot_run() { echo "containers-check: Podman cannot run here: $*" >&2; echo "containers-check: NOT RUN (nothing was checked)" >&2; exit 3; }

cleanup() {
  local rc=$?
  set +e
  if [ -s "$PODS_FILE" ]; then
    if [ -n "${KEEP_LOGS:-}" ]; then
      mkdir -p "$KEEP_LOGS"
      for c in $(podman ps -a --filter "pod=$(paste -sd, "$PODS_FILE")" --format '{{.ID}} {{.Names}}' 2>/dev/null | awk '{print $1":"$2}'); do
        podman logs "${c%%:*}" > "$KEEP_LOGS/${c#*:}.log" 2>&1
      done
    fi
    # The pods kube play created, by the ids it printed (their containers go with them); one call,
    # so that Podman stops them in parallel.
    # shellcheck disable=SC2046 # one id per line, no spaces
    podman pod rm -f -t 10 $(cat "$PODS_FILE") 2>/dev/null | sed 's/^/removed pod /'
  elif [ -f "$WORK/play.out" ]; then
    # kube play failed part-way and printed no ids: its pods, by the names the YAML gave them.
    # (kube down would stop at the first pod it cannot find.)
    for d in $(cat "$WORK/deployments"); do
      podman pod rm -f -t 5 "$d-pod-0" >/dev/null 2>&1 && echo "removed pod $d-pod-0 of a failed kube play"
    done
  fi
  while read -r id; do [ -n "$id" ] && podman secret rm "$id" >/dev/null 2>&1; done < "$SECRETS_FILE"
  # The volumes kube play made for the emptyDirs (only those that did not exist before it).
  while read -r v; do [ -n "$v" ] && podman volume rm -f "$v" >/dev/null 2>&1; done < "$VOLUMES_FILE"
  if [ -n "$KAFKA_PID" ] && kill -0 "$KAFKA_PID" 2>/dev/null; then
    kill "$KAFKA_PID"
    for _ in $(seq 1 40); do kill -0 "$KAFKA_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$KAFKA_PID" 2>/dev/null && kill -9 "$KAFKA_PID"
    echo "stopped the Kafka broker this check started (pid $KAFKA_PID)"
  fi
  rm -rf "$WORK"
  echo "containers-check: finished in $(elapsed) (exit $rc)"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# -- Podman, with the settings this host needs (scripts/containers/containers.conf) ---------------
if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing podman buildah runc debootstrap (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah runc debootstrap >/dev/null \
      || cannot_run "apt-get install podman buildah runc debootstrap failed"
  else
    cannot_run "podman, runc or debootstrap missing and not installable here (needs root and apt-get)"
  fi
fi
podman info >/dev/null 2>&1 || cannot_run "'podman info' fails: $(podman info 2>&1 | tail -1)"

busy=""
for p in 8080 8081 8082 8083 8084 8085; do
  ss -Hltn "sport = :$p" | grep -q . && busy="$busy $p"
done
if [ -n "$busy" ]; then
  echo "containers-check: ports$busy are in use (make run? stop it, or run this under flock /tmp/parley-test.lock); the pods share the host network" >&2
  exit 2
fi

# -- Images: make images unless each one exists and is newer than its inputs -----------------------
image_current() {
  local svc=$1 created newest
  created=$(podman image inspect --format '{{.Created.Unix}}' "localhost/parley/$svc:$IMAGE_TAG" 2>/dev/null) || return 1
  # The service's sources, the shared modules it is built from, the poms and its Dockerfile.
  newest=$(find "$svc/src/main" contracts/src/main platform/src/main pom.xml "$svc/pom.xml" \
      contracts/pom.xml platform/pom.xml -type f -printf '%T@\n' 2>/dev/null | sort -n | tail -1)
  [ "${newest%.*}" -lt "$created" ]
}
stale=""
for s in $SERVICES; do image_current "$s" || stale="$stale $s"; done
if [ -n "$stale" ]; then
  echo "== make images (missing or older than their sources:$stale)"
  make --no-print-directory images IMAGE_TAG="$IMAGE_TAG" MVN="${MVN:-mvn -B -ntp -q}" || cannot_run "make images failed"
else
  echo "== images current: $(for s in $SERVICES; do printf 'localhost/parley/%s ' "$s"; done)"
fi

# -- The host's infrastructure: Redis, PostgreSQL and their databases, a Kafka broker -------------
scripts/ensure-infra.sh >/dev/null
[ -f dev-infra/target/runtime.classpath ] && [ -f kafka-broker/target/broker.classpath ] \
  || ${MVN:-mvn -B -ntp -q} -DskipTests package -pl dev-infra,kafka-broker -am
DEVINFRA_CP="$ROOT/dev-infra/target/classes:$(cat "$ROOT/dev-infra/target/runtime.classpath")"
java -cp "$DEVINFRA_CP" dev.parley.devinfra.DevInfraMain databases parley_chat parley_seat >/dev/null
if ss -Hltn "sport = :$KAFKA_PORT" | grep -q .; then
  echo "== Kafka: using the broker already listening on $KAFKA_PORT"
else
  echo "== Kafka: starting a broker of this check's own on $KAFKA_PORT (data in $WORK/kafka)"
  java -Dparley.root="$ROOT" -cp "$DEVINFRA_CP" dev.parley.devinfra.DevInfraMain kafka "$WORK/kafka" "$KAFKA_PORT" >/dev/null
  KAFKA_PID=$(cat "$WORK/kafka/kafka.pid")
fi

# -- Render, keep what Podman plays, play it -------------------------------------------------------
kubectl kustomize k8s/host > "$WORK/rendered.yaml"
# kube play knows Pods/Deployments, ConfigMaps and PVCs; Services, Ingress, HPA, PDB, NetworkPolicy,
# RBAC, ServiceAccounts and the operators' kinds need a cluster and are left out. Podman 4.3 does
# not read Secret objects: secretKeyRef names a Podman secret holding a JSON map of key to base64
# value (a Secret's data), so each rendered Secret becomes one (removed again with the pods).
python3 - "$WORK" <<'PY'
import sys, yaml, json, pathlib
work = pathlib.Path(sys.argv[1])
docs = [d for d in yaml.safe_load_all((work / "rendered.yaml").read_text()) if d]
play = [d for d in docs if d["kind"] in ("Deployment", "ConfigMap")]
(work / "play.yaml").write_text(yaml.safe_dump_all(play, sort_keys=False))
(work / "emptydirs").write_text("".join(v["name"] + "\n" for d in play if d["kind"] == "Deployment"
    for v in d["spec"]["template"]["spec"].get("volumes", []) if "emptyDir" in v))
(work / "deployments").write_text("".join(d["metadata"]["name"] + "\n" for d in play if d["kind"] == "Deployment"))
secrets = work / "secrets"
secrets.mkdir()
for d in docs:
    if d["kind"] == "Secret":
        (secrets / (d["metadata"]["name"] + ".json")).write_text(json.dumps(d.get("data", {})))
kinds = sorted({d["kind"] for d in docs} - {"Deployment", "ConfigMap", "Secret"})
print("== rendered k8s/host: %d objects; played: %d Deployments, %d ConfigMaps, %d Secrets; left out: %s" % (
    len(docs), sum(d["kind"] == "Deployment" for d in play), sum(d["kind"] == "ConfigMap" for d in play),
    len(list(secrets.iterdir())), ", ".join(kinds)))
PY
for f in "$WORK"/secrets/*.json; do
  name=$(basename "$f" .json)
  podman secret rm "$name" >/dev/null 2>&1 || true
  podman secret create "$name" "$f" >> "$SECRETS_FILE"
done

while read -r v; do podman volume exists "$v" || echo "$v" >> "$VOLUMES_FILE"; done < "$WORK/emptydirs"
echo "== podman kube play --network host ($(elapsed) so far)"
podman kube play --network host "$WORK/play.yaml" > "$WORK/play.out" 2>&1 || { cat "$WORK/play.out" >&2; exit 1; }
# kube play prints "Pod:" and the pod's id, then "Container:" and the container's, per Deployment.
awk '/^Pod:/ {getline; print}' "$WORK/play.out" > "$PODS_FILE"
[ -s "$PODS_FILE" ] || { cat "$WORK/play.out" >&2; echo "kube play printed no pod ids" >&2; exit 1; }

# -- Readiness: each container's readinessProbe, read from the rendered Deployment -----------------
# Podman 4.3 turns only the liveness probe into a healthcheck (a curl inside the container, which
# the JRE image does not have) and ignores readiness probes, so the probe is polled from here: on the
# host network the container's port is the host's.
python3 - "$WORK/play.yaml" > "$WORK/probes" <<'PY'
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if not d or d["kind"] != "Deployment":
        continue
    for c in d["spec"]["template"]["spec"]["containers"]:
        get = c["readinessProbe"]["httpGet"]
        port = get["port"]
        if isinstance(port, str):  # a named port: the container's port of that name
            port = next(p["containerPort"] for p in c.get("ports", []) if p.get("name") == port)
        print(d["metadata"]["name"], c["name"], port, get.get("path", "/"), c["readinessProbe"].get("periodSeconds", 10))
PY
# podman names a Deployment's pod <deployment>-pod-0 and its container <pod>-<container>
container_of() { echo "$1-pod-0-$2"; }
deadline=$(( $(date +%s) + READY_TIMEOUT ))
declare -A READY_AT
pending=$(wc -l < "$WORK/probes")
while [ "$pending" -gt 0 ] && [ "$(date +%s)" -le "$deadline" ]; do
  pending=0
  while read -r deploy container port path _period; do
    key="$deploy/$container"
    [ -n "${READY_AT[$key]:-}" ] && continue
    if curl -fs -m 2 -o /dev/null "http://127.0.0.1:$port$path"; then
      READY_AT[$key]=$(( $(date +%s) - START ))
    else
      # The pods restart their containers (restartPolicy Always); one that keeps failing is given up on.
      restarts=$(podman inspect --format '{{.RestartCount}}' "$(container_of "$deploy" "$container")" 2>/dev/null || echo gone)
      if [ "$restarts" = gone ] || [ "$restarts" -ge "${MAX_RESTARTS:-3}" ]; then
        READY_AT[$key]="no (restarted $restarts times)"
      else
        pending=$((pending + 1))
      fi
    fi
  done < "$WORK/probes"
  [ "$pending" -gt 0 ] && sleep 2
done

failed=0
printf '\n%-21s %-48s %-8s %-8s %-30s %s\n' DEPLOYMENT CONTAINER STATE RESTARTS "READINESS PROBE" READY
while read -r deploy container port path _period; do
  name=$(container_of "$deploy" "$container")
  state=$(podman inspect --format '{{.State.Status}}' "$name" 2>/dev/null || echo missing)
  ready=${READY_AT[$deploy/$container]:-"no (timeout ${READY_TIMEOUT} s)"}
  case $ready in no*) failed=1 ;; *) ready="yes, after $ready s" ;; esac
  restarts=$(podman inspect --format '{{.RestartCount}}' "$name" 2>/dev/null || echo -)
  printf '%-21s %-48s %-8s %-8s %-30s %s\n' "$deploy" "$name" "$state" "$restarts" "127.0.0.1:$port$path" "$ready"
done < "$WORK/probes"
echo
if [ "$failed" = 1 ]; then
  while read -r deploy container _; do
    [ -n "${READY_AT[$deploy/$container]:-}" ] && [ "${READY_AT[$deploy/$container]#no}" = "${READY_AT[$deploy/$container]}" ] && continue
    echo "== last lines of $(container_of "$deploy" "$container")"
    podman logs --tail 15 "$(container_of "$deploy" "$container")" 2>&1 | cut -c1-300
  done < "$WORK/probes"
  echo "containers-check: FAILED — not every container became ready" >&2
  exit 1
fi
echo "containers-check: all six containers ready ($(elapsed))"

if [ "${SMOKE:-1}" != 0 ]; then
  gw_port=$(awk '$1 == "gateway" {print $3}' "$WORK/probes")
  ms_port=$(awk '$1 == "metrics-service" {print $3}' "$WORK/probes")
  echo "== smoke through the gateway container (scripts/containers-smoke.mjs)"
  node --experimental-websocket scripts/containers-smoke.mjs "http://127.0.0.1:$gw_port" "http://127.0.0.1:$ms_port" \
    || { echo "containers-check: FAILED — the smoke through the gateway" >&2; exit 1; }
fi
echo "containers-check: PASSED ($(elapsed))"
