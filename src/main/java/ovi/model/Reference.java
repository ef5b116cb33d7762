package ovi.model;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A field value that names another declared resource instead of giving its cloud id ({@code
 * securityGroups: [web-sg]}). In a canonical value it is the token {@code @{<ovi id>}} (the config reader
 * first writes the name as written, and the config resolves it to the one ovi id it stands for). The plan
 * replaces a token by the resource's cloud id where that resource exists, and shows one that does not
 * exist yet as known after create; apply replaces those once the resource is made.
 *
 * <p>No cloud id, ARN or AWS name contains {@code "@{"}, so a token is never mistaken for a value.
 */
public final class Reference {
    /** A config name or ovi id: what a token may hold. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,50}");
    private static final Pattern TOKEN = Pattern.compile("@\\{([a-z][a-z0-9-]{0,50})}");
    /** How a plan shows a value that is only known once a resource it names is created. */
    public static final String UNKNOWN = "(known after create)";

    private Reference() {
    }

    /** The token that stands for the declared resource {@code name} (a config name or an ovi id). */
    public static String token(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a resource name: " + name);
        }
        return "@{" + name + "}";
    }

    /** The names or ovi ids the value refers to, in the order written; empty for a value without tokens. */
    public static Set<String> in(String value) {
        Set<String> out = new LinkedHashSet<>();
        if (value != null && value.contains("@{")) {
            Matcher m = TOKEN.matcher(value);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** True if the value still names a resource by token. */
    public static boolean unresolved(String value) {
        return value != null && !in(value).isEmpty();
    }

    /**
     * The value with each token replaced by {@code cloudIdOf(name)}; a token for which that gives null
     * stays as it is.
     */
    public static String resolve(String value, Function<String, String> cloudIdOf) {
        if (value == null || !value.contains("@{")) {
            return value;
        }
        Matcher m = TOKEN.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String id = cloudIdOf.apply(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(id != null ? id : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The value as a plan shows it: a token as {@code <ovi id> (known after create)}. */
    public static String show(String value) {
        if (value == null || !value.contains("@{")) {
            return value;
        }
        return TOKEN.matcher(value).replaceAll(r -> Matcher.quoteReplacement(r.group(1) + " " + UNKNOWN));
    }
}
