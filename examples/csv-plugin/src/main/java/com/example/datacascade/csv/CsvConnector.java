package com.example.datacascade.csv;

import io.datacascade.core.ConnectorProvider;
import io.datacascade.core.UriParameters;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code csv} scheme: {@link CsvSource}s and {@link CsvSink}s from URIs. This class, a
 * one-line {@code META-INF/services/io.datacascade.core.ConnectorProvider} file naming it, and the
 * jar on the classpath are all a plug-in needs; {@code DataCascade.source("csv:///...")} then finds
 * it through {@link java.util.ServiceLoader}. It needs a public no-argument constructor for that.
 *
 * <ul>
 * <li>{@code csv:///absolute/path/readings.csv?follow=true|false&from=beginning|end&resume=true|false}:
 *     a source (defaults {@code follow=false}, {@code from=beginning}, {@code resume=false});</li>
 * <li>{@code csv:///absolute/path/out.csv}: a sink (no parameters).</li>
 * </ul>
 *
 * <p>Bad URIs fail here, before any pipeline runs, with an {@link IllegalArgumentException} that
 * names the URI, the parameter, the bad value and what is allowed. The file itself is touched
 * only when the pipeline opens the source or sink.
 */
public final class CsvConnector implements ConnectorProvider {
    private static final Set<String> SOURCE_PARAMETERS = Set.of("follow", "from", "resume");

    /** Called by {@link java.util.ServiceLoader}. */
    public CsvConnector() {
    }

    /** {@code "csv"}. */
    @Override
    public String scheme() {
        return "csv";
    }

    /**
     * A source for {@code csv:///path?follow=&from=&resume=}; the return type is {@link CsvSource}
     * so code that creates it through the connector can read {@link CsvSource#badLines()}.
     *
     * @throws IllegalArgumentException if the path is missing or not absolute, a parameter is
     *                                  unknown, or a value is not one of those allowed
     */
    @Override
    public CsvSource createSource(URI uri) {
        UriParameters params = UriParameters.of(uri, SOURCE_PARAMETERS);
        Path file = fileOf(uri, "source");
        boolean follow = booleanValue(params, uri, "follow");
        CsvSource.StartAt from = params.enumValue("from", CsvSource.StartAt.class, CsvSource.StartAt.BEGINNING);
        boolean resume = booleanValue(params, uri, "resume");
        return new CsvSource(file, follow, from, resume, uri.toString());
    }

    /**
     * A sink for {@code csv:///path}.
     *
     * @throws IllegalArgumentException if the path is missing or not absolute, or any parameter is given
     */
    @Override
    public CsvSink createSink(URI uri) {
        UriParameters.of(uri, Set.of());
        return new CsvSink(fileOf(uri, "sink"), uri.toString());
    }

    /** {@code true} or {@code false} (any case); absent means false. */
    private static boolean booleanValue(UriParameters params, URI uri, String key) {
        String value = params.string(key, "false");
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("parameter '" + key + "' in '" + uri
                    + "' must be one of [true, false], was '" + value + "'");
        };
    }

    private static Path fileOf(URI uri, String kind) {
        String example = "csv:///var/data/readings.csv";
        if (uri.isOpaque()) {
            throw new IllegalArgumentException("csv " + kind + " uri '" + uri + "' needs an absolute file path after"
                    + " csv:// (three slashes), for example " + example);
        }
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            throw new IllegalArgumentException("csv " + kind + " uri '" + uri + "' names host '" + uri.getRawAuthority()
                    + "', but csv files are local: use three slashes, for example csv:///" + uri.getRawAuthority()
                    + (uri.getRawPath() == null ? "" : uri.getRawPath()));
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            throw new IllegalArgumentException("csv " + kind + " uri '" + uri + "' has no file path; give an absolute"
                    + " path, for example " + example);
        }
        if (path.endsWith("/")) {
            throw new IllegalArgumentException("csv " + kind + " uri '" + uri + "' names a directory ('" + path
                    + "'); give a file, for example " + example);
        }
        try {
            return Path.of(new URI("file", null, path, null));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("csv " + kind + " uri '" + uri + "' has a path that is not a valid file"
                    + " path here: " + e.getMessage(), e);
        }
    }
}
