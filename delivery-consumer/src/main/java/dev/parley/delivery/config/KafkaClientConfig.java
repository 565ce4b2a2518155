package dev.parley.delivery.config;

import dev.parley.contracts.ConsumerGroups;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Kafka client settings that come from the shared contracts rather than from properties: the
 * consumer group is named once, in {@link ConsumerGroups}, which KEDA triggers and the lag
 * collector also use. Referenced by {@code mp.messaging.incoming.inbound.kafka-configuration}.
 */
@ApplicationScoped
public class KafkaClientConfig {

    public static final String INBOUND = "delivery-inbound";

    @Produces
    @Identifier(INBOUND)
    Map<String, Object> inboundConsumer() {
        return Map.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerGroups.DELIVERY);
    }
}
