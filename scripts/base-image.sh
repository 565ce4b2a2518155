#!/usr/bin/env bash
# The JRE base image of a local build (make images), made here from Debian packages so that no
# container registry is needed: a debootstrap'ed bookworm (minbase) imported as
# localhost/parley-debian:bookworm, then localhost/parley-jre:17 on top of it with the JRE, the
# non-root uid 185 and the same entrypoint path as the published base
# (/opt/jboss/container/java/run/run-java.sh), so one Dockerfile serves both bases.
# Cached: an image that exists already is kept (REBUILD=1 makes both again).
# Usage: scripts/base-image.sh <podman|docker>   (prints the JRE base image name on the last line)
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINE=${1:-podman}
DEBIAN_IMAGE=localhost/parley-debian:bookworm
JRE_IMAGE=localhost/parley-jre:17

exists() { "$ENGINE" image inspect "$1" >/dev/null 2>&1; }

# The mirror apt uses on this machine (deb822 or one-line sources), else Debian's CDN.
mirror() {
  local m
  m=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null \
      | grep -v security | sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' | awk '{print $1; exit}')
  echo "${m:-http://deb.debian.org/debian}"
}

if [ "${REBUILD:-0}" = 1 ] || ! exists "$DEBIAN_IMAGE"; then
  command -v debootstrap >/dev/null || { echo "base-image.sh needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
  root=$(mktemp -d /var/tmp/parley-debian.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  echo "== $DEBIAN_IMAGE: debootstrap bookworm from $(mirror)" >&2
  debootstrap --variant=minbase bookworm "$root" "$(mirror)" >/dev/null
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | "$ENGINE" import - "$DEBIAN_IMAGE" >/dev/null
fi

if [ "${REBUILD:-0}" = 1 ] || ! exists "$JRE_IMAGE"; then
  echo "== $JRE_IMAGE" >&2
  "$ENGINE" build -q --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" -t "$JRE_IMAGE" -f scripts/containers/Dockerfile.jre scripts/containers >&2
fi
echo "$JRE_IMAGE"
