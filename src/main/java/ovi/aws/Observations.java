package ovi.aws;

import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** What every kind's observations share: AWS's error codes, and attributes that may be absent. */
public final class Observations {
    private Observations() {
    }

    public static boolean errorCode(AwsServiceException e, String... codes) {
        String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
        for (String c : codes) {
            if (c.equals(code)) {
                return true;
            }
        }
        return false;
    }

    public static void putIfPresent(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
