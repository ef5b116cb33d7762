package ovi.aws;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code kms} and {@code {kms: <key>}} forms of an {@code encryption} field that SQS and SNS share, read
 * into their canonical {@code kms:<key>}.
 */
public final class KmsKeys {
    /** A key id, ARN or alias as KMS accepts them. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9:/_+=,.@-]{1,2048}");

    private KmsKeys() {
    }

    /**
     * {@code kms:<awsKey>} for {@code kms}, {@code kms:<key>} for {@code {kms: <key>}}, or null when the
     * value is neither (the kind then reads its own forms or refuses it).
     */
    public static String read(Object tree, String awsKey) {
        if ("kms".equals(tree)) {
            return "kms:" + awsKey;
        }
        if (tree instanceof Map<?, ?> m && m.size() == 1 && m.get("kms") instanceof String key
                && KEY.matcher(key).matches()) {
            return "kms:" + key;
        }
        return null;
    }
}
