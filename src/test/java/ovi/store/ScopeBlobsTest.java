package ovi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

/** The store's per-scope bodies: what is written reads back exactly, and nothing else reads at all. */
class ScopeBlobsTest {
    private static final List<ScopeBlobs.StateEntry> STATE = List.of(
            new ScopeBlobs.StateEntry("ec2:us-east-1:i-1", "h1", "i-1", "web-1", 3),
            // a tag value someone else wrote, with the characters a line format would split on
            new ScopeBlobs.StateEntry("ec2:us-east-1:i-2", "h2", "i-2", "web\t2\n\u0000é", 4),
            new ScopeBlobs.StateEntry("ec2:us-east-1:i-3", "h3", "i-3", null, 5),
            // a hash as ovi makes them (kept as its 32 bytes), and one that only looks like it
            new ScopeBlobs.StateEntry("ec2:us-east-1:i-4", "0f".repeat(32), "i-4", "web-4", 6),
            new ScopeBlobs.StateEntry("ec2:us-east-1:i-5", "0F".repeat(32), "i-5", "web-5", 6));
    private static final List<ScopeBlobs.ChangeEntry> CHANGES = List.of(
            new ScopeBlobs.ChangeEntry("ec2:us-east-1:i-1", "web-1", "i-1", "h1", "{\"cloudId\":\"i-1\"}"),
            new ScopeBlobs.ChangeEntry("ec2:us-east-1:i-9", null, "i-9", null, null));

    @Test
    void whatIsWrittenReadsBackExactly() throws Exception {
        assertEquals(STATE, ScopeBlobs.readState(ScopeBlobs.state(STATE)));
        assertEquals(CHANGES, ScopeBlobs.readChanges(ScopeBlobs.changes(CHANGES)));
        assertEquals(List.of(), ScopeBlobs.readState(ScopeBlobs.state(List.of())));
        assertTrue(ScopeBlobs.readChanges(ScopeBlobs.changes(CHANGES)).get(1).gone());
    }

    @Test
    void aTruncatedAlteredOrForeignBodyIsDamaged() {
        byte[] body = ScopeBlobs.state(STATE);
        assertDamaged(Arrays.copyOf(body, body.length / 2), "");
        byte[] flipped = body.clone();
        flipped[flipped.length / 2] ^= 0x55;
        assertDamaged(flipped, "");
        assertDamaged(new byte[0], "");
        assertDamaged(null, "missing");
        // a change body is not a state body, nor the other way round
        assertDamaged(ScopeBlobs.changes(CHANGES), "starts with");
        assertThrows(ScopeBlobs.Damaged.class, () -> ScopeBlobs.readChanges(body));
    }

    @Test
    void lengthsAndCountsThatCannotBeAreRefusedBeforeAnythingIsAllocated() throws Exception {
        assertDamaged(deflated(0x6f760153, -5), "counts -5");
        assertDamaged(deflated(0x6f760153, 1, Integer.MAX_VALUE), "claims");
        assertDamaged(deflated(0x6f760153, 1, -7), "claims");
        assertDamaged(deflated(0x6f760153, 1, -1), "missing"); // a state entry without a key
        assertDamaged(deflated(0x6f760153, 0, 42), "goes on");
        // a change with a hash and no content
        byte[] half = deflatedChange("k", "o", "c", "\0h", null);
        ScopeBlobs.Damaged e = assertThrows(ScopeBlobs.Damaged.class, () -> ScopeBlobs.readChanges(half));
        assertTrue(e.getMessage().contains("without"), e.getMessage());
    }

    private static void assertDamaged(byte[] body, String says) {
        ScopeBlobs.Damaged e = assertThrows(ScopeBlobs.Damaged.class, () -> ScopeBlobs.readState(body));
        assertTrue(String.valueOf(e.getMessage()).contains(says), e.getMessage());
    }

    private static byte[] deflated(int... ints) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(b))) {
            for (int i : ints) {
                out.writeInt(i);
            }
        }
        return b.toByteArray();
    }

    private static byte[] deflatedChange(String... fields) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(b))) {
            out.writeInt(0x6f760143);
            out.writeInt(1);
            for (String f : fields) {
                if (f != null && f.startsWith("\0")) {
                    out.writeByte(0); // a hash kept as a string
                    f = f.substring(1);
                }
                if (f == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(f.length());
                    out.writeBytes(f);
                }
            }
        }
        return b.toByteArray();
    }
}
