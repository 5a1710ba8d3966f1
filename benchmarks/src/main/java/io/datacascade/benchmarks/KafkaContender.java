package io.datacascade.benchmarks;

/**
 * One way of consuming or producing the {@link KafkaWorkload} in {@link KafkaEndToEnd}. Each call
 * of {@link #run} is one pass on a fresh consumer group (consumers, reading the preloaded topic
 * from the beginning) or a fresh topic (producers); it fails loudly if the count is not exact.
 */
interface KafkaContender {

    /** The name printed as {@code contender=<name>}. */
    String name();

    /**
     * Runs one pass; {@code passId} makes group, application id or topic names unique.
     *
     * @throws Exception if the contender failed, stalled or counted anything but the expected number
     */
    Pass run(String passId) throws Exception;

    /**
     * One pass's timing.
     *
     * @param records     input records the pass consumed or produced (the throughput's numerator)
     * @param nanos       from creating the first Kafka client to the last record counted (consumers)
     *                    or acknowledged (producers)
     * @param firstNanos  from the same start to the first record counted; -1 where not measured
     * @param note        extra diagnostics printed with the pass (may be empty)
     */
    record Pass(long records, long nanos, long firstNanos, String note) {

        /** This pass with {@code note} attached. */
        Pass withNote(String text) {
            return new Pass(records, nanos, firstNanos, text);
        }

        /** Records per second over the whole pass. */
        double perSecond() {
            return records * 1e9 / nanos;
        }
    }
}
