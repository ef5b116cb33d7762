package ovi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import ovi.it.Moto;

/**
 * What a cron job pays for each run of a small account: {@code ovi plan} of {@code config-examples/small.yaml}
 * (applied once first) through bin/ovi, a fresh JVM each time with the class-data archive bin/ovi makes,
 * and {@code ovi --version}, on each JDK given. Each JDK gets a cache directory of its own, trains its
 * archive with one untimed plan, and waits until the archive is there (JDK 25's AOT cache is made in the
 * background after that plan); then the JDKs take turns, {@code ROUNDS} runs each, and the median, least
 * and most are kept.
 *
 * <p>Usage: {@code StartupBench OUT.json OVI_LAUNCHER JAVA_HOME...}.
 */
public final class StartupBench {
    static final int ROUNDS = 7;
    static final String SCENARIO = "startup";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String launcher = args[1];
        List<Path> jdks = Stream.of(args).skip(2).map(Path::of).toList();

        Moto.reset();
        Path dir = Files.createTempDirectory("ovi-bench-startup");
        Path config = dir.resolve("ovi.yaml");
        Files.copy(Path.of("config-examples/small.yaml"), config);
        List<String> plan = List.of(launcher, "plan", "-c", config.toString(), "--state-dir", dir.resolve("state").toString(), "-q");
        Map<Path, Map<String, String>> envs = new TreeMap<>();
        for (Path jdk : jdks) {
            envs.put(jdk, Map.of("JAVA_HOME", jdk.toString(), "XDG_CACHE_HOME", dir.resolve("cache-" + envs.size()).toString()));
        }
        Ran applied = run(List.of(launcher, "apply", "-c", config.toString(), "--state-dir", dir.resolve("state").toString(),
                "--auto-approve", "-q"), envs.get(jdks.get(0)));
        applied.expect(0, "apply of config-examples/small.yaml");

        for (Path jdk : jdks) {
            run(plan, envs.get(jdk)).expect(0, "the plan that trains the archive on " + jdk);
            awaitArchive(Path.of(envs.get(jdk).get("XDG_CACHE_HOME"), "ovi"), jdk);
        }
        Map<Path, List<Double>> plans = new TreeMap<>();
        Map<Path, List<Double>> versions = new TreeMap<>();
        Map<Path, List<String>> caches = new TreeMap<>();
        for (Path jdk : jdks) {
            caches.put(jdk, list(Path.of(envs.get(jdk).get("XDG_CACHE_HOME"), "ovi")));
        }
        for (int i = 0; i < ROUNDS; i++) {
            for (Path jdk : jdks) {
                Ran p = run(plan, envs.get(jdk));
                p.expect(0, "plan on " + jdk);
                plans.computeIfAbsent(jdk, k -> new ArrayList<>()).add(p.seconds);
                Ran v = run(List.of(launcher, "--version"), envs.get(jdk));
                v.expect(0, "--version on " + jdk);
                versions.computeIfAbsent(jdk, k -> new ArrayList<>()).add(v.seconds);
            }
        }
        List<BenchRow> rows = new ArrayList<>();
        for (Path jdk : jdks) {
            if (!list(Path.of(envs.get(jdk).get("XDG_CACHE_HOME"), "ovi")).equals(caches.get(jdk))) {
                throw new IllegalStateException("the timed plans on " + jdk + " made another archive: they did not start from it");
            }
            String java = "JDK " + release(jdk);
            List<Double> p = sorted(plans.get(jdk));
            rows.add(new BenchRow(SCENARIO, "small plan median, " + java, 5, p.get(p.size() / 2), -1, -1, -1));
            rows.add(new BenchRow(SCENARIO, "small plan least, " + java, 5, p.get(0), -1, -1, -1));
            rows.add(new BenchRow(SCENARIO, "small plan most, " + java, 5, p.get(p.size() - 1), -1, -1, -1));
            List<Double> v = sorted(versions.get(jdk));
            rows.add(new BenchRow(SCENARIO, "ovi --version median, " + java, 0, v.get(v.size() / 2), -1, -1, -1));
        }
        BenchReport.write(out, rows);
        PlanBench.delete(dir);
    }

    /** The archive bin/ovi keeps in {@code cache}: there once a .jsa or .aot is and no cache is still being made. */
    static void awaitArchive(Path cache, Path jdk) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<String> files = list(cache);
            boolean made = files.stream().anyMatch(f -> f.endsWith(".jsa") || f.endsWith(".aot"));
            if (made && files.stream().noneMatch(f -> f.endsWith(".conf"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no class-data archive in " + cache + " for " + jdk + " within 300 s: " + list(cache));
    }

    static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** The JDK's version as its release file gives it (25.0.3), else its directory's name. */
    static String release(Path jdk) throws IOException {
        Path release = jdk.resolve("release");
        if (Files.isRegularFile(release)) {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "");
                }
            }
        }
        return jdk.getFileName().toString();
    }

    private static List<Double> sorted(List<Double> xs) {
        return xs.stream().sorted().toList();
    }

    record Ran(double seconds, int code, String err) {
        void expect(int wanted, String what) {
            if (code != wanted) {
                throw new IllegalStateException(what + " exited " + code + ", not " + wanted + ": " + err);
            }
        }
    }

    static Ran run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile("ovi-bench", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(stderr.toFile());
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            p.getOutputStream().close();
            int code = p.waitFor();
            return new Ran((System.nanoTime() - t0) / 1e9, code, Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    private StartupBench() {
    }
}
