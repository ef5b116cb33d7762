package ovi.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import ovi.config.ConfigSchema;
import ovi.engine.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ovi schema}: the config's JSON Schema, made from the validator's own keys and every kind's fields. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = {
            "Print the JSON Schema (draft 2020-12) of the config, for editors and CI.",
            "Made from the keys 'ovi validate' takes and every resource kind's fields, so",
            "it follows new kinds and keys. It checks the shape (keys, required ones,",
            "lists, mappings); 'ovi validate' also checks the values, and says where.",
        },
        footer = {"", "Examples:",
            "  ovi schema > ovi.schema.json",
            "  # in the config, for editors with the YAML language server:",
            "  # yaml-language-server: $schema=ovi.schema.json"})
public final class SchemaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(ConfigSchema.schema().toPrettyString());
        out.flush();
        return ExitCode.OK;
    }
}
