package dev.parley.delivery.config;

import dev.parley.contracts.RedisKeys;
import dev.parley.platform.members.MemberDirectory;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The fleet's one member directory, on this service's Redis client and PostgreSQL pool. */
public class MembersProducer {

    @Produces
    @Singleton
    MemberDirectory memberDirectory(ReactiveRedisDataSource redis, Pool pg, RedisKeys keys) {
        return new MemberDirectory(redis, pg, keys);
    }
}
