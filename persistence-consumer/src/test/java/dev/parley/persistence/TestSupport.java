package dev.parley.persistence;

import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.contracts.chat.ChatMessage;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.ConfigProvider;

/** Small helpers shared by the integration tests. */
public final class TestSupport {

    private TestSupport() {
    }

    /** Polls until the condition holds, or fails the test after the timeout. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
        if (!condition.getAsBoolean()) {
            fail("timed out after " + timeout + " waiting for " + what);
        }
    }

    public static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }

    /** The test class's own name of a topic (KafkaTestResource gives every class a prefix). */
    public static String topic(String name) {
        return ConfigProvider.getConfig().getOptionalValue("parley.kafka.topic-prefix", String.class).orElse("") + name;
    }

    public static ChatMessage message(String conversationId, long seq) {
        return new ChatMessage(UUID.randomUUID().toString(), conversationId, seq, "alice", "dev-1", "pod-a",
                "c-" + conversationId + "-" + seq, "hello " + seq, 1_700_000_000_000L + seq);
    }
}
