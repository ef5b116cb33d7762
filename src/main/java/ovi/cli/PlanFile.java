package ovi.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import ovi.config.OviConfig;
import ovi.engine.OviException;
import ovi.engine.Plan;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.DesiredResource;
import ovi.model.Intent;
import ovi.model.ResourceType;

/**
 * A saved plan: the plan's JSON plus what apply needs to execute exactly it, sealed with an HMAC whose
 * key lives in the state directory, so a plan edited by hand, or made with another state, is refused.
 *
 * <p>Nothing in the file says where its key, its state or its config are: those come from the command
 * line (or the defaults) of the run that applies it. A file that named its own state directory could
 * point at a directory holding its author's own key and so seal anything.
 */
public final class PlanFile {
    static final String KEY_FILE = "plan.key";

    private PlanFile() {
    }

    static void write(Path file, Plan plan, OviConfig config, Path stateDir) {
        ObjectNode root = PlanJson.tree(plan, true);
        // recorded for people and checked against the applying run's own, never used to find anything
        root.put("config", real(config.file()).toString());
        root.put("stateDir", real(stateDir).toString());
        root.put("checksum", seal(root, stateDir));
        try {
            // a fresh file of our own (random name, created exclusively, 0600), never a fixed name that someone
            // else could have put there first as a link to a file of ours
            Path parent = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, PlanJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root),
                        StandardCharsets.UTF_8);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw OviException.failure("cannot write the plan to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The HMAC-SHA256 of the plan without its checksum field. */
    static String seal(ObjectNode root, Path stateDir) {
        ObjectNode copy = root.deepCopy();
        copy.remove("checksum");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(stateDir), "HmacSHA256"));
            byte[] bytes = PlanJson.MAPPER.writeValueAsBytes(copy);
            return HexFormat.of().formatHex(mac.doFinal(bytes));
        } catch (GeneralSecurityException | IOException e) {
            throw OviException.failure("cannot seal the plan: " + e.getMessage(), e);
        }
    }

    /**
     * A saved plan as read back and verified.
     *
     * @param runId    the run that made the plan: creates take their idempotency token from it
     * @param stateDir the state directory it was made with: the applying run's own
     * @param config   the config it was made from: the applying run's own
     */
    record Saved(Path file, String runId, long revision, String owner, String account, Path config, Path stateDir,
                 List<Intent> intents) {
    }

    /**
     * Reads a plan file and checks its seal with the key in {@code stateDir}, the applying run's own state
     * directory, then that it was made with that state directory and from {@code config}. Anything wrong
     * (not JSON, an unknown format version, a broken seal, another state or config, a missing field) is an
     * invalid plan file: exit 65.
     */
    static Saved read(Path file, Path stateDir, Path config) {
        ObjectNode root = parse(file);
        JsonNode version = root.get("formatVersion");
        if (version == null || !version.isInt() || version.asInt() != PlanJson.FORMAT_VERSION) {
            throw invalid(file, "unknown formatVersion " + version + "; this ovi reads version "
                    + PlanJson.FORMAT_VERSION);
        }
        JsonNode checksum = root.get("checksum");
        if (checksum == null || !checksum.isTextual()) {
            throw invalid(file, "it has no checksum");
        }
        Path keyFile = stateDir.resolve(KEY_FILE);
        if (!Files.isRegularFile(keyFile)) {
            throw invalid(file, "there is no plan key in " + stateDir + ", so it was not made with this state "
                    + "directory; name the state it was made with (--state-dir DIR, or -c CONFIG for the .ovi/ "
                    + "beside it)");
        }
        byte[] want = HexFormat.of().parseHex(seal(root, stateDir));
        byte[] have;
        try {
            have = HexFormat.of().parseHex(checksum.asText());
        } catch (IllegalArgumentException e) {
            throw invalid(file, "its checksum is not hexadecimal");
        }
        if (!MessageDigest.isEqual(want, have)) {
            throw invalid(file, "its checksum does not match the key in " + stateDir + ": it was changed after "
                    + "'ovi plan --out' saved it, or made with another state directory; make a new plan");
        }
        // sealed with our key, so these were written by a plan of ours: still, a plan made with a copy of
        // this state (same key) or from another config is not this run's to apply
        String madeIn = root.path("stateDir").asText(null);
        if (madeIn == null || !Path.of(madeIn).equals(real(stateDir))) {
            throw invalid(file, "it was made with the state directory " + madeIn + ", not " + real(stateDir)
                    + "; nothing was done");
        }
        String madeFrom = root.path("config").asText(null);
        if (madeFrom == null || !Path.of(madeFrom).equals(real(config))) {
            throw invalid(file, "it was made from the config " + madeFrom + ", not " + real(config)
                    + "; pass that config with -c, or make a new plan; nothing was done");
        }
        try {
            List<Intent> intents = new ArrayList<>();
            String runId = text(root, "runId");
            JsonNode decisions = root.get("decisions");
            if (decisions == null || !decisions.isArray()) {
                throw new IllegalArgumentException("no decisions list");
            }
            for (JsonNode d : decisions) {
                intents.add(intent(d, runId));
            }
            return new Saved(file, runId, root.path("revision").asLong(), text(root, "owner"), text(root, "account"),
                    config, stateDir, intents);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid(file, "it is malformed: " + e.getMessage());
        }
    }

    private static Intent intent(JsonNode d, String runId) {
        Action action = java.util.Arrays.stream(Action.values()).filter(a -> a.key().equals(text(d, "action")))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown action " + d.get("action")));
        ResourceType type = ResourceType.parse(text(d, "type"))
                .orElseThrow(() -> new IllegalArgumentException("unknown type " + d.get("type")));
        String id = text(d, "id");
        String region = text(d, "region");
        DesiredResource desired = null;
        JsonNode dn = d.get("desired");
        if (dn != null && dn.isObject()) {
            desired = new DesiredResource(id, type, region, strings(dn.get("attributes")), strings(dn.get("tags")));
        }
        List<Change> changes = new ArrayList<>();
        for (JsonNode c : d.path("changes")) {
            changes.add(new Change(text(c, "field"), optText(c, "current"), optText(c, "desired")));
        }
        java.util.SortedSet<String> after = new java.util.TreeSet<>();
        for (JsonNode a : d.path("after")) {
            if (!a.isTextual()) {
                throw new IllegalArgumentException("an 'after' entry of " + id + " is not an id");
            }
            after.add(a.asText());
        }
        return new Intent(action, text(d, "kind"), id, type, region, optText(d, "cloudId"), optText(d, "contentHash"),
                desired, changes, optText(d, "reason") == null ? "" : optText(d, "reason"), runId, after);
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> m = new TreeMap<>();
        if (n != null) {
            n.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        }
        return m;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing or non-text field '" + field + "'");
        }
        return v.asText();
    }

    private static String optText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static ObjectNode parse(Path file) {
        try {
            JsonNode n = PlanJson.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (n instanceof ObjectNode o) {
                return o;
            }
            throw invalid(file, "it is not a JSON object");
        } catch (java.nio.file.NoSuchFileException e) {
            throw invalid(file, "no such file");
        } catch (JsonProcessingException e) {
            throw invalid(file, "it is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw invalid(file, "cannot read it: " + e.getMessage());
        }
    }

    /** The path with links resolved where it exists, so two spellings of one place compare equal. */
    static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    static OviException invalid(Path file, String why) {
        return OviException.invalidInput("invalid plan file " + file + ": " + why);
    }

    private static byte[] key(Path stateDir) throws IOException {
        Path keyFile = stateDir.resolve(KEY_FILE);
        if (!Files.exists(keyFile)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try {
                Files.write(keyFile, HexFormat.of().formatHex(key).getBytes(StandardCharsets.US_ASCII),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process made it first: use theirs
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        }
        String hex = Files.readString(keyFile, StandardCharsets.US_ASCII).trim();
        if (!hex.matches("[0-9a-f]{64}")) {
            throw OviException.failure("the plan key " + keyFile + " is damaged (not 64 hexadecimal digits); plans "
                    + "saved with it cannot be checked: move it aside and make a new plan");
        }
        return HexFormat.of().parseHex(hex);
    }
}
