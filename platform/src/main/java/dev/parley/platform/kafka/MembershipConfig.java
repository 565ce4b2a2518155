package dev.parley.platform.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Consumer-group membership of this process (see {@link ConsumerMembership}). */
@ConfigMapping(prefix = "parley.consumer")
public interface MembershipConfig {

    /**
     * Stable name of this process for static group membership: the pod name in Kubernetes
     * ({@code PARLEY_CONSUMER_INSTANCE_ID} from the downward API), the service name under
     * {@code make run}. Absent: dynamic membership.
     */
    Optional<String> instanceId();

    /** A member silent this long is out of its group and its partitions move to the others. */
    @WithDefault("10s")
    Duration sessionTimeout();

    default java.util.Map<String, Object> settings(String groupId) {
        return ConsumerMembership.settings(groupId, instanceId(), sessionTimeout());
    }
}
