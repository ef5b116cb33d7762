package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import ovi.store.StateBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a config's state is kept when --state-dir is left out. */
class StateOptionsTest {
    @TempDir
    Path dir;

    @Test
    void eachConfigOfAFolderHasAStateDirectoryOfItsOwn() {
        assertEquals(dir.resolve(".ovi/web"), StateOptions.defaultDir(dir.resolve("web.yaml")));
        assertEquals(dir.resolve(".ovi/data"), StateOptions.defaultDir(dir.resolve("data.yml")));
    }

    @Test
    void aConfigNamedLikeAnEntryOfAStateDirectoryIsKeptApartFromIt() {
        assertEquals(dir.resolve(".ovi/wal-config"), StateOptions.defaultDir(dir.resolve("wal.yaml")));
        assertEquals(dir.resolve(".ovi/store-config"), StateOptions.defaultDir(dir.resolve("store.yaml")));
    }

    @Test
    void anOlderSharedStateDirectoryWithNoBindingStaysInUse() throws Exception {
        Files.createDirectories(dir.resolve(".ovi/wal"));

        assertEquals(dir.resolve(".ovi"), StateOptions.defaultDir(dir.resolve("ovi.yaml")));
    }

    @Test
    void anOlderSharedStateDirectoryIsTheStateOfTheConfigItIsBoundToOnly() throws Exception {
        Files.createDirectories(dir.resolve(".ovi/wal"));
        new StateBinding("team-web", "123456789012", "web.yaml").bind(dir.resolve(".ovi"));

        assertEquals(dir.resolve(".ovi"), StateOptions.defaultDir(dir.resolve("web.yaml")));
        assertEquals(dir.resolve(".ovi/data"), StateOptions.defaultDir(dir.resolve("data.yaml")));
    }

    @Test
    void aConfigsOwnDirectoryWinsOverAnOlderSharedOne() throws Exception {
        Files.createDirectories(dir.resolve(".ovi/wal"));
        Files.createDirectories(dir.resolve(".ovi/web"));

        assertEquals(dir.resolve(".ovi/web"), StateOptions.defaultDir(dir.resolve("web.yaml")));
    }
}
