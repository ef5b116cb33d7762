package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import ovi.aws.ec2.Ec2Kind;
import ovi.engine.Decisions;
import ovi.engine.ObservationBatch;
import ovi.engine.Plan;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Observation;
import ovi.model.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMetricsTest {
    static final Instant STARTED = Instant.parse("2026-12-02T12:00:00Z");
    static final Instant ENDED = Instant.parse("2026-12-02T12:00:02.500Z");

    @TempDir
    Path dir;

    static Plan plan() {
        DesiredResource web0 = new DesiredResource("web-0", Ec2Kind.TYPE, "us-east-1", Map.of("size", "t3.micro"), Map.of());
        DesiredResource web1 = new DesiredResource("web-1", Ec2Kind.TYPE, "us-east-1", Map.of("size", "t3.micro"), Map.of());
        Observation handMade = new Observation(Ec2Kind.TYPE, "us-east-1", "i-1", Map.of(), Map.of("Name", "hand-made"));
        Scope west = Scope.of(Ec2Kind.TYPE, "eu-west-1");
        return new Plan("r1", 1, "team-web", "123456789012", new ObservationBatch(List.of(handMade),
                Map.of(west, "unavailable: timed out"), Set.of(west, Scope.of(Ec2Kind.TYPE, "us-east-1"))),
                List.of(new Diff.Missing(web0, "declared but not found"), new Diff.Missing(web1, "declared but not found"),
                        new Diff.Unmanaged(handMade, "not managed by ovi")), new Decisions(List.of()));
    }

    /** The value of the one sample {@code name{labels...}} in {@code text} (labels as the writer sorts them). */
    static double value(String text, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(text);
        assertTrue(m.find(), () -> name + "{" + labels + "} not in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    static String text(RunMetrics metrics, int exitCode) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out,
                metrics.snapshot(exitCode, ENDED));
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aPlanCountsItsDiffsByKindAndItsUnobservedScopes() throws Exception {
        RunMetrics m = new RunMetrics("plan", STARTED);
        m.owner("team-web");
        m.plan(plan());

        String text = text(m, 2);
        String run = "owner=\"team-web\",verb=\"plan\"";
        assertEquals(2, value(text, "ovi_diffs", "kind=\"missing\"," + run));
        assertEquals(1, value(text, "ovi_diffs", "kind=\"unmanaged\"," + run));
        assertEquals(0, value(text, "ovi_diffs", "kind=\"drifted\"," + run), "every kind is there, 0 when none");
        assertEquals(1, value(text, "ovi_unobserved_scopes", run));
        assertEquals(2, value(text, "ovi_last_run_exit_code", run));
        assertEquals(1, value(text, "ovi_last_run_success", run), "plan's 2 (changes present) is a success");
        assertEquals(2.5, value(text, "ovi_last_run_duration_seconds", run));
        assertEquals(ENDED.getEpochSecond() + 0.5, value(text, "ovi_last_run_timestamp_seconds", run));
        assertFalse(text.contains("ovi_apply_outcomes"), "a plan applies nothing: no outcomes, not outcomes of 0");
    }

    @Test
    void notificationsAreCountedDeliveredAndNotOnlyWhenSent() throws Exception {
        String run = "owner=\"team-web\",verb=\"apply\"";
        RunMetrics none = new RunMetrics("apply", STARTED);
        none.owner("team-web");
        assertFalse(text(none, 0).contains("ovi_notifications"), "no targets, no metric");
        RunMetrics m = new RunMetrics("apply", STARTED);
        m.owner("team-web");
        m.notified(new ovi.engine.Notifications.Report(Map.of("webhook a", 3, "topic b", 1), Map.of("topic b", 2),
                Map.of("topic b", "throttled")));
        String text = text(m, 0);
        assertEquals(4, value(text, "ovi_notifications", "outcome=\"delivered\"," + run));
        assertEquals(2, value(text, "ovi_notifications", "outcome=\"undelivered\"," + run));
    }

    @Test
    void aRunThatFailedEarlySaysOnlyThatItFailed() throws Exception {
        String text = text(new RunMetrics("apply", STARTED), 65);
        String run = "owner=\"\",verb=\"apply\"";
        assertEquals(65, value(text, "ovi_last_run_exit_code", run));
        assertEquals(0, value(text, "ovi_last_run_success", run));
        assertFalse(text.contains("ovi_diffs"), "nothing was compared: no diff counts");
        assertFalse(text.contains("ovi_aws_calls"));
    }

    @Test
    void theFileIsReplacedWholeAndNoTemporaryFileStays() throws Exception {
        Path file = dir.resolve("ovi.prom");
        Files.writeString(file, "old\n");
        List<String> warnings = new ArrayList<>();

        new RunMetrics("plan", STARTED).write(file, 0, ENDED, warnings::add);

        assertEquals(List.of(), warnings);
        assertTrue(Files.readString(file).contains("ovi_last_run_exit_code"), "replaced");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)), "node_exporter, another user, can read it");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "only the file itself");
        }
    }

    @Test
    void aFailedWriteIsAWarningAndLeavesNothingBehind() throws Exception {
        // a directory in the way: the rename fails after the temporary file was written in full
        Path file = Files.createDirectories(dir.resolve("ovi.prom"));
        Files.writeString(file.resolve("keep"), "x");
        List<String> warnings = new ArrayList<>();

        new RunMetrics("plan", STARTED).write(file, 0, ENDED, warnings::add);

        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).startsWith("could not write --metrics-file " + file + ": "), warnings::toString);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "the temporary file is removed");
        }
        assertTrue(Files.exists(file.resolve("keep")));
    }

    @Test
    void aMissingDirectoryIsAWarning() {
        List<String> warnings = new ArrayList<>();
        Path file = dir.resolve("no-such-dir").resolve("ovi.prom");

        new RunMetrics("plan", STARTED).write(file, 0, ENDED, warnings::add);

        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).startsWith("could not write --metrics-file " + file + ": no such directory"),
                warnings::toString);
        assertFalse(Files.exists(file));
    }
}
