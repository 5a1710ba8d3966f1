package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class QuickStartTest {

    @Test
    void shouldPrintEventsFlowingOnceASecondAndStopCleanly() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = QuickStart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err,
                "--seconds", "2", "--rate", "20000", "--series", "3", "--http-port", "0");
        String output = bytes.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(output).isZero();
        assertThat(output).contains("DataCascade quick start: 3 series at 20,000 points/s")
                .containsPattern("Live dashboard: http://localhost:\\d+/");
        Matcher total = Pattern.compile("total out +([\\d,]+)").matcher(output);
        long last = 0;
        int lines = 0;
        while (total.find()) {
            last = Long.parseLong(total.group(1).replace(",", ""));
            lines++;
        }
        assertThat(lines).as(output).isGreaterThanOrEqualTo(2);
        assertThat(last).as("points processed").isGreaterThan(10_000);
        assertThat(output).contains("sensor-0=", "sensor-2=").contains("Stopped: closed");
    }

    @Test
    void shouldRejectBadFlagsWithExitCode2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = QuickStart.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), "--rate", "lots");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value for option '--rate'");
    }

    @Test
    void shouldRejectOutOfRangeValuesNamingTheFlag() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = QuickStart.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), "--series", "-3");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--series must be between 1 and 1000000, was -3")
                .contains("Run 'quickstart --help' to see every option.");
    }
}
