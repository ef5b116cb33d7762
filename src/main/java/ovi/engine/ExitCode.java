package ovi.engine;

/** ovi's exit codes, sysexits style. The README's table lists the same. */
public final class ExitCode {
    public static final int OK = 0;
    public static final int ERROR = 1;
    /** Only with {@code --detailed-exitcode}: the plan would change AWS. */
    public static final int CHANGES = 2;
    public static final int PARTIAL = 3;
    public static final int USAGE = 64;
    public static final int DATA = 65;

    private ExitCode() {
    }
}
