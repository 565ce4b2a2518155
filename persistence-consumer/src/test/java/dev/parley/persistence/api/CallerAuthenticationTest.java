package dev.parley.persistence.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.Roles;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.platform.auth.Credentials;
import dev.parley.platform.auth.InternalTokens;
import dev.parley.platform.auth.TokenCodec;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Reached directly (from any pod, from the host), the API serves no one without the gateway's
 * internal token for this service: not an identity header, not a user's own access token, not a
 * token minted for another service, not one signed with another secret.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class CallerAuthenticationTest {

    private static final String GROUP = "{\"kind\":\"group\",\"title\":\"direct call\",\"members\":[\"ivy\",\"jon\"]}";

    @Inject
    Pool pool;

    @Test
    void everyCallWithoutTheServicesOwnCredentialIsRefusedAndChangesNothing() {
        long before = conversations();
        String accessToken = new TokenCodec(Callers.SECRET).mint("ivy", null, Duration.ofMinutes(5));
        String forSeats = Callers.TOKENS.authorization("seat-service", "ivy", Set.of(Roles.MEMBER));
        String otherSecret = new InternalTokens("another-secret-0123456789abcdef0123456")
                .authorization("persistence-consumer", "ivy", Set.of(Roles.MEMBER));
        String[][] attempts = {
                {"X-Parley-User", "ivy", "credential missing"},
                {"Authorization", Credentials.authorization(accessToken), "token invalid"},
                {"Authorization", forSeats, "token invalid"},
                {"Authorization", otherSecret, "token invalid"},
                {"Authorization", "Basic aXZ5Og==", "credential is not a Bearer token"},
                {"Authorization", Callers.as("ivy") + "x", "token invalid"},
        };
        for (String[] a : attempts) {
            given().header(a[0], a[1]).contentType(ContentType.JSON).body(GROUP).when().post("/conversations")
                    .then().statusCode(401).contentType(containsString("application/problem+json"))
                    .header("WWW-Authenticate", containsString("invalid_token"))
                    .body("detail", equalTo(a[2]));
            given().header(a[0], a[1]).when().get("/conversations?member=ivy").then().statusCode(401);
        }
        assertEquals(before, conversations(), "no refused call created anything");

        // An unknown path is refused before routing, too: nothing answers an unauthenticated caller.
        given().when().get("/no-such-path").then().statusCode(401);
        // The probes and the scraper are not API callers.
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void anExpiredCredentialOrOneNamingAnInvalidUserIsRefused() {
        String expired = Credentials.authorization(TokenCodec.internal(Callers.SECRET, "persistence-consumer")
                .mint("ivy", null, Set.of(Roles.MEMBER), Duration.ofMinutes(-5)));
        given().header("Authorization", expired).when().get("/conversations?member=ivy").then().statusCode(401)
                .body("detail", equalTo("token expired"));
        given().header("Authorization", Callers.as("not a user id")).when().get("/conversations?member=x").then().statusCode(401)
                .body("detail", containsString("user id must match"));
    }

    @Test
    void theGatewaysCredentialIsServedAsTheUserItNames() {
        given().header("Authorization", Callers.as("ivy")).contentType(ContentType.JSON).body(GROUP).when().post("/conversations")
                .then().statusCode(201).body("createdBy", equalTo("ivy"));
    }

    private long conversations() {
        return pool.query("SELECT count(*) FROM conversations").execute().await().indefinitely().iterator().next().getLong(0);
    }
}
