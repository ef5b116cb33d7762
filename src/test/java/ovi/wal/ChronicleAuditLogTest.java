package ovi.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ovi.engine.AuditLog;
import ovi.engine.OviException;
import ovi.model.WalEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAL in a real Chronicle Queue directory. */
class ChronicleAuditLogTest {
    @TempDir
    Path dir;

    static AuditLog.Draft draft(String resource) {
        return new AuditLog.Draft("r1", "decided", resource, "create", "declared but not found", Map.of("n", 1));
    }

    @Test
    void entriesAreNumberedChainedAndReadBackAfterReopening() {
        try (var wal = ChronicleAuditLog.open(dir)) {
            wal.append(List.of(draft("a"), draft("b")));
        }
        try (var wal = ChronicleAuditLog.open(dir)) {
            wal.append(draft("c"));
            wal.sync();
            List<WalEntry> all = new ArrayList<>();
            wal.readAll(all::add);
            assertEquals(List.of(1L, 2L, 3L), all.stream().map(WalEntry::seq).toList());
            assertEquals("", all.get(0).prev());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(WalCodec.hashOf(all.get(i)), all.get(i).hash());
                if (i > 0) {
                    assertEquals(all.get(i - 1).hash(), all.get(i).prev(), "each entry names the one before");
                }
            }
            assertEquals(1, ((Number) all.get(2).data().get("n")).intValue());
        }
    }

    @Test
    void aWalPathThatIsAFileIsAClearErrorAndIsLeftAlone() throws Exception {
        Path file = dir.resolve("wal");
        Files.writeString(file, "not a queue");
        OviException e = assertThrows(OviException.class, () -> ChronicleAuditLog.open(file));
        assertTrue(e.getMessage().contains(file + " is not a directory"), e.getMessage());
        assertEquals("not a queue", Files.readString(file));
    }

    @Test
    void twoWritersOnOneDirectoryKeepOneUnbrokenChain() throws Exception {
        try (var a = ChronicleAuditLog.open(dir); var b = ChronicleAuditLog.open(dir)) {
            Thread ta = new Thread(() -> { for (int i = 0; i < 50; i++) { a.append(draft("a" + i)); } });
            Thread tb = new Thread(() -> { for (int i = 0; i < 50; i++) { b.append(draft("b" + i)); } });
            ta.start();
            tb.start();
            ta.join();
            tb.join();
            List<WalEntry> all = new ArrayList<>();
            a.readAll(all::add);
            assertEquals(100, all.size());
            for (int i = 1; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i).seq());
                assertEquals(all.get(i - 1).hash(), all.get(i).prev());
            }
        }
    }

    @Test
    void loggersOpeningAFreshDirectoryAtOnceAllOpenIt() throws Exception {
        // a metadata file one opener is creating has no header yet: another must not take it for damaged
        for (int round = 0; round < 10; round++) {
            Path fresh = dir.resolve("wal-" + round);
            List<Thread> openers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 4; i++) {
                String name = "o" + i;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        try (ChronicleAuditLog wal = ChronicleAuditLog.open(fresh)) {
                            wal.append(draft(name));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                t.start();
                openers.add(t);
            }
            go.countDown();
            for (Thread t : openers) {
                t.join();
            }
            assertEquals(List.of(), failures);
            try (var files = Files.list(fresh)) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".damaged-")).toList(),
                        "nothing was set aside");
            }
        }
    }
}
