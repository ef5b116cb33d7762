package ovi.aws.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ovi.model.Field;
import ovi.model.Reference;

/**
 * How each field of a function is written in the config and in what canonical form it is compared; the
 * observer gives what Lambda reports in the same form.
 */
final class LambdaFields {
    /** Lambda takes a zip of at most 50 MB in the request itself; larger code goes through S3. */
    static final long ZIP_MAX = 50L * 1024 * 1024;
    static final long MEMORY_MIN = 128;
    static final long MEMORY_MAX = 10240;
    /** Lambda's limit on all variables together: 4 KB. */
    static final int ENVIRONMENT_MAX = 4096;

    private static final Pattern RUNTIME = Pattern.compile("[a-z]+(\\d+(\\.(\\d+|x))?)?(\\.al2(023)?)?");
    private static final Pattern HANDLER = Pattern.compile("\\S{1,128}");
    private static final Pattern ROLE_ARN = Pattern.compile(
            "arn:aws[a-z-]*:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})");
    private static final Pattern MEMORY_SIZE = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)(Mi|Gi|M|G)");
    private static final Pattern VARIABLE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]*");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** Set by Lambda itself in every function: a configuration that names one is refused. */
    private static final Set<String> RESERVED = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION",
            "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHA = "sha256:";
    private static final String ZIP = " zip:";
    private static final String S3 = "s3:";

    private LambdaFields() {
    }

    /** A runtime identifier as Lambda names them: {@code python3.12}, {@code nodejs20.x}, {@code provided.al2023}. */
    static String runtime(Field.Value v) {
        if (!v.string() || !RUNTIME.matcher(v.text()).matches()) {
            throw new IllegalArgumentException("expected a runtime such as python3.12, nodejs20.x, java21 or "
                    + "provided.al2023, got " + v.description());
        }
        return v.text();
    }

    /** The function's entry point ({@code app.handler}): up to 128 characters without spaces. */
    static String handler(Field.Value v) {
        if (!v.string() || !HANDLER.matcher(v.text()).matches()) {
            throw new IllegalArgumentException("expected a handler such as app.handler (up to 128 characters, no "
                    + "spaces), got " + v.description());
        }
        return v.text();
    }

    /**
     * Memory in whole MB, from 128 to 10240: a bare number is MB, as Lambda's API and console count it; or a
     * size in {@link ovi.model.StorageSize}'s suffixes, {@code 512Mi} or {@code 1.5Gi}, where {@code M} and
     * {@code G} mean {@code Mi} and {@code Gi} as the console's "MB" does (Lambda's 10240 MB are 10 GiB).
     */
    static final Field.Reader MEMORY = new Field.Reader() {
        @Override
        public String read(Field.Value v) {
            BigDecimal mb;
            if (v.tree() instanceof Long n) {
                mb = BigDecimal.valueOf(n);
            } else if (v.string() && v.text().matches("\\d{1,9}")) {
                mb = new BigDecimal(v.text());
            } else if (v.string() && MEMORY_SIZE.matcher(v.text()).matches()) {
                Matcher m = MEMORY_SIZE.matcher(v.text());
                m.matches();
                mb = new BigDecimal(m.group(1)).multiply(m.group(2).startsWith("G") ? BigDecimal.valueOf(1024)
                        : BigDecimal.ONE);
            } else {
                throw new IllegalArgumentException("expected memory in MB (512), or with a unit as 512Mi or 1.5Gi, got "
                        + v.description());
            }
            if (mb.stripTrailingZeros().scale() > 0) {
                throw new IllegalArgumentException("memory '" + v.text() + "' is " + mb.stripTrailingZeros()
                        .toPlainString() + " MB; Lambda sets memory in whole MB");
            }
            if (mb.compareTo(BigDecimal.valueOf(MEMORY_MIN)) < 0 || mb.compareTo(BigDecimal.valueOf(MEMORY_MAX)) > 0) {
                throw new IllegalArgumentException("memory '" + v.text() + "' is out of range: from " + MEMORY_MIN
                        + " to " + MEMORY_MAX + " MB");
            }
            return mb.toBigIntegerExact().toString();
        }

        @Override
        public String show(String canonical) {
            return canonical + "Mi";
        }
    };

    /**
     * An IAM role ARN, or the config name of a declared {@code iam-role}; compared by role name, the one
     * form both have (an iam-role's cloud id is its name). The path and account of an ARN are not kept:
     * a role name is unique in an account, and Lambda takes only a role of the function's own account.
     */
    static String role(Field.Value v) {
        String r = ROLE.read(v);
        return Reference.unresolved(r) ? r : roleName(r);
    }

    private static final Field.Reader ROLE = Field.reference(ROLE_ARN,
            "an IAM role ARN such as arn:aws:iam::123456789012:role/app");

    /** The role name of a role ARN (its last part), or the value as it is when it is not a role ARN. */
    static String roleName(String arn) {
        if (arn == null) {
            return null;
        }
        Matcher m = ROLE_ARN.matcher(arn);
        return m.matches() ? m.group(1) : arn;
    }

    /**
     * Environment variables, a mapping of names to values (strings; whole numbers and booleans are taken as
     * written; other numbers must be quoted, as YAML would change {@code 1.10} to {@code 1.1}). Canonical form:
     * the variables as one JSON object with its keys sorted, compared as a whole, since Lambda sets them as
     * a whole.
     */
    static String environment(Field.Value v) {
        if (!(v.tree() instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("environment is a mapping of variable names to values, not "
                    + v.description());
        }
        Map<String, String> vars = new TreeMap<>();
        int size = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (!VARIABLE.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a variable name: a letter, then letters, "
                        + "digits or '_'");
            }
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException(name + " is set by Lambda itself and cannot be declared");
            }
            Object value = e.getValue();
            if (!(value instanceof String || value instanceof Long || value instanceof Boolean)) {
                throw new IllegalArgumentException(name + " must be a string, not " + Field.Value.of(value).description()
                        + (value instanceof Double ? " (quote it to keep it as written)" : ""));
            }
            vars.put(name, value.toString());
            size += name.getBytes(StandardCharsets.UTF_8).length + value.toString().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > ENVIRONMENT_MAX) {
            throw new IllegalArgumentException("the variables are " + size + " bytes together; Lambda takes at most "
                    + ENVIRONMENT_MAX + " (4 KB)");
        }
        return environmentValue(vars);
    }

    /** Variables in the canonical form of {@code environment}; no variables is {@code {}}. */
    static String environmentValue(Map<String, String> vars) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(vars == null ? Map.of() : vars));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The variables of an {@code environment} value. */
    static Map<String, String> variables(String canonical) {
        try {
            return JSON.readValue(canonical, new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an environment value: " + canonical, e);
        }
    }

    /**
     * The function's code: {@code {zip: build/app.zip}}, a zip file read relative to the config's directory,
     * or {@code {s3: bucket/key}}, an object Lambda copies at create.
     *
     * <p>A zip's canonical value is {@code sha256:<base64> zip:<absolute path>}: compared by the hash alone
     * (Lambda's CodeSha256 is the base64 SHA-256 of the zip's bytes, so code replaced by hand is drift), and
     * the path is where create and update read the bytes again, refusing them if they no longer have the
     * planned hash. An S3 object's hash is only known once Lambda has copied it, so {@code s3:} code is
     * never compared: it is used at create only.
     */
    static final Field.Reader CODE = new Field.Reader() {
        @Override
        public String read(Field.Value v) {
            if (v.tree() instanceof Map<?, ?> m && m.size() == 1) {
                Object zip = m.get("zip");
                Object s3 = m.get("s3");
                if (zip instanceof String file && !file.isBlank()) {
                    return zipValue(v.dir(), file);
                }
                if (s3 instanceof String location) {
                    return s3Value(location);
                }
            }
            throw new IllegalArgumentException("code is {zip: <file beside the config>} or {s3: <bucket>/<key>}, not "
                    + v.description());
        }

        @Override
        public String comparable(String canonical) {
            if (canonical.startsWith(S3)) {
                return null;
            }
            int space = canonical.indexOf(' ');
            return space < 0 ? canonical : canonical.substring(0, space);
        }

        @Override
        public String show(String canonical) {
            int zip = canonical.indexOf(ZIP);
            return zip < 0 ? canonical : canonical.substring(zip + 1) + " (" + canonical.substring(0, zip) + ")";
        }
    };

    private static String zipValue(Path dir, String name) {
        if (dir == null) {
            throw new IllegalArgumentException("code zip '" + name + "' cannot be found: this config was not read "
                    + "from a file, so there is no directory to read it from");
        }
        Path file;
        try {
            file = dir.resolve(name).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("code zip '" + name + "' is not a valid path: " + e.getReason());
        }
        String at = "code zip '" + name + "' (" + file + ")";
        if (file.toString().contains("@{") || file.toString().indexOf('\n') >= 0) {
            throw new IllegalArgumentException(at + ": a path with '@{' or a line break cannot be used");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(at + " is a directory; give the zip file itself");
        }
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(at + " does not exist; a relative path is read from the config's "
                    + "directory " + dir);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(at + " is not a regular file");
        }
        String hash;
        try (InputStream in = Files.newInputStream(file)) {
            hash = hash(in, at);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(at + " cannot be read: " + reason(e));
        }
        return SHA + hash + ZIP + file;
    }

    /** The base64 SHA-256 of a zip's bytes, refusing one that is not a zip or is over 50 MB. */
    private static String hash(InputStream in, String at) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        byte[] magic = new byte[2];
        for (int n; (n = in.read(buf)) > 0; ) {
            for (int i = 0; i < n && total + i < 2; i++) {
                magic[(int) total + i] = buf[i];
            }
            total += n;
            if (total > ZIP_MAX) {
                throw new IllegalArgumentException(at + " is over 50 MB, the most Lambda takes in the request; put "
                        + "it in S3 and declare {s3: bucket/key}");
            }
            sha.update(buf, 0, n);
        }
        if (total < 2 || magic[0] != 'P' || magic[1] != 'K') {
            throw new IllegalArgumentException(at + " is not a zip file");
        }
        return Base64.getEncoder().encodeToString(sha.digest());
    }

    private static String s3Value(String location) {
        int slash = location.indexOf('/');
        String bucket = slash < 0 ? location : location.substring(0, slash);
        String key = slash < 0 ? "" : location.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches() || key.isEmpty() || key.length() > 1024 || key.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("code s3 '" + location + "' is not <bucket>/<key>, such as "
                    + "my-builds/app/app.zip");
        }
        return S3 + location;
    }

    /** Whether a code value is an S3 object (used at create only). */
    static boolean s3(String code) {
        return code.startsWith(S3);
    }

    static String s3Bucket(String code) {
        return code.substring(S3.length(), code.indexOf('/'));
    }

    static String s3Key(String code) {
        return code.substring(code.indexOf('/') + 1);
    }

    /** The hash a code value compares by, as the observer gives Lambda's CodeSha256. */
    static String observedCode(String codeSha256) {
        return codeSha256 == null || codeSha256.isEmpty() ? null : SHA + codeSha256;
    }

    /**
     * The bytes of a zip code value, read again from its file: refused (IllegalStateException, saying why) when
     * the file is gone or no longer has the hash the plan was made with.
     */
    static byte[] zipBytes(String code) {
        int zip = code.indexOf(ZIP);
        if (!code.startsWith(SHA) || zip < 0) {
            throw new IllegalStateException("not a zip code value: " + code);
        }
        Path file = Path.of(code.substring(zip + ZIP.length()));
        byte[] bytes;
        try {
            if (Files.size(file) > ZIP_MAX) {
                throw new IllegalStateException("the code zip " + file + " is over 50 MB now; plan again");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            throw new IllegalStateException("the code zip " + file + " cannot be read: " + reason(e));
        }
        String planned = code.substring(SHA.length(), zip);
        String now = Base64.getEncoder().encodeToString(sha256().digest(bytes));
        if (!now.equals(planned)) {
            throw new IllegalStateException("the code zip " + file + " changed since the plan (sha256 " + planned
                    + " then, " + now + " now); plan again");
        }
        return bytes;
    }

    /** The hash part of a zip code value ({@code sha256:<base64>}). */
    static String codeHash(String code) {
        return CODE.comparable(code);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static String reason(Exception e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
