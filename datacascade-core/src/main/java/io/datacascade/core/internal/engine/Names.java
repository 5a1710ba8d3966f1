package io.datacascade.core.internal.engine;

/** Names of users' sources and sinks in logs, metrics, errors and dead letters. */
final class Names {
    private Names() {
    }

    /**
     * A readable name for {@code component}: its own {@code toString()} when it has one (short, not
     * the default {@code Class@hash}, not a lambda's), else {@code fallback}.
     */
    static String of(Object component, String fallback) {
        String text = component.toString();
        String identity = component.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(component));
        boolean meaningful = text != null && !text.equals(identity) && !text.contains("$$Lambda") && text.length() <= 80;
        return meaningful ? text : fallback;
    }
}
