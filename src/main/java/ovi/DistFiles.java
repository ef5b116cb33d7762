package ovi;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import ovi.cli.CompletionCommand;
import ovi.cli.ManPages;
import picocli.CommandLine;

/**
 * The build's step for the distribution's generated files (pom.xml, package phase): the man pages and the
 * completion script, both made from the command line {@link Ovi#commandLine} wires.
 */
public final class DistFiles {
    private DistFiles() {
    }

    /** {@code DistFiles MAN_DIR DATE COMPLETION_FILE}; DATE may be a whole timestamp, its day is used. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: DistFiles MAN_DIR DATE COMPLETION_FILE");
        }
        CommandLine root = Ovi.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        Path man = Path.of(args[0]);
        if (Files.isDirectory(man)) { // a verb renamed or gone since the last build leaves no page behind
            try (DirectoryStream<Path> old = Files.newDirectoryStream(man, "*.1")) {
                for (Path p : old) {
                    Files.delete(p);
                }
            }
        }
        List<Path> pages = ManPages.write(root, man, args[1].substring(0, Math.min(10, args[1].length())));
        Path completion = Path.of(args[2]).toAbsolutePath();
        Files.createDirectories(completion.getParent());
        Files.writeString(completion, CompletionCommand.script(root), StandardCharsets.UTF_8);
        System.out.println("ovi: " + pages.size() + " man pages in " + man + ", completion script " + completion);
    }
}
