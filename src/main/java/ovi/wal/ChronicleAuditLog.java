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
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
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
    static {
        // Before Chronicle's first class: its Jvm class would otherwise bind its POSIX layer through jnr-ffi,
        // generating native stubs at run time (about 0.12 s of CPU in every process, on the main thread's
        // path, and never in a class-data archive). Of that layer Chronicle Queue calls only msync, as
        // MS_ASYNC (a no-op on Linux), and the no-op layer answers 0; ovi makes the WAL durable itself, with
        // FileChannel.force in sync().
        net.openhft.posix.PosixAPI.useNoOpPosixApi();
    }

    static final String FIELD = "ovi";
    /** One lock per WAL directory for this JVM; see {@link #locked}. */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS =
            new ConcurrentHashMap<>();

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final FileChannel lockChannel;
    private final TimeProvider time;
    private long lastIndex = Long.MIN_VALUE;
    private long lastSeq;
    private String lastHash = "";
    private WalHeads heads;
    private long headRecorded;

    private ChronicleAuditLog(Path dir, SingleChronicleQueue queue, FileChannel lockChannel, TimeProvider time) {
        this.dir = dir;
        this.queue = queue;
        this.lockChannel = lockChannel;
        this.time = time;
    }

    /** Opens (creating if needed) the WAL in {@code dir}. */
    public static ChronicleAuditLog open(Path dir) {
        return open(dir, SystemTimeProvider.INSTANCE);
    }

    /**
     * Opens the WAL with a clock of the caller's choosing, which stamps entries and picks their daily
     * cycle: tests use it to write the cycles of past days.
     */
    static ChronicleAuditLog open(Path dir, TimeProvider time) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw OviException.failure("cannot open the WAL: " + dir + " is not a directory; move it aside");
        }
        FileChannel lock = null;
        try {
            Files.createDirectories(dir);
            lock = FileChannel.open(dir.resolve("append.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            // Checked and opened under the lock appends take: another run creating the metadata or a new
            // cycle file at this moment would otherwise look damaged (a file of 0 bytes, no header yet) and
            // be set aside or refused.
            SingleChronicleQueue queue = underLock(dir, lock, () -> {
                setAsideDamagedMetadata(dir);
                List<String> damaged = damagedFiles(dir);
                if (!damaged.isEmpty()) {
                    // Chronicle would map the file and silently grow it back with zeros, hiding the loss
                    throw OviException.failure("the WAL in " + dir + " is damaged: " + String.join(", ", damaged)
                            + "; ovi will not open it (nothing was changed); restore the file from a backup, or run "
                            + "'ovi wal repair' to set the damaged part aside and go on");
                }
                return SingleChronicleQueueBuilder.single(dir.toFile())
                        .rollCycle(RollCycles.FAST_DAILY)
                        .timeProvider(time)
                        .build();
            });
            return new ChronicleAuditLog(dir, queue, lock, time);
        } catch (OviException e) {
            closeQuietly(lock);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(lock);
            String why = e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
                    ? fs.getFile() + ": " + fs.getReason() : String.valueOf(e.getMessage());
            throw OviException.failure("cannot open the WAL in " + dir + ": " + why, e);
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing was written through it
            }
        }
    }

    /** Runs {@code work} holding this JVM's lock on the directory, then the file lock other processes honour. */
    private static <T> T underLock(Path dir, FileChannel lockChannel, java.util.function.Supplier<T> work) {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
        jvmLock.lock();
        try (FileLock ignored = lockChannel.lock()) {
            return work.get();
        } catch (IOException e) {
            throw OviException.failure("cannot lock the WAL in " + dir + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * Opens the WAL in {@code dir} to read only, writing nothing there (for the audit verbs on a read-only
     * copy of a state directory); appending to it fails.
     */
    public static ChronicleAuditLog openReadOnly(Path dir) {
        List<String> damaged = damagedFiles(dir);
        if (!damaged.isEmpty()) {
            throw OviException.failure("the WAL in " + dir + " is damaged: " + String.join(", ", damaged)
                    + "; restore the file from a backup, or run 'ovi wal repair' on a writable copy");
        }
        try {
            SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(dir.toFile())
                    .rollCycle(RollCycles.FAST_DAILY)
                    .readOnly(true)
                    .build();
            return new ChronicleAuditLog(dir, queue, null, SystemTimeProvider.INSTANCE);
        } catch (RuntimeException e) {
            throw OviException.failure("cannot read the WAL in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Cycle files that are damaged: cut short (Chronicle grows them in whole pages of at least 64 KiB, so a
     * size that is not a whole number of pages, or below that, is a file truncated after the fact), or whose
     * header is not Chronicle's (zeroed or overwritten: Chronicle would stall for half a minute on it, then
     * rename it *.discard and carry on without its entries).
     */
    public static List<String> damagedFiles(Path dir) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList()) {
                long size = Files.size(f);
                if (size < MIN_FILE_SIZE || size % PAGE != 0) {
                    out.add(f.getFileName() + " is truncated (" + size + " bytes)");
                } else if (!hasHeader(f)) {
                    out.add(f.getFileName() + " has a damaged header (not a Chronicle queue file)");
                }
            }
        } catch (IOException e) {
            throw OviException.failure("cannot list the WAL in " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Chronicle's {@code metadata.cq4t} holds only what it can work out again from the cycle files (the
     * last cycle, index positions, locks). A damaged one made every command stall and fail on its lock; it
     * is moved aside (kept, for a look) and Chronicle makes a new one.
     */
    private static void setAsideDamagedMetadata(Path dir) {
        Path meta = dir.resolve("metadata.cq4t");
        try {
            if (Files.isRegularFile(meta) && (Files.size(meta) < 12 || !hasHeader(meta)) && Files.isWritable(dir)) {
                Path aside = dir.resolve("metadata.cq4t.damaged-" + System.currentTimeMillis());
                Files.move(meta, aside);
                System.err.println("ovi: warning: the WAL's metadata file " + meta + " was damaged: moved it to "
                        + aside.getFileName() + "; Chronicle rebuilds it from the cycle files (no entry is lost)");
            }
        } catch (IOException e) {
            throw OviException.failure("cannot set aside the damaged WAL metadata " + meta + ": " + e.getMessage(), e);
        }
    }

    /** Chronicle's files start with a 4-byte header word, then the field name "header" (0xB9, length 6). */
    private static boolean hasHeader(Path f) throws IOException {
        byte[] head = new byte[12];
        try (var in = Files.newInputStream(f)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                return false;
            }
        }
        return (head[4] & 0xff) == 0xb9 && head[5] == 6
                && new String(head, 6, 6, java.nio.charset.StandardCharsets.US_ASCII).equals("header");
    }

    private static final long PAGE = 4096;
    private static final long MIN_FILE_SIZE = 64 * 1024;

    public Path dir() {
        return dir;
    }

    /**
     * Keeps this WAL's head in {@code heads} from now on: at every {@link #sync()} (made before each change
     * to AWS) and at {@link #close()}, so a tail, file or directory lost later shows in {@code wal verify}.
     */
    public void anchorIn(WalHeads heads) {
        this.heads = heads;
    }

    /** The name this WAL's head is kept under: its host and directory. */
    public static String key(Path dir) {
        return HOST + ":" + dir.toAbsolutePath().normalize();
    }

    private static final String HOST = host();

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
    }

    private synchronized void recordHead() {
        if (heads != null && lastSeq > headRecorded) {
            heads.raise(key(dir), new WalHeads.Head(lastSeq, lastHash, Instant.ofEpochMilli(time.currentTimeMillis())));
            headRecorded = lastSeq;
        }
    }

    @Override
    public synchronized List<WalEntry> append(List<Draft> drafts) {
        if (drafts.isEmpty()) {
            return List.of();
        }
        List<WalEntry> written = new ArrayList<>(drafts.size());
        guarded(() -> locked(() -> {
            try (ExcerptAppender appender = queue.createAppender()) {
                catchUp();
                for (Draft d : drafts) {
                    long seq = lastSeq + 1;
                    WalEntry unsigned = new WalEntry(seq, Instant.ofEpochMilli(time.currentTimeMillis()), d.runId(),
                            d.type(), d.resource(), d.action(), d.message(), d.data(), lastHash, null);
                    WalEntry entry = WalCodec.sign(unsigned);
                    String json = WalCodec.toJson(entry);
                    ensureRoomFor(json.length());
                    try (DocumentContext dc = appender.writingDocument()) {
                        dc.wire().write(FIELD).text(json);
                    }
                    lastIndex = appender.lastIndexAppended();
                    lastSeq = seq;
                    lastHash = entry.hash();
                    written.add(entry);
                }
            }
            return null;
        }));
        return written;
    }

    /**
     * Entries exactly as they are (seq, prev and hash kept), after the chain's head: how a repair carries
     * the good part of a damaged log over into a new queue.
     */
    synchronized void appendVerbatim(List<WalEntry> entries) {
        guarded(() -> locked(() -> {
            try (ExcerptAppender appender = queue.createAppender()) {
                catchUp();
                for (WalEntry e : entries) {
                    if (e.seq() != lastSeq + 1 && lastSeq != 0) {
                        throw new IllegalStateException("seq " + e.seq() + " does not follow " + lastSeq);
                    }
                    try (DocumentContext dc = appender.writingDocument()) {
                        dc.wire().write(FIELD).text(WalCodec.toJson(e));
                    }
                    lastIndex = appender.lastIndexAppended();
                    lastSeq = e.seq();
                    lastHash = e.hash();
                }
            }
            return null;
        }));
    }

    /**
     * Below this much free space an append is refused before it starts: a full disk mid-write is worse.
     * {@code -Dovi.wal.minFreeBytes} lowers it, for the test that fills a disk under a write on purpose.
     */
    static final long MIN_FREE_BYTES = Long.getLong("ovi.wal.minFreeBytes", 4L << 20);

    private void ensureRoomFor(long bytes) {
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < MIN_FREE_BYTES + bytes) {
                throw OviException.failure("the disk holding the WAL in " + dir + " is (nearly) full: " + free
                        + " bytes free; nothing was appended, so nothing is done in AWS either; free some space and "
                        + "run again");
            }
        } catch (IOException e) {
            throw OviException.failure("cannot tell how much room the WAL in " + dir + " has: " + e.getMessage(), e);
        }
    }

    /** Set once an append failed mid-write: this log object appends nothing more. */
    private String broken;

    /**
     * Runs an append. The queue writes through a memory map: when the disk fills up under it the JVM
     * reports the failed page as an InternalError, which is turned into one clear error here; the entry
     * it cut short is found by 'ovi wal verify' and set aside by 'ovi wal repair'.
     */
    private void guarded(Runnable append) {
        if (broken != null) {
            throw OviException.failure("the WAL in " + dir + " cannot be appended to since: " + broken);
        }
        try {
            append.run();
        } catch (OviException e) {
            throw e;
        } catch (InternalError | RuntimeException e) {
            long free = -1;
            try {
                free = Files.getFileStore(dir).getUsableSpace();
            } catch (IOException ignored) {
                // the free space is only for the message
            }
            broken = "an append failed mid-write (" + (free >= 0 && free < (1L << 20) ? "the disk is full, "
                    + free + " bytes free" : String.valueOf(e.getMessage())) + ")";
            throw OviException.failure("cannot append to the WAL in " + dir + ": " + broken + "; nothing more is done; "
                    + "once there is room, run 'ovi wal verify' and, if it reports damage, 'ovi wal repair'", e);
        }
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
                throw OviException.failure("the WAL in " + dir + " has no readable last entry; run 'ovi wal verify', "
                        + "then 'ovi wal repair'");
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    throw OviException.failure("the WAL in " + dir + " has no readable last entry; run 'ovi wal verify', "
                            + "then 'ovi wal repair'");
                }
                WalEntry head;
                try {
                    head = WalCodec.parse(dc.wire().read(FIELD).text());
                } catch (IllegalArgumentException e) {
                    throw OviException.failure("the last entry of the WAL in " + dir + " is unreadable (" + e.getMessage()
                            + "); run 'ovi wal verify', then 'ovi wal repair'");
                }
                lastSeq = head.seq();
                lastHash = head.hash();
                lastIndex = last;
            }
        }
    }

    /**
     * Calls {@code sink} with every entry from the start, in order.
     *
     * @throws OviException when an entry cannot be read, naming its cycle file; nothing is changed
     */
    public void readAll(Consumer<WalEntry> sink) {
        scan((entry, pos) -> sink.accept(entry));
    }

    /** Where an entry lives: its Chronicle index and the cycle file that holds it. */
    public record Position(long index, int cycle, Path file) {
    }

    /** Receives entries with their positions. */
    public interface EntryVisitor {
        void visit(WalEntry entry, Position position);
    }

    /** Like {@link #readAll} but with each entry's position; stops on the first unreadable entry. */
    public void scan(EntryVisitor visitor) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                WalEntry e;
                Position pos;
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return;
                    }
                    pos = position(dc.index());
                    try {
                        e = WalCodec.parse(dc.wire().read(FIELD).text());
                    } catch (RuntimeException ex) {
                        throw unreadable(pos, ex);
                    }
                } catch (OviException ex) {
                    throw ex;
                } catch (RuntimeException ex) {
                    throw OviException.failure("the WAL in " + dir + " cannot be read after index "
                            + Long.toHexString(tailer.index()) + " (" + cycleFile(tailer.cycle()).getFileName() + "): "
                            + ex.getMessage() + "; run 'ovi wal verify'", ex);
                }
                visitor.visit(e, pos);
            }
        }
    }

    private OviException unreadable(Position pos, RuntimeException ex) {
        return OviException.failure("the WAL entry at index " + Long.toHexString(pos.index()) + " in "
                + pos.file() + " is unreadable: " + ex.getMessage() + "; run 'ovi wal verify', then 'ovi wal repair'", ex);
    }

    Position position(long index) {
        int cycle = queue.rollCycle().toCycle(index);
        return new Position(index, cycle, cycleFile(cycle));
    }

    /**
     * Reads the entries appended after everything read so far, each time it is called: the tail of
     * {@code tail -f}. From the start, the first poll returns the whole log. One reader per thread; close
     * it when done.
     */
    public Follower follow(boolean fromStart) {
        ExcerptTailer t = queue.createTailer();
        return new Follower(fromStart ? t.toStart() : t.toEnd());
    }

    /** A tailer that stays at the end of the log. */
    public final class Follower implements AutoCloseable {
        private final ExcerptTailer tailer;

        private Follower(ExcerptTailer tailer) {
            this.tailer = tailer;
        }

        /** The entries appended since the last call (possibly none). */
        public List<WalEntry> poll() {
            List<WalEntry> out = new ArrayList<>();
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return out;
                    }
                    Position pos = position(dc.index());
                    try {
                        out.add(WalCodec.parse(dc.wire().read(FIELD).text()));
                    } catch (RuntimeException ex) {
                        throw unreadable(pos, ex);
                    }
                }
            }
        }

        @Override
        public void close() {
            tailer.close();
        }
    }

    /** The cycle file of a daily cycle, such as {@code 20261121F.cq4}. */
    public Path cycleFile(int cycle) {
        long millis = (long) cycle * queue.rollCycle().lengthInMillis();
        String name = java.time.format.DateTimeFormatter.ofPattern(queue.rollCycle().format())
                .withZone(java.time.ZoneOffset.UTC).format(Instant.ofEpochMilli(millis));
        return dir.resolve(name + ".cq4");
    }

    /** The highest index written, or a negative number when the log is empty. */
    long lastIndex() {
        return queue.lastIndex();
    }

    SingleChronicleQueue queue() {
        return queue;
    }

    TimeProvider time() {
        return time;
    }

    /**
     * Runs {@code work} holding the append lock, so no entry is appended meanwhile by this or any other
     * process: retention removes files under it.
     */
    synchronized <T> T underAppendLock(java.util.function.Supplier<T> work) {
        return locked(() -> {
            T result = work.get();
            lastIndex = Long.MIN_VALUE; // files may have gone: re-read the head before the next append
            return result;
        });
    }

    /**
     * Runs {@code work} holding this JVM's lock on the directory, then the file lock that other processes
     * honour. File locks are per JVM, so without the first a second log on the same directory in this JVM
     * would get OverlappingFileLockException.
     */
    private <T> T locked(java.util.function.Supplier<T> work) {
        if (lockChannel == null) {
            throw OviException.failure("the WAL in " + dir + " was opened to read only");
        }
        return underLock(dir, lockChannel, work);
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
        recordHead();
    }

    @Override
    public synchronized void close() {
        try {
            recordHead();
        } finally {
            closeQueue();
        }
    }

    private void closeQueue() {
        queue.close();
        if (lockChannel == null) {
            return;
        }
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // closing a lock file we only ever locked cannot lose data
        }
    }
}
