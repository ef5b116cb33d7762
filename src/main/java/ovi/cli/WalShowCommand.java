package ovi.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import ovi.engine.ExitCode;
import ovi.engine.OviException;
import ovi.model.WalEntry;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.WalCodec;
import ovi.wal.WalQuery;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {
            "Show WAL entries, oldest first, filtered by time, run, resource and type.",
            "",
            "Times (--since, --until) are a duration ago (30s, 15m, 2h, 7d, PT2H), an ISO time",
            "(2026-11-21T03:10:00Z), a local date-time (2026-11-21T03:10) or a date (2026-11-21).",
            "Types: observed, decided, claimed, executing, executed, failed, skipped, released.",
        },
        footer = {"", "Examples:",
            "  ovi wal show -c ovi.yaml --since 2026-11-21T03:00Z --until 2026-11-21T03:30Z",
            "  ovi wal show -c ovi.yaml --resource web-0 --type executing,executed,failed",
            "  ovi wal show --state-dir .ovi --run r20261121T031000Z-1a2b3c -o json",
            "  ovi wal show -c ovi.yaml -f -o jsonl | jq .message"})
public final class WalShowCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    enum Format { text, json, jsonl }

    @Spec
    CommandSpec spec;

    @Mixin
    AuditState state;

    @Option(names = "--since", paramLabel = "TIME", converter = Durations.TimeConverter.class,
            description = "Only entries at or after TIME.")
    Instant since;

    @Option(names = "--until", paramLabel = "TIME", converter = Durations.TimeConverter.class,
            description = "Only entries before TIME.")
    Instant until;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "Only entries of this run.")
    String run;

    @Option(names = "--resource", paramLabel = "ID",
            description = "Only entries about this resource (ovi id, cloud id or scope such as ec2/us-east-1).")
    String resource;

    @Option(names = "--type", paramLabel = "TYPE", split = ",", description = "Only entries of these types.")
    List<String> types;

    @Option(names = "--limit", paramLabel = "N", description = "At most the N newest matching entries.")
    Integer limit;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description =
            "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). json is one object "
            + "{formatVersion, entries}; jsonl one WAL entry per line, as stored.")
    Format format = Format.text;

    // a flag of its own: picocli gives -o its default after the options are read
    @Option(names = {"--json", "-json"}, description = "The same as -o json.")
    boolean jsonFlag;

    @Option(names = {"-f", "--follow"},
            description = "Keep printing new entries as they are appended, like tail -f, until interrupted.")
    boolean follow;

    /** Stops following after this many entries were printed in all: lets a test end a follow. */
    @Option(names = "--stop-after", hidden = true)
    long stopAfter = Long.MAX_VALUE;

    @Option(names = "--poll-ms", hidden = true)
    long pollMillis = 200;

    @Override
    public Integer call() {
        if (jsonFlag) {
            format = Format.json;
        }
        WalQuery query;
        try {
            query = new WalQuery(since, until, run, resource, WalQuery.types(types), limit);
        } catch (IllegalArgumentException unknownType) {
            throw new CommandLine.ParameterException(spec.commandLine(), unknownType.getMessage());
        }
        if (follow && format == Format.json) {
            throw OviException.usage("--follow prints entries as they come: use -o jsonl or text, not json");
        }
        PrintWriter out = spec.commandLine().getOut();
        ChronicleAuditLog wal = state.openWal();
        if (wal == null) {
            spec.commandLine().getErr().println("ovi: no WAL in " + state.walDir() + " yet");
            spec.commandLine().getErr().flush();
            if (format == Format.json) {
                ObjectNode doc = JSON.createObjectNode().put("formatVersion", OutputOptions.FORMAT_VERSION);
                doc.putArray("entries");
                out.println(doc.toPrettyString());
            }
            out.flush();
            return ExitCode.OK;
        }
        try (wal; ChronicleAuditLog.Follower tail = wal.follow(true)) {
            List<WalEntry> shown = query.select(tail.poll());
            printAll(out, shown);
            long printed = shown.size();
            while (follow && printed < stopAfter) {
                try {
                    Thread.sleep(pollMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                for (WalEntry e : tail.poll()) {
                    if (query.matches(e) && printed < stopAfter) {
                        print(out, e);
                        printed++;
                    }
                }
                out.flush();
            }
        }
        return ExitCode.OK;
    }

    private void printAll(PrintWriter out, List<WalEntry> entries) {
        switch (format) {
            case json -> {
                ObjectNode doc = JSON.createObjectNode().put("formatVersion", OutputOptions.FORMAT_VERSION);
                ArrayNode arr = doc.putArray("entries");
                for (WalEntry e : entries) {
                    arr.add(tree(e));
                }
                try {
                    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
                } catch (java.io.IOException ex) {
                    throw new IllegalStateException(ex);
                }
            }
            case jsonl -> entries.forEach(e -> out.println(WalCodec.toJson(e)));
            case text -> {
                if (!entries.isEmpty() || follow) {
                    out.println(WalTable.header());
                }
                entries.forEach(e -> out.println(WalTable.row(e)));
                if (entries.isEmpty() && !follow) {
                    spec.commandLine().getErr().println("ovi: no entries match");
                }
            }
        }
        out.flush();
    }

    private void print(PrintWriter out, WalEntry e) {
        out.println(format == Format.jsonl ? WalCodec.toJson(e) : WalTable.row(e));
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(WalEntry e) {
        try {
            return JSON.readTree(WalCodec.toJson(e));
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
