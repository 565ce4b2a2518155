# Parley — the two commands that matter: `make run` and `make test`.
MVN ?= mvn -B -ntp

.PHONY: build test browser-check test-tools run stop clean infra infra-tools bench chaos soak redrive

## build: compile and package every module (no tests)
build: infra-tools
	$(MVN) -DskipTests install

## test: the whole suite against real Kafka (embedded KRaft broker), Redis and PostgreSQL, then
## the browser checks of the web pages against the running fleet
test: infra test-tools
	$(MVN) install
	scripts/browser-checks.sh

## browser-check: only the browser checks (console, seat page, dashboard); needs a build
browser-check: infra test-tools
	scripts/browser-checks.sh

## test-tools: node, npm, chromium and kubectl (installed from Debian's packages when missing)
test-tools:
	scripts/ensure-test-tools.sh

## run: Redis, PostgreSQL, Kafka and the six services in the background (built first when sources changed; after a crash only what died is started again); prints the URLs
run: infra infra-tools
	MVN="$(MVN)" scripts/run.sh

## stop: stops only what `make run` started (by pid)
stop:
	scripts/stop.sh

## clean: stop, then remove build output and run state
clean: stop
	$(MVN) -q clean
	rm -rf .run

## bench: the benchmarks (JUnit classes tagged "bench"); each writes its figures under <module>/target/bench/
bench: infra
	$(MVN) -Pbench -Dsurefire.failIfNoSpecifiedTests=false install
	@find . -path '*/target/bench/*.txt' -exec sh -c 'echo "== $$1"; cat "$$1"' _ {} \;

## chaos: the fleet (own redis-server, two ws-service pods, gateway) at load, one fault at a time; one line per fault (docs/reliability.md)
chaos: infra
	@command -v redis-server >/dev/null || { echo "make chaos needs redis-server (apt-get install redis-server): the fleet restarts a Redis of its own"; exit 1; }
	$(MVN) -Pchaos -pl system-tests -am verify; rc=$$?; \
	  echo "== system-tests/target/chaos/chaos.txt"; grep -E '^[a-z]' system-tests/target/chaos/chaos.txt 2>/dev/null; exit $$rc

## soak: 30 minutes at a steady load (SOAK_MINUTES=n shortens it), slopes of heap, RSS, connections, lag, p99 (docs/reliability.md)
SOAK_MINUTES ?= 30
soak: infra
	@command -v redis-server >/dev/null || { echo "make soak needs redis-server (apt-get install redis-server)"; exit 1; }
	$(MVN) -Psoak -pl system-tests -am verify -Dsoak.minutes=$(SOAK_MINUTES); rc=$$?; \
	  cat system-tests/target/chaos/soak.txt 2>/dev/null; exit $$rc

## redrive: dead letters back to their source topics (ARGS="--reason=<text> --from=<offset> --dry-run"; docs/messaging.md)
redrive:
	java -cp "dev-infra/target/classes:$$(cat dev-infra/target/runtime.classpath)" dev.parley.devinfra.DevInfraMain redrive $${PARLEY_KAFKA_BOOTSTRAP:-127.0.0.1:9092} $(ARGS)

## infra: local Redis and PostgreSQL up (installed from Debian packages when missing)
infra:
	scripts/ensure-infra.sh

infra-tools:
	@command -v java >/dev/null && command -v mvn >/dev/null || { echo "needs a JDK 17+ and Maven 3.8+ (apt-get install openjdk-17-jdk-headless maven)"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Kubernetes (docs/deploy.md). These targets need tools this repository does not install:
# docker (a running engine), kind, kubectl. Each one says what it misses before it starts.
SERVICES := gateway ws-service delivery-consumer persistence-consumer seat-service metrics-service
# A tag per build: the commit, plus a time stamp when the tree has uncommitted changes, so `kind load` +
# apply changes every pod template and the Deployments roll (a fixed tag would keep the old pods running).
# The images are also tagged $(BASE_TAG), the tag written in k8s/base (what Argo CD applies from git).
BASE_TAG := 1.0.0-SNAPSHOT
# Expanded once per make run, so every image and the kustomization of one run share the tag.
ifeq ($(origin IMAGE_TAG),undefined)
IMAGE_TAG := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo dev)$(shell git diff --quiet HEAD -- 2>/dev/null || date -u +-dirty%Y%m%d%H%M%S)
endif
KIND_CLUSTER ?= parley
KIND_CONTEXT := kind-$(KIND_CLUSTER)
# Versions (docs/deploy.md, "Versions"): the same releases as the Argo CD Applications in k8s/argocd/operators
# (VersionsTest compares them). Every download is checked against k8s/downloads.sha256 before it is applied.
KIND_VERSION := 0.33.0
STRIMZI_VERSION ?= 0.51.0
KEDA_VERSION ?= 2.21.1
INGRESS_NGINX_VERSION ?= 1.15.1
METRICS_SERVER_VERSION ?= 0.8.1
ARGOCD_VERSION ?= 3.4.14
FETCH = k8s/scripts/fetch-pinned.sh
NEED_DOCKER = @docker info >/dev/null 2>&1 || { echo "$@ needs a running Docker engine (docker info failed): install Docker, or use a machine that has one"; exit 1; }
# kind-config.yaml pins a node image built for this kind release (with its digest); another release may not run it.
NEED_KIND = @command -v kind >/dev/null || { echo "$@ needs kind v$(KIND_VERSION) (https://kind.sigs.k8s.io/docs/user/quick-start/)"; exit 1; }; \
	kind version | grep -q 'v$(KIND_VERSION) ' || { echo "$@ needs kind v$(KIND_VERSION) (found: $$(kind version)): k8s/kind-config.yaml pins a node image built for it"; exit 1; }
NEED_KUBECTL = @command -v kubectl >/dev/null || { echo "$@ needs kubectl (Debian: apt-get install kubernetes-client, or kubectl from the Kubernetes packages)"; exit 1; }

.PHONY: images containers-check kind-up argocd k8s-validate

## images: container images parley/<service>:$(IMAGE_TAG) with Docker (a running engine) or else Podman. JVM images
## build FROM the project's own JRE base (scripts/base-image.sh, cached) unless BASE=published (the Dockerfiles'
## pinned registry base); NATIVE=1 builds native-micro images with the Mandrel builder container
BASE ?= local
CONTAINER_ENGINE = $(shell docker info >/dev/null 2>&1 && echo docker || { command -v podman >/dev/null && echo podman; })
export CONTAINERS_CONF ?= $(CURDIR)/scripts/containers/containers.conf
images:
	@[ -n "$(CONTAINER_ENGINE)" ] || { echo "$@ needs a running Docker engine or Podman (apt-get install podman buildah runc debootstrap)"; exit 1; }
	$(MVN) -DskipTests $(if $(NATIVE),-Pnative,) package -pl $(shell echo $(SERVICES) | tr ' ' ',') -am
	@base=""; if [ -z "$(NATIVE)" ] && [ "$(BASE)" = local ]; then base=$$(scripts/base-image.sh $(CONTAINER_ENGINE) | tail -1) || exit 1; fi; \
	for s in $(SERVICES); do \
	  echo "== parley/$$s:$(IMAGE_TAG) ($(CONTAINER_ENGINE)$${base:+, FROM $$base})"; \
	  $(CONTAINER_ENGINE) build -q $${base:+--build-arg BASE_IMAGE=$$base} -f $$s/src/main/docker/Dockerfile.$(if $(NATIVE),native-micro,jvm) -t parley/$$s:$(IMAGE_TAG) -t parley/$$s:$(BASE_TAG) $$s || exit 1; \
	done

## containers-check: the six Deployments of k8s/host (the kind overlay on this host's Kafka, Redis, PostgreSQL) as
## Podman pods on the host network, each until its readiness probe passes, then a smoke through the gateway; all
## removed afterwards. Builds the images when missing or stale; exit 3 when Podman cannot run here (docs/deploy.md)
## k8s/host renders the base's tag, so the check builds and runs that one, not the per-build IMAGE_TAG.
containers-check: infra infra-tools
	IMAGE_TAG=$(BASE_TAG) MVN="$(MVN)" scripts/containers-check.sh

## kind-up: kind cluster + images + ingress-nginx, metrics-server, Strimzi, KEDA + Secrets + k8s/overlays/kind with the
## images at this build's tag (MONITORING=1 adds k8s/components/monitoring: needs the Prometheus Operator in the cluster)
KIND_DEPLOY := k8s/target/kind-deploy
kind-up:
	$(NEED_KIND)
	$(NEED_KUBECTL)
	$(NEED_DOCKER)
	$(MAKE) images IMAGE_TAG=$(IMAGE_TAG)
	@kind get clusters 2>/dev/null | grep -qx '$(KIND_CLUSTER)' || kind create cluster --name $(KIND_CLUSTER) --config k8s/kind-config.yaml
	@for s in $(SERVICES); do kind load docker-image parley/$$s:$(IMAGE_TAG) parley/$$s:$(BASE_TAG) --name $(KIND_CLUSTER) || exit 1; done
	@# Release assets at pinned versions, applied only once sha256sum -c accepts them (k8s/downloads.sha256).
	f=$$($(FETCH) https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v$(INGRESS_NGINX_VERSION)/deploy/static/provider/kind/deploy.yaml \
	  ingress-nginx-kind-$(INGRESS_NGINX_VERSION).yaml) && kubectl --context $(KIND_CONTEXT) apply -f $$f
	f=$$($(FETCH) https://github.com/kubernetes-sigs/metrics-server/releases/download/v$(METRICS_SERVER_VERSION)/components.yaml \
	  metrics-server-$(METRICS_SERVER_VERSION).yaml) && kubectl --context $(KIND_CONTEXT) apply -f $$f
	@# kind's kubelets serve self-signed certificates
	kubectl --context $(KIND_CONTEXT) -n kube-system patch deployment metrics-server --type=json \
	  -p '[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--kubelet-insecure-tls"}]' || true
	kubectl --context $(KIND_CONTEXT) create namespace parley --dry-run=client -o yaml | kubectl --context $(KIND_CONTEXT) apply -f -
	f=$$($(FETCH) https://github.com/strimzi/strimzi-kafka-operator/releases/download/$(STRIMZI_VERSION)/strimzi-cluster-operator-$(STRIMZI_VERSION).yaml \
	  strimzi-cluster-operator-$(STRIMZI_VERSION).yaml) && sed 's/namespace: myproject/namespace: parley/' $$f \
	  | kubectl --context $(KIND_CONTEXT) -n parley apply --server-side -f -
	f=$$($(FETCH) https://github.com/kedacore/keda/releases/download/v$(KEDA_VERSION)/keda-$(KEDA_VERSION).yaml keda-$(KEDA_VERSION).yaml) \
	  && kubectl --context $(KIND_CONTEXT) apply --server-side -f $$f
	kubectl --context $(KIND_CONTEXT) -n parley rollout status deployment/strimzi-cluster-operator --timeout=5m
	kubectl --context $(KIND_CONTEXT) -n keda rollout status deployment/keda-operator --timeout=5m
	kubectl --context $(KIND_CONTEXT) -n ingress-nginx rollout status deployment/ingress-nginx-controller --timeout=5m
	@# Secrets never live in git: random values, created once.
	@kubectl --context $(KIND_CONTEXT) -n parley get secret parley-postgres >/dev/null 2>&1 || \
	  kubectl --context $(KIND_CONTEXT) -n parley create secret generic parley-postgres --from-literal=password="$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	@kubectl --context $(KIND_CONTEXT) -n parley get secret parley-jwt >/dev/null 2>&1 || \
	  kubectl --context $(KIND_CONTEXT) -n parley create secret generic parley-jwt --from-literal=secret="$$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	k8s/scripts/kind-kustomization.sh $(KIND_DEPLOY) $(IMAGE_TAG) $(if $(MONITORING),monitoring)
	kubectl --context $(KIND_CONTEXT) apply -k $(KIND_DEPLOY)
	kubectl --context $(KIND_CONTEXT) -n parley wait kafka/parley --for=condition=Ready --timeout=10m
	@for s in $(SERVICES); do kubectl --context $(KIND_CONTEXT) -n parley rollout status deployment/$$s --timeout=10m || exit 1; done
	@echo "Parley is up: http://parley.localtest.me/  (k6: k6 run -e PROFILE=smoke k6/chat.js)"

## argocd: Argo CD in the kind cluster, the kind cluster registered as "kind" (label parley.dev/overlay=kind), then the
## root Application (k8s/argocd/bootstrap) that syncs the projects, operators and fleet from git in waves. Argo CD reads
## k8s/argocd from the repository and revision written in it: set both there, commit, tag and push first (docs/deploy.md)
ARGOCD_REPO = $(shell sed -n 's/^ *repoURL: *//p' k8s/argocd/bootstrap/root.yaml)
ARGOCD_REVISION = $(shell sed -n 's/^ *targetRevision: *//p' k8s/argocd/bootstrap/root.yaml)
argocd:
	$(NEED_KUBECTL)
	@case "$(ARGOCD_REPO)" in *git.example.com*) echo "make argocd: k8s/argocd still names the example repository; replace https://git.example.com/parley/parley.git in k8s/argocd/*.yaml, k8s/argocd/bootstrap/root.yaml with a URL the cluster can clone, commit, tag $(ARGOCD_REVISION) and push"; exit 1;; esac
	@git ls-remote --exit-code "$(ARGOCD_REPO)" "$(ARGOCD_REVISION)" >/dev/null 2>&1 || echo "warning: $(ARGOCD_REVISION) not found on $(ARGOCD_REPO) from here; Argo CD will report it if it cannot find it either"
	@kubectl --context $(KIND_CONTEXT) cluster-info >/dev/null 2>&1 || { echo "make argocd needs the kind cluster $(KIND_CLUSTER) (make kind-up)"; exit 1; }
	kubectl --context $(KIND_CONTEXT) create namespace argocd --dry-run=client -o yaml | kubectl --context $(KIND_CONTEXT) apply -f -
	f=$$($(FETCH) https://raw.githubusercontent.com/argoproj/argo-cd/v$(ARGOCD_VERSION)/manifests/install.yaml argocd-install-$(ARGOCD_VERSION).yaml) \
	  && kubectl --context $(KIND_CONTEXT) -n argocd apply --server-side --force-conflicts -f $$f
	kubectl --context $(KIND_CONTEXT) -n argocd rollout status deployment/argocd-applicationset-controller --timeout=5m
	kubectl --context $(KIND_CONTEXT) -n argocd rollout status deployment/argocd-repo-server --timeout=5m
	@# The cluster Argo CD runs in, under the name and label the fleet's ApplicationSet selects.
	kubectl --context $(KIND_CONTEXT) -n argocd create secret generic cluster-kind \
	  --from-literal=name=kind --from-literal=server=https://kubernetes.default.svc \
	  --from-literal=config='{"tlsClientConfig":{"insecure":false}}' --dry-run=client -o yaml \
	  | kubectl --context $(KIND_CONTEXT) label --local -f - argocd.argoproj.io/secret-type=cluster parley.dev/overlay=kind -o yaml \
	  | kubectl --context $(KIND_CONTEXT) apply -f -
	@# A private repository needs its credentials Secret first (docs/deploy.md, "Repository credentials").
	kubectl --context $(KIND_CONTEXT) apply --server-side --force-conflicts -k k8s/argocd/bootstrap
	@echo "Argo CD admin password: kubectl --context $(KIND_CONTEXT) -n argocd get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d"

## k8s-validate: render every overlay and check it (typed models, policies, contracts, k6 syntax); also part of make test
k8s-validate:
	$(NEED_KUBECTL)
	$(MVN) -pl k8s -am verify
