package io.datacascade.core.internal.engine;

import io.datacascade.core.Batch;
import io.datacascade.core.DeadLetter;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.PipelineException;
import io.datacascade.core.PipelineMetrics;
import io.datacascade.core.Sink;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.core.window.Windows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The processing half of a pipeline, independent of threads: stages as a linked chain of
 * {@link Node}s, the output batch, the sinks and dead-letter sinks and the {@link AckTracker}.
 * {@link RingPipeline} drives it from its processor thread; the test driver drives it from the
 * test's thread. Not thread-safe: one driving thread at a time.
 */
public final class Chain {
    private static final int MAX_RECORD_TEXT = 200;

    private final String pipeline;
    private final ErrorPolicy defaultPolicy;
    private final LongSupplier clock;
    private final Node head;
    private final List<Node> stages = new ArrayList<>();
    private final Node.OutputNode tail;
    private final BatchBuffer<Object> output;
    private final SinkRunner[] sinks;
    /** Dead-letter, late-data and alert sinks: side outputs, each with its own batch, acknowledged like sinks. */
    private final SinkRunner[] sideSinks;
    private final BatchBuffer<Object>[] sideBuffers;
    private final Map<Sink<?>, Integer> sideIndex = new IdentityHashMap<>();
    private final Node[] timedStages;
    private final Node[] holdingStages;
    /** Lowest source sequence a stage still holds (open windows), as of the last batch; read by source threads. */
    private volatile long heldFloor = Long.MAX_VALUE;
    /** With holding stages: how far sources may be told their records are durable. */
    private final DurableCap durableCap = new DurableCap();
    private volatile long completedThrough = -1;
    private final boolean allSinksSynchronous;
    private final AckTracker tracker;
    private final Counter deadLettered = new Counter();

    private long currentSequence = -1;
    /** While a window result travels downstream: the first record of its window; else MAX. */
    private long resultHold = Long.MAX_VALUE;
    private Object currentOrigin;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Chain(PipelineDefinition<?> definition, LongSupplier clock, Consumer<Throwable> asyncFailure) {
        this.pipeline = definition.name();
        this.defaultPolicy = definition.errorPolicy();
        this.clock = clock;
        this.output = new BatchBuffer<>(definition.maxBatchSize());
        this.tail = new Node.OutputNode(this, output);

        List<Sink<?>> side = new ArrayList<>();
        List<String> sideNames = new ArrayList<>();
        collectDeadLetterSink(defaultPolicy, side, sideNames);
        for (StageSpec spec : definition.stages()) {
            collectDeadLetterSink(spec.policy(), side, sideNames);
            if (spec.kind() == StageSpec.Kind.WINDOW) {
                Sink<?> late = ((Windows) spec.function()).lateDataPolicy().sink();
                if (late != null) {
                    collectSideSink(late, "late-data-sink", side, sideNames);
                }
            }
        }
        for (Sink<?> alertSink : definition.alertSinks()) {
            collectSideSink(alertSink, "alert-sink", side, sideNames);
        }
        int sinkCount = definition.sinks().size();
        this.tracker = new AckTracker(sinkCount + side.size());
        this.sinks = new SinkRunner[sinkCount];
        for (int i = 0; i < sinkCount; i++) {
            Sink<?> sink = definition.sinks().get(i);
            sinks[i] = new SinkRunner(sink, Names.of(sink, "sink#" + (i + 1)), i, tracker, pipeline, asyncFailure);
        }
        this.sideSinks = new SinkRunner[side.size()];
        this.sideBuffers = new BatchBuffer[side.size()];
        for (int i = 0; i < side.size(); i++) {
            Sink<?> sink = side.get(i);
            sideSinks[i] = new SinkRunner(sink, Names.of(sink, sideNames.get(i)), sinkCount + i, tracker, pipeline,
                    asyncFailure);
            sideBuffers[i] = new BatchBuffer<>(16);
        }
        int[] alertOutputs = new int[definition.alertSinks().size()];
        for (int i = 0; i < alertOutputs.length; i++) {
            alertOutputs[i] = sideOutput(definition.alertSinks().get(i));
        }

        Node previous = null;
        Node first = tail;
        for (StageSpec spec : definition.stages()) {
            ErrorPolicy policy = spec.policy() != null ? spec.policy() : defaultPolicy;
            Node node = switch (spec.kind()) {
                case MAP -> new Node.MapNode(spec.name(), policy, this, spec.function());
                case FILTER -> new Node.FilterNode(spec.name(), policy, this, spec.function());
                case FLAT_MAP -> new Node.FlatMapNode(spec.name(), policy, this, spec.function());
                case PEEK -> new Node.PeekNode(spec.name(), policy, this, spec.function());
                case WINDOW -> new WindowNode(spec.name(), policy, this, (Windows) spec.function());
                case ALERTS -> new AlertNode(spec.name(), policy, this, (AlertRules) spec.function(), alertOutputs);
            };
            stages.add(node);
            if (previous == null) {
                first = node;
            } else {
                previous.next = node;
            }
            previous = node;
        }
        if (previous != null) {
            previous.next = tail;
        }
        this.head = first;
        List<Node> timed = new ArrayList<>();
        List<Node> holding = new ArrayList<>();
        for (Node n : stages) {
            if (n.keepsTime()) {
                timed.add(n);
            }
            if (n instanceof WindowNode) {
                holding.add(n);
            }
        }
        this.timedStages = timed.toArray(new Node[0]);
        this.holdingStages = holding.toArray(new Node[0]);
        boolean synchronous = true;
        for (SinkRunner r : allSinks()) {
            r.deferredResults = !holding.isEmpty();
            synchronous &= !r.reportsDurability;
        }
        this.allSinksSynchronous = synchronous;
    }

    private void collectDeadLetterSink(ErrorPolicy policy, List<Sink<?>> into, List<String> names) {
        if (policy != null && policy.action() == ErrorPolicy.Action.DEAD_LETTER) {
            collectSideSink(policy.deadLetterSink(), "dead-letter-sink", into, names);
        }
    }

    private void collectSideSink(Sink<?> sink, String role, List<Sink<?>> into, List<String> names) {
        if (!sideIndex.containsKey(sink)) {
            sideIndex.put(sink, into.size());
            into.add(sink);
            names.add(role + "#" + into.size());
        }
    }

    /** The index of side-output {@code sink} (registered at construction), for {@link #side}. */
    int sideOutput(Sink<?> sink) {
        Integer index = sideIndex.get(sink);
        if (index == null) {
            throw new IllegalStateException("sink " + sink + " is not a side output of pipeline '" + pipeline + "'");
        }
        return index;
    }

    /** Adds {@code item} to side output {@code index}'s batch, attributed to the current source record. */
    void side(int index, Object item) {
        collect(sideBuffers[index], item);
    }

    /** Sends a dead letter to side output {@code index} and counts it. */
    void sideDeadLetter(int index, DeadLetter letter) {
        collect(sideBuffers[index], letter);
        deadLettered.increment();
    }

    /** A dead letter for {@code item}, failed in {@code stage}, from the current source record. */
    DeadLetter deadLetter(String stage, Object item, String reason, Throwable error) {
        return new DeadLetter(pipeline, stage, item, currentOrigin, reason, error, currentSequence, clock.getAsLong());
    }

    /**
     * The sequence a window opened now must hold: the current source record's, or, while a window
     * result travels downstream, the first record of that upstream window if it is older.
     */
    long holdSequence() {
        return Math.min(currentSequence, resultHold);
    }

    /** A window result with first record {@code firstSequence} goes downstream; returns what to restore. */
    long enterResultOf(long firstSequence) {
        long outer = resultHold;
        resultHold = Math.min(outer, firstSequence);
        return outer;
    }

    /** The result has been handed on. */
    void exitResult(long outer) {
        resultHold = outer;
    }

    /** The sequence of the source record being processed (or the last one, between records). */
    long currentSequence() {
        return currentSequence;
    }

    /** The pipeline clock. */
    long now() {
        return clock.getAsLong();
    }

    /** Whether a stage needs {@link #tick} calls. */
    boolean keepsTime() {
        return timedStages.length > 0;
    }

    /**
     * Lets time pass for the stages that keep it (windows, absence rules) and hands what they emit
     * to the sinks, attributed to the last processed sequence; on the driving thread, between batches.
     */
    void tick(long now) throws Exception {
        currentOrigin = null;
        for (Node n : timedStages) {
            n.onTime(now);
        }
        completeIfAny();
        refreshDurable();
    }

    /** The input has ended: stages emit what they still hold (every open window), then it goes to the sinks. */
    void finish() throws Exception {
        currentOrigin = null;
        for (Node n : stages) {
            n.finish();
        }
        completeIfAny();
        refreshDurable();
    }

    /**
     * Delivers what a tick or the end of input produced, as a batch with the last processed
     * sequence, and tells the {@link DurableCap} what the stages freed.
     */
    private void completeIfAny() throws Exception {
        boolean any = !output.isEmpty();
        for (BatchBuffer<Object> b : sideBuffers) {
            any |= !b.isEmpty();
        }
        if (any) {
            completeBatch(currentSequence);
        }
        if (holdingStages.length > 0) {
            long floor = floorOfStages();
            heldFloor = floor;
            durableCap.tickDone(currentSequence, floor, any, allSinksSynchronous, tracker.durable());
        }
    }

    /**
     * Moves the durable point sources see up to the cap of the latest batch every sink has
     * confirmed; on the driving thread, after each batch and while idle.
     */
    void refreshDurable() {
        if (holdingStages.length > 0) {
            durableCap.refresh(tracker.durable());
        }
    }

    /** Whether results a tick emitted await a confirmation only a flush can give (the input is idle). */
    boolean awaitsTickConfirmation() {
        return holdingStages.length > 0 && durableCap.awaitsTickConfirmation();
    }

    /**
     * While the input is idle: flushes the sinks for at most {@code timeout}, so the results a tick
     * emitted are confirmed and the records behind them can be acknowledged; returns whether they were.
     */
    boolean confirmTickOutput(Duration timeout) throws Exception {
        if (!awaitsTickConfirmation()) {
            return true;
        }
        if (flush(timeout)) {
            durableCap.tickOutputFlushed();
            return true;
        }
        return false;
    }

    /**
     * After a final flush every sink confirmed: everything delivered is durable, so the durable
     * point may reach the last sequence, short of what open windows still hold (and short of a
     * batch whose delivery failed).
     */
    void flushConfirmed() {
        if (holdingStages.length > 0) {
            durableCap.flushConfirmed(DurableCap.cap(currentSequence, floorOfStages()));
        }
    }

    /** Whether an open window still holds the record at {@code sequence}, as of the last batch. */
    boolean holds(long sequence) {
        return heldFloor <= sequence;
    }

    private long floorOfStages() {
        long floor = Long.MAX_VALUE;
        for (Node n : holdingStages) {
            floor = Math.min(floor, n.heldFloor());
        }
        return floor;
    }

    /** Opens every sink; on the driving thread. */
    void open() throws Exception {
        for (SinkRunner r : sinks) {
            r.sink.open(r);
        }
        for (SinkRunner r : sideSinks) {
            r.sink.open(r);
        }
        long now = clock.getAsLong();
        for (Node n : stages) {
            n.open(now);
        }
    }

    /**
     * Runs one source record through the stages into the output batch.
     *
     * @throws PipelineException when a stage with the fail policy throws
     */
    void process(Object item, long sequence, Object origin) {
        currentSequence = sequence;
        currentOrigin = origin;
        head.accept(item);
    }

    /** Adds a result of the current source record to {@code buffer}, remembering where it came from. */
    void collect(BatchBuffer<Object> buffer, Object item) {
        buffer.add(item, currentSequence, currentOrigin);
    }

    /**
     * Hands the collected results, and any dead letters, to the sinks as a batch completing
     * {@code sequence}, then empties the buffers.
     *
     * @throws PipelineException when a sink fails and the policy is fail, or a dead-letter sink fails
     */
    void completeBatch(long sequence) throws Exception {
        long floor = Long.MAX_VALUE;
        if (holdingStages.length > 0) {
            floor = floorOfStages();
            heldFloor = floor;
            durableCap.sealing(sequence, floor);
        }
        try {
            deliver(sequence);
        } catch (Exception | Error e) {
            durableCap.deliveryFailed();
            throw e;
        }
        durableCap.delivered(sequence, floor);
        completedThrough = sequence;
        refreshDurable();
    }

    /** The last sequence whose batch went to the sinks; read by source threads. */
    long completedThrough() {
        return completedThrough;
    }

    private void deliver(long sequence) throws Exception {
        output.seal(sequence);
        try {
            for (SinkRunner r : sinks) {
                try {
                    r.deliver(output);
                } catch (Exception e) {
                    sinkFailed(r, output, e);
                    continue;
                }
                if (!r.rejections().isEmpty()) {
                    sinkRejected(r, output);
                }
            }
        } finally {
            output.clear();
        }
        for (int i = 0; i < sideSinks.length; i++) {
            SinkRunner r = sideSinks[i];
            BatchBuffer<Object> letters = sideBuffers[i];
            letters.seal(sequence);
            try {
                r.deliver(letters);
            } catch (Exception e) {
                throw new PipelineException("side-output sink '" + r.name + "' of pipeline '" + pipeline
                        + "' failed to write " + letters.size() + " record(s): " + e, e);
            } finally {
                letters.clear();
            }
        }
    }

    /**
     * After a stage failed on the record at {@code failedSequence} under the fail policy, hands
     * what the batch collected before it (from {@code batchStart} on) to the sinks, so those good
     * records are not lost; a sink failure here is attached to {@code failure}.
     */
    void completeBefore(long failedSequence, long batchStart, RuntimeException failure) {
        if (failedSequence > batchStart) {
            try {
                completeBatch(failedSequence - 1);
            } catch (Exception suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
    }

    private void sinkFailed(SinkRunner r, BatchBuffer<Object> batch, Exception e) {
        r.errors.add(batch.size());
        String reason = "sink '" + r.name + "' failed: " + e;
        if (r.reportsDurability || defaultPolicy.action() == ErrorPolicy.Action.FAIL) {
            throw new PipelineException(reason + " (pipeline '" + pipeline + "', batch of " + batch.size()
                    + " record(s) up to sequence " + batch.sequence() + ")", e);
        }
        if (defaultPolicy.action() == ErrorPolicy.Action.DEAD_LETTER) {
            BatchBuffer<Object> letters = sideBuffers[sideOutput(defaultPolicy.deadLetterSink())];
            long now = clock.getAsLong();
            for (int i = 0; i < batch.size(); i++) {
                long sourceSequence = batch.sourceSequence(i);
                Object origin = batch.origin(i);
                letters.add(new DeadLetter(pipeline, r.name, batch.get(i), origin, reason, e, sourceSequence, now),
                        sourceSequence, origin);
                deadLettered.increment();
            }
        }
        r.skip(batch.sequence());
    }

    /** Applies the pipeline's error policy to each record a sink declined with {@link SinkRunner#reject}. */
    private void sinkRejected(SinkRunner r, BatchBuffer<Object> batch) {
        long now = clock.getAsLong();
        for (SinkRunner.Rejection rejection : r.rejections()) {
            int i = rejection.index();
            r.errors.increment();
            String reason = "sink '" + r.name + "' rejected the record: " + rejection.reason();
            switch (defaultPolicy.action()) {
                case SKIP -> {
                }
                case DEAD_LETTER -> {
                    BatchBuffer<Object> letters = sideBuffers[sideOutput(defaultPolicy.deadLetterSink())];
                    long sourceSequence = batch.sourceSequence(i);
                    Object origin = batch.origin(i);
                    letters.add(new DeadLetter(pipeline, r.name, batch.get(i), origin, rejection.reason(), rejection.error(),
                            sourceSequence, now), sourceSequence, origin);
                    deadLettered.increment();
                }
                case FAIL -> throw new PipelineException(reason + " (pipeline '" + pipeline + "', record "
                        + describe(batch.get(i)) + ", sequence " + batch.sourceSequence(i) + ")", rejection.error());
            }
        }
    }

    /**
     * Applies the stage's error policy to a record it failed on. {@code reason} may be null when
     * {@code error} says it all: it is then built only if a dead letter or an exception needs it.
     */
    void stageFailed(Node node, Object item, String reason, Throwable error) {
        node.errors.increment();
        switch (node.policy.action()) {
            case SKIP -> {
            }
            case DEAD_LETTER -> sideDeadLetter(sideOutput(node.policy.deadLetterSink()),
                    deadLetter(node.name, item, reasonOf(reason, error), error));
            case FAIL -> throw new PipelineException("stage '" + node.name + "' of pipeline '" + pipeline
                    + "' failed on record " + describe(item) + " (sequence " + currentSequence
                    + (currentOrigin != null ? ", from " + currentOrigin : "") + "): " + reasonOf(reason, error), error);
        }
    }

    private static String reasonOf(String reason, Throwable error) {
        return reason != null ? reason : String.valueOf(error);
    }

    private static String describe(Object item) {
        String text = String.valueOf(item);
        return text.length() <= MAX_RECORD_TEXT ? text : text.substring(0, MAX_RECORD_TEXT) + "...";
    }

    /**
     * Flushes every sink within {@code timeout}, even when one of them throws; true if all
     * confirmed in time. The first exception is thrown at the end, later ones suppressed in it.
     */
    boolean flush(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        Exception first = null;
        for (SinkRunner r : allSinks()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            try {
                all &= r.sink.flush(left);
            } catch (Exception e) {
                all = false;
                first = Failures.collect(first, e);
            }
        }
        if (first != null) {
            throw first;
        }
        return all;
    }

    /** Closes every sink, collecting failures as suppressed exceptions of the first. */
    void close() throws Exception {
        Exception first = null;
        for (SinkRunner r : allSinks()) {
            try {
                r.sink.close();
            } catch (Exception e) {
                first = Failures.collect(first, e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private List<SinkRunner> allSinks() {
        List<SinkRunner> all = new ArrayList<>(List.of(sinks));
        all.addAll(List.of(sideSinks));
        return all;
    }

    /** The durable point: highest sequence every sink has made durable. */
    long durable() {
        long durable = tracker.durable();
        return holdingStages.length == 0 ? durable : durableCap.durable(durable);
    }

    long eventsOut() {
        return tail.in.get();
    }

    long errors() {
        long n = 0;
        for (Node s : stages) {
            n += s.errors.get();
        }
        for (SinkRunner r : sinks) {
            n += r.errors.get();
        }
        return n;
    }

    long deadLettered() {
        return deadLettered.get();
    }

    List<PipelineMetrics.StageMetrics> stageMetrics() {
        List<PipelineMetrics.StageMetrics> list = new ArrayList<>(stages.size());
        for (Node s : stages) {
            list.add(new PipelineMetrics.StageMetrics(s.name, s.in.get(), s.out.get(), s.errors.get(), s.late()));
        }
        return list;
    }
}
