package ovi.cli;

import picocli.CommandLine.Option;

/** The safety options of deciding, and what is shown of what was decided, shared by plan and apply. */
public final class DecisionOptions {
    @Option(names = "--skip-destructive", description = "Never delete: unwanted resources are only notified.")
    boolean skipDestructive;

    @Option(names = "--allow-empty",
            description = "Allow deleting every managed resource (refused otherwise).")
    boolean allowEmpty;

    @Option(names = "--show-ignored",
            description = "List what the config's ignore rules kept quiet (fields and tags a resource ignores, "
                    + "unmanaged resources a top-level rule names), each with its rule; the plan always counts them, "
                    + "and -o json always lists them.")
    boolean showIgnored;
}
