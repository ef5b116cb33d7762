package ovi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The owner and account a state directory and a store belong to. */
class StateBindingTest {
    static final StateBinding WEB = new StateBinding("team-web", "123456789012", "web.yaml");

    @TempDir
    Path dir;

    @Test
    void aBindingAdmitsOnlyItsOwnOwnerAndAccount() {
        assertTrue(WEB.admits("team-web", "123456789012"));
        assertTrue(!WEB.admits("team-data", "123456789012"));
        assertTrue(!WEB.admits("team-web", "210987654321"));
    }

    @Test
    void theRefusalNamesBothOwnersBothAccountsAndWhatToDo() {
        String m = StateBinding.refusal(WEB, "team-data", "210987654321", "the state directory /x", "use --state-dir")
                .orElseThrow();
        assertEquals("the state directory /x belongs to owner team-web in account 123456789012 (bound by the first "
                + "run of web.yaml), but this run is owner team-data in account 210987654321: nothing was recorded "
                + "or changed; use --state-dir", m);
    }

    @Test
    void nothingRecordedOrTheSameOwnerAndAccountIsNoRefusal() {
        assertEquals(Optional.empty(), StateBinding.refusal(null, "team-data", "1", "x", "y"));
        assertEquals(Optional.empty(), StateBinding.refusal(WEB, "team-web", "123456789012", "x", "y"));
    }

    @Test
    void aDirectoryIsBoundByItsFirstRunAndKeepsThatBinding() throws Exception {
        assertEquals(Optional.empty(), StateBinding.read(dir));

        assertEquals(WEB, WEB.bind(dir));
        StateBinding data = new StateBinding("team-data", "123456789012", "data.yaml");

        assertEquals(WEB, data.bind(dir), "the first binding stays in force");
        assertEquals(Optional.of(WEB), StateBinding.read(dir));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no file is left aside");
        }
    }

    @Test
    void aStoreIsBoundByItsFirstRunAndKeepsThatBinding() {
        try (JdbcObservationStore store = JdbcObservationStore.open("jdbc:h2:mem:binding-test;DB_CLOSE_DELAY=-1", "", "")) {
            assertEquals(Optional.empty(), store.binding());

            assertEquals(WEB, store.bind(WEB));

            assertEquals(WEB, store.bind(new StateBinding("team-data", "210987654321", "data.yaml")));
            assertEquals(Optional.of(WEB), store.binding());
        }
    }
}
