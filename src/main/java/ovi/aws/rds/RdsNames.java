package ovi.aws.rds;

import java.util.Locale;
import ovi.model.Observation;

/** DB instance identifiers ovi gives the instances it creates. */
public final class RdsNames {
    static final int MAX = 63;

    private RdsNames() {
    }

    /**
     * {@code <owner>-<id>}, lower case, made valid for RDS: 1 to 63 letters, digits and single hyphens,
     * starting with a letter and not ending with a hyphen. One owner and id always give the same identifier,
     * which makes a repeated create collide instead of making a second instance. Too long a name keeps its
     * start and gets a hash of the whole, so two long names stay apart.
     */
    public static String identifier(String owner, String id) {
        String whole = owner + "-" + id;
        String s = clean(whole);
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            s = clean("ovi-" + s);
        }
        if (s.length() > MAX) {
            String hash = Observation.sha256(whole).substring(0, 8);
            s = trimHyphens(s.substring(0, MAX - hash.length() - 1)) + "-" + hash;
        }
        return s;
    }

    private static String clean(String s) {
        String c = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-{2,}", "-");
        return trimHyphens(c);
    }

    private static String trimHyphens(String s) {
        return s.replaceAll("^-+", "").replaceAll("-+$", "");
    }
}
