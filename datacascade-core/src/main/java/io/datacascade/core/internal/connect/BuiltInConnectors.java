package io.datacascade.core.internal.connect;

import io.datacascade.core.ConnectorProvider;
import io.datacascade.core.MemorySink;
import io.datacascade.core.MemorySource;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.SimulatorSource;
import io.datacascade.core.Source;
import io.datacascade.core.UriParameters;
import java.net.URI;
import java.util.Set;

/** The connectors core ships: {@code memory://name} and {@code sim://}. */
public final class BuiltInConnectors {
    private BuiltInConnectors() {
    }

    /** {@code memory://name}: the {@link MemorySource} or {@link MemorySink} registered under that name. */
    public static final class Memory implements ConnectorProvider {
        @Override
        public String scheme() {
            return "memory";
        }

        @Override
        public Source<Point> createSource(URI uri) {
            return MemorySource.named(nameOf(uri));
        }

        @Override
        public Sink<Point> createSink(URI uri) {
            return MemorySink.named(nameOf(uri));
        }

        private static String nameOf(URI uri) {
            UriParameters.of(uri, Set.of());
            String name = uri.getAuthority();
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("memory uri '" + uri + "' needs a name, for example memory://output");
            }
            return name;
        }
    }

    /**
     * {@code sim://?series=4&rate=1000&shape=random-walk|sine|noise&seed=42&limit=0&prefix=sim-}
     * {@code &spikeEvery=30&spikeLength=1&spikeHeight=100} (spike times in seconds): a {@link SimulatorSource}.
     */
    public static final class Simulator implements ConnectorProvider {
        private static final Set<String> PARAMS = Set.of("series", "rate", "shape", "seed", "limit", "prefix", "spikeEvery",
                "spikeLength", "spikeHeight");

        @Override
        public String scheme() {
            return "sim";
        }

        @Override
        public Source<Point> createSource(URI uri) {
            UriParameters params = UriParameters.of(uri, PARAMS);
            SimulatorSource.Builder b = SimulatorSource.builder();
            b.series((int) Math.min(Integer.MAX_VALUE, params.longValue("series", 4, 1)));
            b.ratePerSecond(params.doubleValue("rate", 1000, 0));
            b.shape(params.enumValue("shape", SimulatorSource.Shape.class, SimulatorSource.Shape.RANDOM_WALK));
            b.seed(params.longValue("seed", 42, Long.MIN_VALUE));
            b.limit(params.longValue("limit", 0, 0));
            b.seriesPrefix(params.string("prefix", "sim-"));
            double spikeEvery = params.doubleValue("spikeEvery", 0, 0);
            if (spikeEvery > 0) {
                b.spikes(java.time.Duration.ofMillis((long) (spikeEvery * 1000)),
                        java.time.Duration.ofMillis((long) (params.doubleValue("spikeLength", 1, 0) * 1000)),
                        params.doubleValue("spikeHeight", 100, -Double.MAX_VALUE));
            }
            return b.build();
        }
    }
}
