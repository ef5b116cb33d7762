package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import ovi.Ovi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ovi validate}, and JSON results and errors of every verb under {@code -o json}. */
class ValidateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String VALID = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: ec2
                name: web
                count: 2
                size: t3.micro
                image: ami-123
            """;

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }

        JsonNode errJson() throws Exception {
            return JSON.readTree(err);
        }
    }

    static Run ovi(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ovi.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @TempDir
    Path dir;

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }

    @Test
    void aValidConfigIsOkAndNothingIsCreatedBesideIt() throws Exception {
        Path config = Files.writeString(dir.resolve("web.yaml"), VALID);

        Run text = ovi("validate", "-c", config.toString());
        assertEquals(0, text.code(), text::toString);
        assertTrue(text.out().startsWith("ok: " + config + " is valid: owner team-web, 2 resources in us-east-1"),
                text::toString);

        Run json = ovi("validate", "-c", config.toString(), "-o", "json");
        assertEquals(0, json.code(), json::toString);
        assertEquals(1, json.json().get("formatVersion").asInt());
        assertTrue(json.json().get("valid").asBoolean());
        assertEquals(0, json.json().get("problems").size());
        assertEquals(0, json.json().get("exitCode").asInt());
        assertEquals(List.of(config), files(dir), "no .ovi state directory, nothing else");
    }

    @Test
    void everyProblemIsListedWithFileLineAndColumnAndExits65() throws Exception {
        Path config = Files.writeString(dir.resolve("web.yaml"), VALID.replace("t3.micro", "42")
                .replace("owner: team-web", "owner: team-web\ncolour: blue"));

        Run text = ovi("validate", "-c", config.toString());
        assertEquals(65, text.code(), text::toString);
        assertTrue(text.err().contains("invalid config " + config + " (2 problems)"), text::toString);
        assertTrue(text.err().contains(config + ":5:1: colour: unknown key 'colour'"), text::toString);
        assertTrue(text.err().contains(config + ":10:11: resources[0].size:"), text::toString);

        Run json = ovi("validate", "-c", config.toString(), "--json");
        assertEquals(65, json.code(), json::toString);
        JsonNode doc = json.json();
        assertFalse(doc.get("valid").asBoolean());
        assertEquals(65, doc.get("exitCode").asInt());
        assertEquals(2, doc.get("problems").size(), doc::toString);
        JsonNode first = doc.get("problems").get(0);
        assertEquals(config.toString(), first.get("file").asText());
        assertEquals(5, first.get("line").asInt());
        assertEquals(1, first.get("column").asInt());
        assertEquals("colour", first.get("key").asText());
        assertEquals(List.of(config), files(dir));

        Run missing = ovi("validate", "-c", dir.resolve("nosuch.yaml").toString(), "-json");
        assertEquals(65, missing.code(), missing::toString);
        assertEquals(0, missing.json().get("problems").get(0).get("line").asInt(), missing::toString);
    }

    @Test
    void underJsonOutputAnErrorIsAJsonObjectOnStderr() throws Exception {
        Run plan = ovi("plan", "-c", dir.resolve("nosuch.yaml").toString(), "--state-dir", dir.resolve("s").toString(),
                "-o", "json");
        assertEquals(65, plan.code(), plan::toString);
        assertEquals("", plan.out(), "stdout holds results only");
        JsonNode e = plan.errJson();
        assertEquals(1, e.get("formatVersion").asInt());
        assertEquals(65, e.get("exitCode").asInt());
        assertTrue(e.get("error").asText().contains("no such file"), e::toString);

        Run logged = ovi("plan", "-c", dir.resolve("nosuch.yaml").toString(), "--state-dir", dir.resolve("s").toString(),
                "-o", "json", "--log-format", "json");
        assertEquals(65, logged.code(), logged::toString);
        assertEquals(1, logged.err().strip().lines().count(), "one line: " + logged);
        assertEquals("error", logged.errJson().get("level").asText(), logged::toString);
        assertEquals(65, logged.errJson().get("exitCode").asInt(), logged::toString);

        Run usage = ovi("status", "--nosuch", "--json");
        assertEquals(64, usage.code(), usage::toString);
        assertEquals(64, usage.errJson().get("exitCode").asInt(), usage::toString);
        assertTrue(usage.errJson().get("error").asText().contains("--nosuch"), usage::toString);

        Run text = ovi("plan", "-c", dir.resolve("nosuch.yaml").toString(), "--state-dir", dir.resolve("s").toString());
        assertEquals(65, text.code());
        assertTrue(text.err().startsWith("ovi: error: invalid config"), "text stays text: " + text);
    }

    @Test
    void theAuditVerbsCarryTheFormatVersion() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Run status = ovi("status", "--state-dir", state.toString(), "-o", "json");
        assertEquals(0, status.code(), status::toString);
        assertEquals(1, status.json().get("formatVersion").asInt(), status::toString);
        Run show = ovi("wal", "show", "--state-dir", state.toString(), "--json");
        assertEquals(0, show.code(), show::toString);
        assertEquals(1, show.json().get("formatVersion").asInt(), show::toString);
        assertEquals(0, show.json().get("entries").size(), show::toString);
        Run verify = ovi("wal", "verify", "--state-dir", state.toString(), "-o", "json");
        assertEquals(1, verify.code(), "no WAL to verify: " + verify);
        assertEquals(1, verify.errJson().get("formatVersion").asInt(), verify::toString);
        Run prune = ovi("wal", "prune", "--state-dir", state.toString(), "--wal-retention", "30d", "-o", "json");
        assertEquals(0, prune.code(), prune::toString);
        assertEquals(1, prune.json().get("formatVersion").asInt(), prune::toString);
        Run repair = ovi("wal", "repair", "--state-dir", state.toString(), "-o", "json");
        assertEquals(1, repair.code(), "no WAL to repair: " + repair);
        assertEquals(1, repair.errJson().get("formatVersion").asInt(), repair::toString);
        Run history = ovi("history", "--state-dir", state.toString(), "web-0", "-o", "json");
        assertEquals(1, history.code(), "no store yet: " + history);
        assertEquals(1, history.errJson().get("exitCode").asInt(), history::toString);
        assertEquals(List.of(), files(state), "the audit verbs create nothing");
    }
}
