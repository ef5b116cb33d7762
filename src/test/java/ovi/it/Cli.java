package ovi.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ovi.Ovi;

/** Runs ovi's command line in-process, as a user would type it, capturing stdout and stderr. */
public final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Result(int code, String out, String err) {
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("stdout is not JSON: " + e.getMessage() + "\nstdout:\n" + out + "\nstderr:\n" + err);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private Cli() {
    }

    /**
     * ovi as a process of its own, as cron starts it: the packaged jar (failsafe runs after package) with
     * the pom's JVM flags, plus {@code jvmExtra}.
     */
    public static ProcessBuilder process(List<String> jvmExtra, String... args) throws java.io.IOException {
        Path dist = Path.of(System.getProperty("ovi.dist", "target"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(Files.readString(dist.resolve("jvm.options")).trim().split("\\s+")));
        if (Runtime.version().feature() >= 24) {
            cmd.addAll(JDK24_FLAGS);
        }
        cmd.addAll(jvmExtra);
        cmd.addAll(List.of("-jar", dist.resolve("ovi.jar").toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /**
     * What bin/ovi adds on JDK 24 and later, so that the JDK does not warn about Chronicle's use of
     * sun.misc.Unsafe (or a library's native code) on stderr, which the tests read.
     */
    static final List<String> JDK24_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    /** Waits (bounded, 30 s) until the claims in {@code state} have lapsed, as the next cron run would find them. */
    public static void awaitNoLiveClaim(Path state) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonNode s = run("status", "--state-dir", state.toString(), "-o", "json").json();
            if (s.get("claims").isEmpty()) {
                return;
            }
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "claims never lapsed: "
                    + s.get("claims"));
            Thread.sleep(200);
        }
    }

    /** Reads a process's stderr until {@code line} appears (or it ends, which fails the test). */
    public static void awaitLine(Process p, String line) throws java.io.IOException {
        StringBuilder seen = new StringBuilder();
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        for (String l; (l = err.readLine()) != null; ) {
            seen.append(l).append('\n');
            if (l.contains(line)) {
                return;
            }
        }
        throw new AssertionError("ovi ended before '" + line + "'; stderr:\n" + seen);
    }

    /** plan or apply of {@code config} on {@code state}, quiet, as JSON; apply approved as cron's is. */
    public static Result json(String verb, Path config, Path state, String... extra) {
        List<String> args = new ArrayList<>(List.of(verb, "-c", config.toString(), "--state-dir", state.toString(), "-q",
                "-o", "json"));
        if (verb.equals("apply")) {
            args.add("--auto-approve");
        }
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ovi.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
