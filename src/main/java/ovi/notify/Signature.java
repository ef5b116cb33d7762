package ovi.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a webhook request is signed: HMAC-SHA256, keyed with the secret, over the timestamp (Unix seconds,
 * also sent in {@link #TIMESTAMP}), a dot and the body exactly as sent. A receiver recomputes it, compares in
 * constant time, and refuses a timestamp far from its own clock (a replay).
 */
public final class Signature {
    /** The header with the request's time in Unix seconds. */
    public static final String TIMESTAMP = "ovi-timestamp";
    /** The header with {@code sha256=<hex of the HMAC>}. */
    public static final String SIGNATURE = "ovi-signature";

    private Signature() {
    }

    /** {@code sha256=<hex>} for a body sent at {@code timestamp} (Unix seconds). */
    public static String sign(byte[] secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }

    /** Whether {@code signature} is that of {@code body} sent at {@code timestamp}, compared in constant time. */
    public static boolean verify(byte[] secret, long timestamp, byte[] body, String signature) {
        return signature != null && java.security.MessageDigest.isEqual(
                sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
