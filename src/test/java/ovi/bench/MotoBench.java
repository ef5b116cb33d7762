package ovi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import ovi.it.Moto;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * {@code ovi plan} end to end against the moto server bench.sh started, beside the floor: a plain
 * paginated DescribeInstances of the same instances through the SDK. Both run as fresh processes, JVM
 * start included, since that is how a user meets them; each is timed {@code REPEAT} times and the best
 * time kept, the machine being shared.
 *
 * <p>Usage: {@code MotoBench OUT.json OVI_LAUNCHER JAVA_FLAGS_FILE CLASSPATH [N]}.
 */
public final class MotoBench {
    static final int REPEAT = 3;
    static final String OWNER = "team-bench";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String launcher = args[1];
        String flags = Files.readString(Path.of(args[2])).trim();
        String classpath = args[3];
        int n = args.length > 4 ? Integer.parseInt(args[4]) : 1000;

        Moto.reset();
        long t0 = System.nanoTime();
        seed(n);
        System.err.printf("bench: seeded moto with %d instances in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);

        Path dir = Files.createTempDirectory("ovi-bench-e2e");
        Path config = dir.resolve("bench.yaml");
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: %s
                resources:
                  - type: ec2
                    name: web
                    count: %d
                    size: t3.micro
                    image: ami-12c6146b
                """.formatted(OWNER, n));
        Path state = dir.resolve("state");
        List<String> plan = List.of(launcher, "plan", "-c", config.toString(), "--state-dir", state.toString(),
                "-o", "json", "-q");

        // untimed: the first plan after a build writes bin/ovi's class-data sharing archive
        Timed.run(List.of(launcher, "plan", "-c", config.toString(), "--state-dir", dir.resolve("warm-up").toString(),
                "-o", "json", "-q"));
        List<BenchRow> rows = new ArrayList<>();
        Timed first = Timed.run(plan);
        rows.add(new BenchRow("e2e-moto", "ovi plan (first)", n, first.seconds, -1, awsCalls(first.out), -1));
        Timed planBest = null;
        for (int i = 0; i < REPEAT; i++) {
            Timed t = Timed.run(plan);
            planBest = planBest == null || t.seconds < planBest.seconds ? t : planBest;
        }
        rows.add(new BenchRow("e2e-moto", "ovi plan (steady)", n, planBest.seconds, -1, awsCalls(planBest.out), -1));

        List<String> java = new ArrayList<>();
        java.add(System.getProperty("java.home") + "/bin/java");
        java.addAll(List.of(flags.split("\\s+")));
        java.addAll(List.of("-cp", classpath, SdkListing.class.getName()));
        Timed listBest = null;
        for (int i = 0; i < REPEAT; i++) {
            Timed t = Timed.run(java);
            listBest = listBest == null || t.seconds < listBest.seconds ? t : listBest;
        }
        String[] listed = listBest.out.trim().split("\\s+");
        if (Integer.parseInt(listed[0]) != n) {
            throw new IllegalStateException("the SDK listing found " + listed[0] + " instances, not " + n);
        }
        rows.add(new BenchRow("e2e-moto", "sdk listing (process)", n, listBest.seconds, -1, Long.parseLong(listed[1]), -1));
        rows.add(new BenchRow("e2e-moto", "sdk listing (in-process)", n, Double.parseDouble(listed[2]), -1,
                Long.parseLong(listed[1]), -1));
        rows.add(new BenchRow("e2e-moto", "ratio ovi plan / sdk listing", n, planBest.seconds / listBest.seconds, -1, -1, -1));
        BenchReport.write(out, rows);
        PlanBench.delete(dir);
    }

    /** n running instances, each tagged as one of the config's declared resources. */
    static void seed(int n) throws Exception {
        seed(n, List.of());
    }

    /**
     * n running instances, each tagged as one of the config's declared resources, spread evenly over
     * {@code zones} (moto's default zone when empty). RunInstances starts up to 1,000 per call.
     */
    static void seed(int n, List<String> zones) throws Exception {
        List<String> ids = new ArrayList<>(n);
        List<String> spread = zones.isEmpty() ? java.util.Collections.singletonList(null) : zones;
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            for (int z = 0; z < spread.size(); z++) {
                String zone = spread.get(z);
                int share = n / spread.size() + (z < n % spread.size() ? 1 : 0);
                for (int left = share; left > 0; left -= 1000) {
                    int c = Math.min(1000, left);
                    var run = RunInstancesRequest.builder().imageId("ami-12c6146b").instanceType(InstanceType.T3_MICRO)
                            .minCount(c).maxCount(c)
                            .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                                    .tags(tag("ovi:managed", "true"), tag("ovi:owner", OWNER)).build());
                    if (zone != null) {
                        run.placement(p -> p.availabilityZone(zone));
                    }
                    ec2.runInstances(run.build()).instances().stream().map(Instance::instanceId).forEach(ids::add);
                }
            }
            // the ovi:id differs per instance, and CreateTags gives one tag set to all the ids it names
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i);
                    String oviId = oviId(i);
                    done.add(pool.submit(() -> ec2.createTags(r -> r.resources(id).tags(tag("ovi:id", oviId)))));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    /** A config entry's count is at most 1,000: instance i is the (i % 1000)th of entry i / 1000. */
    static final int PER_ENTRY = 1000;

    static String entryName(int entry) {
        return entry == 0 ? "web" : "web" + entry;
    }

    static String oviId(int i) {
        return entryName(i / PER_ENTRY) + "-" + (i % PER_ENTRY);
    }

    /** The config's resources declaring n seeded instances: as many entries of at most 1,000 as it takes. */
    static String entries(int n) {
        StringBuilder sb = new StringBuilder();
        for (int e = 0; e * PER_ENTRY < n; e++) {
            sb.append("""
                      - type: ec2
                        name: %s
                        count: %d
                        size: t3.micro
                        image: ami-12c6146b
                    """.formatted(entryName(e), Math.min(PER_ENTRY, n - e * PER_ENTRY)));
        }
        return sb.toString();
    }

    private static Tag tag(String k, String v) {
        return Tag.builder().key(k).value(v).build();
    }

    static long awsCalls(String planJson) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(planJson).path("awsCalls").asLong(-1);
    }

    /** A process run to its end; its wall time and stdout. */
    record Timed(double seconds, String out) {
        static Timed run(List<String> command) throws IOException, InterruptedException {
            Path stdout = Files.createTempFile("ovi-bench", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT);
                long t0 = System.nanoTime();
                int code = pb.start().waitFor();
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (code != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " exited " + code);
                }
                return new Timed(seconds, Files.readString(stdout));
            } finally {
                Files.deleteIfExists(stdout);
            }
        }
    }

    private MotoBench() {
    }
}
