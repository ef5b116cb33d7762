package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The status line, with ovi as a process of its own: under a pseudo-terminal (util-linux's {@code script})
 * it shows each page of a scope with several pages (DynamoDB lists 100 tables a page) and each action, on
 * stderr only; in a pipe, or with {@code -q}, there is none.
 */
class ProgressIT {
    static final int TABLES = 130;
    static final String STATUS = "\u001b[K";

    @TempDir
    Path dir;
    Path config;
    Path state;

    @BeforeAll
    static void needsScript() {
        if (!Files.isExecutable(Path.of("/usr/bin/script"))) {
            throw new AssertionError("util-linux's script is not installed, so ovi cannot be run under a terminal: "
                    + "apt-get install util-linux");
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                resources:
                  - type: ec2
                    name: web
                    count: 2
                    size: t3.micro
                    image: ami-12c6146b
                """);
        try (DynamoDbClient db = Moto.client(DynamoDbClient.builder())) {
            for (int i = 0; i < TABLES; i++) {
                String name = "hand-made-%03d".formatted(i);
                db.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(AttributeDefinition.builder().attributeName("k")
                                .attributeType(ScalarAttributeType.S).build())
                        .keySchema(KeySchemaElement.builder().attributeName("k").keyType(KeyType.HASH).build()));
            }
        }
    }

    @Test
    void onATerminalEachPageAndActionIsShownOnOneLineOfStderrAndNeverInStdout() throws Exception {
        Path json = dir.resolve("plan.json");
        String tty = underTerminal(ovi("plan", "-o", "json") + " > " + quote(json.toString()));

        assertTrue(tty.contains("\robserving dynamodb/us-east-1: page 1, 100 resources"), tty);
        assertTrue(tty.contains("\robserving dynamodb/us-east-1: page 2, " + TABLES + " resources"), tty);
        assertTrue(tty.contains("observing ec2/us-east-1: page 1, 0 resources"), tty);
        assertTrue(tty.contains(STATUS), "rewritten in place: " + tty);
        assertTrue(tty.contains("ovi: observed dynamodb/us-east-1: " + TABLES + " resources"), "the lines stay: " + tty);
        String out = Files.readString(json);
        assertFalse(out.contains("\r") || out.contains("\u001b"), out);
        assertEquals(TABLES, new ObjectMapper().readTree(out).get("summary").get("notify").asInt() - 1,
                "stdout is the plan's JSON alone (the tables and the default security group to notify)");

        String applied = underTerminal(ovi("apply", "--auto-approve"));
        assertTrue(applied.contains("\rapplying: 0 of 2 done; create ec2 web-"), applied);
        assertTrue(applied.contains("\rapplying: 2 of 2 done; create ec2 web-"), applied);
        int lastStatus = applied.lastIndexOf("\rapplying:");
        assertTrue(applied.indexOf("\r\u001b[K", lastStatus) > 0, "taken off before the report: " + applied);
        assertTrue(applied.indexOf("Outcome:", lastStatus) > 0, "the report after the status line: " + applied);
    }

    @Test
    void withoutATerminalOrWithQuietThereIsNoStatusLine() throws Exception {
        Path err = dir.resolve("err.txt");
        Process p = Cli.process(List.of(), "plan", "-c", config.toString(), "--state-dir", state.toString(),
                        "--rate-limit", "off")
                .redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "ovi plan did not end in 300 s");
        assertEquals(0, p.exitValue(), () -> readQuietly(err));
        String piped = Files.readString(err);
        assertTrue(piped.contains("ovi: observed dynamodb/us-east-1: " + TABLES + " resources"), piped);
        assertFalse(piped.contains("\r") || piped.contains("\u001b") || piped.contains("observing "), piped);

        String quiet = underTerminal(ovi("plan", "-q"));
        assertFalse(quiet.contains("observing ") || quiet.contains(STATUS), quiet);
        assertTrue(quiet.contains("Plan: 2 to create"), quiet);
    }

    /** The ovi command line (the packaged jar, as cron runs it) on this test's config and state, shell-quoted. */
    String ovi(String verb, String... more) throws Exception {
        // unpaced: the point is the status line, not the rate limits (paced, 130 tables take a minute)
        List<String> args = new ArrayList<>(List.of(verb, "-c", config.toString(), "--state-dir", state.toString(),
                "--rate-limit", "off"));
        args.addAll(List.of(more));
        List<String> words = new ArrayList<>();
        for (String w : Cli.process(List.of(), args.toArray(String[]::new)).command()) {
            words.add(quote(w));
        }
        return String.join(" ", words);
    }

    /** Runs {@code shell} under a pseudo-terminal; returns what reached the terminal (stdout and stderr both). */
    String underTerminal(String shell) throws Exception {
        Path screen = dir.resolve("screen.txt");
        Process p = new ProcessBuilder("/usr/bin/script", "-qfec", shell, "/dev/null")
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(screen.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ovi under a terminal did not end in 300 s: " + shell);
        }
        String text = Files.readString(screen, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "exit " + p.exitValue() + " of " + shell + "\n" + text);
        return text;
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
