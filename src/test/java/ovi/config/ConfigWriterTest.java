package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ovi.model.DesiredResource;
import org.junit.jupiter.api.Test;

class ConfigWriterTest {
    /** Strings YAML would read as something else, or that end a scalar, written by hand. */
    static final List<String> HOSTILE = List.of("yes", "no", "on", "off", "null", "Null", "~", "true", "False",
            "0x10", "0o17", "1e3", ".inf", "-.nan", "012", "1_000", "2026-12-02", "a: b", "a:b", "key: value # c",
            "# not a comment", "x #y", "- item", "-", "? q", "[a, b]", "{a: b}", "*ref", "&anchor", "!tag", "|", ">",
            "%YAML", "@at", "`tick`", "'single'", "\"double\"", "it's", "a\"b'c", "line\nbreak", "trailing\n",
            "\ttab", "  leading", "trailing  ", "back\\slash", "\\n", "\u2028sep", "ünïcödé ✓", "---", "...",
            "x".repeat(5000));

    private static Map<String, Object> config(Map<String, Object> resource) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("version", "v1");
        c.put("provider", "aws");
        c.put("region", "us-east-1");
        c.put("owner", "team-web");
        c.put("resources", List.of(resource));
        return c;
    }

    @Test
    void everyHostileStringReadsBackAsTheSameString() throws ConfigException {
        for (String s : HOSTILE) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("type", "ec2");
            r.put("name", "web");
            r.put("size", "t3.micro");
            r.put("image", s); // a free-text field: any string at all
            String yaml = ConfigWriter.write(config(r), "header with\na line break: yes # and more");
            OviConfig read = ConfigLoader.parse(yaml, null);
            DesiredResource d = read.desired().get(0);
            assertEquals(s, d.attribute("image"), () -> "wrote:\n" + yaml);
        }
    }

    @Test
    void tagKeysAndValuesAConfigMayHoldReadBackAsWritten() throws ConfigException {
        Map<String, Object> tags = new TreeMap<>();
        List<String> allowed = List.of("yes", "null", "~".replace("~", "tilde"), "true", "0x10", "1e3", "012",
                "a: b", "a:b", "key=value", "@at", "- x".replace("- ", "-"), "  leading", "trailing ", "ünïcödé",
                "v".repeat(256), "");
        for (int i = 0; i < allowed.size(); i++) {
            tags.put(i == 0 ? "yes" : i == 1 ? "null" : i == 2 ? "a: b" : "k" + i, allowed.get(i));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", "sqs");
        r.put("name", "jobs");
        r.put("tags", tags);
        OviConfig read = ConfigLoader.parse(ConfigWriter.write(config(r), ""), null);
        Map<String, String> want = new TreeMap<>();
        tags.forEach((k, v) -> want.put(k, (String) v));
        assertEquals(want, new TreeMap<>(read.desired().get(0).tags()));
    }

    @Test
    void numbersAndBooleansStayNumbersAndBooleans() throws ConfigException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", "sqs");
        r.put("name", "jobs");
        r.put("fifo", false);
        r.put("visibilityTimeout", 30L);
        r.put("maxMessageSize", 2048L);
        OviConfig read = ConfigLoader.parse(ConfigWriter.write(config(r), ""), null);
        assertEquals("30", read.desired().get(0).attribute("visibilityTimeout"));
        assertEquals("false", read.desired().get(0).attribute("fifo"));
    }

    @Test
    void noLineIsLongerThanTheLoaderTakes() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", "ec2");
        r.put("name", "web");
        r.put("size", "t3.micro");
        r.put("image", "word ".repeat(10_000));
        String yaml = ConfigWriter.write(config(r), "");
        assertTrue(yaml.lines().allMatch(l -> l.length() <= ConfigLoader.MAX_LINE));
    }
}
