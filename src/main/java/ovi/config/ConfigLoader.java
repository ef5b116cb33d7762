package ovi.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads and validates an ovi config file. */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** Reads {@code file} as UTF-8 and validates it; a file that cannot be read is one problem at line 0. */
    public static OviConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw fileProblem(file, "no such file");
        } catch (MalformedInputException e) {
            throw fileProblem(file, "not a UTF-8 text file");
        } catch (IOException e) {
            throw fileProblem(file, "cannot read the file: " + e.getMessage());
        }
        return parse(text, file);
    }

    /**
     * Validates config text.
     *
     * @param file used only in problems and as {@link OviConfig#file()}; may be null
     * @throws ConfigException with every problem found
     */
    public static OviConfig parse(String yaml, Path file) throws ConfigException {
        Problems problems = new Problems(file);
        var config = YamlTree.read(yaml, problems)
                .flatMap(root -> new ConfigValidator(problems).validate(root, file));
        problems.throwIfAny();
        return config.orElseThrow(() -> new IllegalStateException("config rejected without a problem"));
    }

    private static ConfigException fileProblem(Path file, String message) {
        return new ConfigException(List.of(new Problem(file, 0, 0, "", message)));
    }
}
