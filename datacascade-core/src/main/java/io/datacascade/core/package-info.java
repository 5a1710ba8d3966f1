/**
 * DataCascade's public API: build a pipeline from sources, stages and sinks, run it, watch it.
 *
 * <pre>{@code
 * Pipeline<Point> pipeline = DataCascade.pipeline("cpu")
 *         .from(DataCascade.source("sim://?series=4&rate=1000"))
 *         .filter(p -> Double.isFinite(p.value()))
 *         .map(p -> p.withTag("unit", "percent"))
 *         .to(batch -> batch.forEach(System.out::println))
 *         .build();
 * pipeline.start();
 * Thread.sleep(3_000);
 * pipeline.close();
 * }</pre>
 *
 * <p>Extension points: {@link io.datacascade.core.Source}, {@link io.datacascade.core.Sink} and
 * {@link io.datacascade.core.ConnectorProvider} (URI schemes through {@link java.util.ServiceLoader}).
 * Everything under {@code io.datacascade.core.internal} is implementation and may change
 * without notice; the module does not export it.
 */
package io.datacascade.core;
