package ovi.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One resource as ovi saw it in AWS.
 *
 * @param type       the resource type
 * @param region     the region it lives in (for S3 the bucket's region)
 * @param cloudId    AWS's own id: instance id, DB instance identifier, bucket name
 * @param attributes what the kind observes: its compared fields by the same names, and others such as
 *                   {@code state}
 * @param tags       every tag the resource carries
 */
public record Observation(ResourceType type, String region, String cloudId, Map<String, String> attributes,
                          Map<String, String> tags) {
    public Observation {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(cloudId, "cloudId");
        attributes = Map.copyOf(attributes);
        tags = Map.copyOf(tags);
    }

    /** The store's key: unique per account. S3 bucket names are global, the other ids per region. */
    public String key() {
        return type.regional() ? type.key() + ":" + region + ":" + cloudId : type.key() + ":" + cloudId;
    }

    public Scope scope() {
        return Scope.of(type, region);
    }

    public boolean managed() {
        return "true".equals(tags.get(Tags.MANAGED));
    }

    /**
     * Whether ovi made this resource for {@code owner}'s resource {@code oviId}: managed, and tagged with
     * both. Only such a resource may a create take over as its own.
     */
    public boolean madeFor(String owner, String oviId) {
        return managed() && owner.equals(owner()) && oviId.equals(oviId());
    }

    /** The owner named by the {@code ovi:owner} tag, or null. */
    public String owner() {
        return tags.get(Tags.OWNER);
    }

    /** The ovi id named by the {@code ovi:id} tag, or null. */
    public String oviId() {
        return tags.get(Tags.ID);
    }

    public boolean blessedTag() {
        return "true".equals(tags.get(Tags.BLESSED));
    }

    public String attribute(String key) {
        return attributes.get(key);
    }

    /**
     * A stable hash of everything observed, so the store can skip unchanged resources and a saved plan
     * can tell whether reality moved since it was made.
     */
    public String contentHash() {
        StringBuilder sb = new StringBuilder(128).append(key());
        append(sb.append("\u0001"), attributes);
        append(sb.append("\u0001"), tags);
        return sha256(sb.toString());
    }

    private static void append(StringBuilder sb, Map<String, String> map) {
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            sb.append(e.getKey()).append('\u0002').append(e.getValue()).append('\u0003');
        }
    }

    public static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
