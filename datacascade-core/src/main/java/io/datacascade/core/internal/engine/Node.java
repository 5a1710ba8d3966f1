package io.datacascade.core.internal.engine;

import io.datacascade.core.ErrorPolicy;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One stage at run time: calls the user's function inside a try, counts, and passes results on.
 * Only the user's function is inside the try, so a failure is blamed on the stage that threw.
 */
abstract class Node {
    final String name;
    final ErrorPolicy policy;
    final Chain chain;
    Node next;
    final Counter in = new Counter();
    final Counter out = new Counter();
    final Counter errors = new Counter();

    Node(String name, ErrorPolicy policy, Chain chain) {
        this.name = name;
        this.policy = policy;
        this.chain = chain;
    }

    abstract void accept(Object item);

    /** Called once before the first record, with the pipeline clock; stages that keep time start it here. */
    void open(long now) {
    }

    /** Time passed without (or besides) records; only called on stages that {@link #keepsTime()}. */
    void onTime(long now) {
    }

    /** The input ended for good: emit what is still held. */
    void finish() {
    }

    /** Whether this stage needs {@link #onTime} calls. */
    boolean keepsTime() {
        return false;
    }

    /** The lowest source sequence this stage still needs unacknowledged, or {@link Long#MAX_VALUE}. */
    long heldFloor() {
        return Long.MAX_VALUE;
    }

    /** Records the stage set aside as late (window stages). */
    long late() {
        return 0;
    }

    static final class MapNode extends Node {
        private final Function<Object, Object> fn;

        @SuppressWarnings("unchecked")
        MapNode(String name, ErrorPolicy policy, Chain chain, Object fn) {
            super(name, policy, chain);
            this.fn = (Function<Object, Object>) fn;
        }

        @Override
        void accept(Object item) {
            in.increment();
            Object result;
            try {
                result = fn.apply(item);
            } catch (RuntimeException e) {
                chain.stageFailed(this, item, null, e);
                return;
            }
            if (result == null) {
                chain.stageFailed(this, item, "map stage '" + name + "' returned null", null);
                return;
            }
            out.increment();
            next.accept(result);
        }
    }

    static final class FilterNode extends Node {
        private final Predicate<Object> predicate;

        @SuppressWarnings("unchecked")
        FilterNode(String name, ErrorPolicy policy, Chain chain, Object predicate) {
            super(name, policy, chain);
            this.predicate = (Predicate<Object>) predicate;
        }

        @Override
        void accept(Object item) {
            in.increment();
            boolean keep;
            try {
                keep = predicate.test(item);
            } catch (RuntimeException e) {
                chain.stageFailed(this, item, null, e);
                return;
            }
            if (keep) {
                out.increment();
                next.accept(item);
            }
        }
    }

    static final class FlatMapNode extends Node {
        private final Function<Object, Iterable<?>> fn;
        /** Reused per record: results are collected first, so a failure half-way emits nothing. */
        private final java.util.ArrayList<Object> results = new java.util.ArrayList<>();

        @SuppressWarnings("unchecked")
        FlatMapNode(String name, ErrorPolicy policy, Chain chain, Object fn) {
            super(name, policy, chain);
            this.fn = (Function<Object, Iterable<?>>) fn;
        }

        @Override
        void accept(Object item) {
            in.increment();
            results.clear();
            try {
                Iterable<?> iterable = fn.apply(item);
                if (iterable == null) {
                    chain.stageFailed(this, item, "flatMap stage '" + name + "' returned null", null);
                    return;
                }
                for (Object o : iterable) {
                    if (o == null) {
                        results.clear();
                        chain.stageFailed(this, item, "flatMap stage '" + name + "' returned a null element", null);
                        return;
                    }
                    results.add(o);
                }
            } catch (RuntimeException e) {
                results.clear();
                chain.stageFailed(this, item, null, e);
                return;
            }
            int n = results.size();
            out.add(n);
            for (int i = 0; i < n; i++) {
                next.accept(results.get(i));
            }
            results.clear();
        }
    }

    static final class PeekNode extends Node {
        private final Consumer<Object> action;

        @SuppressWarnings("unchecked")
        PeekNode(String name, ErrorPolicy policy, Chain chain, Object action) {
            super(name, policy, chain);
            this.action = (Consumer<Object>) action;
        }

        @Override
        void accept(Object item) {
            in.increment();
            try {
                action.accept(item);
            } catch (RuntimeException e) {
                chain.stageFailed(this, item, null, e);
                return;
            }
            out.increment();
            next.accept(item);
        }
    }

    /** The end of the chain: collects results into the batch the sinks will get. */
    static final class OutputNode extends Node {
        private final BatchBuffer<Object> output;

        OutputNode(Chain chain, BatchBuffer<Object> output) {
            super("output", null, chain);
            this.output = output;
        }

        @Override
        void accept(Object item) {
            in.increment();
            chain.collect(output, item);
        }
    }
}
