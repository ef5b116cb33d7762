package ovi.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import ovi.config.OviConfig;
import ovi.engine.OviException;
import ovi.engine.Plan;

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
