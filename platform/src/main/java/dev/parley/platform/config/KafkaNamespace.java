package dev.parley.platform.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * Prefix in front of every topic name of {@code dev.parley.contracts.Topics}. Empty in
 * production; tests use one per class. Channel configuration refers to it as
 * {@code ${parley.kafka.topic-prefix:}}.
 */
@ConfigMapping(prefix = "parley.kafka")
public interface KafkaNamespace {

    Optional<String> topicPrefix();

    default String topic(dev.parley.contracts.TopicSpec spec) {
        return spec.withPrefix(topicPrefix().orElse("")).name();
    }
}
