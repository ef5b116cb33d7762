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
 */
public final class PlanFile {
    static final String KEY_FILE = "plan.key";

    private PlanFile() {
    }

    static void write(Path file, Plan plan, OviConfig config, Path stateDir) {
        ObjectNode root = PlanJson.tree(plan, true);
        root.put("config", config.file().toAbsolutePath().toString());
        root.put("stateDir", stateDir.toAbsolutePath().toString());
        root.put("checksum", seal(root, stateDir));
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, PlanJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root),
                    StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
     * @param stateDir the state directory it was made with
     * @param config   the config it was made from
     */
    record Saved(Path file, String runId, long revision, String owner, String account, Path config, Path stateDir,
                 List<Intent> intents) {
    }

    /** The state directory a plan file says it was made with, before anything is verified. */
    static Path recordedStateDir(Path file) {
        JsonNode n = parse(file).get("stateDir");
        if (n == null || !n.isTextual()) {
            throw invalid(file, "it names no state directory");
        }
        return Path.of(n.asText());
    }

    /**
     * Reads a plan file and checks its seal with the key in {@code stateDir}. Anything wrong (not JSON, an
     * unknown format version, a broken seal, a missing field) is an invalid plan file: exit 65.
     */
    static Saved read(Path file, Path stateDir) {
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
        if (!Files.exists(keyFile)) {
            throw invalid(file, "there is no plan key in " + stateDir + ", so it was not made with this state "
                    + "directory (use --state-dir)");
        }
        byte[] want = HexFormat.of().parseHex(seal(root, stateDir));
        byte[] have;
        try {
            have = HexFormat.of().parseHex(checksum.asText());
        } catch (IllegalArgumentException e) {
            throw invalid(file, "its checksum is not hexadecimal");
        }
        if (!MessageDigest.isEqual(want, have)) {
            throw invalid(file, "its checksum does not match: it was changed after 'ovi plan --out' saved it, or "
                    + "made with another state directory; make a new plan");
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
                    Path.of(text(root, "config")), Path.of(text(root, "stateDir")), intents);
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
        return new Intent(action, text(d, "kind"), id, type, region, optText(d, "cloudId"), optText(d, "contentHash"),
                desired, changes, optText(d, "reason") == null ? "" : optText(d, "reason"), runId);
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
        return HexFormat.of().parseHex(Files.readString(keyFile, StandardCharsets.US_ASCII).trim());
    }
}
