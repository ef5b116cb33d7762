package ovi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import ovi.bench.MotoBench.Timed;
import ovi.it.Moto;

/**
 * {@code ovi plan} beside a plain boto3 listing of the same instances (the API floor) and beside Cloud
 * Custodian's dry run of a policy that matches them, at each N, all against the moto server bench.sh
 * started and holding the same N instances for the three. Each tool runs as a fresh process, as a user
 * meets it; after one untimed run of each (ovi's first plan into its state directory, Python's and the
 * JVM's caches), {@code ROUNDS} rounds run the three in turn, and the median of each is kept (the machine
 * is shared, and a median moves less with a burst of other work than a best does). Every run is checked:
 * ovi's plan has no EC2 diff and no unobserved scope, boto3 listed N instances, and Custodian's
 * resources.json holds all N; anything else fails the benchmark. Then {@link PartitionListing} times
 * ovi's one sequential listing against a listing split by availability zone, on the same instances.
 *
 * <p>Usage: {@code CompareBench OUT.json OVI_LAUNCHER JAVA_FLAGS_FILE CLASSPATH PYTHON BOTO3_SCRIPT
 * CUSTODIAN N...}.
 */
public final class CompareBench {
    static final int ROUNDS = 3;
    static final String SCENARIO = "e2e-compare";
    static final String PARTITION = "e2e-partition";
    static final List<String> ZONES = List.of("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String launcher = args[1];
        String flags = Files.readString(Path.of(args[2])).trim();
        String classpath = args[3];
        String python = args[4];
        String boto3Script = args[5];
        String custodian = args[6];
        List<BenchRow> rows = new ArrayList<>();
        for (String size : Arrays.asList(args).subList(7, args.length)) {
            rows.addAll(compare(Integer.parseInt(size), launcher, flags, classpath, python, boto3Script, custodian));
        }
        BenchReport.write(Path.of(args[0]), rows);
    }

    static List<BenchRow> compare(int n, String launcher, String flags, String classpath, String python,
                                  String boto3Script, String custodian) throws Exception {
        Moto.reset();
        long t0 = System.nanoTime();
        MotoBench.seed(n, ZONES);
        System.err.printf("bench: seeded moto with %d instances over %d zones in %.1f s (load average %s)%n", n,
                ZONES.size(), (System.nanoTime() - t0) / 1e9, loadAverage());
        Path dir = Files.createTempDirectory("ovi-bench-compare");
        try {
            Path config = dir.resolve("bench.yaml");
            Files.writeString(config, """
                    version: v1
                    provider: aws
                    region: %s
                    owner: %s
                    resources:
                    """.formatted(Moto.REGION, MotoBench.OWNER) + MotoBench.entries(n));
            Path policy = dir.resolve("custodian.yaml");
            Files.writeString(policy, """
                    policies:
                      - name: bench-ec2
                        resource: ec2
                        filters:
                          - "tag:ovi:owner": %s
                    """.formatted(MotoBench.OWNER));
            Path custodianOut = dir.resolve("custodian-out");
            // moto renders every instance of a page with a scan of all its tags, so a page of 5,000 takes
            // longer than the 20 s --attempt-timeout allows; boto3's read timeout is raised to match
            List<String> ovi = List.of(launcher, "plan", "-c", config.toString(), "--state-dir",
                    dir.resolve("state").toString(), "-o", "json", "-q", "--attempt-timeout", "10m", "--call-timeout", "30m");
            List<String> boto3 = List.of(python, boto3Script, Moto.REGION);
            List<String> c7n = List.of(custodian, "run", "--dryrun", "--cache-period", "0", "-s",
                    custodianOut.toString(), "--region", Moto.REGION, policy.toString());

            // untimed: ovi's first plan fills its store; each tool's first run warms the OS and its caches
            checkPlan(Timed.run(ovi).out(), n, false);
            checkBoto3(Timed.run(boto3), n);
            runCustodian(c7n, custodianOut, n);

            double[] oviS = new double[ROUNDS];
            double[] botoS = new double[ROUNDS];
            double[] c7nS = new double[ROUNDS];
            long oviCalls = -1;
            long botoCalls = -1;
            long c7nCalls = -1;
            for (int i = 0; i < ROUNDS; i++) {
                Timed t = Timed.run(ovi);
                oviCalls = checkPlan(t.out(), n, true);
                oviS[i] = t.seconds();
                t = Timed.run(boto3);
                botoCalls = checkBoto3(t, n);
                botoS[i] = t.seconds();
                long before = motoRequests();
                c7nS[i] = runCustodian(c7n, custodianOut, n);
                long after = motoRequests();
                c7nCalls = before < 0 || after < 0 ? -1 : after - before;
            }
            double o = median("ovi-plan", n, oviS);
            double b = median("boto3-listing", n, botoS);
            double c = median("custodian-dryrun", n, c7nS);
            List<BenchRow> rows = new ArrayList<>(List.of(
                    new BenchRow(SCENARIO, "ovi-plan", n, o, -1, oviCalls, 0),
                    new BenchRow(SCENARIO, "boto3-listing", n, b, -1, botoCalls, -1),
                    new BenchRow(SCENARIO, "custodian-dryrun", n, c, -1, c7nCalls, -1),
                    new BenchRow(SCENARIO, "ratio ovi-plan/boto3-listing", n, o / b, -1, -1, -1),
                    new BenchRow(SCENARIO, "ratio ovi-plan/custodian-dryrun", n, o / c, -1, -1, -1)));
            rows.addAll(partition(n, flags, classpath));
            return rows;
        } finally {
            PlanBench.delete(dir);
        }
    }

    /** The sequential and the partitioned listing, in one fresh JVM with bin/ovi's flags. */
    private static List<BenchRow> partition(int n, String flags, String classpath) throws Exception {
        List<String> java = new ArrayList<>();
        java.add(System.getProperty("java.home") + "/bin/java");
        java.addAll(List.of(flags.split("\\s+")));
        java.addAll(List.of("-cp", classpath, PartitionListing.class.getName(), Moto.REGION, Integer.toString(n)));
        List<BenchRow> rows = new ArrayList<>();
        for (String line : Timed.run(java).out().strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            System.err.printf("bench: n=%d sdk-%s in-process runs %s s (median %s)%n", n, f[0],
                    String.join(" ", Arrays.asList(f).subList(4, f.length)), f[1]);
            rows.add(new BenchRow(PARTITION, "sdk-" + f[0], n, Double.parseDouble(f[1]), -1, Long.parseLong(f[2]), -1));
        }
        rows.add(new BenchRow(PARTITION, "ratio partitioned/sequential", n, rows.get(1).seconds() / rows.get(0).seconds(),
                -1, -1, -1));
        return rows;
    }

    /** A plan of the seeded world saw every scope and, when steady, changes nothing; its AWS calls. */
    private static long checkPlan(String out, int n, boolean steady) throws IOException {
        JsonNode plan = JSON.readTree(out);
        List<JsonNode> ec2 = new ArrayList<>();
        plan.path("diffs").forEach(d -> {
            if (d.path("type").asText().equals("ec2")) {
                ec2.add(d);
            }
        });
        // moto's default security group is the one other thing in the region, an unmanaged diff
        if (steady && !ec2.isEmpty() || !plan.path("unobserved").isEmpty()) {
            throw new IllegalStateException("ovi plan of " + n + " seeded instances is not steady: EC2 diffs "
                    + ec2.size() + (ec2.isEmpty() ? "" : " (the first: " + ec2.get(0) + ")") + ", unobserved "
                    + plan.path("unobserved"));
        }
        return plan.path("awsCalls").asLong(-1);
    }

    /** boto3 listed every seeded instance; its HTTP requests. */
    private static long checkBoto3(Timed t, int n) {
        String[] f = t.out().trim().split("\\s+");
        if (Integer.parseInt(f[0]) != n) {
            throw new IllegalStateException("the boto3 listing found " + f[0] + " instances, not " + n);
        }
        return Long.parseLong(f[1]);
    }

    /** One dry run into an empty output directory; fails unless its resources.json holds all n. */
    private static double runCustodian(List<String> command, Path out, int n) throws Exception {
        if (Files.exists(out)) {
            PlanBench.delete(out);
        }
        Timed t = Timed.run(command);
        Path resources = out.resolve("bench-ec2").resolve("resources.json");
        if (!Files.exists(resources)) {
            throw new IllegalStateException("custodian wrote no " + resources);
        }
        JsonNode found = JSON.readTree(resources.toFile());
        long tagged = 0;
        for (JsonNode r : found) {
            for (JsonNode tag : r.path("Tags")) {
                if (tag.path("Key").asText().equals("ovi:owner") && tag.path("Value").asText().equals(MotoBench.OWNER)) {
                    tagged++;
                }
            }
        }
        if (found.size() != n || tagged != n) {
            throw new IllegalStateException("FAILED: custodian matched " + found.size() + " resources (" + tagged
                    + " with the owner tag) of the " + n + " seeded instances");
        }
        return t.seconds();
    }

    /** Requests moto has logged so far (its log is named by moto.sh), or -1 without one. */
    private static long motoRequests() throws IOException {
        String log = System.getenv("MOTO_LOG");
        if (log == null || !Files.exists(Path.of(log))) {
            return -1;
        }
        try (Stream<String> lines = Files.lines(Path.of(log))) {
            return lines.filter(l -> l.contains(" HTTP/1.1\" ")).count();
        }
    }

    /** The 1, 5 and 15 minute load averages, the machine being shared. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double median(String stage, int n, double[] seconds) {
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        StringBuilder all = new StringBuilder();
        for (double s : seconds) {
            all.append(String.format(Locale.ROOT, " %.3f", s));
        }
        System.err.printf(Locale.ROOT, "bench: n=%d %s runs%s s (median %.3f), load average %s%n", n, stage, all,
                sorted[ROUNDS / 2], loadAverage());
        return sorted[ROUNDS / 2];
    }

    private CompareBench() {
    }
}
