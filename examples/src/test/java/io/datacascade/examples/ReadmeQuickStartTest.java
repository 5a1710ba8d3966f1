package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.DataCascade;
import io.datacascade.core.DeadLetter;
import io.datacascade.core.ErrorPolicy;
import io.datacascade.core.MemorySink;
import io.datacascade.core.Pipeline;
import io.datacascade.core.PipelineState;
import io.datacascade.core.Point;
import io.datacascade.core.WaitStrategy;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's builder quick start, verbatim but for printing, so the snippet keeps working. */
@Timeout(30)
class ReadmeQuickStartTest {

    @Test
    void shouldRunTheReadmeQuickStart() throws Exception {
        AtomicLong printed = new AtomicLong();
        MemorySink<Point> out = MemorySink.create();
        MemorySink<DeadLetter> rejected = MemorySink.create();
        Pipeline<Point> pipeline = DataCascade.pipeline("cpu")
                .from(DataCascade.source("sim://?series=4&rate=1000&shape=sine"))
                .filter(p -> Double.isFinite(p.value())).named("drop-nan")
                .map(p -> p.withTag("unit", "percent"))
                .map(p -> {
                    if (p.value() > 85) {
                        throw new IllegalArgumentException("load above 85%: " + p.value());
                    }
                    return p;
                }).named("validate").onError(ErrorPolicy.deadLetter(rejected))
                .to(out)
                .to(batch -> printed.addAndGet(batch.size()))
                .ringSize(1 << 16)
                .waitStrategy(WaitStrategy.PARKING)
                .build();
        pipeline.start();
        Thread.sleep(2_000);
        pipeline.close();

        assertThat(pipeline.state()).isEqualTo(PipelineState.CLOSED);
        assertThat(out.size()).isGreaterThan(1_000);
        assertThat(printed.get()).isEqualTo(out.size());
        assertThat(out.records()).allSatisfy(p -> {
            assertThat(p.tags()).containsEntry("unit", "percent");
            assertThat(p.value()).isLessThanOrEqualTo(85);
        });
        assertThat(rejected.records()).as("the sine peaks near 90 at times").isNotEmpty()
                .allSatisfy(letter -> assertThat(letter.stage()).isEqualTo("validate"))
                .allSatisfy(letter -> assertThat(letter.reason()).contains("load above 85%"));
        assertThat(out.size() + rejected.size()).isEqualTo(pipeline.metrics().eventsIn());
    }
}
