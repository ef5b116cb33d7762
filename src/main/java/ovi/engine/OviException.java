package ovi.engine;

/**
 * The one error type ovi reports to its user: a message that says what is wrong, where, and what to do,
 * and the exit code it ends the process with.
 */
public final class OviException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    private OviException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Something went wrong at run time (AWS, store, WAL, a safety refusal): exit 1. */
    public static OviException failure(String message) {
        return new OviException(ExitCode.ERROR, message, null);
    }

    public static OviException failure(String message, Throwable cause) {
        return new OviException(ExitCode.ERROR, message, cause);
    }

    /** The command line was wrong: exit 64. */
    public static OviException usage(String message) {
        return new OviException(ExitCode.USAGE, message, null);
    }

    /** A config or plan file is invalid: exit 65. */
    public static OviException invalidInput(String message) {
        return new OviException(ExitCode.DATA, message, null);
    }

    public static OviException invalidInput(String message, Throwable cause) {
        return new OviException(ExitCode.DATA, message, cause);
    }
}
