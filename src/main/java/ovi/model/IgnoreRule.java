package ovi.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of a config's top-level {@code ignore:} list: resources not managed by ovi that it matches are
 * not notified (counted and listed as ignored instead). Each part left null matches anything; a rule has at
 * least one part, so no rule silences every unmanaged resource by accident. A rule never applies to a
 * resource ovi manages: its missing, unwanted or drifted findings are always reported.
 *
 * @param type     the kind it matches, or null for any
 * @param region   the region it matches, or null for any
 * @param id       a glob ({@code *}, {@code ?}) on the cloud id, or null
 * @param name     a glob on the {@code Name} tag, or null (a resource with no Name tag then never matches)
 * @param tagKey   a tag the resource must carry, or null
 * @param tagValue the value that tag must have, or null for any value
 * @param source   where the rule is written, as people read it ({@code ignore[0]}), for plans
 */
public record IgnoreRule(ResourceType type, String region, String id, String name, String tagKey, String tagValue,
                         String source) {
    public IgnoreRule {
        Objects.requireNonNull(source, "source");
        if (type == null && region == null && id == null && name == null && tagKey == null) {
            throw new IllegalArgumentException(source + ": a rule matches by at least one of type, region, id, name, tag");
        }
        if (tagValue != null && tagKey == null) {
            throw new IllegalArgumentException(source + ": a tag value needs its key");
        }
    }

    /** True when the observation is one this rule names (whether or not ovi manages it: callers check that). */
    public boolean matches(Observation o) {
        return (type == null || type.equals(o.type()))
                && (region == null || region.equals(o.region()))
                && (id == null || glob(id).matcher(o.cloudId()).matches())
                && (name == null || (o.tags().get("Name") != null && glob(name).matcher(o.tags().get("Name")).matches()))
                && (tagKey == null || (o.tags().containsKey(tagKey)
                        && (tagValue == null || tagValue.equals(o.tags().get(tagKey)))));
    }

    /** The rule as written, for plans: {@code ignore[0] {type: security-group, id: sg-0ab*}}. */
    public String describe() {
        List<String> parts = new ArrayList<>(5);
        if (type != null) {
            parts.add("type: " + type.key());
        }
        if (region != null) {
            parts.add("region: " + region);
        }
        if (id != null) {
            parts.add("id: " + id);
        }
        if (name != null) {
            parts.add("name: " + name);
        }
        if (tagKey != null) {
            parts.add("tag: " + tagKey + (tagValue == null ? "" : "=" + tagValue));
        }
        return source + " {" + String.join(", ", parts) + "}";
    }

    /** A glob as a regex: {@code *} any run of characters, {@code ?} one; everything else as it is. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder(glob.length() + 8);
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
