/**
 * Test your own pipelines deterministically with {@link io.datacascade.testkit.PipelineTestDriver}:
 * records pushed on the test thread, sources driven by a virtual clock, results read from sinks.
 */
package io.datacascade.testkit;
