package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * 'ovi apply' on a terminal, as a person runs it: it shows the plan and acts only on 'yes'. The terminal
 * is a pseudo-terminal from util-linux's script(1).
 */
class ApplyInteractiveIT {
    static final String CONFIG = CrashRecoveryIT.CONFIG;
    static final String PROMPT = "Only 'yes' is accepted:";

    @TempDir
    Path dir;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        Files.writeString(config, CONFIG);
    }

    @Test
    void anythingButYesCancelsAndNothingIsDone() throws Exception {
        Session s = start();
        String screen = s.readUntil(PROMPT);
        assertTrue(screen.contains("+ ec2 web-0"), "the plan is shown before the question:\n" + screen);
        s.answer("y");
        assertEquals(1, s.exit(), s.rest());
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(0, ApplyIT.live(ec2, "web-0").size(), "nothing was created");
        }
    }

    @Test
    void yesActs() throws Exception {
        Session s = start();
        s.readUntil(PROMPT);
        s.answer("yes");
        assertEquals(0, s.exit(), s.rest());
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(1, ApplyIT.live(ec2, "web-0").size());
            assertEquals(1, ApplyIT.live(ec2, "web-1").size());
        }
    }

    /** ovi apply under script(1), its terminal output read as it comes. */
    private record Session(Process p, InputStream out, OutputStream in, StringBuilder seen) {
        String readUntil(String text) throws Exception {
            while (!seen.toString().contains(text)) {
                int c = out.read();
                if (c < 0) {
                    throw new AssertionError("ovi ended before '" + text + "':\n" + seen);
                }
                seen.append((char) c);
            }
            return seen.toString();
        }

        void answer(String line) throws Exception {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        int exit() throws Exception {
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "ovi apply ended");
            return p.exitValue();
        }

        String rest() throws Exception {
            return seen + new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Session start() throws Exception {
        List<String> ovi = Cli.process(List.of(), "apply", "-c", config.toString(), "--state-dir",
                dir.resolve("state").toString(), "-q").command();
        String shellCommand = ovi.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        // script(1) gives ovi a terminal, so it asks; -e passes ovi's exit code through
        Process p = new ProcessBuilder("script", "-qec", shellCommand, "/dev/null").redirectErrorStream(true).start();
        return new Session(p, p.getInputStream(), p.getOutputStream(), new StringBuilder());
    }
}
