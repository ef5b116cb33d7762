package ovi.model;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a config declares, as the engine reads it: the owner, where ovi may act, what must never be deleted
 * and every resource, expanded and defaulted. The config loader makes one; the engine knows nothing of YAML.
 *
 * @param file     where it was read from, for messages; may be null
 * @param owner    the value of the {@code ovi:owner} tag on everything declared
 * @param accounts the 12-digit account ids ovi may act in; empty means any
 * @param blessed  ovi ids or cloud ids that must never be deleted
 * @param desired  every declared resource, in config order
 * @param regions  the default region and every region a resource names: where ovi looks
 * @param ignore   the rules ({@code ignore:}) of unmanaged resources not to notify
 */
public record Declaration(Path file, String owner, List<String> accounts, Set<String> blessed,
                          List<DesiredResource> desired, SortedSet<String> regions, List<IgnoreRule> ignore) {
    public Declaration(Path file, String owner, List<String> accounts, Set<String> blessed,
                       List<DesiredResource> desired, SortedSet<String> regions) {
        this(file, owner, accounts, blessed, desired, regions, List.of());
    }

    public Declaration {
        ignore = List.copyOf(ignore);
        Objects.requireNonNull(owner, "owner");
        accounts = List.copyOf(accounts);
        blessed = Collections.unmodifiableSet(new LinkedHashSet<>(blessed));
        desired = List.copyOf(desired);
        regions = Collections.unmodifiableSortedSet(new TreeSet<>(regions));
    }

    /** True if the ovi id or cloud id is listed under {@code blessed:}. */
    public boolean blessed(String idOrCloudId) {
        return blessed.contains(idOrCloudId);
    }
}
