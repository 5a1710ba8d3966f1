package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.ConnectorProvider;
import io.datacascade.core.DataCascade;
import io.datacascade.core.MemorySink;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.core.Source;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A connector outside core, registered only through META-INF/services, is found by its scheme. */
class PluginDiscoveryTest {

    /** {@code countdown://?from=N}: emits N..1 as points, then ends. */
    public static final class CountdownConnector implements ConnectorProvider {
        @Override
        public String scheme() {
            return "countdown";
        }

        @Override
        public Source<Point> createSource(URI uri) {
            int from = Integer.parseInt(uri.getQuery().replace("from=", ""));
            int[] left = {from};
            return context -> {
                if (left[0] == 0) {
                    return Source.Poll.END;
                }
                context.emit(Point.of("countdown", left[0], left[0]));
                left[0]--;
                return Source.Poll.MORE;
            };
        }
    }

    @Test
    void shouldFindThirdPartyConnectorByScheme() throws Exception {
        assertThat(DataCascade.schemes()).contains("countdown", "memory", "sim");
        MemorySink<Point> sink = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("plugin").from(DataCascade.source("countdown://?from=5"))
                .to(sink).build();
        pipeline.start();
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(pipeline.state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(sink.records()).extracting(Point::value).containsExactly(5.0, 4.0, 3.0, 2.0, 1.0);
    }
}
