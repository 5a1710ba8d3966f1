/**
 * JMH benchmarks of DataCascade's ring buffer and pipeline, and a JOL layout report. Not a
 * library: nothing here is API.
 *
 * <ul>
 *   <li>{@link io.datacascade.benchmarks.RingThroughput}: events per second through DataCascade's
 *       ring, the LMAX Disruptor, JCTools and {@code ArrayBlockingQueue}, 1P1C and 2P1C.</li>
 *   <li>{@link io.datacascade.benchmarks.PipelineThroughput}: a whole pipeline next to the bare ring
 *       it runs on.</li>
 *   <li>{@link io.datacascade.benchmarks.RingLayout}: the padding around the ring's hot fields and
 *       its footprint.</li>
 * </ul>
 *
 * <pre>{@code
 * mvn -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar RingThroughput -prof gc
 * java -cp benchmarks/target/benchmarks.jar io.datacascade.benchmarks.RingLayout
 * }</pre>
 *
 * <p>See {@code benchmarks/README.md} for the full-run commands and how to read the results.
 */
package io.datacascade.benchmarks;
