package io.datacascade.core;

import java.util.List;

/**
 * A snapshot of a pipeline's counters. The counters are written by the pipeline's own threads
 * without synchronisation and read here one by one, so values taken together may be a few events
 * apart.
 *
 * @param pipeline           the pipeline's name
 * @param eventsIn           records the sources put into the ring
 * @param eventsOut          records handed to the sinks (each record counted once, not per sink)
 * @param errors             records a stage or sink failed on (skipped, dead-lettered or fatal)
 * @param deadLettered       records sent to a dead-letter sink
 * @param durableSequence    the highest sequence durable in every sink, -1 before the first
 * @param ringCapacity       slots in the ring
 * @param ringRemaining      free slots in the ring right now
 * @param stages             per-stage counters, in pipeline order
 */
public record PipelineMetrics(String pipeline, long eventsIn, long eventsOut, long errors, long deadLettered,
                              long durableSequence, long ringCapacity, long ringRemaining, List<StageMetrics> stages) {

    /** Creates a snapshot; {@code stages} is copied. */
    public PipelineMetrics {
        stages = List.copyOf(stages);
    }

    /**
     * Counters of one stage.
     *
     * @param stage  the stage's name
     * @param in     records the stage received
     * @param out    records it passed on (a filter passes fewer, a flatMap may pass more)
     * @param errors records it threw on
     * @param late   points a window stage received after their window was gone (0 for other stages)
     */
    public record StageMetrics(String stage, long in, long out, long errors, long late) {
    }
}
