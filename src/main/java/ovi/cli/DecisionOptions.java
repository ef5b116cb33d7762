package ovi.cli;

import picocli.CommandLine.Option;

/** The safety options of deciding, and what is shown of what was decided, shared by plan and apply. */
public final class DecisionOptions {
    @Option(names = "--skip-destructive", description = "Never delete: unwanted resources are only notified.")
    boolean skipDestructive;

    @Option(names = "--allow-empty",
            description = "Allow deleting every managed resource (refused otherwise).")
    boolean allowEmpty;

    @Option(names = "--adopt",
            description = {"Adopt what the config declares with 'adopt: <cloud id>' (as 'ovi import' writes",
                "it) and that carries no ovi tags: tag it ovi:managed, ovi:owner and ovi:id, changing",
                "nothing else. Without it such a resource is only notified. A resource tagged by",
                "another owner (or already ovi's) is never adopted."})
    boolean adopt;

    @Option(names = "--show-ignored",
            description = "List what the config's ignore rules kept quiet (fields and tags a resource ignores, "
                    + "unmanaged resources a top-level rule names), each with its rule; the plan always counts them, "
                    + "and -o json always lists them.")
    boolean showIgnored;
}
