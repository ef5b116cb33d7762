package ovi.engine;

import java.util.function.Consumer;

/**
 * Fault injection for the crash tests: with {@code -Dovi.crashpoint=after-aws-call:<id>} the run stops
 * still, forever, right after the AWS call for that resource returned and before its outcome is written,
 * so a test can kill it with SIGKILL at the worst moment. Without the property it does nothing.
 */
final class CrashPoint {
    static final String PROPERTY = "ovi.crashpoint";

    private CrashPoint() {
    }

    static void afterAwsCall(String id, Consumer<String> progress) {
        if (("after-aws-call:" + id).equals(System.getProperty(PROPERTY))) {
            progress.accept("crash point after-aws-call:" + id + " reached; waiting to be killed");
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
