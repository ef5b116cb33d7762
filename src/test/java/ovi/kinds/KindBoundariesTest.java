package ovi.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A kind's knowledge lives in its own package: adding one is a package under {@code ovi/aws/}, one line
 * in {@link ResourceKinds} and its SDK module. So nothing else under src/main may name a kind's package,
 * and nothing outside the kind packages may branch on a kind's key.
 */
class KindBoundariesTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Path KIND_PACKAGES = MAIN.resolve("ovi/aws");
    private static final Path REGISTRY = MAIN.resolve("ovi/kinds");

    @Test
    void onlyTheRegistryNamesAKindsPackage() throws IOException {
        Set<String> kinds = kindPackages();
        assertFalse(kinds.isEmpty(), "no kind package found under " + KIND_PACKAGES);
        Pattern names = Pattern.compile("\\bovi\\.aws\\.(" + String.join("|", kinds) + ")\\b");
        List<String> offenders = new ArrayList<>();
        for (Path f : sources()) {
            if (f.startsWith(REGISTRY) || kinds.stream().anyMatch(k -> f.startsWith(KIND_PACKAGES.resolve(k)))) {
                continue;
            }
            Matcher m = names.matcher(Files.readString(f));
            if (m.find()) {
                offenders.add(MAIN.relativize(f) + " names " + m.group());
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void nothingOutsideTheKindPackagesComparesWithAKindsKey() throws IOException {
        Set<String> kinds = kindPackages();
        // a kind's key in quotes, as a switch or an equals on it would write it
        Pattern key = Pattern.compile("\"(" + String.join("|", kinds) + ")\"");
        List<String> offenders = new ArrayList<>();
        for (Path f : sources()) {
            if (kinds.stream().anyMatch(k -> f.startsWith(KIND_PACKAGES.resolve(k)))) {
                continue;
            }
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                if (key.matcher(lines.get(i)).find()) {
                    offenders.add(MAIN.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertEquals(List.of(), offenders);
    }

    private static Set<String> kindPackages() throws IOException {
        try (Stream<Path> s = Files.list(KIND_PACKAGES)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }
}
