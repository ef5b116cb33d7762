package ovi.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import ovi.engine.AuditLog;
import ovi.engine.OviException;
import ovi.model.WalEntry;

/**
 * The WAL on a Chronicle Queue that rolls daily. Each excerpt holds one entry as JSON text under the
 * field {@code ovi}, so it is readable with no schema at hand. Appends from several processes are made
 * atomic, and chained, by a file lock beside the queue.
 */
public final class ChronicleAuditLog implements AuditLog {
    static final String FIELD = "ovi";
    /**
     * File locks are held per JVM, not per channel: a second log on the same directory in this JVM would
     * get OverlappingFileLockException. This lock, one per directory, orders them before the file lock.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS =
            new ConcurrentHashMap<>();

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final FileChannel lockChannel;
    private long lastIndex = Long.MIN_VALUE;
    private long lastSeq;
    private String lastHash = "";

    private ChronicleAuditLog(Path dir, SingleChronicleQueue queue, FileChannel lockChannel) {
        this.dir = dir;
        this.queue = queue;
        this.lockChannel = lockChannel;
    }

    /** Opens (creating if needed) the WAL in {@code dir}. */
    public static ChronicleAuditLog open(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel lock = FileChannel.open(dir.resolve("append.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(dir.toFile())
                    .rollCycle(RollCycles.FAST_DAILY)
                    .build();
            return new ChronicleAuditLog(dir, queue, lock);
        } catch (IOException | RuntimeException e) {
            throw OviException.failure("cannot open the WAL in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public synchronized List<WalEntry> append(List<Draft> drafts) {
        if (drafts.isEmpty()) {
            return List.of();
        }
        List<WalEntry> written = new ArrayList<>(drafts.size());
        ReentrantLock jvmLock =
                JVM_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
        jvmLock.lock();
        try (FileLock ignored = lockChannel.lock(); ExcerptAppender appender = queue.createAppender()) {
            catchUp();
            for (Draft d : drafts) {
                long seq = lastSeq + 1;
                WalEntry unsigned = new WalEntry(seq, Instant.now(), d.runId(), d.type(), d.resource(), d.action(),
                        d.message(), d.data(), lastHash, null);
                WalEntry entry = WalCodec.sign(unsigned);
                String text = WalCodec.toJson(entry);
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().write(FIELD).text(text);
                }
                lastIndex = appender.lastIndexAppended();
                lastSeq = seq;
                lastHash = entry.hash();
                written.add(entry);
            }
        } catch (IOException e) {
            throw OviException.failure("cannot append to the WAL in " + dir + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
        return written;
    }

    /** Another process may have appended since our last write: read the chain's head from the queue. */
    private void catchUp() {
        long last = queue.lastIndex();
        if (last == lastIndex) {
            return;
        }
        if (last < 0) {
            lastSeq = 0;
            lastHash = "";
            lastIndex = last;
            return;
        }
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(last)) {
                throw OviException.failure("the WAL in " + dir + " has no readable last entry; run 'ovi wal verify'");
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    throw OviException.failure("the WAL in " + dir + " has no readable last entry; run 'ovi wal verify'");
                }
                WalEntry head = WalCodec.parse(dc.wire().read(FIELD).text());
                lastSeq = head.seq();
                lastHash = head.hash();
                lastIndex = last;
            }
        }
    }

    /** Calls {@code sink} with every entry from the start, in order. */
    public void readAll(Consumer<WalEntry> sink) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return;
                    }
                    sink.accept(WalCodec.parse(dc.wire().read(FIELD).text()));
                }
            }
        }
    }

    @Override
    public void sync() {
        // Chronicle writes through a shared memory map; forcing the queue's files makes the entries
        // survive a machine crash, not only a process crash.
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".cq4")).toList()) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.force(false);
                }
            }
        } catch (IOException e) {
            throw OviException.failure("cannot sync the WAL in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        queue.close();
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // closing a lock file we only ever locked cannot lose data
        }
    }
}
