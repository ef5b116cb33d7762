package ovi.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.rds.RdsKind;
import ovi.aws.s3.S3Kind;
import ovi.config.OviConfig;
import ovi.config.ResourceSpec;
import ovi.model.DesiredResource;
import ovi.model.ResourceType;
import ovi.model.Scope;

/**
 * A config of {@code n} resources and the cloud that matches it, built in memory: 90% EC2 instances and
 * 9% RDS DB instances spread over three regions, 1% S3 buckets, and beside them 1% unmanaged instances
 * that every plan reports. Entries hold at most 1000 resources each, as a real config's do.
 */
final class SyntheticWorld {
    static final String OWNER = "team-bench";
    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-2");

    final int n;
    final OviConfig config;
    final List<DesiredResource> desired;

    SyntheticWorld(int n) {
        this.n = n;
        int s3 = Math.max(1, n / 100);
        int rds = n * 9 / 100;
        int ec2 = n - rds - s3;
        List<ResourceSpec> specs = new ArrayList<>();
        add(specs, Ec2Kind.TYPE, ec2, Map.of("size", "t3.micro", "image", "ami-12c6146b"));
        add(specs, RdsKind.TYPE, rds, Map.of("size", "db.t3.micro", "engine", "postgres", "storage", "20"));
        for (int i = 0; i < s3; i++) {
            String region = REGIONS.get(i % REGIONS.size());
            specs.add(new ResourceSpec("assets" + i, S3Kind.TYPE, 1, region,
                    Map.of("bucket", "bench-assets-" + i), Map.of("team", "bench")));
        }
        this.config = new OviConfig(null, "aws", REGIONS.get(0), OWNER, List.of(), Set.of(), specs);
        this.desired = config.desired();
        if (desired.size() != n) {
            throw new IllegalStateException("built " + desired.size() + " resources, not " + n);
        }
    }

    private static void add(List<ResourceSpec> specs, ResourceType type, int count, Map<String, String> attrs) {
        int entry = 0;
        for (int left = count; left > 0; entry++) {
            int c = Math.min(1000, left);
            String region = REGIONS.get(entry % REGIONS.size());
            specs.add(new ResourceSpec(type.key() + entry, type, c, region, attrs, Map.of("team", "bench")));
            left -= c;
        }
    }

    /** How many unmanaged instances each region holds beside the declared resources. */
    int unmanagedPerRegion() {
        return Math.max(1, n / 100 / REGIONS.size());
    }

    /**
     * The AWS calls {@code AwsResourceObserver} would make to observe this world at its page sizes: one
     * GetCallerIdentity, each scope's list pages (EC2 1000, RDS 100, S3 1000 a page, at least one page
     * each), one GetBucketTagging per bucket and, every bucket here being ovi's, four more for its
     * settings (GetBucketVersioning, GetBucketEncryption, GetPublicAccessBlock,
     * GetBucketLifecycleConfiguration).
     */
    long modelledAwsCalls(Set<Scope> scopes) {
        Map<Scope, Integer> counts = new HashMap<>();
        for (DesiredResource d : desired) {
            counts.merge(Scope.of(d.type(), d.region()), 1, Integer::sum);
        }
        long calls = 1;
        long buckets = 0;
        for (Scope s : scopes) {
            int k = counts.getOrDefault(s, 0);
            switch (s.type().key()) {
                case "ec2" -> calls += pages(k + unmanagedPerRegion(), 1000);
                case "rds" -> calls += pages(k, 100);
                default -> {
                    calls += pages(k, 1000);
                    buckets += k;
                }
            }
        }
        return calls + buckets * 5;
    }

    private static long pages(int items, int pageSize) {
        return Math.max(1, (items + pageSize - 1) / pageSize);
    }
}
