package io.datacascade.core;

import io.datacascade.core.internal.connect.Connectors;
import java.util.Set;

/**
 * The entry point: build pipelines, and make sources and sinks from URIs.
 *
 * <pre>{@code
 * Pipeline<Point> pipeline = DataCascade.pipeline("cpu")
 *         .from(DataCascade.source("sim://?series=4&rate=1000"))
 *         .filter(p -> !Double.isNaN(p.value()))
 *         .map(p -> p.withTag("unit", "percent"))
 *         .to(DataCascade.sink("memory://cpu"))
 *         .build();
 * pipeline.start();
 * }</pre>
 */
public final class DataCascade {
    private DataCascade() {
    }

    /**
     * Starts building a pipeline called {@code name}; the name shows up in thread names, logs and
     * metrics.
     *
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static PipelineBuilder.Start pipeline(String name) {
        return new PipelineBuilder.Start(PipelineBuilder.requireName(name));
    }

    /**
     * A source for a URI such as {@code sim://?series=4&rate=1000} or {@code memory://input},
     * from the {@link ConnectorProvider} registered for its scheme.
     *
     * @throws IllegalArgumentException if the URI is malformed, its scheme unknown, or its
     *                                  parameters invalid; the message names the bad part
     */
    public static Source<Point> source(String uri) {
        return Connectors.source(uri);
    }

    /**
     * A sink for a URI such as {@code memory://output}, from the {@link ConnectorProvider}
     * registered for its scheme.
     *
     * @throws IllegalArgumentException if the URI is malformed, its scheme unknown, or its
     *                                  parameters invalid; the message names the bad part
     */
    public static Sink<Point> sink(String uri) {
        return Connectors.sink(uri);
    }

    /** The URI schemes of every connector on the classpath. */
    public static Set<String> schemes() {
        return Connectors.schemes();
    }
}
