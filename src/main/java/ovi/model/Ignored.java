package ovi.model;

import java.util.List;
import java.util.Objects;

/**
 * A finding the config asked ovi to keep quiet about: not acted on and not notified, but never lost; the
 * plan counts it and lists it on request.
 *
 * @param kind    {@code drifted} (declared fields or tags left out of the comparison) or {@code unmanaged}
 *                (a resource ovi does not manage, matched by a top-level rule)
 * @param id      the ovi id of a managed resource, the cloud id of an unmanaged one
 * @param type    the resource type
 * @param region  the region
 * @param cloudId the cloud id
 * @param what    what was ignored: the differences left out ({@code size: t3.micro -> t3.small}), or why the
 *                resource would have been notified
 * @param rule    which rule: {@code resources[0].ignore} or {@code ignore[1] {id: sg-0ab*}}
 */
public record Ignored(String kind, String id, ResourceType type, String region, String cloudId, List<String> what,
                      String rule) {
    public Ignored {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(rule, "rule");
        what = List.copyOf(what);
    }
}
