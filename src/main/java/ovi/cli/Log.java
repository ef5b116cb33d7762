package ovi.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import ovi.engine.Progress;

/**
 * Every line a run of plan or apply writes to stderr: progress (info), warnings, errors and, with
 * {@code --debug}, each AWS attempt. As text ({@code ovi: warning: ...}) or, with {@code --log-format json},
 * one JSON object per line for a log shipper: {@code time} (ISO-8601 UTC), {@code level}
 * (info|warn|error|debug), {@code run}, {@code resource} (when the line is about one) and {@code message}.
 * Lines come from the threads that act, so each is written whole, under the writer's lock.
 */
public final class Log {
    public enum Format { text, json }

    public enum Level {
        info(""), warn("warning: "), error("error: "), debug("debug: ");

        private final String textPrefix;

        Level(String textPrefix) {
            this.textPrefix = textPrefix;
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrintWriter err;
    private final Format format;
    private final String run;
    private final boolean quiet;
    private final Clock clock;
    /** The terminal's status line, or null (not a terminal, -q, or JSON lines). */
    private volatile StatusLine status;

    /**
     * @param run   the run id, or null before there is one
     * @param quiet {@code -q}: info lines are dropped (warnings, errors and debug lines never are)
     */
    public Log(PrintWriter err, Format format, String run, boolean quiet, Clock clock) {
        this.err = err;
        this.format = format;
        this.run = run;
        this.quiet = quiet;
        this.clock = clock;
    }

    Log(PrintWriter err, Format format, String run, boolean quiet) {
        this(err, format, run, quiet, Clock.systemUTC());
    }

    /** With {@code status} (null for none) kept at the bottom of the terminal while the run goes. */
    Log withStatus(StatusLine status) {
        this.status = quiet || format == Format.json ? null : status;
        return this;
    }

    /** Takes the status line off the screen until the next progress: stdout is written next. */
    public void hideStatus() {
        StatusLine s = status;
        if (s != null) {
            s.hide();
        }
    }

    /** Takes the status line off the screen for good, before the run prints its results. */
    public void endStatus() {
        StatusLine s = status;
        if (s != null) {
            s.end();
        }
    }

    public boolean json() {
        return format == Format.json;
    }

    public void info(String message) {
        line(Level.info, null, message);
    }

    public void warn(String message) {
        line(Level.warn, null, message);
    }

    public void error(String message) {
        line(Level.error, null, message);
    }

    public void debug(String message) {
        line(Level.debug, null, message);
    }

    /** The engine's progress: info lines, naming the resource where the engine knows it. */
    public Progress progress() {
        return new Progress() {
            @Override
            public void accept(String message) {
                line(Level.info, null, message);
            }

            @Override
            public void about(String resourceId, String message) {
                line(Level.info, resourceId, message);
            }

            @Override
            public void listed(ovi.model.Scope scope, int resources) {
                StatusLine s = status;
                if (s != null) {
                    s.listed(scope, resources);
                }
            }

            @Override
            public void acting(String what, int done, int total) {
                StatusLine s = status;
                if (s != null) {
                    s.acting(what, done, total);
                }
            }
        };
    }

    /** One line at {@code level}; {@code resource} is the ovi id it is about, or null. */
    public void line(Level level, String resource, String message) {
        if (quiet && level == Level.info) {
            return;
        }
        String text = format == Format.json ? json(level, resource, message) : "ovi: " + level.textPrefix + message;
        StatusLine s = status;
        synchronized (err) {
            if (s == null) {
                err.println(text);
                err.flush();
            } else {
                s.around(() -> {
                    err.println(text);
                    err.flush();
                });
            }
        }
    }

    String json(Level level, String resource, String message) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("time", DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        n.put("level", level.name());
        if (run != null) {
            n.put("run", run);
        }
        if (resource != null) {
            n.put("resource", resource);
        }
        n.put("message", message);
        try {
            return MAPPER.writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a tree of strings always serialises", e);
        }
    }
}
