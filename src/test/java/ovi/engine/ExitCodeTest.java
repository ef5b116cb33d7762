package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExitCodeTest {
    /** The README's exit-code table says exactly what the code's one table says. */
    @Test
    void theReadmeTableIsTheCodesTable() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int start = lines.indexOf("### Exit codes");
        Map<String, String> readme = new LinkedHashMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("### ") || line.startsWith("## ")) {
                break;
            }
            String[] cells = line.split("\\|");
            if (cells.length == 3 && cells[1].strip().matches("\\d+")) {
                readme.put(cells[1].strip(), cells[2].strip());
            }
        }
        assertEquals(ExitCode.table(), readme);
    }
}
