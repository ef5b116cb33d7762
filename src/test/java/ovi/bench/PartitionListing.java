package ovi.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import ovi.aws.AwsClients;
import ovi.aws.AwsSettings;
import ovi.aws.Traffic;
import ovi.aws.ec2.Ec2Kind;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AvailabilityZone;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * Whether listing a region's EC2 instances as disjoint partitions fetched at the same time beats the one
 * sequential pagination ovi's observer makes. One JVM, ovi's own {@link AwsClients} (HTTP client, retry
 * strategy, rate limits, reply checks; timeouts as CompareBench gives {@code ovi plan}), the SDK warmed by an untimed listing; then
 * {@code ROUNDS} rounds, each timing the sequential listing and the partitioned one in turn. A partition
 * is one availability zone of DescribeAvailabilityZones (the call is timed with it, as an observer would
 * have to make it), listed with the same page size and state filter plus an {@code availability-zone}
 * filter, one thread per zone.
 *
 * <p>Usage: {@code PartitionListing REGION N}; prints, per line, {@code stage median-seconds calls
 * instances all-seconds...}, and fails when a listing does not find exactly N distinct instances.
 */
public final class PartitionListing {
    static final int ROUNDS = 3;
    /** What {@code --attempt-timeout} and {@code --call-timeout} are given against moto (see CompareBench). */
    static final Duration ATTEMPT = Duration.ofMinutes(10);
    static final Duration CALL = Duration.ofMinutes(30);
    private static final List<String> LIVE = List.of("pending", "running", "stopping", "stopped");

    public static void main(String[] args) throws Exception {
        String region = args[0];
        int n = Integer.parseInt(args[1]);
        // ovi's defaults but for the timeouts: moto takes longer than 20 s to answer a page of thousands
        Traffic.Policy d = Traffic.Policy.defaults();
        Traffic.Policy policy = new Traffic.Policy(Map.of(), d.paced(), ATTEMPT, CALL, d.adaptive(), d.breakers());
        try (AwsClients aws = new AwsClients(AwsSettings.of(null, null), region, policy)) {
            Ec2Client ec2 = aws.client("ec2", region, Ec2Client::builder, b -> b, Ec2Kind.REPLIES);
            sequential(ec2); // untimed: class loading, connection set-up
            ExecutorService pool = Executors.newCachedThreadPool();
            double[] seq = new double[ROUNDS];
            double[] par = new double[ROUNDS];
            long seqCalls = 0;
            long parCalls = 0;
            int zones = 0;
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    long c0 = aws.calls();
                    long t0 = System.nanoTime();
                    check("sequential", sequential(ec2), n);
                    seq[i] = (System.nanoTime() - t0) / 1e9;
                    long c1 = aws.calls();
                    t0 = System.nanoTime();
                    Partitioned p = partitioned(ec2, pool);
                    par[i] = (System.nanoTime() - t0) / 1e9;
                    check("partitioned", p.ids(), n);
                    seqCalls = c1 - c0;
                    parCalls = aws.calls() - c1;
                    zones = p.zones();
                }
            } finally {
                pool.shutdown();
            }
            print("sequential", seq, seqCalls, n);
            print("partitioned-" + zones + "az", par, parCalls, n);
        }
    }

    static List<String> sequential(Ec2Client ec2) {
        return list(ec2, null);
    }

    record Partitioned(List<String> ids, int zones) {
    }

    static Partitioned partitioned(Ec2Client ec2, ExecutorService pool) throws Exception {
        List<String> zones = ec2.describeAvailabilityZones(r -> r.filters(Filter.builder().name("state")
                .values("available").build())).availabilityZones().stream().map(AvailabilityZone::zoneName).toList();
        List<Future<List<String>>> parts = new ArrayList<>();
        for (String z : zones) {
            parts.add(pool.submit(() -> list(ec2, z)));
        }
        List<String> ids = new ArrayList<>();
        for (Future<List<String>> f : parts) {
            ids.addAll(f.get());
        }
        return new Partitioned(ids, zones.size());
    }

    private static List<String> list(Ec2Client ec2, String zone) {
        List<Filter> filters = new ArrayList<>();
        filters.add(Filter.builder().name("instance-state-name").values(LIVE).build());
        if (zone != null) {
            filters.add(Filter.builder().name("availability-zone").values(zone).build());
        }
        List<String> ids = new ArrayList<>();
        for (var page : ec2.describeInstancesPaginator(r -> r.maxResults(1000).filters(filters))) {
            page.reservations().forEach(res -> res.instances().stream().map(Instance::instanceId).forEach(ids::add));
        }
        return ids;
    }

    private static void check(String how, List<String> ids, int n) {
        Set<String> distinct = new HashSet<>(ids);
        if (ids.size() != n || distinct.size() != n) {
            throw new IllegalStateException("the " + how + " listing found " + ids.size() + " instances ("
                    + distinct.size() + " distinct), not " + n);
        }
    }

    private static void print(String stage, double[] seconds, long calls, int n) {
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        StringBuilder all = new StringBuilder();
        for (double s : seconds) {
            all.append(String.format(Locale.ROOT, " %.3f", s));
        }
        System.out.printf(Locale.ROOT, "%s %.3f %d %d%s%n", stage, sorted[sorted.length / 2], calls, n, all);
    }

    private PartitionListing() {
    }
}
