package ovi.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The two bodies the store keeps per scope, each a deflated list of length-prefixed fields: a scope's
 * {@link StateEntry state} (one entry per resource it holds now, no content) and what one revision changed
 * in it ({@link ChangeEntry}, with each new state's JSON). Fields are length-prefixed, so no value (a tag
 * someone else wrote) can be read as another field; a body that does not decode exactly is {@link Damaged}.
 */
final class ScopeBlobs {
    private static final int STATE = 0x6f760153; // "ov", version 1, 'S'
    private static final int CHANGES = 0x6f760143; // "ov", version 1, 'C'
    /** No field of a resource comes near this; a length above it is damage, not a value to allocate. */
    private static final int MAX_FIELD = 64 << 20;
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    private ScopeBlobs() {
    }

    /** One resource a scope holds now: its key, content hash, ids and the revision its state was written in. */
    record StateEntry(String key, String hash, String cloudId, String oviId, long revision) {
    }

    /** One resource a revision wrote in a scope; {@code hash} and {@code json} are null when it was gone. */
    record ChangeEntry(String key, String oviId, String cloudId, String hash, String json) {
        boolean gone() {
            return hash == null;
        }
    }

    /** A body that is not what this store writes: truncated, altered, or of another format. */
    static final class Damaged extends Exception {
        Damaged(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static byte[] state(Collection<StateEntry> entries) {
        return write(STATE, entries.size(), out -> {
            for (StateEntry e : entries) {
                string(out, e.key());
                hash(out, e.hash());
                string(out, e.cloudId());
                string(out, e.oviId());
                out.writeLong(e.revision());
            }
        });
    }

    static byte[] changes(Collection<ChangeEntry> entries) {
        return write(CHANGES, entries.size(), out -> {
            for (ChangeEntry e : entries) {
                string(out, e.key());
                string(out, e.oviId());
                string(out, e.cloudId());
                hash(out, e.hash());
                string(out, e.json());
            }
        });
    }

    static List<StateEntry> readState(byte[] body) throws Damaged {
        return read(STATE, body, in -> new StateEntry(required(in), hash(in), required(in), string(in), in.readLong()));
    }

    static List<ChangeEntry> readChanges(byte[] body) throws Damaged {
        return read(CHANGES, body, in -> {
            ChangeEntry e = new ChangeEntry(required(in), string(in), required(in), hash(in), string(in));
            if ((e.hash() == null) != (e.json() == null)) {
                throw new IOException("an entry has a hash without content or content without a hash");
            }
            return e;
        });
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(int magic, int count, Writer body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + count * 64);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes, deflater, 1 << 16))) {
            out.writeInt(magic);
            out.writeInt(count);
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to take bytes
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    private static <T> List<T> read(int magic, byte[] body, Reader<T> entry) throws Damaged {
        if (body == null) {
            throw new Damaged("the body is missing", null);
        }
        Inflater inflater = new Inflater();
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(body), inflater,
                1 << 16))) {
            int found = in.readInt();
            if (found != magic) {
                throw new IOException(String.format("it starts with %08x, not %08x", found, magic));
            }
            int count = in.readInt();
            if (count < 0) {
                throw new IOException("it counts " + count + " entries");
            }
            List<T> out = new ArrayList<>(Math.min(count, 1 << 20));
            for (int i = 0; i < count; i++) {
                out.add(entry.read(in));
            }
            if (in.read() != -1) {
                throw new IOException("it goes on after its " + count + " entries");
            }
            return out;
        } catch (EOFException e) {
            throw new Damaged("it ends early", e);
        } catch (IOException e) {
            throw new Damaged(e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > MAX_FIELD) {
            throw new IOException("a field claims " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * A content hash: the 32 bytes of a SHA-256 in lowercase hex, as ovi makes them (half the size, and
     * hashes do not compress), anything else as a string.
     */
    private static void hash(DataOutputStream out, String hash) throws IOException {
        if (hash != null && hash.length() == 64 && hash.chars().allMatch(ch -> ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
            out.writeByte(1);
            out.write(HEX.parseHex(hash));
        } else {
            out.writeByte(0);
            string(out, hash);
        }
    }

    private static String hash(DataInputStream in) throws IOException {
        int form = in.readUnsignedByte();
        if (form == 1) {
            byte[] b = new byte[32];
            in.readFully(b);
            return HEX.formatHex(b);
        }
        if (form != 0) {
            throw new IOException("a hash is of form " + form);
        }
        return string(in);
    }

    private static String required(DataInputStream in) throws IOException {
        String s = string(in);
        if (s == null) {
            throw new IOException("a key or cloud id is missing");
        }
        return s;
    }
}
