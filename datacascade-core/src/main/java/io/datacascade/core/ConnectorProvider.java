package io.datacascade.core;

import java.net.URI;

/**
 * The plug-in SPI: makes sources and sinks from URIs of one scheme, like a JDBC driver. Register
 * an implementation in {@code META-INF/services/io.datacascade.core.ConnectorProvider} (and with
 * {@code provides} in {@code module-info.java}); then {@link DataCascade#source(String)} and
 * {@link DataCascade#sink(String)} find it by scheme once its jar is on the classpath.
 *
 * <pre>{@code
 * public final class StdoutConnector implements ConnectorProvider {
 *     public String scheme() { return "stdout"; }
 *     public Sink<Point> createSink(URI uri) { return batch -> batch.forEach(System.out::println); }
 * }
 * }</pre>
 */
public interface ConnectorProvider {

    /** The URI scheme this provider answers to, lower case, for example {@code "kafka"}. */
    String scheme();

    /**
     * A source for {@code uri}.
     *
     * @throws IllegalArgumentException if the URI is invalid for this scheme, naming the bad part
     * @throws UnsupportedOperationException if the scheme has no source
     */
    default Source<Point> createSource(URI uri) {
        throw new UnsupportedOperationException("scheme '" + scheme() + "' provides no source (in " + uri + ")");
    }

    /**
     * A sink for {@code uri}.
     *
     * @throws IllegalArgumentException if the URI is invalid for this scheme, naming the bad part
     * @throws UnsupportedOperationException if the scheme has no sink
     */
    default Sink<Point> createSink(URI uri) {
        throw new UnsupportedOperationException("scheme '" + scheme() + "' provides no sink (in " + uri + ")");
    }
}
