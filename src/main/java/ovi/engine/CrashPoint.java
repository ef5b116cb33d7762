package ovi.engine;

/**
 * Fault injection for the crash tests: with {@code -Dovi.crashpoint=after-aws-call:<id>} the run stops
 * still, forever, right after the AWS calls for that resource returned and before its outcome is written;
 * with {@code before-call:<id>:<n>}, right before the action's {@code n}th mutating call. A test then
 * kills it with SIGKILL at that moment. Without the property it does nothing.
 */
final class CrashPoint {
    static final String PROPERTY = "ovi.crashpoint";

    private CrashPoint() {
    }

    static void afterAwsCall(String id) {
        stopAt("after-aws-call:" + id);
    }

    /**
     * Right before the {@code n}th mutating AWS call of the action on {@code id} (after the one before it
     * returned): {@code before-call:<id>:<n>}, so a test can kill a run between any two calls of an action.
     */
    static void beforeCall(String id, int n) {
        stopAt("before-call:" + id + ":" + n);
    }

    private static void stopAt(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            // said on stderr even with -q: the test waits for this line
            System.err.println("ovi: crash point " + point + " reached; waiting to be killed");
            System.err.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
