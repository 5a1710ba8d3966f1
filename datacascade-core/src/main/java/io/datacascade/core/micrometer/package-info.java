/**
 * Micrometer integration: {@link io.datacascade.core.micrometer.PipelineMeterBinder} publishes a
 * pipeline's counters to any {@code MeterRegistry}. Only usable with Micrometer on the classpath.
 */
package io.datacascade.core.micrometer;
