package ovi.engine;

/** The fencing check an executor makes right before each mutating cloud call. */
@FunctionalInterface
public interface Fence {

    /** Returns when this instance still holds its claim (and extends it); throws {@link Lost} otherwise. */
    void check();

    /** The claim was taken over: the call must not be made. */
    final class Lost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Lost(String message) {
            super(message);
        }
    }
}
