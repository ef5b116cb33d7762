package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two configs of different owners in one folder: each keeps its own state, and neither can write the other's. */
class StateBindingIT {
    static final String A = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-a
            resources:
              - type: sqs
                name: jobs
            """;
    static final String B = A.replace("team-a", "team-b").replace("jobs", "mail");

    /** moto's account. */
    static final String ACCOUNT = "123456789012";

    @TempDir
    Path dir;
    Path a;
    Path b;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        a = dir.resolve("a.yaml");
        b = dir.resolve("b.yaml");
        Files.writeString(a, A);
        Files.writeString(b, B);
    }

    private String plan(Path config, String... more) {
        Cli.Result r = run(config, "plan", more);
        assertEquals(0, r.code(), r::toString);
        return r.json().get("runId").asText();
    }

    private static Cli.Result run(Path config, String verb, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(verb, "-c", config.toString(), "-q",
                "-o", "json"));
        args.addAll(java.util.List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static JsonNode wal(Path state) {
        Cli.Result r = Cli.run("wal", "show", "--state-dir", state.toString(), "-o", "json");
        assertEquals(0, r.code(), r::toString);
        return r.json().get("entries");
    }

    private static Set<String> runs(Path state) {
        Set<String> runs = new HashSet<>();
        wal(state).forEach(e -> runs.add(e.get("runId").asText()));
        return runs;
    }

    private static String status(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("status", "-o", "json"));
        all.addAll(java.util.List.of(args));
        Cli.Result r = Cli.run(all.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        com.fasterxml.jackson.databind.node.ObjectNode status = (com.fasterxml.jackson.databind.node.ObjectNode) r.json();
        status.remove("time"); // when status was asked
        return status.toString();
    }

    @Test
    void twoConfigsInOneFolderEachKeepTheirOwnHistory() {
        String runA = plan(a);
        String runB = plan(b);
        String runA2 = plan(a);

        assertEquals(Set.of(runA, runA2), runs(dir.resolve(".ovi/a")));
        assertEquals(Set.of(runB), runs(dir.resolve(".ovi/b")));
        String statusA = status("-c", a.toString());
        assertTrue(statusA.contains(runA2) && !statusA.contains(runB), statusA);
        String statusB = status("-c", b.toString());
        assertTrue(statusB.contains(runB) && !statusB.contains(runA) && !statusB.contains(runA2), statusB);
    }

    @Test
    void aRunAimedAtAnotherOwnersStateDirectoryIsRefusedAndChangesNothingThere() {
        Path stateA = dir.resolve(".ovi/a");
        plan(a);
        plan(a);
        String statusBefore = status("--state-dir", stateA.toString());
        int entriesBefore = wal(stateA).size();

        for (String verb : new String[] {"plan", "apply"}) {
            Cli.Result r = verb.equals("apply")
                    ? run(b, verb, "--state-dir", stateA.toString(), "--auto-approve")
                    : run(b, verb, "--state-dir", stateA.toString());

            assertEquals(1, r.code(), r::toString);
            assertTrue(r.err().contains("the state directory " + stateA + " belongs to owner team-a in account "
                    + ACCOUNT + " (bound by the first run of a.yaml), but this run is owner team-b in account "
                    + ACCOUNT + ": nothing was recorded or changed; give this config a state directory of its own "
                    + "with --state-dir DIR"), r::toString);
            assertFalse(r.err().contains("internal error"), r::toString);
        }

        assertEquals(statusBefore, status("--state-dir", stateA.toString()));
        assertEquals(entriesBefore, wal(stateA).size(), "no WAL entry of the refused runs");
        assertFalse(Files.exists(dir.resolve(".ovi/b")), "nothing made for the refused config either");
        try (software.amazon.awssdk.services.sqs.SqsClient sqs = Moto.client(software.amazon.awssdk.services.sqs.SqsClient.builder())) {
            assertTrue(sqs.listQueues().queueUrls().stream().noneMatch(u -> u.endsWith("mail")),
                    "the refused apply created nothing");
        }
    }

    @Test
    void anOlderSharedStateDirectoryStaysWithTheConfigThatRunsItNext() throws Exception {
        Path shared = dir.resolve(".ovi");
        String first = plan(a, "--state-dir", shared.toString());
        Files.delete(shared.resolve("binding")); // as ovi left a state directory before bindings

        String second = plan(a);
        String ofB = plan(b);

        assertEquals(Set.of(first, second), runs(shared), "a's old state is still a's");
        assertTrue(Files.readString(shared.resolve("binding")).contains("config=a.yaml"));
        assertEquals(Set.of(ofB), runs(dir.resolve(".ovi/b")), "b has a state of its own");
    }

    @Test
    void aSharedStoreIsBoundToo() {
        String store = "jdbc:h2:file:" + dir.resolve("shared/ovi") + ";AUTO_SERVER=TRUE";
        plan(a, "--store-url", store, "--store-user", "sa");

        Cli.Result r = run(b, "plan", "--store-url", store, "--store-user", "sa");

        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("belongs to owner team-a in account " + ACCOUNT) && r.err().contains(
                "point this config at a store of its own"), r::toString);
        assertTrue(runs(dir.resolve(".ovi/b")).isEmpty(), "b's own, new state directory has no entry of the refused run");
    }
}
