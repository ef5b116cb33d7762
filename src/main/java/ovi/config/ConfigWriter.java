package ovi.config;

import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes a config given as plain Java (maps, lists, strings, whole numbers, booleans) as YAML, through the
 * YAML library's own emitter: a string that would read as something else ({@code yes}, {@code null},
 * {@code 0x10}, {@code a: b}, {@code # x}, a quote, a line break) is quoted or escaped by the emitter, never
 * by hand, so any value reads back as the same string.
 */
public final class ConfigWriter {
    private ConfigWriter() {
    }

    /** The config as YAML text, block style, with {@code header} (comment lines, may be empty) on top. */
    public static String write(Map<String, Object> config, String header) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(120);
        options.setAllowUnicode(true);
        options.setSplitLines(true);
        options.setLineBreak(DumperOptions.LineBreak.UNIX);
        String yaml = new Yaml(options).dump(config);
        StringBuilder sb = new StringBuilder();
        if (header != null && !header.isEmpty()) {
            for (String line : header.split("\n", -1)) {
                sb.append("# ").append(line.replaceAll("\\p{Cntrl}", " ")).append('\n');
            }
        }
        return sb.append(yaml).toString();
    }

    /** A config read back as ovi reads a file, to check what is about to be written. */
    public static OviConfig read(Map<String, Object> config) {
        try {
            return ConfigLoader.parse(write(config, ""), null);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
