package dev.parley.devinfra.test;

import dev.parley.devinfra.RedisKeyspace;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/** The local Redis with a key prefix of the test class's own; its keys are deleted afterwards. */
public class RedisTestResource implements QuarkusTestResourceLifecycleManager {

    private String prefix;

    @Override
    public Map<String, String> start() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
        return Map.of(
                "quarkus.redis.hosts", RedisKeyspace.url(),
                "parley.redis.key-prefix", prefix);
    }

    @Override
    public void stop() {
        if (prefix != null) {
            RedisKeyspace.deleteByPrefix(prefix);
        }
    }
}
