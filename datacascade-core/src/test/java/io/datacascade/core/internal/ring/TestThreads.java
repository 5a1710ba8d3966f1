package io.datacascade.core.internal.ring;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Small helpers for running ring participants on their own threads in tests. */
final class TestThreads {
    private TestThreads() {
    }

    /**
     * Runs {@code task} on a new daemon thread (never the common pool, which has one thread on a
     * two-core machine) and returns its outcome.
     */
    static <T> CompletableFuture<T> startThread(String name, Callable<T> task) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                outcome.complete(task.call());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return outcome;
    }

    /** Gives other threads time to reach their waiting state. */
    static void pause(long millis) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Stack traces of all live threads whose name starts with {@code prefix}, for failure messages. */
    static String dumpThreads(String prefix) {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith(prefix)) {
                out.append('\n').append(thread.getName()).append(" (").append(thread.getState()).append(')');
                for (StackTraceElement frame : stack) {
                    out.append("\n    at ").append(frame);
                }
            }
        });
        return out.toString();
    }
}
