package io.datacascade.examples.lambda;

import io.datacascade.core.alert.AlertRules;
import io.datacascade.kafka.PointJsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The handler's settings, read from environment variables once per container and checked
 * together: every missing or invalid variable is reported at once, by name and value.
 */
final class HandlerConfig {
    static final String POINTS_TABLE = "POINTS_TABLE";
    static final String ALERTS_TABLE = "ALERTS_TABLE";
    static final String DEAD_LETTER_TABLE = "DEAD_LETTER_TABLE";
    static final String RULES = "RULES";
    static final String DEFAULT_SERIES = "DEFAULT_SERIES";
    static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";
    static final String CREATE_TABLES = "CREATE_TABLES";
    static final String AWS_REGION = "AWS_REGION";
    static final String AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION";
    static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    static final String AWS_SESSION_TOKEN = "AWS_SESSION_TOKEN";

    /** The rules used when {@value #RULES} is not set: a value threshold, on the class path. */
    static final String BUNDLED_RULES = "rules.yaml";

    final String pointsTable;
    /** Null when alerts are only logged. */
    final String alertsTable;
    /** Null when dead letters are only logged and counted. */
    final String deadLetterTable;
    final AlertRules rules;
    /** Where the rules came from, for logs: a file path or {@code classpath:rules.yaml}. */
    final String rulesOrigin;
    final PointJsonCodec codec;
    /** Null for AWS itself. */
    final URI endpoint;
    final String region;
    final boolean createTables;
    /** Null when the SDK's default credentials chain should be used. */
    final String accessKeyId;
    final String secretAccessKey;
    /** Null without a session token. */
    final String sessionToken;

    private HandlerConfig(Map<String, String> env, List<String> problems) {
        pointsTable = table(env, POINTS_TABLE, true, problems);
        alertsTable = table(env, ALERTS_TABLE, false, problems);
        deadLetterTable = table(env, DEAD_LETTER_TABLE, false, problems);
        endpoint = endpoint(env, problems);
        region = region(env, problems);
        createTables = createTables(env, problems);
        codec = codec(env, problems);
        String rulesFile = optional(env, RULES);
        rulesOrigin = rulesFile != null ? rulesFile : "classpath:" + BUNDLED_RULES;
        rules = rules(rulesFile, problems);
        accessKeyId = optional(env, AWS_ACCESS_KEY_ID);
        secretAccessKey = optional(env, AWS_SECRET_ACCESS_KEY);
        sessionToken = optional(env, AWS_SESSION_TOKEN);
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            problems.add((accessKeyId == null ? AWS_SECRET_ACCESS_KEY : AWS_ACCESS_KEY_ID) + " is set but "
                    + (accessKeyId == null ? AWS_ACCESS_KEY_ID : AWS_SECRET_ACCESS_KEY) + " is not: set both or neither");
        }
    }

    /**
     * Reads and checks the settings.
     *
     * @throws NullPointerException     if {@code env} is null
     * @throws IllegalArgumentException naming every missing or invalid variable and its value
     */
    static HandlerConfig from(Map<String, String> env) {
        Objects.requireNonNull(env, "environment can't be null");
        List<String> problems = new ArrayList<>();
        HandlerConfig config = new HandlerConfig(env, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration of " + MskToDynamoDbHandler.class.getSimpleName()
                    + ": " + String.join("; ", problems));
        }
        return config;
    }

    /** The value of {@code name}, or null when it is unset or blank. */
    private static String optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String table(Map<String, String> env, String name, boolean required, List<String> problems) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            if (required) {
                problems.add(name + " is required: the DynamoDB table to write points to, was "
                        + (value == null ? "not set" : quote(value)));
            }
            return null;
        }
        if (value.length() < 3 || value.length() > 255 || !value.matches("[A-Za-z0-9_.-]+")) {
            problems.add(name + " must be a DynamoDB table name (3-255 letters, digits, '_', '-', '.'), was " + quote(value));
            return null;
        }
        return value;
    }

    private static URI endpoint(Map<String, String> env, List<String> problems) {
        String value = optional(env, DYNAMODB_ENDPOINT);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(DYNAMODB_ENDPOINT + " must be an absolute http(s) URI such as http://localhost:8000, was " + quote(value));
        return null;
    }

    private static String region(Map<String, String> env, List<String> problems) {
        String region = optional(env, AWS_REGION);
        if (region == null) {
            region = optional(env, AWS_DEFAULT_REGION);
        }
        if (region == null) {
            problems.add(AWS_REGION + " is not set (Lambda sets it; set it when running the handler elsewhere, e.g. us-east-1)");
        } else if (!region.matches("[a-z0-9-]+")) {
            problems.add(AWS_REGION + " must be a region name such as eu-west-1, was " + quote(region));
        }
        return region;
    }

    private static boolean createTables(Map<String, String> env, List<String> problems) {
        String value = optional(env, CREATE_TABLES);
        if (value == null || value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        problems.add(CREATE_TABLES + " must be true or false, was " + quote(value));
        return true;
    }

    private static PointJsonCodec codec(Map<String, String> env, List<String> problems) {
        String series = optional(env, DEFAULT_SERIES);
        if (series == null) {
            return PointJsonCodec.create();
        }
        try {
            return PointJsonCodec.create().withDefaultSeries(series);
        } catch (IllegalArgumentException e) {
            problems.add(DEFAULT_SERIES + " is not a usable series name (" + e.getMessage() + ")");
            return PointJsonCodec.create();
        }
    }

    private static AlertRules rules(String file, List<String> problems) {
        try {
            if (file != null) {
                Path path = Path.of(file);
                if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                    problems.add(RULES + " must name a readable rules file (YAML or JSON), was " + quote(file)
                            + ": no such file");
                    return null;
                }
                return AlertRules.load(path);
            }
            return AlertRules.parse(bundledRules(), "classpath:" + BUNDLED_RULES);
        } catch (IOException e) {
            problems.add(RULES + "=" + quote(file) + " could not be read: " + e);
        } catch (IllegalArgumentException e) {
            problems.add((file != null ? RULES + "=" + quote(file) : "the bundled " + BUNDLED_RULES) + " has invalid rules: "
                    + e.getMessage());
        }
        return null;
    }

    private static String bundledRules() {
        try (InputStream in = HandlerConfig.class.getResourceAsStream("/" + BUNDLED_RULES)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED_RULES + " is missing from the class path; the jar is incomplete");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the bundled " + BUNDLED_RULES, e);
        }
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    @Override
    public String toString() {
        return "points table '" + pointsTable + "', alerts " + (alertsTable == null ? "logged only" : "table '" + alertsTable + "'")
                + ", dead letters " + (deadLetterTable == null ? "logged only" : "table '" + deadLetterTable + "'")
                + ", " + rules.size() + " rule(s) from " + rulesOrigin + ", " + codec
                + ", region " + region + (endpoint != null ? ", endpoint " + endpoint : "")
                + (createTables ? "" : ", tables must exist");
    }
}
