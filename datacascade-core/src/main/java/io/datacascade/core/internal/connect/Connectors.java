package io.datacascade.core.internal.connect;

import io.datacascade.core.ConnectorProvider;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.Source;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

import java.util.Set;
import java.util.function.BiFunction;

/** The plug-in registry: {@link ConnectorProvider}s found by {@link java.util.ServiceLoader}, keyed by scheme. */
public final class Connectors {
    private Connectors() {
    }

    public static Source<Point> source(String uri) {
        return create(uri, "source", ConnectorProvider::createSource);
    }

    public static Sink<Point> sink(String uri) {
        return create(uri, "sink", ConnectorProvider::createSink);
    }

    public static Set<String> schemes() {
        return providers().keySet();
    }

    private static <R> R create(String text, String kind, BiFunction<ConnectorProvider, URI, R> factory) {
        if (text == null) {
            throw new NullPointerException(kind + " uri can't be null");
        }
        URI uri;
        try {
            // "sim://" has an empty authority, which java.net.URI rejects; "sim:///" means the same.
            uri = new URI(text.endsWith("://") ? text + "/" : text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid " + kind + " uri '" + text + "': " + e.getMessage(), e);
        }
        if (uri.getScheme() == null) {
            throw new IllegalArgumentException("invalid " + kind + " uri '" + text
                    + "': it needs a scheme such as sim:// or memory://; known schemes: " + schemes());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        ConnectorProvider provider = providers().get(scheme);
        if (provider == null) {
            throw new IllegalArgumentException("no connector for scheme '" + scheme + "' in " + kind + " uri '" + text
                    + "'; known schemes: " + schemes() + ". Is the module that provides it on the classpath?");
        }
        R created = factory.apply(provider, uri);
        if (created == null) {
            throw new IllegalStateException("connector " + provider.getClass().getName() + " returned a null " + kind
                    + " for '" + text + "'");
        }
        return created;
    }

    private static Map<String, ConnectorProvider> providers() {
        return Plugins.byName(ConnectorProvider.class, ConnectorProvider::scheme, "connector");
    }
}
