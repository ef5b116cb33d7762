package ovi.config;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import ovi.config.YamlTree.Entry;
import ovi.config.YamlTree.Kind;
import ovi.config.YamlTree.ListNode;
import ovi.config.YamlTree.MapNode;
import ovi.config.YamlTree.Mark;
import ovi.config.YamlTree.Node;
import ovi.config.YamlTree.Scalar;
import ovi.model.Field;
import ovi.model.Reference;
import ovi.model.ResourceType;
import ovi.model.Tags;

/**
 * Checks a {@link YamlTree} against the config format and builds the {@link OviConfig}.
 *
 * <p>Every check records its problem and carries on, so one run shows the author everything to fix.
 * A value that fails its check is left out of the result; the result is only returned when nothing
 * failed.
 */
final class ConfigValidator {
    static final List<String> TOP_KEYS =
            List.of("version", "provider", "region", "owner", "accounts", "blessed", "ignore", "rateLimits", "notify",
                    "resources");
    /** The keys of a notify target. */
    static final List<String> NOTIFY_KEYS = List.of("topic", "webhook", "secretEnv", "events", "renotify", "timeout");
    /** The top-level keys every config must have. */
    static final List<String> REQUIRED_KEYS = List.of("version", "provider", "owner", "resources");
    /** The services a rate limit may be set for: those ovi calls. */
    static final List<String> RATE_SERVICES = ovi.model.AwsService.keys();
    static final List<String> COMMON_KEYS = List.of("type", "name", "count", "region", "ignore", "adopt", "tags");
    /** The keys of a top-level ignore rule. */
    static final List<String> RULE_KEYS = List.of("type", "region", "id", "name", "tag");
    static final int MAX_COUNT = 1000;
    /** The prefix of top-level keys ovi leaves to the author (anchors to merge from), as {@code x-defaults}. */
    static final String EXTENSION = "x-";

    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,40}");
    /** A cloud id to adopt: an instance or group id, a bucket, queue, topic, table, role or function name. */
    private static final Pattern CLOUD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/+=@,-]{0,254}");
    // The characters AWS allows in tag keys and values: letters, digits, white space and _ . : / = + - @
    private static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{N}\\p{Zs}_.:/=+\\-@]*");
    // AWS's own limits on tag keys and values.
    private static final int MAX_TAG_KEY = 128;
    private static final int MAX_TAG_VALUE = 256;

    private final Problems problems;
    /** Field values that name other declared resources, checked once every resource has been read. */
    private final List<Named> named = new ArrayList<>();
    /** The config file's directory: fields that name a file ({@code userData: file: boot.sh}) read it there. */
    private Path dir;

    /** A field value of resource {@code spec} that names other resources, and where it was written. */
    private record Named(String spec, String field, String key, Mark at) {
    }

    /** The environment the notify targets' secrets are read from, or null when they are not checked. */
    private final java.util.function.Function<String, String> env;
    /** The default region when the config names none (--region, AWS_REGION, the profile's), or null. */
    private final Region fallback;

    /** A default region from outside the config, and where it came from ("--region", "AWS_REGION"). */
    record Region(String id, String from) {
    }

    ConfigValidator(Problems problems) {
        this(problems, null, null);
    }

    ConfigValidator(Problems problems, Region fallback, java.util.function.Function<String, String> env) {
        this.problems = problems;
        this.fallback = fallback;
        this.env = env;
    }

    /** @return the config, or empty when any problem was found */
    Optional<OviConfig> validate(Node rootNode, Path file) {
        dir = file == null ? null : file.toAbsolutePath().getParent();
        if (!(rootNode instanceof MapNode root)) {
            problems.add(rootNode.at(), "", "the top level must be a mapping of " + String.join(", ", TOP_KEYS)
                    + ", not " + rootNode.describe());
            return Optional.empty();
        }
        int before = problems.count();
        // keys starting with x- are the config author's own: a place for anchors (x-defaults: &web ...)
        unknownKeys(new MapNode(root.entries().entrySet().stream().filter(e -> !e.getKey().startsWith(EXTENSION))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
                        LinkedHashMap::new)), root.at()), "", TOP_KEYS, "at the top level");

        required(root, "", "version").ifPresent(this::version);
        Optional<String> provider = required(root, "", "provider").flatMap(this::provider);
        Optional<String> region = root.get("region").isPresent() || fallback == null
                ? required(root, "", "region", "; or give the region with --region, AWS_REGION or the profile's region")
                        .flatMap(e -> region(e, "region"))
                : fallback(root);
        Optional<String> owner = required(root, "", "owner").flatMap(this::owner);
        List<String> accounts = root.get("accounts").map(this::accounts).orElse(List.of());
        Set<String> blessed = root.get("blessed").map(this::blessed).orElse(Set.of());
        List<ovi.model.IgnoreRule> ignore = root.get("ignore").map(this::ignoreRules).orElse(List.of());
        Map<String, OviConfig.RateLimit> rateLimits = root.get("rateLimits").map(this::rateLimits).orElse(Map.of());
        List<ResourceSpec> resources = required(root, "", "resources")
                .map(e -> resources(e, region.orElse(null))).orElse(List.of());

        if (problems.count() > before || provider.isEmpty() || region.isEmpty() || owner.isEmpty()) {
            root.get("notify").ifPresent(e -> notifyTargets(e, null)); // its own problems too, in one go
            return Optional.empty();
        }
        OviConfig config = new OviConfig(file, provider.get(), region.get(), owner.get(), accounts, blessed,
                rateLimits, resources, ignore);
        List<ovi.model.NotifyTarget> notify = root.get("notify").map(e -> notifyTargets(e, config)).orElse(List.of());
        if (problems.count() > before) {
            return Optional.empty();
        }
        return Optional.of(new OviConfig(file, provider.get(), region.get(), owner.get(), accounts, blessed,
                rateLimits, resources, ignore, notify));
    }

    private static final Pattern ARN = Pattern.compile("arn:(aws[a-z-]*):([a-z0-9-]{2,20}):([a-z0-9-]+):(\\d{12}):"
            + "([A-Za-z0-9_.-]{1,256})");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final int MAX_URL = 2048;
    /** The events a target takes when it says nothing: findings and their resolution. */
    private static final String DRIFT = ovi.model.NotifyTarget.EVENTS.get(0);

    /**
     * {@code notify:}: each target a topic (an ARN, or the name of a declared resource of a kind that can be
     * published to) or a webhook (an http or https URL and the variable holding its signing secret), with the
     * events it takes and how often an unresolved finding is sent again. {@code config} is null when the rest
     * of the config had problems: the targets are still checked, but a declared name cannot be resolved.
     */
    private List<ovi.model.NotifyTarget> notifyTargets(Entry e, OviConfig config) {
        List<ovi.model.NotifyTarget> out = new ArrayList<>();
        Set<String> keys = new java.util.HashSet<>();
        list(e, "notify").ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                Node item = list.items().get(i);
                String path = "notify[" + i + "]";
                if (!(item instanceof MapNode t)) {
                    problems.add(item.at(), path, "each notify target is a mapping with a topic (an SNS topic's ARN "
                            + "or a declared topic's name) or a webhook (an http or https URL), not " + item.describe());
                    continue;
                }
                int before = problems.count();
                if (t.get("secret").isPresent()) {
                    problems.add(t.get("secret").get().keyAt(), path + ".secret", "a secret never goes in the config: "
                            + "put it in an environment variable and name that variable in secretEnv");
                }
                for (Entry k : t.entries().values()) {
                    if (!NOTIFY_KEYS.contains(k.key()) && !k.key().equals("secret")) {
                        problems.add(k.keyAt(), path + "." + k.key(), "unknown key '" + k.key()
                                + "' in a notify target; allowed keys are " + String.join(", ", NOTIFY_KEYS));
                    }
                }
                Optional<Entry> topic = t.get("topic");
                Optional<Entry> webhook = t.get("webhook");
                if (topic.isPresent() == webhook.isPresent()) {
                    problems.add(t.at(), path, "a notify target has exactly one of topic (an SNS topic's ARN or a "
                            + "declared topic's name) and webhook (an http or https URL)"
                            + (topic.isPresent() ? ", not both" : ""));
                    continue;
                }
                // a value with a problem reads as the default here; the problem keeps the target out
                Set<String> events = t.get("events").map(v -> events(v, path + ".events"))
                        .orElse(Set.of(DRIFT));
                java.time.Duration renotify = t.get("renotify").map(v -> duration(v, path + ".renotify",
                        java.time.Duration.ofMinutes(1), java.time.Duration.ofDays(365), "1m", "365d"))
                        .orElse(ovi.model.NotifyTarget.RENOTIFY);
                ovi.model.NotifyTarget target;
                if (topic.isPresent()) {
                    for (String only : List.of("secretEnv", "timeout")) {
                        t.get(only).ifPresent(x -> problems.add(x.keyAt(), path + "." + only, only
                                + " is for webhooks; a topic is published to with the run's AWS credentials"));
                    }
                    target = topic(topic.get(), path + ".topic", config, events, renotify, path);
                } else {
                    java.time.Duration timeout = t.get("timeout").map(v -> duration(v, path + ".timeout",
                            java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(60), "100ms", "60s"))
                            .orElse(ovi.model.NotifyTarget.TIMEOUT);
                    Optional<String> url = webhookUrl(webhook.get(), path + ".webhook");
                    Optional<String> secretEnv = required(t, path, "secretEnv").flatMap(v -> secretEnv(v,
                            path + ".secretEnv"));
                    target = url.isPresent() && secretEnv.isPresent() && timeout != null
                            ? new ovi.model.NotifyTarget(ovi.model.NotifyTarget.Channel.WEBHOOK, url.get(), null, null,
                            secretEnv.get(), events, renotify, timeout, path) : null;
                }
                if (problems.count() > before || target == null) {
                    continue;
                }
                if (!keys.add(target.key())) {
                    problems.add(t.at(), path, "the same " + target.describe() + " is named twice in notify");
                    continue;
                }
                out.add(target);
            }
        });
        return out;
    }

    private Set<String> events(Entry e, String path) {
        Set<String> out = new java.util.LinkedHashSet<>();
        Optional<ListNode> l = list(e, path);
        if (l.isEmpty()) {
            return null;
        }
        if (l.get().items().isEmpty()) {
            problems.add(e.value().at(), path, "events names at least one of "
                    + String.join(", ", ovi.model.NotifyTarget.EVENTS) + " (leave it out for drift alone)");
            return null;
        }
        boolean bad = false;
        for (int i = 0; i < l.get().items().size(); i++) {
            Node n = l.get().items().get(i);
            if (n instanceof Scalar s && s.kind() == Kind.STRING && ovi.model.NotifyTarget.EVENTS.contains(s.text())) {
                out.add(s.text());
            } else {
                problems.add(n.at(), path + "[" + i + "]", "expected one of " + String.join(", ",
                        ovi.model.NotifyTarget.EVENTS) + ", got " + n.describe());
                bad = true;
            }
        }
        return bad ? null : out;
    }

    private java.time.Duration duration(Entry e, String path, java.time.Duration min, java.time.Duration max,
                                        String minText, String maxText) {
        if (e.value() instanceof Scalar s && s.kind() == Kind.STRING) {
            try {
                java.time.Duration d = ovi.model.Durations.parse(s.text());
                if (d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
                    return d;
                }
                problems.add(s.at(), path, "'" + s.text() + "' is out of range; it must be from " + minText + " to "
                        + maxText);
                return null;
            } catch (IllegalArgumentException ex) {
                // reported below
            }
        }
        problems.add(e.value().at(), path, "expected " + ovi.model.Durations.EXPECTED + " (from " + minText + " to "
                + maxText + "), got " + e.value().describe());
        return null;
    }

    private Optional<String> webhookUrl(Entry e, String path) {
        return string(e, path).filter(text -> {
            String why = null;
            java.net.URI u = null;
            try {
                u = new java.net.URI(text);
            } catch (java.net.URISyntaxException ex) {
                why = "it is not a URL (" + ex.getReason() + ")";
            }
            if (why == null) {
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    why = "a webhook is an http:// or https:// URL" + (u.getScheme() == null ? ""
                            : ", not " + u.getScheme() + ":");
                } else if (u.getHost() == null || u.getHost().isBlank()) {
                    why = "it names no host";
                } else if (u.getRawUserInfo() != null) {
                    why = "it carries a user and password; credentials never go in the config: the webhook is "
                            + "signed with the secret secretEnv names";
                } else if (text.length() > MAX_URL) {
                    why = "it is longer than " + MAX_URL + " characters";
                }
            }
            if (why != null) {
                problems.add(e.value().at(), path, "'" + (text.length() > 80 ? text.substring(0, 80) + "..." : text)
                        + "' is not a webhook ovi sends to: " + why);
                return false;
            }
            return true;
        });
    }

    private Optional<String> secretEnv(Entry e, String path) {
        return matching(e, path, ENV_NAME, "the name of an environment variable holding the webhook's signing "
                + "secret, such as OVI_WEBHOOK_SECRET").filter(name -> {
            if (env == null) {
                return true;
            }
            String v = env.apply(name);
            if (v == null || v.isEmpty()) {
                problems.add(e.value().at(), path, "the environment variable " + name + " is not set" + (v == null
                        ? "" : " (it is empty)") + "; it holds the secret the webhook's requests are signed with");
                return false;
            }
            return true;
        });
    }

    private ovi.model.NotifyTarget topic(Entry e, String path, OviConfig config, Set<String> events,
                                         java.time.Duration renotify, String targetPath) {
        Optional<String> text = string(e, path);
        if (text.isEmpty()) {
            return null;
        }
        String t = text.get();
        if (t.startsWith("arn:")) {
            java.util.regex.Matcher m = ARN.matcher(t);
            Optional<ResourceType> type = m.matches() ? ResourceType.parse(m.group(2)).filter(ResourceType::publishes)
                    : Optional.empty();
            if (type.isEmpty()) {
                problems.add(e.value().at(), path, "'" + t + "' is not the ARN of a topic ovi can publish to; expected "
                        + "arn:aws:<service>:<region>:<account>:<name> of " + publishable());
                return null;
            }
            if (!REGIONS.contains(m.group(3))) {
                problems.add(e.value().at(), path, "'" + m.group(3) + "' in " + t + " is not an AWS region this ovi "
                        + "knows; the nearest are " + nearest(m.group(3)));
                return null;
            }
            return new ovi.model.NotifyTarget(
                    ovi.model.NotifyTarget.Channel.TOPIC, t, type.get(), m.group(3), null, events, renotify,
                    ovi.model.NotifyTarget.TIMEOUT, targetPath);
        }
        if (config == null) {
            return null; // the resources had problems: a name cannot be resolved
        }
        Map<String, ResourceSpec> byName = new LinkedHashMap<>();
        config.resources().forEach(s -> byName.put(s.name(), s));
        Optional<Target> target = target(byName, t);
        if (target.isEmpty() || !target.get().spec().type().publishes()) {
            problems.add(e.value().at(), path, "'" + t + "' is " + (target.isEmpty() ? "not a declared resource"
                    : article(target.get().spec().type().noun()) + " " + target.get().spec().type().noun() + " ("
                    + target.get().spec().type() + ")") + "; topic is an ARN or the name of a declared "
                    + publishable() + " resource (with count 1)");
            return null;
        }
        ovi.model.DesiredResource d = config.desired().stream().filter(r -> r.id().equals(target.get().id()))
                .findFirst().orElseThrow();
        return new ovi.model.NotifyTarget(
                ovi.model.NotifyTarget.Channel.TOPIC, d.cloudId(), d.type(), d.region(), null, events, renotify,
                ovi.model.NotifyTarget.TIMEOUT, targetPath);
    }

    private static String publishable() {
        return String.join(" or ", ResourceType.all().stream().filter(ResourceType::publishes).map(ResourceType::key)
                .toList());
    }

    private void version(Entry e) {
        if (e.value() instanceof Scalar s
                && ((s.kind() == Kind.STRING && (s.text().equals("v1") || s.text().equals("1")))
                || (s.kind() == Kind.INTEGER && s.text().equals("1")))) {
            return;
        }
        problems.add(e.value().at(), "version", "unsupported version: " + e.value().describe()
                + "; this ovi reads version v1");
    }

    private Optional<String> provider(Entry e) {
        return string(e, "provider").filter(p -> {
            if (p.equals("aws")) {
                return true;
            }
            problems.add(e.value().at(), "provider", "unknown provider '" + p + "'; only aws is supported");
            return false;
        });
    }

    private Optional<String> owner(Entry e) {
        return matching(e, "owner", OWNER, "an owner of 1 to 64 letters, digits, '.', '_' or '-'");
    }

    private Optional<String> region(Entry e, String key) {
        return matching(e, key, REGION, "an AWS region such as us-east-1 or us-gov-west-1").filter(r -> {
            if (REGIONS.contains(r)) {
                return true;
            }
            problems.add(e.value().at(), key, "'" + r + "' is not an AWS region this ovi knows; the nearest are "
                    + nearest(r));
            return false;
        });
    }

    /** Every region the AWS SDK knows of, partitions included (GovCloud, China, ...). */
    private static final java.util.Set<String> REGIONS = software.amazon.awssdk.regions.Region.regions().stream()
            .map(software.amazon.awssdk.regions.Region::id).filter(id -> !id.startsWith("aws-"))
            .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));

    private static String nearest(String r) {
        return REGIONS.stream().sorted(java.util.Comparator.comparingInt((String k) -> distance(r, k))
                .thenComparing(k -> k)).limit(3).collect(java.util.stream.Collectors.joining(", "));
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }

    private List<String> accounts(Entry e) {
        List<String> accounts = new ArrayList<>();
        list(e, "accounts").ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                Node item = list.items().get(i);
                String key = "accounts[" + i + "]";
                // An unquoted id reads as a YAML integer; its text as written keeps any leading zero.
                if (item instanceof Scalar s && (s.kind() == Kind.STRING || s.kind() == Kind.INTEGER)
                        && ACCOUNT.matcher(s.text()).matches()) {
                    accounts.add(s.text());
                } else {
                    problems.add(item.at(), key, "expected a 12-digit AWS account id, got " + item.describe());
                }
            }
        });
        return accounts;
    }

    /** {@code rateLimits: {ec2: {reads: 10, writes: 2}}}: requests per second, each optional. */
    private Map<String, OviConfig.RateLimit> rateLimits(Entry e) {
        Map<String, OviConfig.RateLimit> out = new java.util.TreeMap<>();
        if (!(e.value() instanceof MapNode map)) {
            problems.add(e.value().at(), "rateLimits", "expected a mapping of service to {reads: N, writes: N} "
                    + "(requests per second), such as {ec2: {reads: 10, writes: 2}}, got " + e.value().describe());
            return out;
        }
        unknownKeys(map, "rateLimits", RATE_SERVICES, "in rateLimits (services ovi calls)");
        for (Entry service : map.entries().values()) {
            if (!RATE_SERVICES.contains(service.key())) {
                continue;
            }
            String path = "rateLimits." + service.key();
            if (!(service.value() instanceof MapNode rates)) {
                problems.add(service.value().at(), path, "expected {reads: N, writes: N} (requests per second), got "
                        + service.value().describe());
                continue;
            }
            unknownKeys(rates, path, List.of("reads", "writes"), "in " + path);
            Double reads = rates.get("reads").map(r -> rate(r, path + ".reads")).orElse(null);
            Double writes = rates.get("writes").map(w -> rate(w, path + ".writes")).orElse(null);
            if (reads != null || writes != null) {
                out.put(service.key(), new OviConfig.RateLimit(reads, writes));
            }
        }
        return out;
    }

    private Double rate(Entry e, String path) {
        if (e.value() instanceof Scalar s && (s.kind() == Kind.INTEGER || s.kind() == Kind.FLOAT)) {
            double d = Double.parseDouble(s.text());
            if (d >= 0.01 && d <= 10_000) {
                return d;
            }
        }
        problems.add(e.value().at(), path, "expected requests per second from 0.01 to 10000, such as 5 or 0.5, got "
                + e.value().describe());
        return null;
    }

    private Set<String> blessed(Entry e) {
        Set<String> blessed = new LinkedHashSet<>();
        list(e, "blessed").ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                Node item = list.items().get(i);
                if (item instanceof Scalar s && s.kind() == Kind.STRING && !s.text().isBlank()) {
                    blessed.add(s.text());
                } else {
                    problems.add(item.at(), "blessed[" + i + "]", "expected an ovi id such as web-0 or a cloud id"
                            + " such as i-0abc123, got " + item.describe());
                }
            }
        });
        return blessed;
    }

    private List<ResourceSpec> resources(Entry e, String defaultRegion) {
        List<ResourceSpec> specs = new ArrayList<>();
        Optional<ListNode> list = list(e, "resources");
        if (list.isEmpty()) {
            return specs;
        }
        Map<String, String> nameOwners = new HashMap<>();
        Map<String, String> identityOwners = new HashMap<>();
        List<Node> items = list.get().items();
        for (int i = 0; i < items.size(); i++) {
            String path = "resources[" + i + "]";
            if (items.get(i) instanceof MapNode entry) {
                resource(entry, i, path, defaultRegion, nameOwners, identityOwners).ifPresent(specs::add);
            } else {
                problems.add(items.get(i).at(), path, "each resource must be a mapping with at least a type, not "
                        + items.get(i).describe());
            }
        }
        return references(specs);
    }

    /**
     * Resolves each name a field gives in place of a cloud id to the one ovi id it stands for: it must be
     * declared, of a kind the field may name, in the same region, and no resource may depend on itself
     * through a chain of such names (the plan could not order them).
     */
    private List<ResourceSpec> references(List<ResourceSpec> specs) {
        if (named.isEmpty()) {
            return specs;
        }
        Map<String, ResourceSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        Map<String, Map<String, String>> rewritten = new HashMap<>();
        // spec name -> the spec names it refers to, with where the first such reference is written
        Map<String, Map<String, Named>> edges = new LinkedHashMap<>();
        for (Named n : named) {
            ResourceSpec spec = byName.get(n.spec());
            if (spec == null) {
                continue; // the resource itself had a problem, already reported
            }
            Field field = spec.type().field(n.field()).orElseThrow();
            String value = rewritten.getOrDefault(n.spec(), spec.attributes()).get(n.field());
            Map<String, String> ids = new HashMap<>();
            for (String name : Reference.in(value)) {
                Optional<Target> target = target(byName, name);
                if (target.isEmpty()) {
                    problems.add(n.at(), n.key(), "'" + name + "' is not a declared resource; declared names: "
                            + String.join(", ", byName.keySet()));
                    continue;
                }
                ResourceSpec to = target.get().spec();
                if (field.refersTo().isEmpty() || !field.refersTo().contains(to.type().key())) {
                    problems.add(n.at(), n.key(), "'" + name + "' is " + article(to.type().noun()) + " "
                            + to.type().noun() + " (" + to.type() + "); " + n.field() + " names "
                            + (field.refersTo().isEmpty() ? "no other resource" : String.join(" or ", new java.util.TreeSet<>(field.refersTo()))));
                    continue;
                }
                if (spec.type().regional() && to.type().regional() && !spec.region().equals(to.region())) {
                    problems.add(n.at(), n.key(), "'" + name + "' is in " + to.region() + ", but this resource is in "
                            + spec.region() + "; a reference names a resource in the same region");
                    continue;
                }
                ids.put(name, Reference.token(target.get().id()));
                edges.computeIfAbsent(n.spec(), k -> new LinkedHashMap<>()).putIfAbsent(to.name(), n);
            }
            String resolved = Reference.resolve(value, ids::get);
            if (field.set()) {
                resolved = Field.setValue(Field.elements(resolved));
            }
            rewritten.computeIfAbsent(n.spec(), k -> new LinkedHashMap<>(spec.attributes())).put(n.field(), resolved);
        }
        cycles(edges);
        List<ResourceSpec> out = new ArrayList<>(specs.size());
        for (ResourceSpec s : specs) {
            Map<String, String> a = rewritten.get(s.name());
            out.add(a == null ? s : new ResourceSpec(s.name(), s.type(), s.count(), s.region(), a, s.tags(), s.ignore(),
                    s.adopt()));
        }
        return out;
    }

    private record Target(ResourceSpec spec, String id) {
    }

    /** A config name of a resource with count 1, or an ovi id {@code <name>-<n>} within its count. */
    private static Optional<Target> target(Map<String, ResourceSpec> byName, String name) {
        ResourceSpec s = byName.get(name);
        if (s != null) {
            return s.count() == 1 ? Optional.of(new Target(s, name + "-0")) : Optional.empty();
        }
        int dash = name.lastIndexOf('-');
        if (dash > 0 && name.substring(dash + 1).matches("\\d{1,4}")) {
            ResourceSpec of = byName.get(name.substring(0, dash));
            int n = Integer.parseInt(name.substring(dash + 1));
            if (of != null && n < of.count() && name.equals(of.name() + "-" + n)) {
                return Optional.of(new Target(of, name));
            }
        }
        return Optional.empty();
    }

    /** Each cycle of references, reported once at the reference that closes it. */
    private void cycles(Map<String, Map<String, Named>> edges) {
        Set<String> done = new java.util.HashSet<>();
        for (String start : edges.keySet()) {
            walk(start, edges, new ArrayList<>(), done);
        }
    }

    private void walk(String at, Map<String, Map<String, Named>> edges, List<String> path, Set<String> done) {
        if (done.contains(at)) {
            return;
        }
        int i = path.indexOf(at);
        if (i >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(i, path.size()));
            cycle.add(at);
            Named closing = edges.get(path.get(path.size() - 1)).get(at);
            problems.add(closing.at(), closing.key(), "references form a cycle: " + String.join(" -> ", cycle)
                    + "; ovi could not tell which to create first");
            return;
        }
        path.add(at);
        for (String next : edges.getOrDefault(at, Map.of()).keySet()) {
            walk(next, edges, path, done);
        }
        path.remove(path.size() - 1);
        done.add(at);
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    private Optional<ResourceSpec> resource(MapNode entry, int index, String path, String defaultRegion,
                                            Map<String, String> nameOwners, Map<String, String> identityOwners) {
        int before = problems.count();
        unknownKeys(entry, path, resourceKeys(), "in a resource");

        Optional<ResourceType> type = required(entry, path, "type").flatMap(e -> type(e, path));
        type.ifPresent(t -> typeFields(entry, path, t));

        Optional<String> name = name(entry, index, path, type, nameOwners);
        // a declaration that names the resource itself (a bucket name) stands for one resource
        Optional<ResourceType> namesOne = type.filter(t -> t.identity().filter(f -> entry.get(f.name()).isPresent())
                .isPresent());
        int count = entry.get("count").map(e -> count(e, path, namesOne)).orElse(1);
        String region = entry.get("region").flatMap(e -> region(e, path + ".region")).orElse(defaultRegion);
        String adopt = entry.get("adopt").flatMap(e -> adopt(e, path, count, type, region, identityOwners)).orElse(null);
        Map<String, String> attributes = type.map(t -> attributes(entry, path, t, identityOwners)).orElse(Map.of());
        Map<String, String> tags = entry.get("tags").map(e -> tags(e, path + ".tags")).orElse(Map.of());
        java.util.SortedSet<String> ignore = entry.get("ignore").flatMap(e -> type.map(t -> ignoreFields(e, path
                + ".ignore", t))).orElse(new java.util.TreeSet<>());

        if (problems.count() > before || type.isEmpty() || name.isEmpty() || region == null) {
            return Optional.empty();
        }
        attributes.forEach((field, value) -> {
            if (Reference.unresolved(value)) {
                named.add(new Named(name.get(), field, path + "." + field, entry.get(field).orElseThrow().value().at()));
            }
        });
        return Optional.of(new ResourceSpec(name.get(), type.get(), count, region, attributes, tags, ignore, adopt));
    }

    /**
     * {@code adopt: <cloud id>}: the existing resource this entry stands for, one resource, and no other entry
     * may adopt the same one (two ovi ids on one resource could never both hold).
     */
    private Optional<String> adopt(Entry e, String path, int count, Optional<ResourceType> type, String region,
                                   Map<String, String> identityOwners) {
        String key = path + ".adopt";
        Optional<String> id = matching(e, key, CLOUD_ID, "the cloud id of an existing resource (an instance or group "
                + "id, a bucket, queue, topic, table, role or function name)");
        if (id.isEmpty()) {
            return id;
        }
        if (count != 1) {
            problems.add(e.value().at(), key, "adopt names one existing resource, so the count must be 1, not " + count);
            return Optional.empty();
        }
        if (type.isPresent()) {
            String first = identityOwners.putIfAbsent("adopt:" + type.get().key() + ":"
                    + (type.get().regional() ? region : ovi.model.Scope.GLOBAL) + ":" + id.get(), path);
            if (first != null) {
                problems.add(e.value().at(), key, "'" + id.get() + "' is already adopted by " + first
                        + "; one resource can be declared once");
                return Optional.empty();
            }
        }
        return id;
    }

    /**
     * {@code ignore: [size, tags.CostCenter]}: fields of the kind and single tags that never drift. The
     * resource's identity (a bucket's name) cannot be ignored: a different one is a different resource.
     */
    private java.util.SortedSet<String> ignoreFields(Entry e, String path, ResourceType type) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        List<String> can = type.fields().stream().filter(f -> !f.identity()).map(Field::name).toList();
        String takes = "ignore takes " + (can.isEmpty() ? "" : String.join(", ", can) + " or ")
                + ovi.model.DesiredResource.TAG_PREFIX + "<key>";
        list(e, path).ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                Node item = list.items().get(i);
                String key = path + "[" + i + "]";
                if (!(item instanceof Scalar s) || s.kind() != Kind.STRING || s.text().isBlank()) {
                    problems.add(item.at(), key, "expected a field name of " + type + " or "
                            + ovi.model.DesiredResource.TAG_PREFIX + "<key>, got " + item.describe() + "; " + takes);
                    continue;
                }
                String name = s.text();
                if (name.startsWith(ovi.model.DesiredResource.TAG_PREFIX)) {
                    String tag = name.substring(ovi.model.DesiredResource.TAG_PREFIX.length());
                    if (tag.isEmpty() || tag.length() > MAX_TAG_KEY || !TAG_TEXT.matcher(tag).matches()) {
                        problems.add(s.at(), key, "'" + name + "' does not name a tag; expected tags.<key>, a key of 1 to "
                                + MAX_TAG_KEY + " letters, digits, spaces and _ . : / = + - @");
                    } else if (Tags.reserved(tag) || tag.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
                        problems.add(s.at(), key, "'" + name + "' is a reserved tag ovi or AWS sets; it cannot be ignored");
                    } else {
                        out.add(name);
                    }
                    continue;
                }
                Optional<Field> field = type.field(name);
                if (field.isEmpty()) {
                    problems.add(s.at(), key, "unknown field '" + name + "' for " + type + "; " + takes);
                } else if (field.get().identity()) {
                    problems.add(s.at(), key, "'" + name + "' is the identity of " + article(type.noun()) + " "
                            + type.noun() + " (its cloud id), so it cannot be ignored; " + takes);
                } else {
                    out.add(name);
                }
            }
        });
        return out;
    }

    /**
     * The top-level {@code ignore:} list: each rule a mapping of type, region, id and name globs and a tag,
     * at least one of them, naming unmanaged resources not to notify.
     */
    private List<ovi.model.IgnoreRule> ignoreRules(Entry e) {
        List<ovi.model.IgnoreRule> rules = new ArrayList<>();
        list(e, "ignore").ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                Node item = list.items().get(i);
                String path = "ignore[" + i + "]";
                if (!(item instanceof MapNode rule) || rule.entries().isEmpty()) {
                    problems.add(item.at(), path, "each ignore rule is a mapping of at least one of "
                            + String.join(", ", RULE_KEYS) + ", such as {type: security-group, id: 'sg-0ab*'}, not "
                            + item.describe());
                    continue;
                }
                int before = problems.count();
                unknownKeys(rule, path, RULE_KEYS, "in an ignore rule");
                ResourceType type = rule.get("type").flatMap(t -> type(t, path)).orElse(null);
                String region = rule.get("region").flatMap(r -> region(r, path + ".region")).orElse(null);
                String id = rule.get("id").flatMap(g -> glob(g, path + ".id", "sg-0ab*")).orElse(null);
                String name = rule.get("name").flatMap(g -> glob(g, path + ".name", "legacy-*")).orElse(null);
                String[] tag = rule.get("tag").flatMap(t -> tagMatch(t, path + ".tag")).orElse(null);
                if (problems.count() > before) {
                    continue;
                }
                if (type == null && region == null && id == null && name == null && tag == null) {
                    continue; // only unknown keys, already reported
                }
                rules.add(new ovi.model.IgnoreRule(type, region, id, name, tag == null ? null : tag[0],
                        tag == null ? null : tag[1], path));
            }
        });
        return rules;
    }

    private Optional<String> glob(Entry e, String key, String example) {
        if (e.value() instanceof Scalar s && s.kind() == Kind.STRING && !s.text().isBlank()) {
            return Optional.of(s.text());
        }
        problems.add(e.value().at(), key, "expected a glob (a string, * for any characters, ? for one) such as "
                + example + ", got " + e.value().describe());
        return Optional.empty();
    }

    /** {@code tag: key} or {@code tag: key=value}: the key and the value, or null for any value. */
    private Optional<String[]> tagMatch(Entry e, String key) {
        if (e.value() instanceof Scalar s && s.kind() == Kind.STRING && !s.text().isBlank()) {
            int eq = s.text().indexOf('=');
            String k = eq < 0 ? s.text() : s.text().substring(0, eq);
            if (!k.isBlank()) {
                return Optional.of(new String[] {k, eq < 0 ? null : s.text().substring(eq + 1)});
            }
        }
        problems.add(e.value().at(), key, "expected a tag as key or key=value, such as team or team=legacy, got "
                + e.value().describe());
        return Optional.empty();
    }

    private Optional<ResourceType> type(Entry e, String path) {
        return string(e, path + ".type").flatMap(text -> {
            Optional<ResourceType> type = ResourceType.parse(text);
            if (type.isEmpty()) {
                problems.add(e.value().at(), path + ".type", "unknown resource type '" + text + "'; expected one of "
                        + keys(ResourceType.all()));
            }
            return type;
        });
    }

    /** Every key a resource may have: the common ones and every kind's fields. */
    static List<String> resourceKeys() {
        List<String> keys = new ArrayList<>(COMMON_KEYS.subList(0, COMMON_KEYS.size() - 1));
        ResourceType.all().forEach(t -> t.fields().forEach(f -> {
            if (!keys.contains(f.name())) {
                keys.add(f.name());
            }
        }));
        keys.add("tags");
        return keys;
    }

    /** Refuses another type's fields and reports this type's missing ones. */
    private void typeFields(MapNode entry, String path, ResourceType type) {
        List<String> own = type.fields().stream().map(Field::name).toList();
        for (Entry e : entry.entries().values()) {
            if (!own.contains(e.key()) && resourceKeys().contains(e.key()) && !COMMON_KEYS.contains(e.key())) {
                problems.add(e.keyAt(), path + "." + e.key(), "'" + e.key() + "' is not allowed for " + type
                        + "; " + type + " takes " + String.join(", ", own));
            }
        }
        for (Field f : type.fields()) {
            if (f.required() && entry.get(f.name()).isEmpty()) {
                problems.add(entry.at(), path + "." + f.name(), "missing required key '" + f.name() + "' for " + type);
            }
        }
    }

    private Optional<String> name(MapNode entry, int index, String path, Optional<ResourceType> type,
                                  Map<String, String> nameOwners) {
        Optional<Entry> explicit = entry.get("name");
        Optional<String> name;
        Mark at;
        if (explicit.isPresent()) {
            at = explicit.get().value().at();
            name = matching(explicit.get(), path + ".name", NAME,
                    "a name of a lower-case letter followed by up to 40 lower-case letters, digits or '-'");
        } else {
            at = entry.at();
            name = type.map(t -> t.key() + "-" + index);
        }
        if (name.isEmpty()) {
            return name;
        }
        String first = nameOwners.putIfAbsent(name.get(), path);
        if (first != null) {
            problems.add(at, path + ".name", "duplicate resource name '" + name.get() + "'"
                    + (explicit.isEmpty() ? " (the default for this entry)" : "") + "; " + first
                    + " already uses it");
            return Optional.empty();
        }
        return name;
    }

    private int count(Entry e, String path, Optional<ResourceType> namesOne) {
        String key = path + ".count";
        if (!(e.value() instanceof Scalar s) || s.kind() != Kind.INTEGER || s.integer() == null) {
            problems.add(e.value().at(), key, "count must be an integer from 0 to " + MAX_COUNT + ", not "
                    + e.value().describe());
            return 1;
        }
        if (s.integer().signum() < 0 || s.integer().compareTo(BigInteger.valueOf(MAX_COUNT)) > 0) {
            problems.add(s.at(), key, "count " + s.text() + " is out of range; it must be from 0 to " + MAX_COUNT);
            return 1;
        }
        int count = s.integer().intValueExact();
        if (namesOne.isPresent() && count != 1) {
            // The declaration names the resource itself (a bucket name): two copies could never both exist.
            ResourceType t = namesOne.get();
            problems.add(s.at(), key, "a" + ("aeiou".indexOf(t.key().charAt(0)) >= 0 ? "n " : " ") + t + " resource names one "
                    + t.noun() + ", so its count must be 1, not " + count);
        }
        return count;
    }

    /** The kind's fields, each read by its own reader; an identity field must be unique in the config. */
    private Map<String, String> attributes(MapNode entry, String path, ResourceType type,
                                           Map<String, String> identityOwners) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Field f : type.fields()) {
            entry.get(f.name()).flatMap(e -> field(e, path + "." + f.name(), f)).ifPresent(v -> {
                attributes.put(f.name(), v);
                if (f.identity()) {
                    String first = identityOwners.putIfAbsent(type.key() + ":" + v, path);
                    if (first != null) {
                        problems.add(entry.get(f.name()).get().value().at(), path + "." + f.name(), f.name() + " '" + v
                                + "' is already declared by " + first + "; " + type.noun() + " names are global");
                    }
                }
            });
        }
        return attributes;
    }

    private Optional<String> field(Entry e, String key, Field f) {
        Node n = e.value();
        Field.Value value = n instanceof Scalar s
                ? new Field.Value(s.text(), s.kind() == Kind.STRING, s.kind() == Kind.INTEGER || s.kind() == Kind.FLOAT,
                        plain(n), n.describe(), dir)
                : new Field.Value("", false, false, plain(n), n.describe(), dir);
        try {
            return Optional.of(f.reader().read(value));
        } catch (IllegalArgumentException ex) {
            problems.add(n.at(), key, ex.getMessage());
            return Optional.empty();
        }
    }

    /** A node as plain Java values, for a kind's field reader (which must not depend on the YAML reader). */
    private static Object plain(Node n) {
        if (n instanceof MapNode m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.entries().values().forEach(e -> out.put(e.key(), plain(e.value())));
            return out;
        }
        if (n instanceof ListNode l) {
            return l.items().stream().map(ConfigValidator::plain).toList();
        }
        Scalar s = (Scalar) n;
        return switch (s.kind()) {
            case STRING -> s.text();
            case INTEGER -> s.integer() != null && s.integer().bitLength() < 64 ? (Object) s.integer().longValue() : s.text();
            case FLOAT -> {
                try {
                    yield Double.valueOf(s.text());
                } catch (NumberFormatException ex) {
                    yield s.text(); // .inf, .nan: a reader refuses them as it would any other text
                }
            }
            case BOOLEAN -> Boolean.valueOf(s.text().toLowerCase(java.util.Locale.ROOT).matches("true|yes|on"));
            case NULL -> null;
        };
    }

    private Map<String, String> tags(Entry e, String key) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (e.value() instanceof Scalar s && s.kind() == Kind.NULL) {
            return tags; // "tags:" with every entry commented out
        }
        if (!(e.value() instanceof MapNode map)) {
            problems.add(e.value().at(), key, "tags must be a mapping of names to values, not "
                    + e.value().describe());
            return tags;
        }
        for (Entry tag : map.entries().values()) {
            String tagKey = key + "." + tag.key();
            if (Tags.reserved(tag.key())) {
                problems.add(tag.keyAt(), tagKey, "tag keys starting with 'ovi:' are reserved for ovi's own tags");
                continue;
            }
            if (tag.key().toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
                problems.add(tag.keyAt(), tagKey, "tag keys starting with 'aws:' are reserved by AWS");
                continue;
            }
            if (!TAG_TEXT.matcher(tag.key()).matches()) {
                problems.add(tag.keyAt(), tagKey, "a tag key may hold only letters, digits, spaces and _ . : / = + - @");
                continue;
            }
            if (tag.key().isBlank() || tag.key().length() > MAX_TAG_KEY) {
                problems.add(tag.keyAt(), tagKey, "a tag key must be 1 to " + MAX_TAG_KEY + " characters");
                continue;
            }
            // Numbers and booleans become their text: AWS tags are strings, and "version: 2" is natural.
            if (!(tag.value() instanceof Scalar v)) {
                problems.add(tag.value().at(), tagKey, "a tag value must be a string, number or boolean, not "
                        + tag.value().describe());
                continue;
            }
            if (v.kind() == Kind.NULL) {
                // "team:" reads as an empty string and "team: ~" as null: both say "no value", which AWS
                // keeps as an empty tag value
                tags.put(tag.key(), "");
                continue;
            }
            if (v.text().length() > MAX_TAG_VALUE) {
                problems.add(v.at(), tagKey, "a tag value must be at most " + MAX_TAG_VALUE + " characters");
                continue;
            }
            if (!TAG_TEXT.matcher(v.text()).matches()) {
                problems.add(v.at(), tagKey, "a tag value may hold only letters, digits, spaces and _ . : / = + - @");
                continue;
            }
            tags.put(tag.key(), v.text());
        }
        return tags;
    }

    // ---- shared checks ----

    private void unknownKeys(MapNode map, String path, List<String> allowed, String where) {
        for (Entry e : map.entries().values()) {
            if (!allowed.contains(e.key())) {
                problems.add(e.keyAt(), join(path, e.key()), "unknown key '" + e.key() + "' " + where
                        + "; allowed keys are " + String.join(", ", allowed));
            }
        }
    }

    /** The entry, or a problem pointing at the mapping that lacks it. */
    private Optional<Entry> required(MapNode map, String path, String key) {
        return required(map, path, key, "");
    }

    private Optional<Entry> required(MapNode map, String path, String key, String otherwise) {
        Optional<Entry> e = map.get(key);
        if (e.isEmpty()) {
            problems.add(map.at(), join(path, key), "missing required key '" + key + "'" + otherwise);
        }
        return e;
    }

    /** The default region from outside the config, which must be a region AWS has, as the config's must. */
    private Optional<String> fallback(MapNode root) {
        if (knownRegion(fallback.id())) {
            return Optional.of(fallback.id());
        }
        problems.add(root.at(), "region", "missing required key 'region', and " + fallback.from() + " '" + fallback.id()
                + "' is not an AWS region this ovi knows, such as us-east-1");
        return Optional.empty();
    }

    /** Whether {@code id} is a region AWS has ({@code us-east-1}), as a config's region must be. */
    static boolean knownRegion(String id) {
        return id != null && REGION.matcher(id).matches() && REGIONS.contains(id);
    }

    private Optional<String> string(Entry e, String key) {
        if (e.value() instanceof Scalar s && s.kind() == Kind.STRING) {
            return Optional.of(s.text());
        }
        problems.add(e.value().at(), key, "expected a string, got " + e.value().describe());
        return Optional.empty();
    }


    private Optional<String> matching(Entry e, String key, Pattern pattern, String expected) {
        return string(e, key).filter(v -> {
            if (pattern.matcher(v).matches()) {
                return true;
            }
            problems.add(e.value().at(), key, "'" + v + "' is not valid; expected " + expected);
            return false;
        });
    }

    private Optional<ListNode> list(Entry e, String key) {
        if (e.value() instanceof ListNode list) {
            return Optional.of(list);
        }
        if (e.value() instanceof Scalar s && s.kind() == Kind.NULL) {
            return Optional.of(new ListNode(List.of(), s.at())); // "accounts:" with nothing under it
        }
        problems.add(e.value().at(), key, "expected a list, got " + e.value().describe());
        return Optional.empty();
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String keys(List<ResourceType> types) {
        return String.join(", ", types.stream().map(ResourceType::key).toList());
    }
}
