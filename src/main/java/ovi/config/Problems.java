package ovi.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects problems while a config is read, so one run reports all of them. */
final class Problems {
    private final Path file;
    private final List<Problem> found = new ArrayList<>();

    Problems(Path file) {
        this.file = file;
    }

    void add(YamlTree.Mark at, String key, String message) {
        found.add(new Problem(file, at.line(), at.column(), key, message));
    }

    int count() {
        return found.size();
    }

    void throwIfAny() throws ConfigException {
        if (!found.isEmpty()) {
            throw new ConfigException(found);
        }
    }
}
