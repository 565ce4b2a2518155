package dev.parley.persistence.config;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.platform.kafka.MembershipConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;

/**
 * The {@code sequenced} consumer's group ({@link ConsumerGroups#PERSISTENCE}, which the seeding of
 * delivery-consumer and the lag collector read) and its membership, the fleet's one policy
 * ({@link MembershipConfig}). Referenced by {@code mp.messaging.incoming.sequenced.kafka-configuration}.
 */
@ApplicationScoped
public class KafkaClientConfig {

    public static final String SEQUENCED = "persistence-sequenced";

    private final MembershipConfig membership;

    public KafkaClientConfig(MembershipConfig membership) {
        this.membership = membership;
    }

    @Produces
    @Identifier(SEQUENCED)
    Map<String, Object> sequencedConsumer() {
        return membership.settings(ConsumerGroups.PERSISTENCE);
    }
}
