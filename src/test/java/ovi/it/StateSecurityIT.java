package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import ovi.store.Listening;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory and the embedded store, as another local user would see them. */
class StateSecurityIT {
    @TempDir
    Path dir;
    Path config;
    Path state;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, CONFIG);
    }

    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: ec2
                name: web
                size: t3.micro
                image: ami-12c6146b
            """;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aStateDirectoryOpenToOthersIsMadePrivateWithAWarning() throws Exception {
        Files.createDirectories(state.resolve("notes"));
        Files.writeString(state.resolve("notes/todo.txt"), "x");
        Files.setPosixFilePermissions(state.resolve("notes/todo.txt"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(state.resolve("notes"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));

        Cli.Result r = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q");

        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("warning: the state directory " + state + " was open to other users"), r::toString);
        assertTrue(r.err().contains("ovi wal verify"), "others could write to it: " + r);
        assertEquals("rwx------", mode(state));
        assertEquals("rwx------", mode(state.resolve("notes")));
        assertEquals("rw-------", mode(state.resolve("notes/todo.txt")));

        Cli.Result again = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q");
        assertEquals(0, again.code(), again::toString);
        assertFalse(again.err().contains("warning"), "nothing to fix the second time: " + again);
        try (var files = Files.walk(state)) {
            for (Path p : files.toList()) {
                assertFalse(mode(p).substring(3).contains("r") || mode(p).substring(3).contains("w"),
                        p + " is private: " + mode(p));
            }
        }
    }

    @Test
    void aPasswordInTheStoreUrlIsRefusedAndNeverPrinted() {
        for (String url : List.of("jdbc:postgresql://ovi:s3cr3t-pw@127.0.0.1:1/ovi",
                "jdbc:postgresql://127.0.0.1:1/ovi?user=ovi&password=s3cr3t-pw",
                "jdbc:h2:tcp://127.0.0.1:1/x;USER=sa;PASSWORD=s3cr3t-pw")) {
            Cli.Result r = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "--store-url", url,
                    "--debug");
            assertEquals(64, r.code(), r::toString);
            assertTrue(r.err().contains("OVI_STORE_PASSWORD"), r::toString);
            assertFalse((r.out() + r.err()).contains("s3cr3t-pw"), "the password is never shown: " + r);
        }
    }

    /**
     * {@code java -jar ovi.jar} with none of bin/ovi's JVM flags: it must run (the jar's manifest opens
     * what Chronicle needs), with Chronicle's analytics off and the store's auto-server on loopback only.
     */
    @Test
    void javaDashJarWithoutTheLaunchersFlagsIsAsProtected() throws Exception {
        Path dist = Path.of(System.getProperty("ovi.dist", "target"));
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("java").toString(),
                "-Dovi.crashpoint=after-aws-call:web-0", "-jar", dist.resolve("ovi.jar").toString(),
                "apply", "-c", config.toString(), "--state-dir", state.toString(), "--auto-approve"));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile()).start();
        try {
            Cli.awaitLine(p, "crash point after-aws-call:web-0 reached");

            Process jcmd = new ProcessBuilder(bin.resolve("jcmd").toString(), String.valueOf(p.pid()),
                    "VM.system_properties").redirectErrorStream(true).start();
            String props = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS));
            assertTrue(props.contains("chronicle.analytics.disable=true"), props);
            assertTrue(props.contains("h2.bindAddress=127.0.0.1"), props);

            Properties lock = new Properties();
            lock.load(new StringReader(Files.readString(state.resolve("store/ovi.lock.db"))));
            String server = lock.getProperty("server");
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            assertEquals(List.of("127.0.0.1"), Listening.on(port), "the auto-server listens on loopback only");
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
