package ovi.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import ovi.config.ConfigException;
import ovi.config.ConfigLoader;
import ovi.config.OviConfig;
import ovi.config.Problem;
import ovi.engine.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ovi validate}: the config's checks alone, as plan makes them before it does anything else. It
 * reads the config (and the files it names: user data, a Lambda zip) and nothing more: no AWS call, no
 * credentials, no state directory, so it runs in CI or a pre-commit hook.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {
            "Check a config, with no AWS call, no credentials and no state.",
            "Every problem at once, each as file:line:column: key: what is wrong; the",
            "checks are those plan makes of the config. Creates no state directory.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the config is valid",
            "64:usage error",
            "65:invalid config (every problem is listed)",
        },
        footer = {"", "Examples:",
            "  ovi validate -c ovi.yaml",
            "  ovi validate -c ovi.yaml -o json | jq '.problems[] | .line'"})
public final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The config (YAML).")
    Path config;

    @Option(names = "--region", paramLabel = "REGION",
            description = "The default region when the config has none, as for plan (default: AWS_REGION, else the "
                    + "profile's region).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "The profile whose region is the default when the config and AWS_REGION name none (its file "
                    + "is read; no credentials are used).")
    String profile;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        OviConfig cfg = null;
        List<Problem> problems = List.of();
        AwsOptions.Fallback fallback = AwsOptions.fallback(region, profile, spec.commandLine());
        try {
            cfg = fallback == null ? ConfigLoader.load(config)
                    : ConfigLoader.load(config, System.getenv()::get, fallback.region(), fallback.from(), null);
        } catch (ConfigException e) {
            problems = e.problems();
        }
        if (cfg != null) {
            AwsOptions.disagreement(fallback, cfg).ifPresent(w -> {
                spec.commandLine().getErr().println("ovi: warning: " + w);
                spec.commandLine().getErr().flush();
            });
        }
        int exit = problems.isEmpty() ? ExitCode.OK : ExitCode.DATA;
        if (output.json()) {
            ObjectNode n = OutputOptions.document();
            n.put("config", config.toString());
            n.put("valid", problems.isEmpty());
            ArrayNode list = n.putArray("problems");
            for (Problem p : problems) {
                ObjectNode o = list.addObject();
                o.put("file", p.file() == null ? null : p.file().toString());
                o.put("line", p.line());
                o.put("column", p.column());
                o.put("key", p.key());
                o.put("message", p.message());
            }
            if (cfg != null) {
                n.put("owner", cfg.owner());
                n.put("region", cfg.region());
                n.put("resources", cfg.desired().size());
                cfg.regions().forEach(n.putArray("regions")::add);
            }
            n.put("exitCode", exit);
            out.println(n.toPrettyString());
        } else if (cfg != null) {
            int resources = cfg.desired().size();
            out.println("ok: " + config + " is valid: owner " + cfg.owner() + ", " + resources + " resource"
                    + (resources == 1 ? "" : "s") + " in " + String.join(", ", cfg.regions()));
        } else {
            PrintWriter err = spec.commandLine().getErr();
            err.println("ovi: error: invalid config " + config + " (" + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + "):");
            problems.forEach(p -> err.println("  " + p));
            err.flush();
        }
        out.flush();
        return exit;
    }
}
