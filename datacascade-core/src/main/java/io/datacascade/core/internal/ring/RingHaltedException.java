package io.datacascade.core.internal.ring;

/**
 * Thrown to a producer or consumer waiting on a ring that has been halted. It is a control-flow
 * signal on the hot path, so a single instance without a stack trace is reused.
 */
public final class RingHaltedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The shared instance. */
    public static final RingHaltedException INSTANCE = new RingHaltedException();

    private RingHaltedException() {
        super("ring buffer halted", null, false, false);
    }
}
