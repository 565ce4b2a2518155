package dev.parley.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.json.Json;
import dev.parley.contracts.json.JsonDecodeException;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class ContractsTest {

    record Sample(String id, long seq) {
    }

    @Test
    void topicNamesAreUniqueAndPrefixable() {
        assertEquals(Topics.ALL.size(), new HashSet<>(Topics.ALL.stream().map(TopicSpec::name).toList()).size());
        assertEquals("t1.parley.messages.inbound", Topics.MESSAGES_INBOUND.withPrefix("t1.").name());
        assertEquals(Topics.MESSAGES_INBOUND.partitions(), Topics.MESSAGES_INBOUND.withPrefix("t1.").partitions());
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("x", 0, "bad"));
    }

    @Test
    void keysThatScriptsTouchTogetherShareOneHashSlot() {
        RedisKeys keys = new RedisKeys("p:");
        String tag = "{c1}";
        assertTrue(keys.conversationSeq("c1").contains(tag));
        assertTrue(keys.conversationHot("c1").contains(tag));
        assertTrue(keys.conversationMessageSeq("c1").contains(tag));
        assertTrue(keys.cohort("k", "free").startsWith("p:cohort:{k}:"));
    }

    @Test
    void jsonRoundTripsAndRefusesUnknownFields() {
        assertEquals(new Sample("a", 3), Json.read(Json.write(new Sample("a", 3)), Sample.class));
        var e = assertThrows(JsonDecodeException.class, () -> Json.read("{\"id\":\"a\",\"seq\":1,\"x\":2}", Sample.class));
        assertTrue(e.getMessage().contains("x"), e.getMessage());
        assertThrows(JsonDecodeException.class, () -> Json.read("{not json", Sample.class));
    }
}
