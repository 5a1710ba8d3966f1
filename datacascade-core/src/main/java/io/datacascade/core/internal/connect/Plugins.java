package io.datacascade.core.internal.connect;

import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Finds plug-ins through {@link ServiceLoader}, from the thread's context class loader and from
 * core's own, keyed by a name each one gives (a URI scheme, a condition name).
 */
public final class Plugins {
    private Plugins() {
    }

    /**
     * Every provider of {@code type}, by lower-cased {@code name}.
     *
     * @param what names the kind of plug-in in errors, for example "connector"
     * @throws IllegalStateException if a plug-in can't be loaded or two different ones claim a name
     */
    public static <S> Map<String, S> byName(Class<S> type, Function<S, String> name, String what) {
        Map<String, S> found = new TreeMap<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = Plugins.class.getClassLoader();
        }
        addAll(ServiceLoader.load(type, loader), name, what, found);
        if (loader != Plugins.class.getClassLoader()) {
            addAll(ServiceLoader.load(type, Plugins.class.getClassLoader()), name, what, found);
        }
        return found;
    }

    private static <S> void addAll(ServiceLoader<S> loader, Function<S, String> name, String what, Map<String, S> into) {
        try {
            for (S p : loader) {
                String key = name.apply(p).toLowerCase(Locale.ROOT);
                S existing = into.putIfAbsent(key, p);
                if (existing != null && existing.getClass() != p.getClass()) {
                    throw new IllegalStateException("two " + what + "s claim '" + key + "': "
                            + existing.getClass().getName() + " and " + p.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a " + what + " plug-in could not be loaded: " + e.getMessage(), e);
        }
    }
}
