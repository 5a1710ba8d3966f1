package io.datacascade.examples.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration from environment variables: defaults, and errors that name the variable and its value. */
class HandlerConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("POINTS_TABLE", "points");
        env.put("AWS_REGION", "eu-west-1");
        return env;
    }

    @Test
    void shouldUseDefaultsWhenOnlyThePointsTableAndRegionAreSet() {
        HandlerConfig config = HandlerConfig.from(minimal());

        assertThat(config.pointsTable).isEqualTo("points");
        assertThat(config.alertsTable).isNull();
        assertThat(config.deadLetterTable).isNull();
        assertThat(config.endpoint).isNull();
        assertThat(config.region).isEqualTo("eu-west-1");
        assertThat(config.createTables).isTrue();
        assertThat(config.codec.defaultSeries()).isEmpty();
        assertThat(config.rulesOrigin).isEqualTo("classpath:rules.yaml");
        assertThat(config.rules.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.name()).isEqualTo("value-spike");
            assertThat(rule.describe()).isEqualTo("value > 100");
            assertThat(rule.forMillis()).isZero();
        });
        assertThat(config.accessKeyId).isNull();
    }

    @Test
    void shouldReadEveryOptionalVariable() {
        Map<String, String> env = minimal();
        env.put("ALERTS_TABLE", "alerts");
        env.put("DEAD_LETTER_TABLE", "dead-letters");
        env.put("DEFAULT_SERIES", "legacy.value");
        env.put("DYNAMODB_ENDPOINT", "http://localhost:8000");
        env.put("CREATE_TABLES", "FALSE");
        env.put("AWS_ACCESS_KEY_ID", "id");
        env.put("AWS_SECRET_ACCESS_KEY", "secret");
        env.put("AWS_SESSION_TOKEN", "token");

        HandlerConfig config = HandlerConfig.from(env);

        assertThat(config.alertsTable).isEqualTo("alerts");
        assertThat(config.deadLetterTable).isEqualTo("dead-letters");
        assertThat(config.codec.defaultSeries()).contains("legacy.value");
        assertThat(config.endpoint).isEqualTo(URI.create("http://localhost:8000"));
        assertThat(config.createTables).isFalse();
        assertThat(config.sessionToken).isEqualTo("token");
    }

    @Test
    void shouldTreatBlankOptionalVariablesAsUnset() {
        Map<String, String> env = minimal();
        env.put("ALERTS_TABLE", "");
        env.put("DYNAMODB_ENDPOINT", "  ");

        HandlerConfig config = HandlerConfig.from(env);

        assertThat(config.alertsTable).isNull();
        assertThat(config.endpoint).isNull();
    }

    @Test
    void shouldFallBackToAwsDefaultRegion() {
        Map<String, String> env = minimal();
        env.remove("AWS_REGION");
        env.put("AWS_DEFAULT_REGION", "ap-south-1");

        assertThat(HandlerConfig.from(env).region).isEqualTo("ap-south-1");
    }

    @Test
    void shouldNameThePointsTableVariableWhenItIsMissing() {
        Map<String, String> env = minimal();
        env.remove("POINTS_TABLE");

        assertThatThrownBy(() -> HandlerConfig.from(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid configuration of MskToDynamoDbHandler: POINTS_TABLE is required: the DynamoDB table"
                        + " to write points to, was not set");
    }

    @Test
    void shouldReportEveryInvalidVariableWithItsValueAtOnce() {
        Map<String, String> env = new HashMap<>();
        env.put("POINTS_TABLE", "po");
        env.put("ALERTS_TABLE", "alerts table");
        env.put("DYNAMODB_ENDPOINT", "localhost:8000");
        env.put("CREATE_TABLES", "yes");
        env.put("AWS_ACCESS_KEY_ID", "id");

        assertThatThrownBy(() -> HandlerConfig.from(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid configuration of MskToDynamoDbHandler: "
                        + "POINTS_TABLE must be a DynamoDB table name (3-255 letters, digits, '_', '-', '.'), was \"po\"; "
                        + "ALERTS_TABLE must be a DynamoDB table name (3-255 letters, digits, '_', '-', '.'), was \"alerts table\"; "
                        + "DYNAMODB_ENDPOINT must be an absolute http(s) URI such as http://localhost:8000, was \"localhost:8000\"; "
                        + "AWS_REGION is not set (Lambda sets it; set it when running the handler elsewhere, e.g. us-east-1); "
                        + "CREATE_TABLES must be true or false, was \"yes\"; "
                        + "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both or neither");
    }

    @Test
    void shouldNameTheRulesVariableWhenTheFileIsMissing(@TempDir Path dir) {
        Map<String, String> env = minimal();
        String missing = dir.resolve("nope.yaml").toString();
        env.put("RULES", missing);

        assertThatThrownBy(() -> HandlerConfig.from(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid configuration of MskToDynamoDbHandler: RULES must name a readable rules file (YAML or"
                        + " JSON), was \"" + missing + "\": no such file");
    }

    @Test
    void shouldQuoteTheRuleLoadersProblemsWhenTheRulesFileIsInvalid(@TempDir Path dir) throws IOException {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n  - name: hot\n    above: warm\n");
        Map<String, String> env = minimal();
        env.put("RULES", rules.toString());

        assertThatThrownBy(() -> HandlerConfig.from(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid configuration of MskToDynamoDbHandler: RULES=\"" + rules + "\" has invalid rules: ")
                .hasMessageContaining("'hot'")
                .hasMessageContaining("above");
    }

    @Test
    void shouldLoadARulesFileInJson(@TempDir Path dir) throws IOException {
        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, "{\"rules\":[{\"name\":\"cold\",\"below\":-10}]}");
        Map<String, String> env = minimal();
        env.put("RULES", rules.toString());

        HandlerConfig config = HandlerConfig.from(env);

        assertThat(config.rulesOrigin).isEqualTo(rules.toString());
        assertThat(config.rules.rules()).extracting(r -> r.name()).containsExactly("cold");
    }
}
