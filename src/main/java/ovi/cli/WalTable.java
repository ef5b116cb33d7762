package ovi.cli;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import ovi.model.WalEntry;

/** WAL entries as fixed-width rows: time, run, type, resource, action, message. */
final class WalTable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String FORMAT = "%-20s  %-24s  %-9s  %-24s  %-6s  %s";

    private WalTable() {
    }

    static String header() {
        return String.format(FORMAT, "TIME", "RUN", "TYPE", "RESOURCE", "ACTION", "MESSAGE").stripTrailing();
    }

    static String row(WalEntry e) {
        return String.format(FORMAT, TIME.format(e.time()), orDash(e.runId()), e.type(), orDash(e.resource()),
                orDash(e.action()), e.message() == null ? "" : e.message().replace('\n', ' ')).stripTrailing();
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
