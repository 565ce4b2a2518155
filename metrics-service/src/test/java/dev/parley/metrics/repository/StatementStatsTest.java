package dev.parley.metrics.repository;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Both "not available" paths against the real server: extension absent from the database, and
 * extension created but the server not preloading the library. When the server does preload it
 * (shared_preload_libraries), the second test checks the statements are listed instead.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatementStatsTest {

    @Inject
    Pool pool;

    @Test
    @Order(1)
    void extensionMissingIsAClearNotAvailable() {
        given().when().get("/api/statements").then().statusCode(200)
                .body("available", equalTo(false))
                .body("reason", containsString("not installed"));
        given().when().get("/api/statements?limit=0").then().statusCode(400);
    }

    @Test
    @Order(2)
    void extensionCreatedIsReadOrExplainedWhenNotPreloaded() {
        pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await().atMost(Duration.ofSeconds(10));
        String preload = pool.query("SHOW shared_preload_libraries").execute().await().atMost(Duration.ofSeconds(10))
                .iterator().next().getString(0);
        if (preload.contains("pg_stat_statements")) {
            given().when().get("/api/statements?limit=5").then().statusCode(200)
                    .body("available", equalTo(true));
        } else {
            given().when().get("/api/statements").then().statusCode(200)
                    .body("available", equalTo(false))
                    .body("reason", containsString("shared_preload_libraries"));
        }
    }
}
