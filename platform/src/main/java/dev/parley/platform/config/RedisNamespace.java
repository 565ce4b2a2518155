package dev.parley.platform.config;

import dev.parley.contracts.RedisKeys;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where this service's Redis keys live; tests give every class a prefix of its own. */
@ConfigMapping(prefix = "parley.redis")
public interface RedisNamespace {

    @WithDefault(RedisKeys.DEFAULT_PREFIX)
    String keyPrefix();
}
