package io.datacascade.core;

/**
 * How the pipeline's processor thread waits for new records, and how a source waits for room when
 * the ring is full. The choice trades latency against CPU: the spinning strategies answer within
 * nanoseconds but keep a core busy even when no data flows.
 *
 * <table>
 *   <caption>Wait strategies</caption>
 *   <tr><th>Strategy</th><th>Idle CPU</th><th>Wake-up latency</th><th>Use when</th></tr>
 *   <tr><td>{@link #BUSY_SPIN}</td><td>one full core</td><td>lowest (ns)</td>
 *       <td>a dedicated core per processor thread, latency above all</td></tr>
 *   <tr><td>{@link #YIELDING}</td><td>high, yields to other threads</td><td>low (µs)</td>
 *       <td>more pipeline threads than cores, still latency-sensitive</td></tr>
 *   <tr><td>{@link #PARKING}</td><td>low</td><td>~50–100 µs</td>
 *       <td>the default: sustained streams that may pause</td></tr>
 *   <tr><td>{@link #BLOCKING}</td><td>none</td><td>a thread wake-up (~10–50 µs)</td>
 *       <td>bursty or mostly idle streams, many pipelines in one JVM</td></tr>
 * </table>
 */
public enum WaitStrategy {
    /**
     * Spins with {@link Thread#onSpinWait()}, offering the core to other runnable threads only once
     * every thousand or so empty checks (a no-op when the core is its own), so a machine with more
     * busy threads than cores slows down instead of stalling. Sources that find the ring full back
     * off as in {@link #PARKING}.
     */
    BUSY_SPIN,
    /** Spins briefly, then {@link Thread#yield() yields} between checks. */
    YIELDING,
    /** Spins, yields, then parks for short fixed periods; producers never have to signal. */
    PARKING,
    /** Spins briefly, then parks until a producer publishes and wakes the processor. */
    BLOCKING
}
