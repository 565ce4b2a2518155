package dev.parley.system;

import dev.parley.contracts.Topics;
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.KafkaBroker;
import dev.parley.devinfra.Postgres;
import dev.parley.devinfra.RedisKeyspace;
import dev.parley.devinfra.test.ChatClient;
import dev.parley.platform.auth.TokenCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The messaging half of the fleet, for real: a Kafka broker, two ws-service pods, delivery-consumer
 * and persistence-consumer as separate JVMs, sharing one PostgreSQL database, one Redis key prefix
 * and one set of topics that no other test uses.
 */
final class ChatFleet implements AutoCloseable {

    static final Duration READY = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String secret = FleetSecrets.JWT;
    final TokenCodec tokens = new TokenCodec(secret);
    final String prefix = "sys" + UUID.randomUUID().toString().substring(0, 6);
    final String database = "parley_" + prefix;
    KafkaBroker kafka;
    /** The fleet's own redis-server (chaos runs restart it empty), or null: the shared Redis, keys under {@link #prefix}. */
    RedisServer redis;
    private final boolean ownRedis;
    ServiceProcess persistence;
    ServiceProcess delivery;
    ServiceProcess wsA;
    ServiceProcess wsB;
    private Map<String, String> env;
    private Path logs;
    private final List<ServiceProcess> extras = new java.util.ArrayList<>();
    private final List<String> extraDatabases = new java.util.ArrayList<>();
    private final Postgres postgres = Postgres.local();

    ChatFleet() throws IOException {
        this(false);
    }

    /** {@code ownRedis}: the fleet runs against a redis-server of its own, which a test may crash. */
    ChatFleet(boolean ownRedis) throws IOException {
        this.ownRedis = ownRedis;
        try {
            start();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void start() throws IOException {
        Path work = Files.createTempDirectory("parley-system-");
        kafka = KafkaBroker.start(KafkaBroker.freePort(), work.resolve("kafka"), "512m").stoppedWithThisJvm();
        env = isolatedEnv(kafka, postgres, prefix, database);
        logs = Files.createDirectories(Path.of("target", "system-logs"));
        if (ownRedis) {
            redis = RedisServer.start(logs);
            env.put("PARLEY_REDIS_URL", redis.url());
        }
        // one Vert.x event loop per service, as the Deployments and `make run` give them: seven
        // processes share two cores here (docs/messaging.md, "One event loop per service")
        env.put("QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE", "1");
        // consumers per delivery-consumer process (-Dbench.delivery.concurrency), else the service's default
        String concurrency = System.getProperty("bench.delivery.concurrency");
        if (concurrency != null) {
            env.put("PARLEY_DELIVERY_CONCURRENCY", concurrency);
        }
        // -Dbench.env.NAME=value: a setting for every service of a benchmark's fleet (e.g. a tuning to compare)
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.env."))
                .forEach(k -> env.put(k.substring("bench.env.".length()), System.getProperty(k)));
        // static group members, as pods are: a restarted consumer takes its partitions back at once
        persistence = new ServiceProcess("persistence-consumer", KafkaBroker.freePort(),
                with(env, "PARLEY_CONSUMER_INSTANCE_ID", "persistence-0"), logs).start();
        // persistence-consumer owns the schema: the others start once its migrations ran
        persistence.awaitReady(READY);
        delivery = new ServiceProcess("delivery-consumer", KafkaBroker.freePort(),
                with(env, "PARLEY_CONSUMER_INSTANCE_ID", "delivery-0"), logs).start();
        wsA = new ServiceProcess("ws-service", KafkaBroker.freePort(), with(env, "PARLEY_WS_POD_ID", "ws-a"), logs).start();
        wsB = new ServiceProcess("ws-service", KafkaBroker.freePort(), with(env, "PARLEY_WS_POD_ID", "ws-b"), logs).start();
        for (ServiceProcess s : List.of(delivery, wsA, wsB)) {
            s.awaitReady(READY);
        }
    }

    /**
     * The environment that gives services their own topics (created here), Redis key prefix and
     * PostgreSQL database (created if absent), so that no other test sees their data.
     */
    static Map<String, String> isolatedEnv(KafkaBroker kafka, Postgres postgres, String prefix, String database) {
        kafka.createTopics(Topics.all(prefix + "."));
        postgres.createDatabaseIfAbsent(database);
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("PARLEY_KAFKA_TOPIC_PREFIX", prefix + ".");
        env.put("PARLEY_REDIS_KEY_PREFIX", prefix + ":");
        env.put("PARLEY_PG_URL", postgres.reactiveUrl(database));
        env.put("PARLEY_PG_JDBC_URL", postgres.jdbcUrl(database));
        env.put("QUARKUS_OTEL_SDK_DISABLED", "true");
        env.put("PARLEY_JWT_SECRET", FleetSecrets.JWT);
        return env;
    }

    /**
     * Starts one more service of the fleet (seat-service, gateway, metrics-service, another
     * delivery-consumer…) in the fleet's isolated environment plus {@code extra}; stopped on close.
     */
    ServiceProcess startService(String module, Map<String, String> extra) {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(extra);
        ServiceProcess s = new ServiceProcess(module, KafkaBroker.freePort(), e, logs).start();
        extras.add(s);
        return s;
    }

    /** seat-service with its own database, ready. */
    ServiceProcess startSeatService() {
        ServiceProcess seats = startService("seat-service", separateDatabase("seat"));
        seats.awaitReady(READY);
        return seats;
    }

    /** The gateway in front of this fleet's persistence-consumer and the given seat-service, with dev login. */
    ServiceProcess startGateway(ServiceProcess seats, Map<String, String> extra) {
        Map<String, String> e = new HashMap<>(Map.of(
                "PARLEY_PERSISTENCE_URL", persistence.baseUrl(),
                "PARLEY_SEAT_URL", seats.baseUrl(),
                "PARLEY_DEV_LOGIN", "true"));
        e.putAll(extra);
        return startService("gateway", e);
    }

    /** A database of its own (for a service with its own schema, e.g. seat-service), dropped on close. */
    Map<String, String> separateDatabase(String name) {
        String db = database + "_" + name;
        postgres.createDatabaseIfAbsent(db);
        extraDatabases.add(db);
        return Map.of("PARLEY_PG_URL", postgres.reactiveUrl(db), "PARLEY_PG_JDBC_URL", postgres.jdbcUrl(db));
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(name, value);
        return copy;
    }

    /** Every process of the fleet that is a service (not Kafka, not Redis), started so far. */
    List<ServiceProcess> services() {
        List<ServiceProcess> all = new java.util.ArrayList<>(List.of(persistence, delivery, wsA, wsB));
        all.addAll(extras);
        return all;
    }

    ChatClient connect(ServiceProcess pod, String user, String device) {
        return ChatClient.connect(pod.wsUrl(), tokens.mint(user, null, Duration.ofMinutes(30)), device);
    }

    /** Creates a conversation through persistence-consumer's API; returns its id. */
    String conversation(String kind, String creator, List<String> members) {
        Map<String, Object> body = new HashMap<>();
        body.put("kind", kind);
        body.put("members", members);
        if (kind.equals("group")) {
            body.put("title", "group of " + members.size());
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(persistence.baseUrl() + "/conversations"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", FleetSecrets.internal("persistence-consumer", creator))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201 && r.statusCode() != 200) {
                throw new AssertionError("create conversation: " + r.statusCode() + " " + r.body());
            }
            return Json.mapper().readTree(r.body()).get("id").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Connection db() throws SQLException {
        return postgres.connect(postgres.jdbcUrl(database));
    }

    /** The database of {@link #separateDatabase(String)} {@code name}. */
    Connection db(String name) throws SQLException {
        return postgres.connect(postgres.jdbcUrl(database + "_" + name));
    }

    @Override
    public void close() {
        extras.forEach(ServiceProcess::stop);
        for (ServiceProcess s : new ServiceProcess[] {wsA, wsB, delivery, persistence}) {
            if (s != null) {
                s.stop();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
        postgres.dropDatabase(database);
        extraDatabases.forEach(postgres::dropDatabase);
        if (redis != null) {
            redis.close();
        } else if (!ownRedis) {
            RedisKeyspace.deleteByPrefix(prefix + ":");
        }
    }
}
