package ovi.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads and validates an ovi config file. */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** The largest config ovi reads: far above any real one, far below what would exhaust memory. */
    static final int MAX_BYTES = 10 << 20;

    /**
     * Reads {@code file} as UTF-8 and validates it; a file that cannot be read is one problem at line 0.
     * Only a regular file (or a link to one) of at most {@link #MAX_BYTES} is read: {@code /dev/zero}, a
     * FIFO or a huge file would otherwise hang ovi or exhaust its memory.
     */
    /** Whether {@code id} is a region AWS has, as --region and AWS_REGION must name. */
    public static boolean knownRegion(String id) {
        return ConfigValidator.knownRegion(id);
    }

    /** The services the config's rateLimits (and --rate-limit) may name. */
    public static java.util.List<String> rateServices() {
        return ConfigValidator.RATE_SERVICES;
    }

    public static OviConfig load(Path file) throws ConfigException {
        return load(file, System.getenv()::get);
    }

    /** ... with {@code ${VAR}} in string values taken from {@code env} (a name to its value, null when unset). */
    public static OviConfig load(Path file, java.util.function.Function<String, String> env) throws ConfigException {
        return load(file, env, null, null, null);
    }

    /**
     * ... and {@code region} (from {@code regionFrom}, such as "--region") the default region when the config
     * has no {@code region:} of its own; null for none. With {@code secrets} (the environment, such as
     * {@code System::getenv}), checks that every variable a notify target's {@code secretEnv} names is set:
     * for runs that will send notifications; null when they are not checked.
     */
    public static OviConfig load(Path file, java.util.function.Function<String, String> env, String region,
                                 String regionFrom, java.util.function.Function<String, String> secrets)
            throws ConfigException {
        byte[] bytes;
        try {
            if (!Files.exists(file)) {
                throw fileProblem(file, "no such file");
            }
            if (Files.isDirectory(file)) {
                throw fileProblem(file, "a directory, not a config file");
            }
            if (!Files.isRegularFile(file)) {
                throw fileProblem(file, "not a regular file (a device, FIFO or socket); give the path of a YAML file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw fileProblem(file, "larger than " + (MAX_BYTES >> 20) + " MB (" + Files.size(file) + " bytes); is "
                        + "it really an ovi config?");
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_BYTES + 1); // bounded even if it grows after the check
            }
            if (bytes.length > MAX_BYTES) {
                throw fileProblem(file, "larger than " + (MAX_BYTES >> 20) + " MB");
            }
        } catch (NoSuchFileException e) {
            throw fileProblem(file, "no such file");
        } catch (IOException e) {
            throw fileProblem(file, "cannot read the file: " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw fileProblem(file, "not a UTF-8 text file");
        }
        return parse(text, file, env, region, regionFrom, secrets);
    }

    /**
     * Validates config text.
     *
     * @param file used only in problems and as {@link OviConfig#file()}; may be null
     * @throws ConfigException with every problem found
     */
    public static OviConfig parse(String yaml, Path file) throws ConfigException {
        return parse(yaml, file, System.getenv()::get);
    }

    /** ... with {@code ${VAR}} in string values taken from {@code env}. */
    public static OviConfig parse(String yaml, Path file, java.util.function.Function<String, String> env)
            throws ConfigException {
        return parse(yaml, file, env, null, null, null);
    }

    /**
     * ... and {@code region} the default region when the config names none; with {@code secrets}, the notify
     * targets' secret variables checked in it.
     */
    public static OviConfig parse(String yaml, Path file, java.util.function.Function<String, String> env,
                                  String region, String regionFrom, java.util.function.Function<String, String> secrets)
            throws ConfigException {
        Problems problems = new Problems(file);
        var longLine = longLine(yaml);
        if (longLine.isPresent()) {
            problems.add(new YamlTree.Mark(longLine.get(), 1), "", "line " + longLine.get() + " is longer than "
                    + MAX_LINE + " characters; no value in an ovi config is that long");
            problems.throwIfAny();
        }
        var config = YamlTree.read(yaml, problems, env)
                .flatMap(root -> new ConfigValidator(problems, region == null ? null
                        : new ConfigValidator.Region(region, regionFrom), secrets).validate(root, file));
        problems.throwIfAny();
        return config.orElseThrow(() -> new IllegalStateException("config rejected without a problem"));
    }

    /** The longest line a config may have: YAML's scanner is slow on huge scalars, and none is needed. */
    static final int MAX_LINE = 16 * 1024;

    private static java.util.Optional<Integer> longLine(String text) {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i - start > MAX_LINE) {
                    return java.util.Optional.of(line);
                }
                line++;
                start = i + 1;
            }
        }
        return java.util.Optional.empty();
    }

    private static ConfigException fileProblem(Path file, String message) {
        return new ConfigException(List.of(new Problem(file, 0, 0, "", message)));
    }
}
