package ovi.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import ovi.model.Scope;

/**
 * One line at the bottom of a terminal that says what a run is doing now (the scope being listed, its
 * pages and resources, the rate; the action being taken and how many are done), rewritten in place with
 * a carriage return and clear-to-end-of-line. Only on a terminal's stderr (never in a pipe, a file, stdout
 * or JSON), never with {@code -q} or {@code --log-format json}; {@link Log} takes it off the screen for each
 * line it prints and puts it back after, and the command ends it before printing its result.
 *
 * <p>Its text names scopes and resources from the config, so it is cleaned as everything ovi prints is
 * ({@link TerminalSafeWriter#clean}); only its own two control sequences reach the terminal.
 */
final class StatusLine {
    static final String CLEAR = "\r\u001b[K";

    private final Writer terminal;
    private final LongSupplier nanos;
    private final int width;
    private final Map<Scope, int[]> scopes = new LinkedHashMap<>();
    private Scope latest;
    private long started = -1;
    private String acting;
    private int done;
    private int total;
    private boolean shown;
    private boolean ended;

    /** @param terminal the process's own stderr, not the filtered writer (that would show the sequences escaped) */
    StatusLine(Writer terminal, LongSupplier nanos, int width) {
        this.terminal = terminal;
        this.nanos = nanos;
        this.width = Math.max(20, width);
    }

    /** On this process's stderr when it is a terminal (and TERM is not {@code dumb}), else null. */
    static StatusLine onStderr(Writer rawStderr) {
        if (rawStderr == null || "dumb".equals(System.getenv("TERM")) || !stderrIsTerminal()) {
            return null;
        }
        return new StatusLine(rawStderr, System::nanoTime, columns());
    }

    /**
     * The terminal's width: {@code COLUMNS} when exported, else what {@code stty size} says of the
     * controlling terminal, else 80. A line wider than the terminal would wrap, and a carriage return
     * then only goes back to the start of its last row.
     */
    static int columns() {
        String env = System.getenv("COLUMNS");
        if (env != null && env.trim().matches("[0-9]{1,4}") && Integer.parseInt(env.trim()) > 0) {
            return Integer.parseInt(env.trim());
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (stty.waitFor(2, java.util.concurrent.TimeUnit.SECONDS) && stty.exitValue() == 0) {
                String[] size = new String(stty.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                        .trim().split("\\s+");
                if (size.length == 2 && size[1].matches("[0-9]{1,4}") && Integer.parseInt(size[1]) > 0) {
                    return Integer.parseInt(size[1]);
                }
            } else {
                stty.destroyForcibly();
            }
        } catch (IOException | RuntimeException e) {
            // no stty, or no controlling terminal: the usual width
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }

    /** Whether file descriptor 2 is a terminal: on Linux, whether it is a tty device; elsewhere, whether the JVM has a console. */
    static boolean stderrIsTerminal() {
        try {
            String target = Path.of("/proc/self/fd/2").toRealPath().toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | RuntimeException e) {
            return System.console() != null;
        }
    }

    synchronized void listed(Scope scope, int resources) {
        if (started < 0) {
            started = nanos.getAsLong();
        }
        int[] s = scopes.computeIfAbsent(scope, k -> new int[2]);
        s[0]++;
        s[1] = resources;
        latest = scope;
        draw();
    }

    synchronized void acting(String what, int done, int total) {
        this.acting = what;
        this.done = done;
        this.total = total;
        draw();
    }

    /** Runs {@code print} (a line of the log) with the status line off the screen, then puts it back. */
    synchronized void around(Runnable print) {
        if (shown) {
            write(CLEAR);
            shown = false;
        }
        print.run();
        draw();
    }

    /** Takes the line off the screen until there is news: something is printed on stdout next. */
    synchronized void hide() {
        if (shown) {
            write(CLEAR);
        }
        shown = false;
    }

    /** Takes the line off the screen for good: the run's results come next. */
    synchronized void end() {
        if (shown) {
            write(CLEAR);
        }
        shown = false;
        ended = true;
    }

    /** The line as it stands, or null when there is nothing to say yet. */
    synchronized String text() {
        if (acting != null) {
            return applying(acting, done, total);
        }
        if (latest == null) {
            return null;
        }
        int[] s = scopes.get(latest);
        long all = scopes.values().stream().mapToLong(v -> v[1]).sum();
        double seconds = (nanos.getAsLong() - started) / 1e9;
        return observing(latest, s[0], s[1], scopes.size(), all, seconds);
    }

    /**
     * Redraws on every page and every action: each is at least one AWS call, paced by the run's rate
     * limits, so there are never more redraws than a terminal shows without effort.
     */
    private void draw() {
        if (ended) {
            return;
        }
        String line = text();
        if (line == null) {
            return;
        }
        write("\r" + fit(TerminalSafeWriter.clean(line), width) + "\u001b[K");
        shown = true;
    }

    private void write(String s) {
        try {
            terminal.write(s);
            terminal.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the terminal", e);
        }
    }

    /** {@code observing ec2/us-east-1: page 3, 2,400 resources (2,950 in 4 scopes, 410/s)}. */
    static String observing(Scope scope, int pages, int resources, int scopeCount, long all, double seconds) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "observing %s: page %,d, %,d resources", scope,
                pages, resources));
        String rate = seconds >= 0.5 ? String.format(Locale.ROOT, "%,.0f/s", all / seconds) : null;
        if (scopeCount > 1) {
            b.append(String.format(Locale.ROOT, " (%,d in %d scopes%s)", all, scopeCount, rate == null ? "" : ", " + rate));
        } else if (rate != null) {
            b.append(" (").append(rate).append(')');
        }
        return b.toString();
    }

    /** {@code applying: 12 of 40 done; create ec2 web-3}. */
    static String applying(String what, int done, int total) {
        return String.format(Locale.ROOT, "applying: %,d of %,d done; %s", done, total, what);
    }

    /** {@code line} cut to fit {@code width} columns less one (a full line would wrap, and \r not reach its start). */
    static String fit(String line, int width) {
        int max = width - 1;
        if (line.codePointCount(0, line.length()) <= max) {
            return line;
        }
        return line.substring(0, line.offsetByCodePoints(0, max - 1)) + "…";
    }
}
