package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import ovi.engine.ExitCode;
import org.junit.jupiter.api.Assumptions;
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
        Ran first = run(work, user(), 300, ovi, "plan", "-c", "ovi.yaml", "-q", "--detailed-exitcode");
        assertTrue(first.code() == 0 || first.code() == 2, first::toString);
        assertTrue(first.out().contains("Plan: "), first.out());
        List<String> kept = awaitArchive(cache, ARCHIVE);

        Ran second = run(work, user(), 300, ovi, "plan", "-c", "ovi.yaml", "-q", "--detailed-exitcode");
        assertTrue(second.code() == 0 || second.code() == 2, second::toString);
        assertEquals(kept, cacheFiles(cache), "the second plan made another archive");
        assertTrue(Files.isDirectory(work.resolve(".ovi/ovi")), "the state is beside the config by default");
        assertStartsFromTheArchive(user(), tmp.resolve("classes.txt"), work.resolve(".ovi"));
        assertInstallUntouched();
    }

    /** What bin/ovi's archive is on the JDK the tests run on: an AOT cache from JDK 25, else a CDS archive. */
    static final String ARCHIVE = Runtime.version().feature() >= 25 ? "aot" : "jsa";

    /**
     * The files in {@code cacheRoot}/ovi once it holds one archive ending in {@code .ext} and no cache is
     * being made: at once for a CDS archive, after bin/ovi's background step for an AOT cache.
     */
    static List<String> awaitArchive(Path cacheRoot, String ext) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        List<String> files = cacheFiles(cacheRoot);
        while (!(files.stream().anyMatch(f -> f.endsWith("." + ext)) && files.stream().noneMatch(f -> f.endsWith(".conf")))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
            files = cacheFiles(cacheRoot);
        }
        assertEquals(1, files.size(), files::toString);
        assertTrue(files.get(0).matches("[0-9a-f]{16}-[0-9a-f]{16}\\." + ext), files::toString);
        return files;
    }

    /**
     * A plan whose classes mostly come from the archive bin/ovi keeps in the user's cache: with the class
     * loading of the JVM logged, at least 5,000 of a plan's 10,000 classes say they came from the "shared
     * objects file". picocli's among them (its jar is rewritten from Java 5's class-file version, which
     * JDK 17's archive leaves out), with ovi's classes that implement its interfaces; and no native binding
     * is loaded at all (JNA, through Chronicle's thread-affinity library, extracted its native library and
     * ran ldconfig in every run).
     */
    static void assertStartsFromTheArchive(Map<String, String> user, Path log, Path state) throws Exception {
        Map<String, String> env = new TreeMap<>(user);
        env.put("OVI_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
        Ran plan = run(work, env, 300, home.resolve("bin/ovi").toString(), "plan", "-c", "ovi.yaml", "-q", "--state-dir",
                state.toString());
        assertEquals(0, plan.code(), plan::toString);
        List<String> loaded;
        try (Stream<String> lines = Files.lines(log)) {
            loaded = lines.toList();
        }
        long shared = loaded.stream().filter(l -> l.contains("source: shared objects file")).count();
        assertTrue(shared > 5000, "only " + shared + " classes came from the archive");
        for (String name : List.of("picocli.CommandLine", "picocli.CommandLine$Model$OptionSpec", "ovi.cli.HelpCommand",
                "ovi.cli.VersionProvider")) {
            List<String> lines = loaded.stream().filter(l -> l.contains(" " + name + " source: ")).toList();
            assertEquals(1, lines.size(), () -> name + ": " + lines);
            assertTrue(lines.get(0).contains("source: shared objects file"), lines.get(0));
        }
        List<String> natives = loaded.stream().filter(l -> l.contains(" com.sun.jna.") || l.contains(" jnr.ffi.")
                || l.contains(" com.kenai.jffi.")).toList();
        assertEquals(List.of(), natives);
    }

    /** The files bin/ovi left in a cache directory, by name; none when it has none. */
    static List<String> cacheFiles(Path cacheRoot) throws IOException {
        Path dir = cacheRoot.resolve("ovi");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void onlyAPlanThatObservedIsKeptAsTheArchivesModel() throws Exception {
        Path own = tmp.resolve("cache-help");
        Map<String, String> env = new TreeMap<>(user());
        env.put("XDG_CACHE_HOME", own.toString());
        String ovi = home.resolve("bin/ovi").toString();

        Ran help = run(work, env, 120, ovi, "plan", "--help");
        assertEquals(0, help.code(), help::toString);
        assertTrue(help.out().startsWith("Usage: ovi plan"), help.out());
        assertEquals(List.of(), cacheFiles(own), "a plan --help trained the archive of every later plan");

        Ran bad = run(work, env, 120, ovi, "plan", "-c", "no-such.yaml", "--state-dir", tmp.resolve("state-bad").toString());
        assertEquals(ExitCode.DATA, bad.code(), bad::toString);
        assertEquals(List.of(), cacheFiles(own), "a plan that stopped at its config trained the archive");

        Ran plan = run(work, env, 300, ovi, "plan", "-c", "ovi.yaml", "-q", "--state-dir", tmp.resolve("state-help").toString());
        assertEquals(0, plan.code(), plan::toString);
        awaitArchive(own, ARCHIVE);
        assertInstallUntouched();
    }

    /** The home of a JDK 25 or later in /usr/lib/jvm (or -Dovi.test.jdk25), or null. */
    static Path jdk25() throws IOException {
        String given = System.getProperty("ovi.test.jdk25");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            for (Path h : homes.sorted().toList()) {
                Path release = h.resolve("release");
                if (!Files.isRegularFile(release)) {
                    continue;
                }
                for (String line : Files.readAllLines(release)) {
                    var m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+).*").matcher(line);
                    if (m.matches() && Integer.parseInt(m.group(1)) >= 25) {
                        return h;
                    }
                }
            }
        }
        return null;
    }

    @Test
    void theArchiveOfAPlanWhoseJarWasReplacedMeanwhileIsNotKept() throws Exception {
        // a writable copy of the install, whose jar is replaced (here: its time changed) as an upgrade would
        Path copy = tmp.resolve("upgraded");
        assertEquals(0, run(tmp, Map.of(), 60, "cp", "-r", home.toString(), copy.toString()).code());
        assertEquals(0, run(tmp, Map.of(), 60, "chmod", "-R", "u+w", copy.toString()).code());
        Path own = tmp.resolve("cache-upgraded");
        Path state = tmp.resolve("state-upgraded");
        Files.createDirectories(state.resolve("store"));

        // the plan waits to open its store while this test holds the store's open.lock: the jar is
        // replaced then, after the JVM has started from it and before the plan ends
        ProcessBuilder pb = new ProcessBuilder(copy.resolve("bin/ovi").toString(), "plan", "-c", "ovi.yaml",
                "--state-dir", state.toString()).directory(work.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(user());
        pb.environment().put("XDG_CACHE_HOME", own.toString());
        Process plan;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(state.resolve("store/open.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = ch.lock()) {
            plan = pb.start();
            plan.getOutputStream().close();
            Cli.awaitLine(plan, "observed ");
            Path jar = copy.resolve("lib/ovi.jar");
            Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(jar).toMillis() + 10_000));
        }
        plan.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(plan.waitFor(300, TimeUnit.SECONDS), "the plan did not end");
        assertEquals(0, plan.exitValue());
        // JDK 25's cache step refuses a jar that changed by itself; wait for it to end
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (cacheFiles(own).stream().anyMatch(f -> f.endsWith(".conf")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), cacheFiles(own), "the archive of the jar that was replaced was kept");
    }

    @Test
    void onJdk25TheLauncherMakesAnAotCacheAfterThePlanAndStartsFromIt() throws Exception {
        Path jdk = jdk25();
        Assumptions.assumeTrue(jdk != null, "no JDK 25 or later in /usr/lib/jvm (or -Dovi.test.jdk25)");
        Path own = tmp.resolve("cache-25");
        Map<String, String> env = new TreeMap<>(user());
        env.put("XDG_CACHE_HOME", own.toString());
        env.put("JAVA_HOME", jdk.toString());
        String ovi = home.resolve("bin/ovi").toString();

        Ran first = run(work, env, 300, ovi, "plan", "-c", "ovi.yaml", "-q", "--state-dir", tmp.resolve("state-25").toString());
        assertEquals(0, first.code(), first::toString);
        assertTrue(first.out().contains("Plan: "), first.out());
        assertFalse(first.err().contains("WARNING"), "the JDK warned: " + first.err());

        // the cache is made in the background once the plan has ended
        List<String> files = awaitArchive(own, "aot");

        Ran second = run(work, env, 300, ovi, "plan", "-c", "ovi.yaml", "-q", "--state-dir", tmp.resolve("state-25").toString());
        assertEquals(0, second.code(), second::toString);
        assertFalse(second.err().contains("WARNING") || second.err().contains("[aot]"), "the JDK warned: " + second.err());
        assertEquals(files, cacheFiles(own), "the second plan made another cache");
        assertStartsFromTheArchive(env, tmp.resolve("classes-25.txt"), tmp.resolve("state-25"));
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
