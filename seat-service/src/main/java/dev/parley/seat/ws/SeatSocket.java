package dev.parley.seat.ws;

import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Multi;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * WebSocket live push: {@code /cohorts/{id}/live?lastEventId=…}. Each frame is
 * {@code {"id":…,"event":…,"data":{…}}}; the user is the one {@link CallerUpgradeCheck} verified
 * at the handshake, and gets queue positions.
 */
@WebSocket(path = "/cohorts/{id}/live")
public class SeatSocket {

    private final LiveHub hub;

    public SeatSocket(LiveHub hub) {
        this.hub = hub;
    }

    @OnOpen
    public Multi<String> open(WebSocketConnection connection) {
        UUID cohort;
        try {
            cohort = UUID.fromString(connection.pathParam("id"));
        } catch (IllegalArgumentException e) {
            return Multi.createFrom().item(new LiveFrame(null, "error",
                    "{\"type\":\"https://parley.dev/problems/not-found\",\"title\":\"Not found\",\"status\":404,\"detail\":\"no such cohort\"}").json());
        }
        String user = connection.userData().get(CallerUpgradeCheck.USER);
        return hub.stream(cohort, user, query(connection, "lastEventId")).map(LiveFrame::json);
    }

    private static String query(WebSocketConnection connection, String name) {
        String q = connection.handshakeRequest().query();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
