#!/usr/bin/env bash
# Makes sure a local Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432, user postgres, trust
# auth on loopback) answer. Uses the servers that are already running; installs them from Debian's
# packages and starts them when they are not. Kafka is not handled here: the project starts its own
# broker (dev-infra).
set -euo pipefail

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=0

apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
pg_login() { psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; }

ensure_redis() {
  command -v redis-cli >/dev/null || apt_install redis-tools
  if redis_up; then echo "redis: up"; return; fi
  command -v redis-server >/dev/null || { echo "redis: installing redis-server"; apt_install redis-server; }
  echo "redis: starting"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/parley.log
  for _ in $(seq 1 50); do redis_up && { echo "redis: up"; return; }; sleep 0.2; done
  echo "redis: did not come up" >&2; exit 1
}

pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

ensure_postgres() {
  command -v pg_isready >/dev/null || apt_install postgresql-client
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(pg_version)" ]; then
    echo "postgresql: installing"
    apt_install postgresql postgresql-contrib
  fi
  local v; v=$(pg_version)
  if ! pg_up; then
    echo "postgresql: starting cluster $v/main"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    for _ in $(seq 1 100); do pg_up && break; sleep 0.2; done
  fi
  pg_up || { echo "postgresql: did not come up" >&2; exit 1; }
  if ! pg_login; then
    # A fresh Debian cluster asks for passwords on TCP; the local dev/test server trusts loopback.
    echo "postgresql: enabling trust auth on loopback for local development"
    local hba="/etc/postgresql/$v/main/pg_hba.conf"
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$v" main reload
    sleep 1
  fi
  pg_login || { echo "postgresql: cannot log in as postgres on 127.0.0.1" >&2; exit 1; }
  echo "postgresql: up ($v)"
}

ensure_redis
ensure_postgres
