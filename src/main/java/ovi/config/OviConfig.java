package ovi.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import ovi.model.Declaration;
import ovi.model.DesiredResource;
import ovi.model.Field;
import ovi.model.IgnoreRule;

/**
 * A loaded, valid config. Build one with {@link ConfigLoader}; every value here has been checked.
 *
 * @param file      where it was read from; may be null when it was parsed from text
 * @param provider  always {@code aws} for now
 * @param region    the default region
 * @param owner     the value of the {@code ovi:owner} tag on everything this config manages
 * @param accounts  the 12-digit account ids the config may be applied to; empty means any
 * @param blessed   ovi ids or cloud ids that must never be deleted
 * @param rateLimits requests per second ovi sends each service it names (rateLimits:), the rest at their defaults
 * @param resources the entries in config order
 * @param ignore    the top-level rules of unmanaged resources not to notify, in config order
 * @param notifyTargets where findings, applied actions and failures are sent ({@code notify:}), in config order
 */
public record OviConfig(Path file, String provider, String region, String owner,
                        List<String> accounts, Set<String> blessed, Map<String, RateLimit> rateLimits,
                        List<ResourceSpec> resources, List<IgnoreRule> ignore, List<ovi.model.NotifyTarget> notifyTargets) {
    public OviConfig(Path file, String provider, String region, String owner, List<String> accounts, Set<String> blessed,
                     Map<String, RateLimit> rateLimits, List<ResourceSpec> resources, List<IgnoreRule> ignore) {
        this(file, provider, region, owner, accounts, blessed, rateLimits, resources, ignore, List.of());
    }

    public OviConfig(Path file, String provider, String region, String owner, List<String> accounts, Set<String> blessed,
                     Map<String, RateLimit> rateLimits, List<ResourceSpec> resources) {
        this(file, provider, region, owner, accounts, blessed, rateLimits, resources, List.of());
    }

    /** One service's rates, requests per second; null where the config leaves the default. */
    public record RateLimit(Double reads, Double writes) {
    }

    public OviConfig(Path file, String provider, String region, String owner, List<String> accounts, Set<String> blessed,
                     List<ResourceSpec> resources) {
        this(file, provider, region, owner, accounts, blessed, Map.of(), resources);
    }

    public OviConfig {
        rateLimits = Map.copyOf(rateLimits);
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(owner, "owner");
        accounts = List.copyOf(accounts);
        // Keep the order written in the file so listings read the way the config does.
        blessed = Collections.unmodifiableSet(new LinkedHashSet<>(blessed));
        resources = List.copyOf(resources);
        ignore = List.copyOf(ignore);
        notifyTargets = List.copyOf(notifyTargets);
    }

    /**
     * Every resource the config declares, in config order, {@code <name>-0} to {@code <name>-(count-1)}, with
     * the defaults of the fields it leaves out (a name {@code <owner>-<id>}).
     */
    public List<DesiredResource> desired() {
        List<DesiredResource> all = new ArrayList<>();
        for (ResourceSpec spec : resources) {
            for (int n = 0; n < spec.count(); n++) {
                String id = spec.name() + "-" + n;
                Map<String, String> attributes = new LinkedHashMap<>(spec.attributes());
                for (Field f : spec.type().fields()) {
                    if (f.byDefault() != null && !attributes.containsKey(f.name())) {
                        attributes.put(f.name(), f.byDefault().of(owner, id, spec.attributes()));
                    }
                }
                all.add(new DesiredResource(id, spec.type(), spec.region(), attributes, spec.tags(), spec.ignore(),
                        spec.adopt()));
            }
        }
        return List.copyOf(all);
    }

    /** The default region and every region a resource names: where ovi has to look. */
    public SortedSet<String> regions() {
        SortedSet<String> regions = new TreeSet<>();
        regions.add(region);
        resources.forEach(r -> regions.add(r.region()));
        return Collections.unmodifiableSortedSet(regions);
    }

    /** What the config declares, as the engine reads it. */
    public Declaration declaration() {
        return new Declaration(file, owner, accounts, blessed, desired(), regions(), ignore);
    }

    /** True if the ovi id or cloud id is listed under {@code blessed:}. */
    public boolean blessed(String idOrCloudId) {
        return blessed.contains(idOrCloudId);
    }
}
