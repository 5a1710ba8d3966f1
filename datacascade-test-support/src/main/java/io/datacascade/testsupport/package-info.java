/**
 * Real servers and processes for tests, examples and benchmarks: an in-process single-node
 * Apache Kafka broker ({@link io.datacascade.testsupport.EmbeddedKafka}) and child JVMs that can
 * be killed with SIGKILL ({@link io.datacascade.testsupport.ChildJvm}). Depend on this module
 * with test scope: it brings the Kafka broker, Scala and their dependencies.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(3).start()) {
 *     kafka.createTopic("events", 3, Map.of("retention.ms", "-1"));
 *     try (ChildJvm pipeline = ChildJvm.builder(MyPipelineMain.class)
 *             .systemProperty("bootstrap.servers", kafka.bootstrapServers())
 *             .start()) {
 *         pipeline.awaitOutput("started", Duration.ofSeconds(20));
 *         pipeline.kill();                                   // crash mid-stream
 *     }
 *     Map<TopicPartition, Long> committed = kafka.committedOffsets("my-group", "events");
 *     long written = kafka.endOffsetSum("events");
 * }
 * }</pre>
 */
package io.datacascade.testsupport;
