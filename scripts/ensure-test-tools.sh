#!/usr/bin/env bash
# The tools `make test` needs besides a JDK and Maven, installed from Debian's packages when
# missing: kubectl (the k8s module renders the kustomize tree with it), Node.js (the k6 scripts'
# syntax check, the k6 paths check, the browser checks), npm and chromium (the browser checks, driven
# by npm playwright-core — never a downloaded browser).
set -euo pipefail

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
need=()
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "test tools: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Debian ships kubectl as kubernetes-client; a machine with the Kubernetes apt repository has kubectl.
if ! command -v kubectl >/dev/null; then
  echo "test tools: installing kubectl"
  $SUDO apt-get update -qq
  if apt-cache policy kubectl 2>/dev/null | grep -q 'Candidate: [0-9]'; then kpkg=kubectl; else kpkg=kubernetes-client; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$kpkg" >/dev/null
fi
echo "test tools: node $(node --version), kubectl $(kubectl version --client 2>/dev/null | sed -n 1p | sed 's/.*: //'), chromium $([ -x /usr/bin/chromium ] && echo present)"
