package dev.parley.delivery.config;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.platform.kafka.MembershipConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;

/**
 * Kafka client settings that come from the shared modules rather than from properties: the
 * consumer group is named once, in {@link ConsumerGroups}, which KEDA triggers and the lag
 * collector also use; its membership (session timeout, static member id) is the fleet's one
 * policy, {@link MembershipConfig}. Referenced by {@code mp.messaging.incoming.inbound.kafka-configuration}.
 */
@ApplicationScoped
public class KafkaClientConfig {

    public static final String INBOUND = "delivery-inbound";

    private final MembershipConfig membership;

    public KafkaClientConfig(MembershipConfig membership) {
        this.membership = membership;
    }

    @Produces
    @Identifier(INBOUND)
    Map<String, Object> inboundConsumer() {
        return membership.settings(ConsumerGroups.DELIVERY);
    }
}
