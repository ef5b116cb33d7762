package ovi.cli;

import picocli.CommandLine.Option;

/** The safety options of deciding, shared by plan and apply. */
public final class DecisionOptions {
    @Option(names = "--skip-destructive", description = "Never delete: unwanted resources are only notified.")
    boolean skipDestructive;

    @Option(names = "--allow-empty",
            description = "Allow deleting every managed resource (refused otherwise).")
    boolean allowEmpty;
}
