package com.example.datacascade.csv;

import static org.assertj.core.api.Assertions.assertThat;

import io.datacascade.core.Point;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/** The line format on its own: parsing, the reasons for bad lines, and the encoding round trip. */
class CsvFormatTest {
    private final CsvFormat format = new CsvFormat();

    private static String line(Point p) {
        StringBuilder out = new StringBuilder();
        CsvFormat.append(out, p);
        return out.toString();
    }

    @Test
    void shouldParseEpochMillisIsoInstantsAndTags() {
        assertThat(format.parse("1714564800000,cpu.load,0.73")).isEqualTo(Point.of("cpu.load", 1_714_564_800_000L, 0.73));
        assertThat(format.parse("2024-05-01T12:00:00Z,cpu.load,1e3,host=a;dc=eu-1"))
                .isEqualTo(new Point("cpu.load", 1_714_564_800_000L, 1000, Map.of("host", "a", "dc", "eu-1")));
        assertThat(format.parse("2024-05-01T14:00:00.5+02:00,x,-Infinity,")).isEqualTo(
                Point.of("x", 1_714_564_800_500L, Double.NEGATIVE_INFINITY));
        assertThat(format.parse(" -5 , x , NaN , a=1 ; ; b= ")).isEqualTo(new Point("x", -5, Double.NaN,
                Map.of("a", "1", "b", "")));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "1000                       | expected time,series,value[,tags] but found 1 field",
        "1000,a                     | expected time,series,value[,tags] but found 2 fields",
        "1000,a,1,k=v,more          | expected time,series,value[,tags] but found 5 fields",
        "today,a,1                  | time 'today' is neither epoch milliseconds nor an ISO-8601 instant such as 2024-05-01T12:00:00Z",
        "\",a,1\"                   | time '' is neither epoch milliseconds nor an ISO-8601 instant such as 2024-05-01T12:00:00Z",
        "92233720368547758070,a,1   | time '92233720368547758070' is out of range for epoch milliseconds",
        "1000, ,1                   | series is empty",
        "1000,a,1.2.3               | value '1.2.3' is not a number",
        "1000,a,1,host              | tag 'host' has no '=' (tags are k=v;k2=v2)",
        "1000,a,1,k=1;k=2           | tag 'k' appears twice",
    })
    void shouldSayWhyALineIsBad(String line, String problem) {
        assertThat(format.parse(line)).isNull();
        assertThat(format.problem()).isEqualTo(problem);
    }

    @Test
    void shouldEncodeOnlyWhatWouldBreakTheFormat() {
        Point p = new Point(" a,b;c=d%e\nf ", 1, 2.5, Map.of("k=", "v;w", "plain", "ünï code ✓"));
        assertThat(line(p)).isEqualTo("1,%20a%2Cb%3Bc%3Dd%25e%0Af%20,2.5,k%3D=v%3Bw;plain=ünï code ✓");
        assertThat(format.parse(line(p))).isEqualTo(p);
    }

    @Test
    void shouldKeepAPercentThatIsNotAnAsciiEscape() {
        assertThat(CsvFormat.decode("100%")).isEqualTo("100%");
        assertThat(CsvFormat.decode("%zz%2")).isEqualTo("%zz%2");
        assertThat(CsvFormat.decode("%C3%A9")).isEqualTo("%C3%A9");
        assertThat(CsvFormat.decode("%2c%2C")).isEqualTo(",,");
    }

    @Test
    void shouldReadBackEveryPointItWrites() {
        SplittableRandom random = new SplittableRandom(42);
        String alphabet = " ,;=%\n\r\t\u0000\u007F\u0085\u2028#aZ9.-_ü✓\uD83D\uDE00";
        for (int i = 0; i < 5_000; i++) {
            String series = text(random, alphabet, 1);
            Map<String, String> tags = new java.util.HashMap<>();
            for (int t = random.nextInt(4); t > 0; t--) {
                tags.put(text(random, alphabet, 0), text(random, alphabet, 0));
            }
            Point p = new Point(series, random.nextLong(), Double.longBitsToDouble(random.nextLong()), tags);
            String line = line(p);
            assertThat(line).doesNotContain("\n", "\r");
            assertThat(format.parse(line)).as("line %s", line).isEqualTo(p);
        }
    }

    private static String text(SplittableRandom random, String alphabet, int minLength) {
        StringBuilder s = new StringBuilder();
        int length = minLength + random.nextInt(8);
        while (s.length() < length) {
            int at = random.nextInt(alphabet.length());
            char c = alphabet.charAt(at);
            s.append(c);
            if (Character.isHighSurrogate(c)) {
                s.append(alphabet.charAt(at + 1)); // keep the emoji whole
            }
        }
        return s.toString();
    }
}
