package ovi.model;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * Where notifications go (one entry of the config's {@code notify:} list): an SNS topic or a webhook.
 *
 * @param channel   a topic or a webhook
 * @param address   the webhook's URL; a topic's ARN, or its name when it is a declared resource
 * @param type      the topic's resource kind (one that can be published to); null for a webhook
 * @param region    the topic's region; null for a webhook
 * @param secretEnv the environment variable holding the webhook's signing secret; null for a topic
 * @param events    which of {@link #EVENTS} are sent
 * @param renotify  how long after a finding was sent it is sent again while it stays unresolved
 * @param timeout   a webhook's connect and request timeout, each attempt
 * @param path      where the config declares it ({@code notify[0]}), for messages
 */
public record NotifyTarget(Channel channel, String address, ResourceType type, String region, String secretEnv,
                           Set<String> events, Duration renotify, Duration timeout, String path) {
    /** The events a target may ask for: findings (and their resolution), applied actions, failed actions. */
    public static final java.util.List<String> EVENTS = java.util.List.of("drift", "applied", "failed");
    public static final Duration RENOTIFY = Duration.ofHours(24);
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    public enum Channel { TOPIC, WEBHOOK }

    public NotifyTarget {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(address, "address");
        events = Set.copyOf(events);
        Objects.requireNonNull(renotify, "renotify");
        Objects.requireNonNull(timeout, "timeout");
        if (channel == Channel.TOPIC && (type == null || region == null)) {
            throw new IllegalArgumentException("a topic has a kind and a region");
        }
    }

    public boolean sends(String event) {
        return events.contains(event);
    }

    /**
     * The target's name in the store and the WAL: a topic's ARN or name; a webhook's URL is hashed, since it
     * may carry a token of its own (in its path or query) that the WAL must not keep.
     */
    public String key() {
        if (channel == Channel.TOPIC) {
            return "topic:" + address;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(address.getBytes(StandardCharsets.UTF_8));
            return "webhook:" + HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How the target reads in a message: a webhook by scheme, host and port only. */
    public String describe() {
        if (channel == Channel.TOPIC) {
            return "topic " + address;
        }
        URI u = URI.create(address);
        return "webhook " + u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }
}
