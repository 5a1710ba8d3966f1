package com.example.datacascade.csv;

import static com.example.datacascade.csv.CsvTestFiles.runToCompletion;
import static com.example.datacascade.csv.CsvTestFiles.uri;
import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.DataCascade;
import io.datacascade.core.MemorySink;
import io.datacascade.core.Point;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad lines are counted and skipped; every good line around them still arrives, in order. */
class CsvBadLinesTest {

    @TempDir
    Path dir;

    @Test
    void shouldCountAndSkipBadLinesAndDeliverEveryGoodOne() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        String good = """
                # readings from the test rig
                time,series,value,tags
                1000,a,1
                """;
        String bad = """
                not a line at all
                2000,a
                2000,a,1,x=1,extra
                yesterday,a,1
                99999999999999999999999,a,1
                2000,,1
                2000,a,one
                2000,a,1,host
                2000,a,1,k=1;k=2
                2000-13-01T00:00:00Z,a,1
                """;
        file.writeBytes(good.getBytes(StandardCharsets.UTF_8));
        file.writeBytes(bad.getBytes(StandardCharsets.UTF_8));
        file.writeBytes(new byte[] {'3', ',', 'a', ',', '1', ',', 'k', '=', (byte) 0xC3, (byte) 0x28, '\n'}); // not UTF-8
        file.writeBytes("\n   \n2024-05-01T12:00:00Z , b , 2.5 , host = x ; dc=eu\r\n".getBytes(StandardCharsets.UTF_8));
        file.writeBytes(("4000,a,4," + "k=v;".repeat(300_000) + "\n").getBytes(StandardCharsets.UTF_8)); // 1.2 MB line
        file.writeBytes("5000,a,5\n2024-05-01T12:00:01.123456+02:00,c,NaN,\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 500; i++) {
            file.writeBytes("garbage\n".getBytes(StandardCharsets.UTF_8)); // the log shows only a few of these
        }
        file.writeBytes("6000,a,6".getBytes(StandardCharsets.UTF_8)); // no final line break: still a line
        Path path = dir.resolve("mixed.csv");
        Files.write(path, file.toByteArray());

        MemorySink<Point> sink = MemorySink.create();
        CsvSource source = (CsvSource) DataCascade.source(uri(path, ""));
        runToCompletion(DataCascade.pipeline("bad-lines").from(source).to(sink).build());

        assertThat(sink.records()).containsExactly(
                Point.of("a", 1000, 1),
                new Point("b", 1_714_564_800_000L, 2.5, Map.of("host", "x", "dc", "eu")),
                Point.of("a", 5000, 5),
                Point.of("c", 1_714_557_601_123L, Double.NaN),
                Point.of("a", 6000, 6));
        assertThat(source.badLines()).isEqualTo(10 + 1 + 1 + 500);
    }
}
