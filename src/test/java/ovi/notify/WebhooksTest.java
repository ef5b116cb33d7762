package ovi.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import ovi.engine.Notifications;
import ovi.model.NotifyTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook channel against a receiver on loopback: what is retried, what is not, and the signature. */
class WebhooksTest {
    HttpServer server;
    final List<byte[]> bodies = Collections.synchronizedList(new ArrayList<>());
    final List<String> signatures = Collections.synchronizedList(new ArrayList<>());
    final List<String> timestamps = Collections.synchronizedList(new ArrayList<>());
    final ConcurrentLinkedDeque<Integer> statuses = new ConcurrentLinkedDeque<>();
    final Webhooks webhooks = new Webhooks(Map.of("HOOK_SECRET", "k3y")::get, Clock.systemUTC());
    final Notifications.Event event = new Notifications.Event("r1-abc", "urn:ovi:123456789012:team", "dev.ovi.drift.unmanaged",
            "i-0abc", Instant.parse("2026-12-01T10:00:00Z"), Map.of("owner", "team"));

    @BeforeEach
    void setUp() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            bodies.add(x.getRequestBody().readAllBytes());
            signatures.add(x.getRequestHeaders().getFirst("ovi-signature"));
            timestamps.add(x.getRequestHeaders().getFirst("ovi-timestamp"));
            Integer s = statuses.poll();
            int status = s == null ? 200 : s;
            if (status / 100 == 3) {
                x.getResponseHeaders().add("location", "http://127.0.0.1:1/elsewhere");
            }
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    NotifyTarget target(String secretEnv) {
        return new NotifyTarget(NotifyTarget.Channel.WEBHOOK, "http://127.0.0.1:" + server.getAddress().getPort() + "/h",
                null, null, secretEnv, Set.of("drift"), Duration.ofHours(24), Duration.ofSeconds(5), "notify[0]");
    }

    int deliver(NotifyTarget t) {
        return webhooks.deliver(t, event, Instant.now().plusSeconds(30));
    }

    @Test
    void aDeliveryIsOnePostSignedOverTheTimestampAndTheBody() {
        assertEquals(1, deliver(target("HOOK_SECRET")));
        assertEquals(1, bodies.size());
        byte[] secret = "k3y".getBytes(StandardCharsets.UTF_8);
        long ts = Long.parseLong(timestamps.get(0));
        assertTrue(Signature.verify(secret, ts, bodies.get(0), signatures.get(0)));
        assertFalse(Signature.verify(secret, ts + 1, bodies.get(0), signatures.get(0)), "another time");
        assertFalse(Signature.verify("other".getBytes(StandardCharsets.UTF_8), ts, bodies.get(0), signatures.get(0)));
        assertEquals(CloudEvents.text(event), new String(bodies.get(0), StandardCharsets.UTF_8));
    }

    @Test
    void fiveHundredsAreRetriedUpToFourAttempts() {
        statuses.addAll(List.of(503, 500));
        assertEquals(3, deliver(target("HOOK_SECRET")));
        statuses.addAll(List.of(500, 500, 500, 500, 500));
        bodies.clear();
        Notifications.Undelivered u = assertThrows(Notifications.Undelivered.class, () -> deliver(target("HOOK_SECRET")));
        assertEquals(4, u.attempts());
        assertEquals("HTTP 500", u.getMessage());
        assertEquals(4, bodies.size());
    }

    @Test
    void aRefusalOrARedirectIsNotRetriedAndTheRedirectNotFollowed() {
        statuses.add(400);
        assertEquals(1, assertThrows(Notifications.Undelivered.class, () -> deliver(target("HOOK_SECRET"))).attempts());
        statuses.add(302);
        Notifications.Undelivered u = assertThrows(Notifications.Undelivered.class, () -> deliver(target("HOOK_SECRET")));
        assertEquals("HTTP 302", u.getMessage());
        assertEquals(2, bodies.size(), "one request each");
    }

    @Test
    void withoutItsSecretOrItsTimeNothingIsSent() {
        Notifications.Undelivered u = assertThrows(Notifications.Undelivered.class, () -> deliver(target("UNSET")));
        assertEquals(0, u.attempts());
        assertTrue(u.getMessage().contains("UNSET"), u.getMessage());
        assertThrows(Notifications.Undelivered.class, () -> webhooks.deliver(target("HOOK_SECRET"), event,
                Instant.now().minusSeconds(1)));
        assertEquals(0, bodies.size());
    }
}
