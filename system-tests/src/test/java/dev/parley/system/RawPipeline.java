package dev.parley.system;

import dev.parley.contracts.TopicSpec;
import dev.parley.devinfra.KafkaBroker;
import dev.parley.devinfra.RedisKeyspace;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The raw limit of the same broker and Redis, as the denominator of the benchmark's ratio: a plain
 * producer (acks=all) → consumer → Redis PUBLISH → subscriber loop, no services in between.
 */
final class RawPipeline {

    private RawPipeline() {
    }

    /** Messages per second through produce → consume → publish → receive. */
    static double measure(KafkaBroker kafka, String prefix, int count) throws Exception {
        TopicSpec topic = new TopicSpec(prefix + ".raw", 12, "benchmark baseline");
        kafka.createTopics(List.of(topic));
        String channel = prefix + ":raw";
        String payload = "x".repeat(200);
        Vertx vertx = Vertx.vertx();
        Redis redis = Redis.createClient(vertx, RedisKeyspace.url());
        AtomicLong received = new AtomicLong();
        RedisConnection subscriber = redis.connect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        subscriber.handler(message -> {
            if (message.size() == 3 && "message".equals(message.get(0).toString())) {
                received.incrementAndGet();
            }
        });
        subscriber.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // one pipelined connection: the pooled client's wait queue is far smaller than 1,000 in flight
        RedisConnection publishing = redis.connect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        RedisAPI publisher = RedisAPI.api(publishing);
        AtomicLong failed = new AtomicLong();
        Semaphore inFlight = new Semaphore(1000);

        long start = System.nanoTime();
        Thread produce = new Thread(() -> {
            try (var producer = new KafkaProducer<String, String>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>(topic.name(), "conv-" + (i % 100), payload));
                }
            }
        });
        produce.start();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "-raw");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long consumed = 0;
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (consumed < count && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(100))) {
                    inFlight.acquire();
                    publisher.publish(channel, r.value()).onComplete(x -> {
                        if (x.failed()) {
                            failed.incrementAndGet();
                        }
                        inFlight.release();
                    });
                    consumed++;
                }
                consumer.commitAsync();
            }
        }
        produce.join();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        subscriber.close();
        publishing.close();
        redis.close();
        vertx.close();
        if (received.get() < count) {
            throw new IllegalStateException("raw loop received " + received.get() + " of " + count + " (" + failed.get() + " publishes failed)");
        }
        return count / seconds;
    }
}
