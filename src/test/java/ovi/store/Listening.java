package ovi.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Which local addresses listen on a TCP port, from /proc/net/tcp and /proc/net/tcp6 (Linux). */
public final class Listening {
    private Listening() {
    }

    /** "127.0.0.1", "0.0.0.0", "::", "::1" or the hex of another address, for each listener on the port. */
    public static List<String> on(int port) throws IOException {
        List<String> out = new ArrayList<>();
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            // read once: the table changes as connections come and go, so two reads may differ in length
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                String[] local = f[1].split(":");
                if (local[1].equals(hexPort) && f[3].equals("0A")) { // 0A: LISTEN
                    out.add(switch (local[0]) {
                        case "0100007F" -> "127.0.0.1";
                        case "00000000" -> "0.0.0.0";
                        case "00000000000000000000000000000000" -> "::";
                        case "00000000000000000000000001000000" -> "::1";
                        case "0000000000000000FFFF00000100007F" -> "127.0.0.1";
                        default -> local[0];
                    });
                }
            }
        }
        return out;
    }
}
