package dev.parley.platform.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the fleet's consumers are members of their groups, in one place for both consumer services.
 *
 * <p>With dynamic membership a consumer that dies is noticed only after the session timeout (45 s
 * by default), and its partitions are not read meanwhile, however fast it restarts. So: a short
 * session timeout (a dead member's partitions move to the others after it), and static membership
 * ({@code group.instance.id}) when the process has a stable name — a pod's name survives a container
 * restart, {@code make run} names each process — so a restarted member takes its partitions back at
 * once, without a rebalance of the whole group.
 */
public final class ConsumerMembership {

    private ConsumerMembership() {
    }

    /**
     * Consumer settings: the group, the session timeout, and {@code group.instance.id} when
     * {@code instanceId} is known (two live processes must never share it: the newer fences the
     * older, which is what a restart wants and a copy does not).
     */
    public static Map<String, Object> settings(String groupId, Optional<String> instanceId, Duration sessionTimeout) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("group.id", groupId);
        settings.put("session.timeout.ms", (int) sessionTimeout.toMillis());
        // the broker expects three heartbeats per session at least
        settings.put("heartbeat.interval.ms", (int) Math.max(500, sessionTimeout.toMillis() / 4));
        instanceId.filter(id -> !id.isBlank()).ifPresent(id -> settings.put("group.instance.id", groupId + "-" + id));
        return settings;
    }
}
