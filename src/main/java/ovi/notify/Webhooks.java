package ovi.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import ovi.engine.Notifications;
import ovi.model.NotifyTarget;

/**
 * Delivers events to webhooks: one POST of the CloudEvent in structured mode, signed ({@link Signature}),
 * with connect and request timeouts, again after a jittered, doubling pause when the receiver could not be
 * reached, timed out, or answered 408, 429 or 5xx, at most {@link #ATTEMPTS} times and never past the
 * deadline. Redirects are not followed (the body would go where the config does not say); any other answer
 * than 2xx is a failure.
 */
public final class Webhooks implements Notifications.Channel {
    static final int ATTEMPTS = 4;
    static final Duration FIRST_PAUSE = Duration.ofMillis(250);

    private final Function<String, String> env;
    private final Clock clock;
    private final java.util.Map<Duration, HttpClient> clients = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param env where the targets' secrets are read ({@code System::getenv}) */
    public Webhooks(Function<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    private HttpClient client(Duration connect) {
        // HTTP/1.1: a plain-http POST offering an h2c upgrade is refused by some proxies, and one request per
        // event gains nothing from HTTP/2; the JVM's proxy settings (-Dhttps.proxyHost) apply as to AWS calls
        return clients.computeIfAbsent(connect, c -> HttpClient.newBuilder().connectTimeout(c)
                .version(HttpClient.Version.HTTP_1_1).proxy(java.net.ProxySelector.getDefault())
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    @Override
    public int deliver(NotifyTarget target, Notifications.Event event, Instant deadline) {
        String secret = target.secretEnv() == null ? null : env.apply(target.secretEnv());
        if (secret == null || secret.isEmpty()) {
            throw new Notifications.Undelivered("the environment variable " + target.secretEnv()
                    + " with the webhook's secret is not set", 0);
        }
        byte[] body = CloudEvents.json(event);
        String last = null;
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.compareTo(Duration.ofMillis(50)) < 0) {
                throw new Notifications.Undelivered((last == null ? "" : last + "; ") + "the run's time for notifications ran out",
                        attempt - 1);
            }
            Duration timeout = left.compareTo(target.timeout()) < 0 ? left : target.timeout();
            long ts = clock.instant().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(URI.create(target.address()))
                    .timeout(timeout)
                    .header("content-type", CloudEvents.CONTENT_TYPE)
                    .header("user-agent", "ovi")
                    .header(Signature.TIMESTAMP, Long.toString(ts))
                    .header(Signature.SIGNATURE, Signature.sign(secret.getBytes(StandardCharsets.UTF_8), ts, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            boolean retry;
            try {
                // the body is never read: a receiver that sends its status and then stalls cannot hold the run
                HttpResponse<java.io.InputStream> r = client(target.timeout()).send(request,
                        HttpResponse.BodyHandlers.ofInputStream());
                r.body().close();
                int status = r.statusCode();
                if (status / 100 == 2) {
                    return attempt;
                }
                last = "HTTP " + status;
                retry = status == 408 || status == 429 || status / 100 == 5;
            } catch (java.net.http.HttpTimeoutException e) {
                last = "no answer within " + timeout.toMillis() + "ms";
                retry = true;
            } catch (IOException e) {
                last = "cannot reach it: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                retry = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Notifications.Undelivered("interrupted", attempt);
            }
            if (!retry || attempt == ATTEMPTS) {
                throw new Notifications.Undelivered(last, attempt);
            }
            long ms = pause.toMillis() + ThreadLocalRandom.current().nextLong(pause.toMillis() / 2 + 1);
            if (clock.instant().plusMillis(ms).isAfter(deadline)) {
                throw new Notifications.Undelivered(last + "; the run's time for notifications ran out", attempt);
            }
            try {
                Thread.sleep(ms); // backing off between attempts, not waiting for an event
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Notifications.Undelivered(last + "; interrupted", attempt);
            }
            pause = pause.multipliedBy(2);
        }
        throw new IllegalStateException("unreachable");
    }
}
