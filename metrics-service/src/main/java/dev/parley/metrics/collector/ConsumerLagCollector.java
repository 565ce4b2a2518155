package dev.parley.metrics.collector;

import dev.parley.metrics.config.LagConfig;
import dev.parley.platform.config.KafkaNamespace;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Consumer lag per group and partition from the Kafka Admin API (committed offsets vs end offsets),
 * exported as {@code parley_kafka_consumer_lag{group,topic,partition}} and
 * {@code parley_kafka_consumer_group_lag{group}} for KEDA / an HPA on external metrics.
 * Admin futures are bridged to Uni; nothing blocks.
 */
@Singleton
public class ConsumerLagCollector {

    private static final Logger LOG = Logger.getLogger(ConsumerLagCollector.class);

    private final LagConfig config;
    private final KafkaNamespace namespace;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Admin admin;
    private final Map<String, AtomicLong> partitionGauges = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> groupGauges = new ConcurrentHashMap<>();
    private volatile LagReport last = LagReport.EMPTY;

    public ConsumerLagCollector(LagConfig config, KafkaNamespace namespace, MeterRegistry registry, Clock clock,
                                @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        this.namespace = namespace;
        this.registry = registry;
        this.clock = clock;
        int timeoutMs = (int) config.timeout().toMillis();
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "parley-metrics-lag",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs));
    }

    public LagReport last() {
        return last;
    }

    @Scheduled(every = "${parley.lag.interval:5s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return poll().replaceWithVoid();
    }

    /** One round over every configured group. */
    public Uni<LagReport> poll() {
        List<Uni<List<PartitionLag>>> rounds = new ArrayList<>();
        config.groups().forEach((group, topics) -> rounds.add(groupLag(group,
                topics.stream().map(t -> namespace.topicPrefix().orElse("") + t).toList())));
        if (rounds.isEmpty()) {
            return Uni.createFrom().item(LagReport.EMPTY);
        }
        return Uni.join().all(rounds).andCollectFailures()
                .map(lists -> lists.stream().flatMap(List::stream).toList())
                .map(this::publish)
                .ifNoItem().after(config.timeout().multipliedBy(2)).fail()
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("consumer lag poll failed: %s", failure.toString());
                    last = new LagReport(clock.millis(), last.partitions(), last.totalByGroup(),
                            String.valueOf(failure.getMessage()));
                    return last;
                });
    }

    private Uni<List<PartitionLag>> groupLag(String group, List<String> topics) {
        Uni<Map<TopicPartition, OffsetAndMetadata>> committed = from(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Uni<Map<String, TopicDescription>> described = from(admin.describeTopics(topics).allTopicNames());
        return Uni.combine().all().unis(committed, described).asTuple().flatMap(t -> {
            List<TopicPartition> partitions = t.getItem2().values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .toList();
            Uni<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> ends = offsets(partitions, OffsetSpec.latest());
            Uni<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> starts = offsets(partitions, OffsetSpec.earliest());
            return Uni.combine().all().unis(ends, starts).asTuple().map(o -> {
                List<PartitionLag> out = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    long end = o.getItem1().get(tp).offset();
                    OffsetAndMetadata c = t.getItem1() == null ? null : t.getItem1().get(tp);
                    Long committedOffset = c == null ? null : c.offset();
                    long from = committedOffset != null ? committedOffset : o.getItem2().get(tp).offset();
                    out.add(new PartitionLag(group, tp.topic(), tp.partition(), end, committedOffset, Math.max(0, end - from)));
                }
                out.sort(Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition));
                return out;
            });
        });
    }

    private Uni<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> offsets(Collection<TopicPartition> tps,
                                                                                      OffsetSpec spec) {
        if (tps.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Map<TopicPartition, OffsetSpec> request = tps.stream().collect(Collectors.toMap(Function.identity(), tp -> spec));
        return from(admin.listOffsets(request).all());
    }

    private LagReport publish(List<PartitionLag> lags) {
        Map<String, Long> totals = new TreeMap<>();
        for (PartitionLag l : lags) {
            totals.merge(l.group(), l.lag(), Long::sum);
            String key = l.group() + '\u0000' + l.topic() + '\u0000' + l.partition();
            partitionGauges.computeIfAbsent(key, k -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder("parley.kafka.consumer.lag", value, AtomicLong::get)
                        .description("Records in the partition not yet committed by the consumer group")
                        .tags(Tags.of("group", l.group(), "topic", l.topic(), "partition", String.valueOf(l.partition())))
                        .register(registry);
                return value;
            }).set(l.lag());
        }
        totals.forEach((group, total) -> groupGauges.computeIfAbsent(group, g -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("parley.kafka.consumer.group.lag", value, AtomicLong::get)
                    .description("Sum of the group's lag over its partitions")
                    .tags("group", g)
                    .register(registry);
            return value;
        }).set(total));
        last = new LagReport(clock.millis(), List.copyOf(lags), Map.copyOf(new LinkedHashMap<>(totals)), null);
        return last;
    }

    private static <T> Uni<T> from(KafkaFuture<T> future) {
        return Uni.createFrom().completionStage(future.toCompletionStage());
    }

    @PreDestroy
    void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }

    Map<String, Long> totals() {
        return new HashMap<>(last.totalByGroup());
    }
}
