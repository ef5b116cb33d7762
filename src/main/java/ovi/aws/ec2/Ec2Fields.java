package ovi.aws.ec2;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ovi.model.Field;
import ovi.model.StorageSize;

/**
 * How an instance's settings read in the config and compare with what DescribeInstances says: the readers of
 * {@link Ec2Kind#TYPE}'s fields and the canonical forms they give.
 */
final class Ec2Fields {
    static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?");
    static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8}(?:[0-9a-f]{9})?");
    /** EC2 key pair names are up to 255 ASCII characters; no space at either end, which no one means. */
    static final Pattern KEY_NAME = Pattern.compile("[!-~](?:[ -~]{0,253}[!-~])?");
    private static final String PROFILE_NAME = "[\\w+=,.@-]{1,128}";
    private static final Pattern PROFILE = Pattern.compile(PROFILE_NAME);
    /** An instance profile's ARN; its name is the part after the last '/', whatever the path. */
    private static final Pattern PROFILE_ARN = Pattern.compile(
            "arn:aws[a-z-]*:iam::\\d{12}:instance-profile/(?:[\\x21-\\x7E&&[^/]]+/)*(" + PROFILE_NAME + ")");
    /** What AWS takes as user data: 16 KB, counted before base64. */
    static final int USER_DATA_MAX = 16 * 1024;
    static final List<String> VOLUME_TYPES = List.of("gp2", "gp3", "io1", "io2", "st1", "sc1", "standard");
    private static final Set<String> ROOT_VOLUME_KEYS = Set.of("size", "type", "iops", "encrypted");

    private Ec2Fields() {
    }

    /**
     * An instance profile by name or ARN, as its name: DescribeInstances gives the ARN, a config more often
     * the name, and names are unique in an account whatever the path, so the name is what compares.
     * {@code false} declares that the instance has no profile (one associated by hand is disassociated),
     * as the empty text.
     */
    static String instanceProfile(Field.Value v) {
        if (Boolean.FALSE.equals(v.tree())) {
            return "";
        }
        if (v.string()) {
            Matcher arn = PROFILE_ARN.matcher(v.text());
            if (arn.matches()) {
                return arn.group(1);
            }
            if (PROFILE.matcher(v.text()).matches()) {
                return v.text();
            }
        }
        throw new IllegalArgumentException("iamInstanceProfile is an instance profile's name (up to 128 letters, digits "
                + "or + = , . @ _ -) or ARN (arn:aws:iam::123456789012:instance-profile/name), or false for none; not "
                + v.description());
    }

    /** The name of the instance profile DescribeInstances names by ARN; an ARN of another form as it is. */
    static String profileName(String arn) {
        if (arn == null) {
            return "";
        }
        Matcher m = PROFILE_ARN.matcher(arn);
        return m.matches() ? m.group(1) : arn;
    }

    /** A profile value as plans show it: the empty text is no profile. */
    static String showProfile(String canonical) {
        return canonical.isEmpty() ? "(none)" : canonical;
    }

    /**
     * User data: the text itself, or {@code {file: boot.sh}}, a file read relative to the config's directory
     * (an absolute path as it is). Either way its canonical value is the text, at most 16 KiB of UTF-8; it is
     * base64-encoded only at RunInstances. The file is read once, when the config is: a changed file changes
     * nothing on an instance that exists (user data only runs at first boot).
     */
    static String userData(Field.Value v) {
        String text;
        if (v.string()) {
            text = v.text();
            if (text.isBlank()) {
                throw new IllegalArgumentException("userData must not be empty; leave the key out for none");
            }
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > USER_DATA_MAX) {
                throw new IllegalArgumentException("userData is " + bytes + " bytes; EC2 takes at most " + USER_DATA_MAX
                        + " bytes (16 KiB) before base64");
            }
            return text;
        }
        if (v.tree() instanceof Map<?, ?> m && m.size() == 1 && m.get("file") instanceof String name && !name.isBlank()) {
            return userDataFile(v.dir(), name);
        }
        throw new IllegalArgumentException("userData is the script itself as text, or {file: boot.sh} naming a file "
                + "beside the config; not " + v.description());
    }

    private static String userDataFile(Path dir, String name) {
        if (dir == null) {
            throw new IllegalArgumentException("userData file '" + name + "' cannot be found: this config was not "
                    + "read from a file, so there is no directory to read it from");
        }
        Path file;
        try {
            file = dir.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("userData file '" + name + "' is not a valid path: " + e.getReason());
        }
        String at = "userData file '" + name + "' (" + file + ")";
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(at + " is a directory, not a file");
        }
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(at + " does not exist; a relative path is read from the config's "
                    + "directory " + dir);
        }
        if (!Files.isRegularFile(file)) {
            // a FIFO or device would block or never end; only a plain file is what someone means here
            throw new IllegalArgumentException(at + " is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // read one byte past the limit rather than trusting the size: the file may grow as it is read
            bytes = in.readNBytes(USER_DATA_MAX + 1);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(at + " cannot be read: " + reason(e));
        }
        if (bytes.length > USER_DATA_MAX) {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                size = bytes.length;
            }
            throw new IllegalArgumentException(at + " is " + (size > USER_DATA_MAX ? size + " bytes" : "over "
                    + USER_DATA_MAX + " bytes") + "; EC2 takes at most " + USER_DATA_MAX + " bytes (16 KiB) of user "
                    + "data before base64");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(at + " is not UTF-8 text; ovi carries user data as text (a gzipped "
                    + "script is not supported)");
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException(at + " is empty");
        }
        return text;
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * The root volume: {@code size} (ovi's storage grammar: 20, 20Gi, 1Ti), {@code type}, {@code iops} (io1 and
     * io2 need it, gp3 takes it) and {@code encrypted} (true unless said otherwise: a secure default costs
     * nothing). Canonical: {@code size=20,type=gp3,iops=3000,encrypted=true}, in that order, absent keys left
     * out. A key left out is the image's own (its size, its type).
     */
    static String rootVolume(Field.Value v) {
        if (!(v.tree() instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("rootVolume is a mapping of size, type, iops and encrypted, such as "
                    + "{size: 20Gi, type: gp3}, not " + v.description());
        }
        for (Object k : m.keySet()) {
            if (!ROOT_VOLUME_KEYS.contains(k)) {
                throw new IllegalArgumentException("rootVolume takes size, type, iops and encrypted, not '" + k + "'");
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        Object size = m.get("size");
        if (size != null) {
            String text = size instanceof Long n ? n.toString() : size instanceof String s ? s : null;
            if (text == null) {
                throw new IllegalArgumentException("rootVolume size is a size such as 20Gi (a plain number is GiB), not "
                        + Field.Value.of(size).description());
            }
            out.put("size", Long.toString(StorageSize.parseGiB(text)));
        }
        Object type = m.get("type");
        if (type != null) {
            if (!(type instanceof String t) || !VOLUME_TYPES.contains(t)) {
                throw new IllegalArgumentException("rootVolume type is one of " + String.join(", ", VOLUME_TYPES)
                        + ", not " + Field.Value.of(type).description());
            }
            if (t.equals("st1") || t.equals("sc1")) {
                throw new IllegalArgumentException("rootVolume type " + t + " is a throughput disk, which EC2 cannot boot "
                        + "from; use gp3, gp2, io1, io2 or standard for the root volume");
            }
            out.put("type", t);
        }
        Object iops = m.get("iops");
        String t = out.get("type");
        if (iops != null) {
            if (!(iops instanceof Long n) || n < 100 || n > 256_000) {
                throw new IllegalArgumentException("rootVolume iops is a whole number from 100 to 256000, not "
                        + Field.Value.of(iops).description());
            }
            if (t == null || !List.of("gp3", "io1", "io2").contains(t)) {
                throw new IllegalArgumentException("rootVolume iops applies to type gp3, io1 or io2 only"
                        + (t == null ? "; say which type" : ", not " + t));
            }
            out.put("iops", iops.toString());
        } else if ("io1".equals(t) || "io2".equals(t)) {
            throw new IllegalArgumentException("rootVolume type " + t + " needs iops, the provisioned I/O operations "
                    + "per second");
        }
        Object encrypted = m.get("encrypted");
        if (encrypted != null && !(encrypted instanceof Boolean)) {
            throw new IllegalArgumentException("rootVolume encrypted is true or false, not "
                    + Field.Value.of(encrypted).description());
        }
        out.put("encrypted", encrypted == null ? "true" : encrypted.toString());
        return String.join(",", out.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** A canonical {@link #rootVolume} value as its keys and values. */
    static Map<String, String> rootVolumeParts(String canonical) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : canonical.split(",")) {
            int eq = part.indexOf('=');
            out.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return out;
    }
}
