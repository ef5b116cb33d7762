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

    /** Every code with what it means, in order: the one table the help and the README follow. */
    public static java.util.Map<String, String> table() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(String.valueOf(OK), "ok");
        m.put(String.valueOf(ERROR), "error (AWS, store, WAL, a safety refusal, a failed check, a region or "
                + "service not observed with --detailed-exitcode)");
        m.put(String.valueOf(CHANGES), "changes present (only with --detailed-exitcode)");
        m.put(String.valueOf(PARTIAL), "apply partly failed, or a region or service was not observed");
        m.put(String.valueOf(USAGE), "usage error");
        m.put(String.valueOf(DATA), "invalid config or plan file");
        return m;
    }
}
