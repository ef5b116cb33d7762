package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive as a user gets it: unpacked into a directory of its own, made read-only, and run
 * with nothing but a JDK, through bin/ovi and through {@code java -jar lib/ovi.jar}. Nothing may be
 * written into the install: the class-data archive goes to the user's cache, the state beside the config.
 */
class DistributionIT {
    @TempDir
    static Path tmp;

    static Path home;
    static Path work;
    static Path cache;
    static Map<String, String> before;

    static final String VERSION = System.getProperty("ovi.version", "0.1.0-SNAPSHOT");

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("ovi.archive", "target/ovi-" + VERSION + ".tar.gz"));
        assertTrue(Files.isRegularFile(archive), archive + " is missing: failsafe runs after package");
        Path install = tmp.resolve("opt");
        Files.createDirectories(install);
        assertEquals(0, run(install, Map.of(), 120, "tar", "xzf", archive.toAbsolutePath().toString()).code());
        home = install.resolve("ovi-" + VERSION);
        work = tmp.resolve("work");
        cache = tmp.resolve("cache");
        Files.createDirectories(work);
        Files.copy(home.resolve("conf/small.yaml"), work.resolve("ovi.yaml"));
        assertEquals(0, run(tmp, Map.of(), 60, "chmod", "-R", "a-w", home.toString()).code());
        before = snapshot(home);
    }

    record Ran(int code, String out, String err) {
    }

    /** A process in {@code dir} with the test's environment (moto's endpoint and fake keys) plus {@code env}. */
    static Ran run(Path dir, Map<String, String> env, int seconds, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not end within " + seconds + " s; stderr:\n"
                    + Files.readString(err));
        }
        return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The environment of a user with a home and cache of their own, a JDK and the moto endpoint. */
    static Map<String, String> user() {
        Moto.endpoint(); // fails without a loopback moto
        return Map.of("HOME", tmp.resolve("home").toString(), "XDG_CACHE_HOME", cache.toString(),
                "JAVA_HOME", System.getProperty("java.home"), "AWS_REGION", Moto.REGION);
    }

    /** Every file and directory under {@code root} with its size and modification time. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                files.put(root.relativize(p).toString(), a.size() + " " + a.lastModifiedTime().toMillis()
                        + " " + Files.isWritable(p));
            }
        }
        return files;
    }

    static void assertInstallUntouched() throws IOException {
        assertEquals(before, snapshot(home), "something was written into the install");
    }

    @Test
    void archiveHoldsTheLauncherJarsConfigsDocsManPagesAndCompletion() {
        for (String f : List.of("bin/ovi", "lib/ovi.jar", "lib/jvm.options", "lib/picocli-4.7.7.jar", "conf/small.yaml",
                "conf/web-stack.yaml", "README.md", "LICENSE", "CHANGELOG.md", "completion/ovi.bash",
                "man/man1/ovi.1", "man/man1/ovi-plan.1", "man/man1/ovi-wal-show.1")) {
            assertTrue(Files.isRegularFile(home.resolve(f)), f + " is not in the archive: " + before.keySet());
        }
        assertTrue(Files.isExecutable(home.resolve("bin/ovi")));
        assertTrue(before.keySet().stream().filter(f -> f.startsWith("lib/") && f.endsWith(".jar")).count() > 40,
                before::toString);
    }

    @Test
    void launcherPrintsVersionAndCommit() throws Exception {
        Ran r = run(work, user(), 120, home.resolve("bin/ovi").toString(), "--version");

        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("ovi " + VERSION + "\ncommit "), r.out());
        assertInstallUntouched();
    }

    @Test
    void plainJavaJarRunsVersionAndAPlanWithoutAnyFlags() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = home.resolve("lib/ovi.jar").toString();

        Ran version = run(work, user(), 120, java, "-jar", jar, "--version");
        assertEquals(0, version.code(), version::toString);
        assertTrue(version.out().startsWith("ovi " + VERSION), version.out());

        Path state = tmp.resolve("state-jar");
        Ran plan = run(work, user(), 300, java, "-jar", jar, "plan", "-c", "ovi.yaml", "--state-dir", state.toString(), "-q");
        assertEquals(0, plan.code(), plan::toString);
        assertTrue(plan.out().contains("Plan: "), plan.out());
        assertTrue(Files.isDirectory(state), state + " was not made");
        assertInstallUntouched();
    }

    @Test
    void launcherPlansFromAReadOnlyInstallAndKeepsItsClassDataInTheUsersCache() throws Exception {
        String ovi = home.resolve("bin/ovi").toString();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // the first run makes the class-data archive, the second starts from it
            Ran plan = run(work, user(), 300, ovi, "plan", "-c", "ovi.yaml", "-q", "--detailed-exitcode");
            assertTrue(plan.code() == 0 || plan.code() == 2, plan::toString);
            assertTrue(plan.out().contains("Plan: "), plan.out());
            try (Stream<Path> files = Files.list(cache.resolve("ovi"))) {
                files.forEach(f -> seen.add(f.getFileName().toString()));
            }
        }
        assertTrue(seen.stream().anyMatch(f -> f.matches("[0-9a-f]{16}-[0-9a-f]{16}\\.jsa")), seen::toString);
        assertEquals(seen.subList(0, seen.size() / 2), seen.subList(seen.size() / 2, seen.size()),
                "the second plan made another archive");
        assertTrue(Files.isDirectory(work.resolve(".ovi/ovi")), "the state is beside the config by default");
        assertInstallUntouched();
    }

    @Test
    void theJarCopiedWithoutItsLibrariesSaysSoInOneLine() throws Exception {
        Path alone = tmp.resolve("alone");
        Files.createDirectories(alone);
        Files.copy(home.resolve("lib/ovi.jar"), alone.resolve("ovi.jar"));
        Ran r = run(work, user(), 120, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                alone.resolve("ovi.jar").toString(), "--version");

        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().startsWith("ovi: " + alone.resolve("ovi.jar") + " cannot find the libraries"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void withoutAWritableCacheTheLauncherStillPlans() throws Exception {
        Path readOnly = tmp.resolve("no-cache");
        Files.createDirectories(readOnly);
        Map<String, String> env = new TreeMap<>(user());
        env.put("XDG_CACHE_HOME", readOnly.resolve("missing/below/a/file").toString());
        Files.writeString(readOnly.resolve("missing"), "a file, not a directory");
        Ran plan = run(work, env, 300, home.resolve("bin/ovi").toString(), "plan", "-c", "ovi.yaml", "-q",
                "--state-dir", tmp.resolve("state-nocache").toString());

        assertEquals(0, plan.code(), plan::toString);
        assertTrue(plan.out().contains("Plan: "), plan.out());
        assertInstallUntouched();
    }
}
