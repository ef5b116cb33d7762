package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.model.Claim;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.model.Scope;
import ovi.store.JdbcClaimStore;
import ovi.store.JdbcObservationStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared store on a real PostgreSQL server: the same semantics as the embedded H2 store. */
class PostgresStoreIT {
    static final Scope EC2 = Scope.of(Ec2Kind.TYPE, "us-east-1");

    @TempDir
    Path dir;

    static Observation i(String id, String size) {
        return new Observation(Ec2Kind.TYPE, "us-east-1", id, Map.of("size", size), Map.of("ovi:id", "web-" + id));
    }

    @Test
    void aStoreOfTheEarlierLayoutIsMigratedWithEveryStateKept() throws Exception {
        ovi.store.SchemaTest.migratesTwoRowsPerResource(Postgres.freshDatabase(), Postgres.user(), Postgres.password());
    }

    @Test
    void revisionsDeltaWritesAndHistoryWorkOnPostgres() throws Exception {
        String url = Postgres.freshDatabase();
        try (var store = JdbcObservationStore.open(url, Postgres.user(), Postgres.password())) {
            var r1 = store.record("r1", Set.of(EC2), List.of(i("a", "t3.micro"), i("b", "t3.micro")));
            var r2 = store.record("r2", Set.of(EC2), List.of(i("a", "t3.micro"), i("b", "t3.micro")));
            var r3 = store.record("r3", Set.of(EC2), List.of(i("a", "t3.large")));
            assertEquals(List.of(2, 0, 2), List.of(r1.written(), r2.written(), r3.written()));
            assertTrue(r1.revision() < r2.revision() && r2.revision() < r3.revision());
            var history = store.history("web-b");
            assertEquals(2, history.size());
            assertTrue(history.get(1).gone());
        }
    }

    @Test
    void aSharedStoreKeepsTheOwnerAndAccountOfItsFirstRunOnPostgres() throws Exception {
        String url = Postgres.freshDatabase();
        var web = new ovi.store.StateBinding("team-web", "123456789012", "web.yaml");
        try (var one = JdbcObservationStore.open(url, Postgres.user(), Postgres.password());
             var other = JdbcObservationStore.open(url, Postgres.user(), Postgres.password())) {
            assertTrue(one.binding().isEmpty());

            assertEquals(web, one.bind(web));

            assertEquals(web, other.bind(new ovi.store.StateBinding("team-data", "123456789012", "data.yaml")),
                    "a second machine's binding does not replace the first");
            assertEquals(java.util.Optional.of(web), other.binding());
        }
    }

    @Test
    void notifiedFindingsAreRememberedOnPostgres() throws Exception {
        String url = Postgres.freshDatabase();
        try (var store = JdbcObservationStore.open(url, Postgres.user(), Postgres.password())) {
            ovi.store.JdbcObservationStoreTest.remembersWhatEachTargetWasSent(store);
        }
    }

    @Test
    void claimsAreExclusiveAcrossConnectionsOnPostgres() throws Exception {
        String url = Postgres.freshDatabase();
        try (var store = JdbcObservationStore.open(url, Postgres.user(), Postgres.password());
             var c1 = store.openConnection(); var c2 = store.openConnection()) {
            var a = new JdbcClaimStore(c1, Clock.systemUTC());
            var b = new JdbcClaimStore(c2, Clock.systemUTC());
            Claim held = a.tryClaim("team/ec2/web-0", "machine-a", Duration.ofMinutes(5)).orElseThrow();
            assertTrue(b.tryClaim("team/ec2/web-0", "machine-b", Duration.ofMinutes(5)).isEmpty());
            Claim shortLived = a.tryClaim("team/ec2/web-1", "machine-a", Duration.ofMillis(1)).orElseThrow();
            Thread.sleep(20);
            Claim takenOver = b.tryClaim("team/ec2/web-1", "machine-b", Duration.ofMinutes(5)).orElseThrow();
            assertTrue(takenOver.fence() > shortLived.fence());
            assertFalse(a.holds(shortLived));
            assertTrue(a.holds(held));
            assertEquals(2, b.live().size());
        }
    }

    @Test
    void twoMachinesPlanningIntoOneSharedStoreShareItsRevisions() throws Exception {
        Moto.reset();
        String url = Postgres.freshDatabase();
        Path config = dir.resolve("ovi.yaml");
        Files.writeString(config, PlanIT.CONFIG);
        try (var ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0", "team", "web"));
        }
        // the password reaches ovi only through OVI_STORE_PASSWORD, which scripts/test.sh exports
        Cli.Result a = Cli.run("plan", "-c", config.toString(), "--state-dir", dir.resolve("a").toString(),
                "--store-url", url, "--store-user", Postgres.user());
        Cli.Result b = Cli.run("plan", "-c", config.toString(), "--state-dir", dir.resolve("b").toString(),
                "--store-url", url, "--store-user", Postgres.user());
        assertEquals(0, a.code(), a::toString);
        assertEquals(0, b.code(), b::toString);
        // web-0 and the default VPC's default security group
        assertTrue(a.err().contains("(2 resources changed)"), a::toString);
        assertTrue(b.err().contains("(0 resources changed)"), "the second machine sees the first one's revision: " + b);
        assertFalse(Files.exists(dir.resolve("a/store")), "no embedded store when a shared one is named");
    }

    @Test
    void twoMachinesApplyingWithOneSharedStoreActOnEachResourceOnce() throws Exception {
        Moto.reset();
        String url = Postgres.freshDatabase();
        Path config = dir.resolve("ovi.yaml");
        Files.writeString(config, ApplyIT.CONFIG.replace("count: 3", "count: 4"));
        // two "machines": separate state directories (their own WAL), one PostgreSQL store for claims
        List<Process> procs = new java.util.ArrayList<>();
        for (String machine : List.of("machine-a", "machine-b")) {
            ProcessBuilder pb = Cli.process(List.of(), "apply", "-c", config.toString(), "--state-dir",
                    dir.resolve(machine).toString(), "--store-url", url, "--store-user", Postgres.user(),
                    "--auto-approve", "-q", "--instance-id", machine);
            pb.environment().put("OVI_STORE_PASSWORD", Postgres.password());
            procs.add(pb.redirectErrorStream(true).redirectOutput(dir.resolve(machine + ".log").toFile()).start());
        }
        for (int i = 0; i < procs.size(); i++) {
            assertTrue(procs.get(i).waitFor(3, java.util.concurrent.TimeUnit.MINUTES));
            assertEquals(0, procs.get(i).exitValue(), Files.readString(dir.resolve((i == 0 ? "machine-a" : "machine-b") + ".log")));
        }
        try (var ec2 = Moto.ec2(Moto.REGION)) {
            for (int n = 0; n < 4; n++) {
                assertEquals(1, ApplyIT.live(ec2, "web-" + n).size(), "exactly one web-" + n);
            }
        }
        try (var rds = Moto.rds(Moto.REGION)) {
            assertEquals(1, rds.describeDBInstances().dbInstances().size());
        }
    }

    /**
     * The audit verbs read the store --store-url names: status its claims and the WAL's recorded head,
     * history its revisions. They read the embedded store instead, so status on an unreachable server
     * printed no claims and exited 0, and history said there was no store.
     */
    @Test
    void statusAndHistoryReadTheSharedStore() throws Exception {
        Moto.reset();
        String url = Postgres.freshDatabase();
        Path config = dir.resolve("ovi.yaml");
        Path state = dir.resolve("state");
        Files.writeString(config, PlanIT.CONFIG);
        try (var ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0", "team", "web"));
        }
        Cli.Result plan = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "--store-url", url,
                "--store-user", Postgres.user(), "-q");
        assertEquals(0, plan.code(), plan::toString);
        try (var store = JdbcObservationStore.open(url, Postgres.user(), Postgres.password());
             var c = store.openConnection()) {
            new JdbcClaimStore(c, Clock.systemUTC()).tryClaim("team-web/ec2/web-1", "machine-z#1", Duration.ofMinutes(5));
        }

        Cli.Result status = Cli.run("status", "--state-dir", state.toString(), "--store-url", url, "--store-user",
                Postgres.user(), "-o", "json");
        assertEquals(0, status.code(), status::toString);
        assertEquals("machine-z#1", status.json().get("claims").get(0).get("holder").asText(), status::toString);
        Cli.Result history = Cli.run("history", "--state-dir", state.toString(), "--store-url", url, "--store-user",
                Postgres.user(), "web-0");
        assertEquals(0, history.code(), history::toString);
        assertTrue(history.out().contains("first seen"), history::toString);

        Cli.Result unreachable = Cli.run("status", "--state-dir", state.toString(), "--store-url",
                "jdbc:postgresql://127.0.0.1:1/x", "-o", "json");
        assertEquals(1, unreachable.code(), "a store that cannot be reached is an error, not 'no claims': "
                + unreachable);
    }

    @Test
    void aStoreUrlThatIsNotJdbcIsAUsageError() throws Exception {
        Path config = dir.resolve("ovi.yaml");
        Files.writeString(config, PlanIT.CONFIG);
        Cli.Result r = Cli.run("plan", "-c", config.toString(), "--store-url", "postgres://x");
        assertEquals(64, r.code(), r::toString);
        assertTrue(r.err().contains("--store-url"), r::toString);
    }
}
