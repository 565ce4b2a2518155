# Parley — the two commands that matter: `make run` and `make test`.
MVN ?= mvn -B -ntp

.PHONY: build test run stop clean infra infra-tools bench

## build: compile and package every module (no tests)
build: infra-tools
	$(MVN) -DskipTests install

## test: the whole suite against real Kafka (embedded KRaft broker), Redis and PostgreSQL
test: infra
	$(MVN) install

## run: Redis, PostgreSQL, Kafka and the six services in the background; prints the URLs
run: infra build
	scripts/run.sh

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

## infra: local Redis and PostgreSQL up (installed from Debian packages when missing)
infra:
	scripts/ensure-infra.sh

infra-tools:
	@command -v java >/dev/null && command -v mvn >/dev/null || { echo "needs a JDK 17+ and Maven 3.8+ (apt-get install openjdk-17-jdk-headless maven)"; exit 1; }
