package ovi.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.engine.ObservationBatch;
import ovi.engine.ResourceObserver;
import ovi.model.DesiredResource;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.model.Scope;

/**
 * Observes a {@link SyntheticWorld} with no network: every declared resource exists with stable cloud
 * ids, except that one in every {@code driftEvery} differs from its declaration (size for instances, a
 * tag for buckets). Its work is what remains of observation once the API calls are taken away: building
 * one {@link Observation} per resource.
 */
final class SyntheticObserver implements ResourceObserver {
    private final SyntheticWorld world;
    private final int driftEvery;
    private final long calls;

    /** @param driftEvery one resource in this many drifts; 0 for none */
    SyntheticObserver(SyntheticWorld world, int driftEvery, Set<Scope> scopes) {
        this.world = world;
        this.driftEvery = driftEvery;
        this.calls = world.modelledAwsCalls(scopes);
    }

    @Override
    public String account() {
        return "123456789012";
    }

    /** The calls a real observer would have made for the same world. */
    @Override
    public long apiCalls() {
        return calls;
    }

    @Override
    public ObservationBatch observe(Set<Scope> scopes) {
        List<Observation> out = new ArrayList<>(world.n + world.n / 50);
        List<DesiredResource> desired = world.desired;
        for (int i = 0; i < desired.size(); i++) {
            DesiredResource d = desired.get(i);
            if (!scopes.contains(d.scope())) {
                continue;
            }
            boolean drift = driftEvery > 0 && i % driftEvery == 0;
            Map<String, String> tags = new HashMap<>(d.allTags(SyntheticWorld.OWNER));
            Map<String, String> attrs = new HashMap<>();
            String cloudId;
            switch (d.type().key()) {
                case "ec2" -> {
                    cloudId = String.format("i-%017x", i);
                    attrs.put("size", drift ? "t3.large" : d.attribute("size"));
                    attrs.put("image", d.attribute("image"));
                    attrs.put("state", "running");
                }
                case "rds" -> {
                    cloudId = d.id();
                    attrs.put("size", drift ? "db.t3.large" : d.attribute("size"));
                    attrs.put("engine", d.attribute("engine"));
                    attrs.put("storage", d.attribute("storage"));
                    attrs.put("state", "available");
                }
                default -> {
                    cloudId = d.attribute("bucket");
                    // a managed bucket is observed with its settings, as declared
                    d.type().compared().forEach(f -> {
                        if (d.attribute(f.name()) != null) {
                            attrs.put(f.name(), d.attribute(f.name()));
                        }
                    });
                    if (drift) {
                        tags.put("team", "someone-else");
                    }
                }
            }
            out.add(new Observation(d.type(), d.region(), cloudId, attrs, tags));
        }
        for (int r = 0; r < SyntheticWorld.REGIONS.size(); r++) {
            String region = SyntheticWorld.REGIONS.get(r);
            if (!scopes.contains(Scope.of(Ec2Kind.TYPE, region))) {
                continue;
            }
            for (int u = 0; u < world.unmanagedPerRegion(); u++) {
                out.add(new Observation(Ec2Kind.TYPE, region, String.format("i-f%02d%014x", r, u),
                        Map.of("size", "m5.large", "image", "ami-0000", "state", "running"), Map.of("Name", "hand-made-" + u)));
            }
        }
        return new ObservationBatch(out, Map.of(), scopes);
    }
}
