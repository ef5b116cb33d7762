package ovi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.model.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store shut under a run (as when the process hosting it exits): the run's store and claim
 * connections are made again and its calls go through, instead of failing with "Database is already closed".
 */
class LinkTest {
    @TempDir
    Path dir;

    private static void shutDown(JdbcObservationStore store) throws Exception {
        try (Connection other = store.openConnection(); Statement s = other.createStatement()) {
            s.execute("SHUTDOWN");
        }
    }

    @Test
    void claimsAndRecordsGoOnAfterTheDatabaseIsShutUnderThem() throws Exception {
        Observation web = new Observation(Ec2Kind.TYPE, "us-east-1", "i-1", Map.of("size", "t3.micro"),
                Map.of("ovi:id", "web-0"));
        Set<Scope> scopes = Set.of(Scope.of(Ec2Kind.TYPE, "us-east-1"));
        try (JdbcObservationStore store = JdbcObservationStore.openH2(dir);
             JdbcClaimStore claims = store.claims(Clock.systemUTC())) {
            assertTrue(claims.tryClaim("r1", "me", Duration.ofMinutes(5)).isPresent());
            store.record("run-1", scopes, List.of(web));

            shutDown(store);

            assertTrue(claims.tryClaim("r2", "me", Duration.ofMinutes(5)).isPresent(), "a claim after the shutdown");
            assertEquals(Set.of("r1", "r2"), Set.copyOf(claims.live().stream().map(c -> c.resource()).toList()),
                    "the claim made before the shutdown was kept");
            Observation resized = new Observation(Ec2Kind.TYPE, "us-east-1", "i-1", Map.of("size", "t3.large"),
                    Map.of("ovi:id", "web-0"));
            assertEquals(1, store.record("run-2", scopes, List.of(resized)).written(), "a recording after the shutdown");
            assertEquals(2, store.history("web-0").size());
        }
    }
}
