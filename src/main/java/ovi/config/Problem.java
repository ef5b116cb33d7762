package ovi.config;

import java.nio.file.Path;

/**
 * One thing wrong with a config file.
 *
 * @param file    the config file, or null when the text did not come from a file
 * @param line    1-based line of the offending key or value; 0 when the file itself could not be read
 * @param column  1-based column; 0 together with line 0
 * @param key     where in the document, as a path such as {@code resources[1].storage}; empty for the
 *                file as a whole
 * @param message what is wrong and, where it helps, what would be accepted
 */
public record Problem(Path file, int line, int column, String key, String message) {
    public Problem {
        key = key == null ? "" : key;
    }

    /** The compiler-style form editors and terminals turn into links. */
    @Override
    public String toString() {
        String name = file == null ? "<config>" : file.toString();
        // line 0: the file as a whole could not be read, and "file:0:0:" would point nowhere
        String where = line == 0 ? name + ": " : name + ":" + line + ":" + column + ": ";
        // A problem with the file as a whole has no key; "file:0:0: : msg" would read as a typo.
        return key.isEmpty() ? where + message : where + key + ": " + message;
    }
}
