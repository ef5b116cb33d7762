package ovi.aws.securitygroup;

/** The clock and sleep the waits of this kind use, so that a test can pass time without waiting for it. */
interface Waiting {
    /** Now, in milliseconds from any fixed point. */
    long millis();

    /** Waits; an interrupted wait ends the action with an error (the interrupt stays set). */
    void sleep(long millis);

    Waiting REAL = new Waiting() {
        @Override
        public long millis() {
            return System.nanoTime() / 1_000_000;
        }

        @Override
        public void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting", e);
            }
        }
    };
}
