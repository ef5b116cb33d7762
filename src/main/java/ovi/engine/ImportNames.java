package ovi.engine;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The config names {@code ovi import} gives what it finds: from the resource's {@code Name} tag where it has
 * one, else from its cloud id, made a valid name (a lower-case letter, then up to 40 lower-case letters,
 * digits and '-') and told apart from the names already given by a number.
 */
public final class ImportNames {
    /** The longest config name: its ovi id ({@code <name>-0}) must stay a valid reference. */
    static final int MAX = 41;
    private static final Pattern NOT_NAME = Pattern.compile("[^a-z0-9]+");
    private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9-]{0,40}");

    private ImportNames() {
    }

    /**
     * {@code text} as a config name: accents dropped, lower case, each run of other characters one '-',
     * leading characters up to the first letter dropped, at most {@link #MAX} long; null when nothing of it
     * is left (no letter at all).
     */
    public static String sanitise(String text) {
        if (text == null) {
            return null;
        }
        String ascii = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        String s = NOT_NAME.matcher(ascii.toLowerCase(Locale.ROOT)).replaceAll("-");
        int first = 0;
        while (first < s.length() && !(s.charAt(first) >= 'a' && s.charAt(first) <= 'z')) {
            first++;
        }
        s = s.substring(first);
        if (s.length() > MAX) {
            s = s.substring(0, MAX);
        }
        s = trimDashes(s);
        return s.isEmpty() ? null : s;
    }

    /**
     * The name for a resource with this {@code Name} tag (may be null) and cloud id, of the kind keyed
     * {@code typeKey}: the tag's name, else the cloud id's, else {@code <typeKey>}; never one in {@code taken}
     * (then {@code -2}, {@code -3}, ... is added, cutting the name short to keep it valid). The caller adds it
     * to {@code taken}.
     */
    public static String derive(String nameTag, String cloudId, String typeKey, Set<String> taken) {
        return derive(nameTag, cloudId, typeKey, true, taken);
    }

    /**
     * ... where {@code chosenId} says whether the cloud id is a name a config chooses (a bucket's, a queue's)
     * or one AWS assigns (an instance id): such an id is prefixed with the kind's key, {@code
     * security-group-sg-0abc...}, so that the name never reads as the id itself where a field takes either.
     */
    public static String derive(String nameTag, String cloudId, String typeKey, boolean chosenId, Set<String> taken) {
        String base = sanitise(nameTag);
        if (base == null) {
            base = sanitise(chosenId || cloudId == null ? cloudId : typeKey + "-" + cloudId);
        }
        if (base == null) {
            base = sanitise(typeKey);
        }
        if (base == null) {
            base = "resource";
        }
        if (!taken.contains(base)) {
            return base;
        }
        for (int n = 2; ; n++) {
            String suffix = "-" + n;
            String head = trimDashes(base.length() + suffix.length() > MAX ? base.substring(0, MAX - suffix.length())
                    : base);
            String name = head + suffix;
            if (!taken.contains(name)) {
                return name;
            }
        }
    }

    /** Whether {@code name} is a config name as the config validator takes it. */
    public static boolean valid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    private static String trimDashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(0, end);
    }
}
