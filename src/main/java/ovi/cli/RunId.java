package ovi.cli;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Run ids sort by time and are unique across overlapping processes. */
public final class RunId {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunId() {
    }

    public static String next() {
        return "r" + ZonedDateTime.now(ZoneOffset.UTC).format(FORMAT) + "-"
                + String.format("%06x", RANDOM.nextInt(1 << 24));
    }
}
