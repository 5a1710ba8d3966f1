package io.datacascade.core;

import io.datacascade.core.alert.AlertLogSink;
import io.datacascade.core.alert.AlertRules;
import io.datacascade.core.window.Aggregator;
import io.datacascade.core.window.Windows;
import io.datacascade.core.internal.engine.PipelineDefinition;
import io.datacascade.core.internal.engine.RingPipeline;
import io.datacascade.core.internal.engine.StageSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Assembles a pipeline step by step: sources, stages in order, sinks and settings. Start with
 * {@link DataCascade#pipeline(String)}. The builder is mutable and not thread-safe; the
 * {@link Pipeline} it builds is immutable in shape and thread-safe.
 *
 * <p>Settings are checked together in {@link #build()}, which reports every invalid one with its
 * name and value.
 *
 * @param <I> the record type the sources emit
 * @param <O> the record type after the stages added so far
 */
public final class PipelineBuilder<I, O> {
    /** Default ring size: 16,384 slots. */
    public static final int DEFAULT_RING_SIZE = 1 << 14;
    /** Default largest batch handed to sinks. */
    public static final int DEFAULT_MAX_BATCH = 1024;
    /** Default time {@link Pipeline#close()} waits for draining and flushing. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final List<Source<? extends I>> sources = new ArrayList<>();
    private final List<StageSpec> stages = new ArrayList<>();
    private final List<Sink<?>> sinks = new ArrayList<>();
    private final List<Sink<?>> alertSinks = new ArrayList<>();
    private final List<PipelineListener> listeners = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private int ringSize = DEFAULT_RING_SIZE;
    private int maxBatchSize = DEFAULT_MAX_BATCH;
    private WaitStrategy waitStrategy = WaitStrategy.PARKING;
    private ErrorPolicy errorPolicy = ErrorPolicy.fail();
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

    PipelineBuilder(String name, Source<? extends I> first) {
        this.name = name;
        from(first);
    }

    /** The first step of {@link DataCascade#pipeline(String)}: name given, source next. */
    public static final class Start {
        private final String name;

        Start(String name) {
            this.name = name;
        }

        /** Sets the first source; its record type becomes the pipeline's input type. */
        public <T> PipelineBuilder<T, T> from(Source<T> source) {
            return new PipelineBuilder<>(name, source);
        }
    }

    /** Adds another source feeding the same ring; records of all sources interleave. */
    public PipelineBuilder<I, O> from(Source<? extends I> source) {
        if (source == null) {
            problems.add("source #" + (sources.size() + 1) + " is null");
        } else {
            sources.add(source);
        }
        return this;
    }

    /** Transforms each record; returning null counts as an error of this stage. */
    public <R> PipelineBuilder<I, R> map(Function<? super O, ? extends R> mapper) {
        return addStage(StageSpec.Kind.MAP, mapper);
    }

    /** Keeps the records for which {@code predicate} is true. */
    public PipelineBuilder<I, O> filter(Predicate<? super O> predicate) {
        return addStage(StageSpec.Kind.FILTER, predicate);
    }

    /** Turns each record into zero or more records. */
    public <R> PipelineBuilder<I, R> flatMap(Function<? super O, ? extends Iterable<? extends R>> mapper) {
        return addStage(StageSpec.Kind.FLAT_MAP, mapper);
    }

    /** Looks at each record without changing it (logging, counting). */
    public PipelineBuilder<I, O> peek(Consumer<? super O> action) {
        return addStage(StageSpec.Kind.PEEK, action);
    }

    /**
     * Groups points into windows and emits one aggregate point per window and aggregate (for
     * example the average of each series per second); see {@link Windows} for time, watermarks,
     * lateness and naming. The stage takes {@link Point} records: anything else is a stage error.
     *
     * <pre>{@code
     * .window(Windows.tumbling(Duration.ofSeconds(1)).eventTime(Duration.ofSeconds(2)).aggregate(Aggregators.avg()))
     * }</pre>
     *
     * <p>Records in a window stay unacknowledged until the window is emitted and the results are
     * durable, so a restarted pipeline recomputes the windows it had open.
     */
    public PipelineBuilder<I, Point> window(Windows windows) {
        if (windows != null && windows.kind() == Windows.Kind.SESSION) {
            for (Aggregator<?> a : windows.aggregators()) {
                if (!mergesSessions(a)) {
                    problems.add("aggregator '" + a.name() + "' of a session window must implement merge(): "
                            + "a point can join two sessions into one");
                }
            }
        }
        return addStage(StageSpec.Kind.WINDOW, windows);
    }

    /**
     * Evaluates alert rules on every point passing through (unchanged) and sends the alerts they
     * raise to the {@linkplain #alertsTo alert sinks}, or to the log if there is none. Place it
     * after a window stage to alert on aggregates. The stage takes {@link Point} records.
     */
    public PipelineBuilder<I, O> alerts(AlertRules rules) {
        return addStage(StageSpec.Kind.ALERTS, rules);
    }

    /**
     * Adds a sink for the alerts of this pipeline's {@linkplain #alerts alert stages}: a Kafka
     * topic, the dashboard, the log ({@link AlertLogSink}). Alert sinks are acknowledged like
     * other sinks: an input record counts as done once its alerts are durable too.
     */
    public PipelineBuilder<I, O> alertsTo(Sink<? super Alert> sink) {
        if (sink == null) {
            problems.add("alert sink #" + (alertSinks.size() + 1) + " is null");
        } else {
            alertSinks.add(sink);
        }
        return this;
    }

    private static boolean mergesSessions(Aggregator<?> aggregator) {
        try {
            return aggregator.getClass().getMethod("merge", Object.class, Object.class).getDeclaringClass()
                    != Aggregator.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * Names the stage added last, for metrics, logs and dead letters (default: {@code map#2},
     * {@code filter#3}...).
     */
    public PipelineBuilder<I, O> named(String stageName) {
        StageSpec last = lastStage("named(\"" + stageName + "\")");
        if (last != null) {
            if (stageName == null || stageName.isBlank()) {
                problems.add("stage name of " + last.name() + " must not be blank, was " + quote(stageName));
            } else {
                replaceLast(last.withName(stageName));
            }
        }
        return this;
    }

    /** Sets the error policy of the stage added last, overriding {@link #errorPolicy}. */
    public PipelineBuilder<I, O> onError(ErrorPolicy policy) {
        StageSpec last = lastStage("onError(" + policy + ")");
        if (last != null) {
            if (policy == null) {
                problems.add("error policy of stage " + last.name() + " is null");
            } else {
                replaceLast(last.withPolicy(policy));
            }
        }
        return this;
    }

    /** Adds a sink; every sink receives every record that leaves the last stage. */
    public PipelineBuilder<I, O> to(Sink<? super O> sink) {
        if (sink == null) {
            problems.add("sink #" + (sinks.size() + 1) + " is null");
        } else {
            sinks.add(sink);
        }
        return this;
    }

    /** Slots in the ring buffer; a power of two (default {@value #DEFAULT_RING_SIZE}). */
    public PipelineBuilder<I, O> ringSize(int size) {
        this.ringSize = size;
        return this;
    }

    /** How the processor waits for records (default {@link WaitStrategy#PARKING}). */
    public PipelineBuilder<I, O> waitStrategy(WaitStrategy strategy) {
        this.waitStrategy = strategy;
        return this;
    }

    /** The error policy of stages and sinks without their own (default {@link ErrorPolicy#fail()}). */
    public PipelineBuilder<I, O> errorPolicy(ErrorPolicy policy) {
        this.errorPolicy = policy;
        return this;
    }

    /** Largest number of records per sink batch (default {@value #DEFAULT_MAX_BATCH}). */
    public PipelineBuilder<I, O> maxBatchSize(int size) {
        this.maxBatchSize = size;
        return this;
    }

    /** How long {@link Pipeline#close()} may take to drain and flush (default 30 s). */
    public PipelineBuilder<I, O> closeTimeout(Duration timeout) {
        this.closeTimeout = timeout;
        return this;
    }

    /** Adds a listener for state changes and failures. */
    public PipelineBuilder<I, O> listener(PipelineListener listener) {
        if (listener == null) {
            problems.add("listener #" + (listeners.size() + 1) + " is null");
        } else {
            listeners.add(listener);
        }
        return this;
    }

    /**
     * Checks the settings and builds the pipeline (not started).
     *
     * @throws IllegalArgumentException naming every invalid setting and its value
     */
    public Pipeline<I> build() {
        List<String> errors = new ArrayList<>(problems);
        if (sources.isEmpty()) {
            errors.add("no source: call from(source)");
        }
        if (sinks.isEmpty()) {
            errors.add("no sink: call to(sink)");
        }
        boolean hasAlerts = stages.stream().anyMatch(st -> st.kind() == StageSpec.Kind.ALERTS);
        if (!alertSinks.isEmpty() && !hasAlerts) {
            errors.add("alertsTo(...) was called but there is no alerts(rules) stage to raise alerts");
        }
        List<Sink<?>> alertTargets = hasAlerts && alertSinks.isEmpty() ? List.of(AlertLogSink.create())
                : List.copyOf(alertSinks);
        if (ringSize < 1 || Integer.bitCount(ringSize) != 1) {
            errors.add("ringSize must be a power of two, was " + ringSize);
        }
        if (maxBatchSize < 1) {
            errors.add("maxBatchSize must be at least 1, was " + maxBatchSize);
        }
        if (waitStrategy == null) {
            errors.add("waitStrategy is null");
        }
        if (errorPolicy == null) {
            errors.add("errorPolicy is null");
        }
        if (closeTimeout == null) {
            errors.add("closeTimeout is null");
        } else if (closeTimeout.isNegative()) {
            errors.add("closeTimeout must not be negative, was " + closeTimeout);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid pipeline '" + name + "': " + String.join("; ", errors));
        }
        PipelineDefinition<I> definition = new PipelineDefinition<>(name, List.copyOf(sources), List.copyOf(stages),
                List.copyOf(sinks), ringSize, maxBatchSize, waitStrategy, errorPolicy, closeTimeout, List.copyOf(listeners),
                alertTargets);
        return new RingPipeline<>(definition);
    }

    @SuppressWarnings("unchecked")
    private <R> PipelineBuilder<I, R> addStage(StageSpec.Kind kind, Object function) {
        String defaultName = kind.label() + "#" + (stages.size() + 1);
        if (function == null) {
            problems.add("stage " + defaultName + " is null");
        }
        stages.add(new StageSpec(kind, defaultName, function, null));
        return (PipelineBuilder<I, R>) this;
    }

    private StageSpec lastStage(String call) {
        if (stages.isEmpty()) {
            problems.add(call + " must follow a stage (map, filter, flatMap, peek, window, alerts)");
            return null;
        }
        return stages.get(stages.size() - 1);
    }

    private void replaceLast(StageSpec spec) {
        stages.set(stages.size() - 1, spec);
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    static String requireName(String name) {
        Objects.requireNonNull(name, "pipeline name can't be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("pipeline name must not be blank, was \"" + name + "\"");
        }
        return name;
    }
}
