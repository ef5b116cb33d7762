package ovi.cli;

/** A verb that writes its stderr through a {@link Log}: its errors are written through it too. */
interface Logged {
    /** The run's log, or null before the verb made it. */
    Log log();
}
