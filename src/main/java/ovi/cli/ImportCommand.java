package ovi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import ovi.aws.AwsClients;
import ovi.aws.AwsResourceObserver;
import ovi.config.ConfigWriter;
import ovi.config.OviConfig;
import ovi.engine.ImportUseCase;
import ovi.engine.OviException;
import ovi.kinds.ResourceKinds;
import ovi.model.ResourceType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {
            "Read what exists in AWS and write the config that declares it: every field",
            "its kind knows that reads back as it is, names from the Name tag (made valid",
            "and told apart), and an instance's security groups as references to the",
            "imported groups. Resources carrying no ovi tag are declared with",
            "'adopt: <cloud id>': 'ovi apply --adopt' then tags them as this owner's and",
            "the next plan is clean. This owner's own resources are declared under their",
            "names; another owner's are left out. What cannot be written so that it",
            "reads back as it is, is left out and said on stderr. Changes nothing.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:written",
            "1:error (a region or service could not be read: nothing is written)",
            "64:usage error (or --out exists and --force is not given)",
        },
        footer = {"", "Examples:",
            "  ovi import --owner team-web --region us-east-1 --out ovi.yaml",
            "  ovi import --owner team-web --region us-east-1 --kind ec2 --kind security-group \\",
            "      --tag team=web --out web.yaml",
            "  ovi apply -c ovi.yaml --adopt"})
public final class ImportCommand implements Callable<Integer> {
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");

    @Spec
    CommandSpec spec;

    @Option(names = "--owner", required = true, paramLabel = "OWNER",
            description = "The owner of the config written: the ovi:owner its resources are adopted under.")
    String owner;

    @Option(names = "--kind", paramLabel = "KIND", split = ",",
            description = "Only these kinds (repeatable, or comma-separated), by key: ec2, s3, security-group, ...; all by default.")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "KEY=VALUE",
            description = "Only resources carrying this tag (repeatable: all of them).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--id", paramLabel = "CLOUD_ID", split = ",",
            description = "Only these resources, by cloud id (instance or group id, bucket or queue name; repeatable).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the config to FILE (atomically) instead of stdout; an existing FILE is kept unless --force.")
    Path out;

    @Option(names = "--force", description = "Let --out replace an existing file.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr (what is left out is still said).")
    boolean quiet;

    @Mixin
    AwsOptions aws;

    private final Wiring wiring;

    ImportCommand(Wiring wiring) {
        this.wiring = wiring;
    }

    /** For parsing only (picocli's own factory): running it then fails. */
    ImportCommand() {
        this(null);
    }

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        PrintWriter err = cl.getErr();
        ImportUseCase.Filter filter = filter(cl);
        if (out != null && Files.exists(out) && !force) {
            throw OviException.usage(out + " exists; pass --force to replace it");
        }
        OviConfig rates = new OviConfig(null, "aws", filter.regions().get(0), owner, List.of(), Set.of(), List.of());
        ImportUseCase.Result result;
        try (AwsClients clients = new AwsClients(aws.settings(), filter.regions().get(0), aws.policy(rates, cl))) {
            AwsResourceObserver observer = new AwsResourceObserver(clients, ResourceKinds.bind(clients),
                    quiet ? m -> { } : m -> {
                        err.println(m);
                        err.flush();
                    });
            result = new ImportUseCase(observer, c -> ConfigWriter.read(c).declaration(), quiet ? m -> { } : m -> {
                err.println(m);
                err.flush();
            }).run(owner, filter);
        }
        result.notes().forEach(n -> err.println("left out: " + n));
        result.kept().forEach(n -> err.println("kept: " + n));
        StringBuilder header = new StringBuilder("Written by 'ovi import' for owner " + owner + ": "
                + result.imported() + " resource" + (result.imported() == 1 ? "" : "s") + ", " + result.adopt()
                + " to adopt with 'ovi apply -c FILE --adopt'.");
        if (!result.undeclared().isEmpty()) {
            header.append("\nWARNING: ").append(result.undeclared().size()).append(" resource(s) owner ").append(owner)
                    .append(" manages are not declared here; applying this config as written would plan to delete")
                    .append(" them (review with 'ovi plan'):");
            result.undeclared().forEach(n -> header.append("\n  ").append(n.type().key()).append(' ').append(n.cloudId()));
            err.println("warning: " + result.undeclared().size() + " resource(s) owner " + owner + " manages are not "
                    + "declared in the imported config; applying it as written would plan to delete them: "
                    + String.join(", ", result.undeclared().stream().map(n -> n.type().key() + " " + n.cloudId())
                    .toList()));
        }
        String yaml = ConfigWriter.write(result.config(), header.toString());
        if (out == null) {
            cl.getOut().print(yaml);
            cl.getOut().flush();
        } else {
            write(out, yaml, force);
        }
        err.println("imported " + result.imported() + " resource" + (result.imported() == 1 ? "" : "s") + " ("
                + result.adopt() + " to adopt), left out " + result.notes().size() + " note"
                + (result.notes().size() == 1 ? "" : "s") + (out == null ? "" : "; wrote " + out));
        err.flush();
        return ovi.engine.ExitCode.OK;
    }

    private ImportUseCase.Filter filter(CommandLine cl) {
        if (!OWNER.matcher(owner).matches()) {
            throw new CommandLine.ParameterException(cl, "--owner must be 1 to 64 letters, digits, '.', '_' or '-', not '"
                    + owner + "'");
        }
        Set<String> regionSet = new LinkedHashSet<>();
        // --region (shared with every verb) takes several here, comma-separated; else AWS_REGION or the profile's
        AwsOptions.Fallback fallback = aws.region != null ? null : AwsOptions.fallback(null, aws.profile, cl);
        if (aws.region == null && fallback == null) {
            throw new CommandLine.ParameterException(cl, "ovi import needs --region REGION[,REGION...] (or AWS_REGION,"
                    + " or a profile with a region): the regions to read, the first the config's region");
        }
        for (String r : aws.region != null ? aws.region.split(",") : new String[] {fallback.region()}) {
            if (!REGION.matcher(r.trim()).matches()) {
                throw new CommandLine.ParameterException(cl, "--region takes an AWS region such as us-east-1, not '"
                        + r + "'");
            }
            regionSet.add(r.trim());
        }
        Set<ResourceType> types = new LinkedHashSet<>();
        for (String k : kinds) {
            types.add(ResourceType.parse(k.trim()).orElseThrow(() -> new CommandLine.ParameterException(cl,
                    "--kind takes one of " + String.join(", ", ResourceType.all().stream().map(ResourceType::key)
                            .toList()) + ", not '" + k + "'")));
        }
        Map<String, String> tagMap = new LinkedHashMap<>();
        for (String t : tags) {
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(cl, "--tag takes KEY=VALUE, not '" + t + "'");
            }
            tagMap.put(t.substring(0, eq), t.substring(eq + 1));
        }
        return new ImportUseCase.Filter(types, List.copyOf(regionSet), tagMap, Set.copyOf(ids));
    }

    /**
     * Writes {@code text} to {@code file} whole or not at all: a temporary file beside it, synced, then moved
     * into place. Without {@code replace} it is linked in, which fails if the file appeared meanwhile.
     */
    static void write(Path file, String text, boolean replace) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            if (replace) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                try {
                    Files.createLink(target, tmp);
                } catch (UnsupportedOperationException e) {
                    Files.move(tmp, target); // no hard links here: refuses an existing file, if not atomically
                }
            }
        } catch (FileAlreadyExistsException e) {
            throw OviException.usage(file + " exists; pass --force to replace it");
        } catch (IOException e) {
            throw OviException.failure("could not write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary file is harmless; the config itself is written or not
                }
            }
        }
    }
}
