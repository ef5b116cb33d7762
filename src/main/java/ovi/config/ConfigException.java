package ovi.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config that cannot be used, with every problem found in it rather than only the first. */
public final class ConfigException extends Exception {
    private final transient List<Problem> problems;

    ConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
