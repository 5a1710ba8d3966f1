/**
 * A third-party DataCascade plug-in, as a worked example: the {@code csv} scheme, with a source
 * that reads or follows a CSV file of points (and can resume after a restart without losing or
 * repeating what the sinks made durable) and a sink that appends to one. It uses only core's
 * published API, like any plug-in written outside the project.
 *
 * <p>A plug-in is three things: a {@link io.datacascade.core.ConnectorProvider} ({@link
 * com.example.datacascade.csv.CsvConnector}), a file
 * {@code META-INF/services/io.datacascade.core.ConnectorProvider} naming it, and its jar on the
 * classpath. Then:
 *
 * <pre>{@code
 * try (Pipeline<Point> pipeline = DataCascade.pipeline("csv-copy")
 *         .from(DataCascade.source("csv:///var/data/readings.csv?follow=true&resume=true"))
 *         .filter(p -> !Double.isNaN(p.value()))
 *         .to(DataCascade.sink("csv:///var/data/clean.csv"))
 *         .build()) {
 *     pipeline.start();
 *     pipeline.awaitTermination(Duration.ofMinutes(10));
 * }
 * }</pre>
 *
 * <h2>The line format</h2>
 *
 * {@code time,series,value[,tags]}, for example
 * {@code 2024-05-01T12:00:00Z,cpu.load,0.73,host=a;dc=eu-1} or
 * {@code 1714564800000,cpu.load,0.73}:
 * <ul>
 * <li>{@code time}: epoch milliseconds or an ISO-8601 instant ({@code Z} or an offset);</li>
 * <li>{@code series}: any non-empty text;</li>
 * <li>{@code value}: a decimal number, {@code NaN}, {@code Infinity} or {@code -Infinity};</li>
 * <li>{@code tags}: optional, {@code key=value} pairs separated by {@code ;}.</li>
 * </ul>
 * Fields are trimmed. In series, tag keys and tag values, {@code %XX} (two hex digits of an ASCII
 * code) stands for that character: the sink writes {@code %} as {@code %25}, {@code ,} as
 * {@code %2C}, {@code ;} as {@code %3B}, {@code =} as {@code %3D}, control characters such as a
 * line break as {@code %0A}, and a space at the start or end as {@code %20}; every other character
 * is written as it is, in UTF-8. A {@code %} not followed by such a code is read as itself. So
 * whatever the sink writes, the source reads back as the same point. Lines that are blank, start
 * with {@code #}, or start with {@code time} (a header) are skipped.
 */
package com.example.datacascade.csv;
