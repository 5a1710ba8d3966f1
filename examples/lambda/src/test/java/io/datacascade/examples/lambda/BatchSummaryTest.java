package io.datacascade.examples.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The handler's result, written by the serializer the Lambda Java runtime uses for results. */
class BatchSummaryTest {

    @Test
    void shouldSerializeAsTheLambdaRuntimeWould() {
        PojoSerializer<BatchSummary> serializer = JacksonFactory.getInstance().getSerializer(BatchSummary.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        serializer.toJson(new BatchSummary(9, 6, 3, 2), out);

        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"records\":9,\"pointsWritten\":6,\"deadLettered\":3,\"alerts\":2}");
    }

    @Test
    void shouldReadWellInTheLog() {
        assertThat(new BatchSummary(9, 6, 3, 2))
                .hasToString("9 record(s): 6 point(s) written, 3 dead-lettered, 2 alert event(s)");
    }
}
