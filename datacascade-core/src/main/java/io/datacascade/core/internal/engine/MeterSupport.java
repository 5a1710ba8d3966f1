package io.datacascade.core.internal.engine;

import io.datacascade.core.Pipeline;

/**
 * Registers a pipeline's meters in Micrometer's global registry when Micrometer is on the
 * classpath, and does nothing otherwise. Micrometer classes are touched only behind the
 * presence check, so core runs without them.
 */
final class MeterSupport {
    private static final boolean MICROMETER_PRESENT = isPresent("io.micrometer.core.instrument.Metrics");

    private MeterSupport() {
    }

    /** Binds and returns the action that removes the meters again, or null without Micrometer. */
    static Runnable bind(Pipeline<?> pipeline) {
        return MICROMETER_PRESENT ? GlobalRegistry.bind(pipeline) : null;
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, MeterSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Loaded only when Micrometer is present. */
    private static final class GlobalRegistry {
        static Runnable bind(Pipeline<?> pipeline) {
            io.datacascade.core.micrometer.PipelineMeterBinder binder =
                    new io.datacascade.core.micrometer.PipelineMeterBinder(pipeline);
            binder.bindTo(io.micrometer.core.instrument.Metrics.globalRegistry);
            return () -> binder.unbindFrom(io.micrometer.core.instrument.Metrics.globalRegistry);
        }
    }
}
