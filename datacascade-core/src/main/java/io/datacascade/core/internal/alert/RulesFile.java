package io.datacascade.core.internal.alert;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.datacascade.core.alert.AlertCondition;
import io.datacascade.core.alert.AlertConditionProvider;
import io.datacascade.core.alert.AlertRule;
import io.datacascade.core.alert.Signal;
import io.datacascade.core.alert.Threshold;
import io.datacascade.core.internal.connect.Plugins;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reads alert rules from a YAML or JSON rules file, the format documented on
 * {@link io.datacascade.core.alert.AlertRules}: the engine behind
 * {@link io.datacascade.core.alert.AlertRules#parse} and {@link io.datacascade.core.alert.AlertRules#load}.
 *
 * <p>Jackson ({@code jackson-dataformat-yaml}, which brings {@code jackson-databind} and SnakeYAML) is
 * an optional dependency of the core, so this class itself never touches a Jackson type: it checks
 * that Jackson can be loaded and only then hands the text to a nested class that uses it. Without
 * Jackson, {@link #parse} fails with a message naming the artifact to add, instead of a
 * {@link NoClassDefFoundError}.
 *
 * <p>A file is checked as a whole: every problem found (syntax, unknown or mistyped fields, values
 * that don't fit together) is reported in one exception, each on its own line with the line of the
 * file, the rule (by position and name), the field and the bad value, so a file can be fixed in one
 * pass.
 */
public final class RulesFile {
    /** The Maven coordinates of the artifact that reading rule files needs. */
    public static final String YAML_ARTIFACT = "com.fasterxml.jackson.dataformat:jackson-dataformat-yaml";

    /** The fields a rule may have, in the order they are documented. */
    static final List<String> RULE_FIELDS = List.of("name", "series", "signal", "over", "above", "below", "resolve",
            "for", "keep_firing_for", "repeat_interval", "severity", "labels", "absent_for", "condition", "with");

    /** The fields of a built-in threshold, which a rule with a plug-in {@code condition} can't have. */
    static final List<String> THRESHOLD_FIELDS = List.of("signal", "over", "above", "below", "resolve");

    /** The values of a rule's {@code signal}. */
    static final List<String> SIGNALS = List.of("value", "avg", "min", "max", "sum", "count", "rate");

    /** The fields an absence rule ({@code absent_for}) can't have. */
    static final List<String> NOT_IN_ABSENCE_RULES = List.of("signal", "over", "above", "below", "resolve", "for",
            "keep_firing_for", "condition", "with");

    /** At most this many problems are listed; the rest are counted. */
    private static final int MAX_PROBLEMS = 100;

    private static final String DURATION_HINT = "use a number and a unit, like 500ms, 30s, 5m, 1h or 1h30m";

    /** Unit letters in increasing size, after {@code ms}; the index + 1 is the unit's rank. */
    private static final String UNITS = "smhdwy";
    private static final long[] UNIT_MILLIS = {1_000L, 60_000L, 3_600_000L, 86_400_000L, 604_800_000L, 31_536_000_000L};

    /** Aliases may not expand a file beyond this many values (a "billion laughs" file would exhaust memory). */
    private static final int MAX_ALIASED_VALUES = 100_000;

    private RulesFile() {
    }

    /**
     * Reads the rules in {@code text}, YAML or JSON: either a map with a {@code rules} list or a bare
     * list of rules. An empty list ({@code rules: []}) gives no rules.
     *
     * @param text   the file's content
     * @param origin where the text came from (a file name), named in error messages
     * @return the rules, in file order, unmodifiable
     * @throws IllegalArgumentException listing every problem found, one per line, each naming the line,
     *                                  the rule, the field and the bad value
     * @throws IllegalStateException    if {@code jackson-dataformat-yaml} is not on the class path
     * @throws NullPointerException     if an argument is null
     */
    public static List<AlertRule> parse(String text, String origin) {
        Objects.requireNonNull(text, "text can't be null");
        Objects.requireNonNull(origin, "origin can't be null");
        requireJackson(RulesFile.class.getClassLoader());
        return Reader.read(text, origin);
    }

    /**
     * Parses a duration written as in Prometheus: one or more groups of a whole number and a unit,
     * {@code ms}, {@code s}, {@code m}, {@code h}, {@code d} (24 h), {@code w} (7 d) or {@code y} (365 d), largest unit
     * first and each once ({@code 500ms}, {@code 30s}, {@code 1h30m}, {@code 2d}); {@code 0} alone is
     * zero. Shared by the rules file so every duration field reads the same way.
     *
     * @throws IllegalArgumentException quoting {@code text} if it is not such a duration, is negative
     *                                  or overflows a {@code long} of milliseconds
     */
    public static Duration parseDuration(String text) {
        Objects.requireNonNull(text, "text can't be null");
        String bad = "'" + text + "' is not a duration: ";
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.startsWith("-")) {
            throw new IllegalArgumentException(bad + "durations can't be negative");
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(bad + DURATION_HINT);
        }
        long total = 0;
        int previousRank = Integer.MAX_VALUE;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            if (i == start || i == text.length()) {
                throw new IllegalArgumentException(bad + DURATION_HINT);
            }
            String digits = text.substring(start, i);
            long unitMillis;
            int rank;
            if (text.startsWith("ms", i)) {
                unitMillis = 1;
                rank = 0;
                i += 2;
            } else {
                int u = UNITS.indexOf(text.charAt(i));
                if (u < 0) {
                    throw new IllegalArgumentException(bad + DURATION_HINT);
                }
                unitMillis = UNIT_MILLIS[u];
                rank = u + 1;
                i++;
            }
            if (rank >= previousRank) {
                throw new IllegalArgumentException(bad + "write each unit once, largest first, like 1h30m");
            }
            previousRank = rank;
            try {
                total = Math.addExact(total, Math.multiplyExact(Long.parseLong(digits), unitMillis));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException(bad + "it is too long", e);
            }
        }
        return Duration.ofMillis(total);
    }

    /**
     * Fails with a message naming the artifact to add if Jackson's YAML support can't be loaded
     * through {@code loader} or can't be read by this module.
     */
    static void requireJackson(ClassLoader loader) {
        List<String> needed = List.of("com.fasterxml.jackson.dataformat.yaml.YAMLFactory",
                "com.fasterxml.jackson.databind.JsonNode", "org.yaml.snakeyaml.LoaderOptions");
        for (String className : needed) {
            Class<?> type;
            try {
                type = Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("reading alert rule files needs " + YAML_ARTIFACT
                        + " (which brings jackson-databind and snakeyaml) on the class path, but " + className
                        + " can't be loaded: add that dependency (on the module path, also add "
                        + "--add-modules com.fasterxml.jackson.dataformat.yaml), or build the rules in code with "
                        + "AlertRule.builder(...)", e);
            }
            Module module = RulesFile.class.getModule();
            if (!className.startsWith("org.yaml") && !module.canRead(type.getModule())) {
                throw new IllegalStateException("reading alert rule files needs " + YAML_ARTIFACT + ", but "
                        + module.getName() + " can't read " + type.getModule()
                        + ": put jackson-dataformat-yaml and jackson-databind on the module path too");
            }
        }
    }

    /** Normalizes a field name as people misspell it: camelCase and dashes to snake_case. */
    static String normalize(String name) {
        StringBuilder b = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(name.charAt(i - 1))
                    && name.charAt(i - 1) != '_') {
                b.append('_');
            }
            b.append(c == '-' || c == ' ' || c == '.' ? '_' : Character.toLowerCase(c));
        }
        return b.toString();
    }

    /**
     * The known word closest to {@code unknown}, or null if none is close: the same word in another
     * case style, within 2 edits (a transposition counts as one), or one starting with the other.
     */
    static String closest(String unknown, List<String> known) {
        String word = normalize(unknown);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(word, k);
            boolean prefix = Math.min(word.length(), k.length()) >= 3 && (word.startsWith(k) || k.startsWith(word));
            if ((d <= 2 || prefix) && d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** Turns SnakeYAML's multi-line message (context, snippet, caret) into one line: problem (context). */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        List<String> parts = new ArrayList<>();
        for (String line : message.split("\\R")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                parts.add(line.strip());
            }
        }
        if (parts.isEmpty()) {
            return message.strip().replaceAll("\\s+", " ");
        }
        String problem = parts.remove(parts.size() - 1);
        return parts.isEmpty() ? problem : problem + " (" + String.join("; ", parts) + ")";
    }

    /** One problem found in the file, at a line of it (null if it has none). */
    private record Problem(Integer line, String text) {
        @Override
        public String toString() {
            return line == null ? text : "line " + line + ": " + text;
        }
    }

    /**
     * Builds a tree from the YAML token stream (recording where each node is, resolving aliases of maps and lists,
     * accepting {@code .nan} and {@code .inf}, which Jackson's tree reader rejects), then checks it
     * rule by rule. The only class here that references Jackson: loaded only once Jackson is known to
     * be present.
     */
    private static final class Reader {
        private static final YAMLFactory YAML = YAMLFactory.builder()
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                .build();
        private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
        private static final int MAX_DEPTH = 64;

        private final String origin;
        private final List<Problem> problems = new ArrayList<>();
        /** The line each map and list starts on. */
        private final Map<JsonNode, Integer> startLines = new IdentityHashMap<>();
        /** For each map, the line each of its keys is on. */
        private final Map<JsonNode, Map<String, Integer>> keyLines = new IdentityHashMap<>();
        /** For each list, the line each of its items starts on. */
        private final Map<JsonNode, List<Integer>> itemLines = new IdentityHashMap<>();
        private final Map<String, JsonNode> anchors = new HashMap<>();
        private YAMLParser parser;

        private Reader(String origin) {
            this.origin = origin;
        }

        static List<AlertRule> read(String text, String origin) {
            Reader reader = new Reader(origin);
            List<AlertRule> rules = reader.readAll(text);
            reader.throwIfProblems();
            return rules;
        }

        private List<AlertRule> readAll(String text) {
            JsonNode root = null;
            try (YAMLParser p = YAML.createParser(text)) {
                parser = p;
                if (p.nextToken() == null) {
                    problem(null, "it is empty: expected 'rules:' followed by a list of rules ('rules: []' for none)");
                    return List.of();
                }
                root = node(0);
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    boolean empty = t == JsonToken.VALUE_NULL || t == JsonToken.VALUE_STRING && p.getText().isEmpty();
                    if (!empty) {
                        problem(p.currentTokenLocation().getLineNr(), "a second YAML document starts here (after '---'):"
                                + " only the first would be read, put all rules in one document");
                        break;
                    }
                }
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                String where = at != null && at.getLineNr() > 0
                        ? "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " : "";
                problems.add(new Problem(null, where + "not valid YAML or JSON: " + oneLine(e.getOriginalMessage())));
            } catch (IOException e) {
                throw new UncheckedIOException("can't read alert rules from " + origin, e);
            }
            return root == null ? List.of() : rules(root);
        }

        private void throwIfProblems() {
            if (problems.isEmpty()) {
                return;
            }
            List<Problem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparing(Problem::line, Comparator.nullsFirst(Comparator.naturalOrder())));
            StringBuilder message = new StringBuilder("invalid alert rules in ").append(origin).append(':');
            for (int i = 0; i < sorted.size() && i < MAX_PROBLEMS; i++) {
                message.append("\n  ").append(sorted.get(i));
            }
            if (sorted.size() > MAX_PROBLEMS) {
                message.append("\n  ... and ").append(sorted.size() - MAX_PROBLEMS).append(" more");
            }
            throw new IllegalArgumentException(message.toString());
        }

        private void problem(Integer line, String text) {
            problems.add(new Problem(line, text));
        }

        // ---- the tree ----

        /** Values copied in by aliases so far. */
        private int aliasedValues;

        /** The number of values in {@code node}, counting at most to {@code limit}. */
        private int sizeOf(JsonNode node, int limit) {
            int n = 1;
            for (JsonNode child : node) {
                if (n >= limit) {
                    break;
                }
                n += sizeOf(child, limit - n);
            }
            return n;
        }

        private JsonNode node(int depth) throws IOException {
            YAMLParser p = parser;
            JsonToken t = p.currentToken();
            int line = p.currentTokenLocation().getLineNr();
            if (p.isCurrentAlias()) {
                JsonNode target = anchors.get(p.getText());
                if (target == null) {
                    // Jackson reports the anchors of maps and lists only, not of single values
                    throw new JsonParseException(p, "alias '*" + p.getText() + "' can't be resolved: only aliases of"
                            + " maps and lists defined earlier (with '&" + p.getText() + "') are supported, write the"
                            + " value out", p.currentTokenLocation());
                }
                aliasedValues += sizeOf(target, MAX_ALIASED_VALUES - aliasedValues + 1);
                if (aliasedValues > MAX_ALIASED_VALUES) {
                    throw new JsonParseException(p, "aliases expand to more than " + MAX_ALIASED_VALUES
                            + " values: a rules file doesn't need that many", p.currentTokenLocation());
                }
                JsonNode copy = target.deepCopy();
                if (copy.isContainerNode()) {
                    startLines.put(copy, line);
                }
                return copy;
            }
            if (depth > MAX_DEPTH) {
                throw new JsonParseException(p, "nested more than " + MAX_DEPTH + " levels deep", p.currentTokenLocation());
            }
            String anchor = p.getObjectId();
            JsonNode node = switch (t) {
                case START_OBJECT -> object(depth, line);
                case START_ARRAY -> array(depth, line);
                case VALUE_NUMBER_INT -> integer(p);
                case VALUE_NUMBER_FLOAT -> floating(p);
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                case VALUE_NULL -> NODES.nullNode();
                default -> NODES.textNode(p.getText()); // strings, and !!binary kept as its text
            };
            if (anchor != null) {
                anchors.put(anchor, node);
            }
            return node;
        }

        private ObjectNode object(int depth, int line) throws IOException {
            ObjectNode map = NODES.objectNode();
            Map<String, Integer> lines = new HashMap<>();
            JsonToken t;
            while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
                if (t != JsonToken.FIELD_NAME) {
                    throw new JsonParseException(parser, "unexpected " + t + " in a map", parser.currentTokenLocation());
                }
                String key = parser.currentName();
                int keyLine = parser.currentTokenLocation().getLineNr();
                parser.nextToken();
                JsonNode value = node(depth + 1);
                if (map.has(key)) {
                    problem(keyLine, "key '" + key + "' appears twice in the same map (first on line " + lines.get(key)
                            + "): write each key once");
                    continue;
                }
                lines.put(key, keyLine);
                map.set(key, value);
            }
            startLines.put(map, line);
            keyLines.put(map, lines);
            return map;
        }

        private ArrayNode array(int depth, int line) throws IOException {
            ArrayNode list = NODES.arrayNode();
            List<Integer> lines = new ArrayList<>();
            JsonToken t;
            while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new JsonParseException(parser, "unexpected end of a list", parser.currentLocation());
                }
                lines.add(parser.currentTokenLocation().getLineNr());
                list.add(node(depth + 1));
            }
            startLines.put(list, line);
            itemLines.put(list, lines);
            return list;
        }

        private static JsonNode integer(YAMLParser p) throws IOException {
            return switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
        }

        /** A float, including YAML's {@code .nan}, {@code .inf} and {@code -.inf} (rejected later, with the rule named). */
        private static JsonNode floating(YAMLParser p) throws IOException {
            try {
                return NODES.numberNode(p.getDoubleValue());
            } catch (JsonProcessingException e) {
                String text = p.getText().toLowerCase(Locale.ROOT);
                return switch (text.startsWith("+") ? text.substring(1) : text) {
                    case ".nan" -> NODES.numberNode(Double.NaN);
                    case ".inf" -> NODES.numberNode(Double.POSITIVE_INFINITY);
                    case "-.inf" -> NODES.numberNode(Double.NEGATIVE_INFINITY);
                    default -> throw e;
                };
            }
        }

        private Integer keyLine(JsonNode map, String key, Integer orElse) {
            Map<String, Integer> lines = keyLines.get(map);
            Integer line = lines == null ? null : lines.get(key);
            return line != null ? line : orElse;
        }

        // ---- the rules ----

        private List<AlertRule> rules(JsonNode root) {
            JsonNode list = null;
            if (root.isArray()) {
                list = root;
            } else if (root.isObject()) {
                JsonNode rules = root.get("rules");
                if (rules == null && root.has("name")) {
                    problem(startLines.get(root), "expected 'rules:' followed by a list of rules, was a single rule: put it in"
                            + " the list, as 'rules: [{name: ...}]' or under 'rules:' as '- name: ...'");
                    return List.of();
                }
                for (Map.Entry<String, JsonNode> e : root.properties()) {
                    if (!e.getKey().equals("rules")) {
                        problem(keyLine(root, e.getKey(), null), unknownField(e.getKey(), List.of("rules")));
                    }
                }
                if (rules == null) {
                    problem(startLines.get(root), "missing field 'rules': expected 'rules:' followed by a list of rules");
                } else if (!rules.isArray()) {
                    problem(keyLine(root, "rules", null), "field 'rules': expected a list of rules ('rules: []' for none), was "
                            + render(rules));
                } else {
                    list = rules;
                }
            } else {
                problem(null, "expected a map with a 'rules' list, or a list of rules, was " + render(root));
            }
            if (list == null) {
                return List.of();
            }
            List<Integer> lines = itemLines.getOrDefault(list, List.of());
            Integer listLine = startLines.get(list);
            Map<String, Integer> names = new HashMap<>();
            List<AlertRule> result = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode item = list.get(i);
                Integer line = startLines.getOrDefault(item, i < lines.size() ? lines.get(i) : listLine);
                AlertRule rule = new Rule(i + 1, item, line).read(names);
                if (rule != null) {
                    result.add(rule);
                }
            }
            return List.copyOf(result);
        }

        private static String unknownField(String field, List<String> known) {
            String close = closest(field, known);
            return "unknown field '" + field + "'" + (close != null ? ": did you mean '" + close + "'?" : "")
                    + " (known fields: " + String.join(", ", known) + ")";
        }

        /** A value as written, for messages: JSON text, strings quoted, long ones cut. */
        static String render(JsonNode node) {
            if (node.isFloatingPointNumber()) {
                double d = node.doubleValue();
                if (Double.isNaN(d)) {
                    return ".nan";
                }
                if (Double.isInfinite(d)) {
                    return d > 0 ? ".inf" : "-.inf";
                }
            }
            String text = node.toString();
            return text.length() > 60 ? text.substring(0, 57) + "..." : text;
        }

        /** Checks one rule, reporting every problem; builds it if there were none. */
        private final class Rule {
            private final int number;
            private final JsonNode node;
            private final Integer line;
            private String label;
            private String builderName;
            private AlertRule.Builder builder;

            Rule(int number, JsonNode node, Integer line) {
                this.number = number;
                this.node = node;
                this.line = line;
                this.label = "rule #" + number;
            }

            AlertRule read(Map<String, Integer> names) {
                if (!node.isObject()) {
                    problem(line, label + ": expected a map of fields like name, series and above, was " + render(node));
                    return null;
                }
                int before = problems.size();
                String name = name();
                if (name != null) {
                    Integer first = names.putIfAbsent(name, number);
                    if (first != null) {
                        problem(keyLine(node, "name", line), label + ": name already used by rule #" + first);
                    }
                }
                builderName = name != null ? name : label;
                builder = AlertRule.builder(builderName);
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    if (!RULE_FIELDS.contains(e.getKey())) {
                        problem(keyLine(node, e.getKey(), line), label + ": " + unknownField(e.getKey(), RULE_FIELDS));
                    }
                }
                series();
                JsonNode absentFor = node.get("absent_for");
                if (absentFor != null) {
                    absence(absentFor);
                } else {
                    if (node.has("condition")) {
                        pluginCondition();
                    } else {
                        threshold();
                    }
                    durationField("for", d -> builder.forDuration(d));
                    durationField("keep_firing_for", d -> builder.keepFiringFor(d));
                }
                durationField("repeat_interval", d -> builder.repeatInterval(d));
                severity();
                labels();
                if (problems.size() > before || name == null) {
                    return null;
                }
                try {
                    return builder.build();
                } catch (IllegalArgumentException e) {
                    problem(line, label + ": " + strip(e.getMessage()));
                    return null;
                }
            }

            private void report(String field, String message) {
                problem(keyLine(node, field, line), label + ": field '" + field + "': " + message);
            }

            private String name() {
                JsonNode n = node.get("name");
                if (n == null) {
                    report("name", "missing: every rule needs a unique name, like cpu-high");
                } else if (!n.isTextual()) {
                    report("name", "expected a string, was " + render(n));
                } else if (n.textValue().isBlank()) {
                    report("name", "can't be blank, was " + render(n));
                } else {
                    label = "rule #" + number + " '" + n.textValue() + "'";
                    return n.textValue();
                }
                return null;
            }

            private void series() {
                JsonNode s = node.get("series");
                if (s == null) {
                    return;
                }
                if (s.isTextual()) {
                    apply("series", () -> builder.series(s.textValue()));
                } else if (s.isArray()) {
                    if (s.isEmpty()) {
                        report("series", "is an empty list: leave 'series' out to watch every series");
                    }
                    for (int i = 0; i < s.size(); i++) {
                        JsonNode item = s.get(i);
                        if (item.isTextual()) {
                            apply("series", () -> builder.series(item.textValue()));
                        } else {
                            report("series", "item #" + (i + 1) + ": expected a series name or pattern (a string), was "
                                    + render(item));
                        }
                    }
                } else {
                    report("series", "expected a series name, a pattern or a list of them, was " + render(s));
                }
            }

            private void absence(JsonNode absentFor) {
                for (String field : NOT_IN_ABSENCE_RULES) {
                    JsonNode value = node.get(field);
                    if (value != null) {
                        report(field, "not allowed in an absence rule (one with absent_for), was " + render(value));
                    }
                }
                Duration d = duration("absent_for", absentFor);
                if (d != null && d.isZero()) {
                    report("absent_for", "must be more than 0, was " + render(absentFor));
                } else if (d != null) {
                    apply("absent_for", () -> builder.absentFor(d));
                }
            }

            private void threshold() {
                String kind = "value";
                boolean kindKnown = true;
                if (node.has("with")) {
                    report("with", "needs 'condition': the name of the plug-in these settings are for");
                }
                JsonNode signalNode = node.get("signal");
                if (signalNode != null) {
                    String close = signalNode.isTextual() ? closest(signalNode.textValue(), SIGNALS) : null;
                    if (signalNode.isTextual() && SIGNALS.contains(signalNode.textValue().toLowerCase(Locale.ROOT))) {
                        kind = signalNode.textValue().toLowerCase(Locale.ROOT);
                    } else {
                        kindKnown = false;
                        report("signal", (signalNode.isTextual() ? "unknown signal " : "expected a string, was ")
                                + render(signalNode) + (close != null ? ": did you mean '" + close + "'?" : "")
                                + " (use value, avg, min, max, sum, count or rate)");
                    }
                }
                Signal signal = kindKnown ? signal(kind, signalNode == null) : null;
                if (!kindKnown && node.has("over")) {
                    duration("over", node.get("over")); // still report a malformed range
                }

                JsonNode aboveNode = node.get("above");
                JsonNode belowNode = node.get("below");
                Double above = aboveNode == null ? null : number("above", aboveNode);
                Double below = belowNode == null ? null : number("below", belowNode);
                Threshold threshold = null;
                if (aboveNode != null && belowNode != null) {
                    problem(keyLine(node, "below", line), label + ": fields 'above' and 'below': use only one"
                            + " of them, was above " + render(aboveNode) + " and below " + render(belowNode));
                } else if (aboveNode == null && belowNode == null) {
                    problem(line, label + ": missing field 'above' or 'below': the level the signal is"
                            + " compared with (or absent_for, for an absence rule, or condition, for a plug-in)");
                } else if (signal != null && above != null) {
                    threshold = catching("above", () -> signal.above(above));
                } else if (signal != null && below != null) {
                    threshold = catching("below", () -> signal.below(below));
                }
                JsonNode resolveNode = node.get("resolve");
                if (resolveNode != null) {
                    Double resolve = number("resolve", resolveNode);
                    if (resolve != null && threshold != null) {
                        Threshold firing = threshold;
                        threshold = catching("resolve", () -> firing.resolveAt(resolve));
                    }
                }
                if (threshold != null) {
                    builder.when(threshold);
                }
            }

            /** The signal of this kind with the rule's {@code over}, or null after reporting why not. */
            private Signal signal(String kind, boolean byDefault) {
                JsonNode overNode = node.get("over");
                Duration over = overNode == null ? null : duration("over", overNode);
                switch (kind) {
                    case "value" -> {
                        if (overNode != null) {
                            report("over", "not allowed for signal 'value'" + (byDefault ? " (the default)" : "")
                                    + ": only avg, min, max, sum, count and rate have a range, was " + render(overNode));
                        }
                        return Signal.value();
                    }
                    case "rate" -> {
                        if (overNode != null && over == null) {
                            return null;
                        }
                        return catching("over", () -> Signal.rate(over == null ? Duration.ZERO : over));
                    }
                    default -> {
                        if (overNode == null) {
                            report("over", "missing: signal '" + kind + "' needs the trailing range it aggregates,"
                                    + " like over: 1m");
                            return null;
                        }
                        if (over == null) {
                            return null;
                        }
                        if (over.isZero()) {
                            report("over", "must be more than 0 for signal '" + kind + "', was " + render(overNode));
                            return null;
                        }
                        return catching("over", () -> Signal.aggregate(kind, over));
                    }
                }
            }

            private void severity() {
                JsonNode s = node.get("severity");
                if (s == null) {
                    return;
                }
                if (s.isTextual()) {
                    apply("severity", () -> builder.severity(s.textValue()));
                } else {
                    report("severity", "expected a string such as critical, warning or info, was " + render(s));
                }
            }

            /** {@code condition: <provider name>} with {@code with: {settings}}: a plug-in condition. */
            private void pluginCondition() {
                for (String field : THRESHOLD_FIELDS) {
                    JsonNode value = node.get(field);
                    if (value != null) {
                        report(field, "not allowed with 'condition' (the plug-in decides when it holds), was " + render(value));
                    }
                }
                JsonNode nameNode = node.get("condition");
                if (!nameNode.isTextual() || nameNode.textValue().isBlank()) {
                    report("condition", "expected the name of a condition plug-in, like tag-equals, was " + render(nameNode));
                    return;
                }
                Map<String, String> settings = new java.util.LinkedHashMap<>();
                JsonNode with = node.get("with");
                if (with != null && !with.isObject()) {
                    report("with", "expected a map of settings, like {tag: status, value: error}, was " + render(with));
                    return;
                }
                if (with != null) {
                    for (Map.Entry<String, JsonNode> e : with.properties()) {
                        String text = scalarText(e.getValue());
                        if (text != null) {
                            settings.put(e.getKey(), text);
                        } else {
                            report("with", "setting '" + e.getKey() + "': expected a string, a number or a boolean, was "
                                    + render(e.getValue()));
                            return;
                        }
                    }
                }
                Map<String, AlertConditionProvider> providers;
                try {
                    providers = Plugins.byName(AlertConditionProvider.class, AlertConditionProvider::name, "condition");
                } catch (IllegalStateException e) {
                    report("condition", e.getMessage());
                    return;
                }
                String wanted = nameNode.textValue().toLowerCase(java.util.Locale.ROOT);
                AlertConditionProvider provider = providers.get(wanted);
                if (provider == null) {
                    String close = closest(wanted, new java.util.ArrayList<>(providers.keySet()));
                    report("condition", "no condition plug-in named " + render(nameNode)
                            + (close != null ? ": did you mean '" + close + "'?" : "") + " (known: "
                            + String.join(", ", providers.keySet()) + "; plug-ins are found through ServiceLoader)");
                    return;
                }
                AlertCondition condition = catching("with", () -> provider.create(java.util.Map.copyOf(settings)));
                if (condition != null) {
                    builder.when(condition);
                }
            }

            private void labels() {
                JsonNode labels = node.get("labels");
                if (labels == null) {
                    return;
                }
                if (!labels.isObject()) {
                    report("labels", "expected a map of label names to values, like {team: ops}, was " + render(labels));
                    return;
                }
                for (Map.Entry<String, JsonNode> e : labels.properties()) {
                    String text = scalarText(e.getValue());
                    if (text != null) {
                        apply("labels", () -> builder.label(e.getKey(), text));
                    } else {
                        report("labels", "label '" + e.getKey() + "': expected a string, a number or a boolean, was "
                                + render(e.getValue()));
                    }
                }
            }

            /** A string, number or boolean as text; null for anything else. */
            private String scalarText(JsonNode v) {
                if (v.isTextual()) {
                    return v.textValue();
                }
                if (v.isNumber()) {
                    return v.numberValue().toString();
                }
                return v.isBoolean() ? Boolean.toString(v.booleanValue()) : null;
            }

            private Double number(String field, JsonNode n) {
                if (!n.isNumber()) {
                    report(field, "expected a number, was " + render(n));
                    return null;
                }
                double v = n.doubleValue();
                if (!Double.isFinite(v)) {
                    report(field, "must be a finite number, was " + render(n));
                    return null;
                }
                return v;
            }

            /** Reads the duration {@code field}, if present, and hands it to {@code use}. */
            private void durationField(String field, Consumer<Duration> use) {
                JsonNode n = node.get(field);
                if (n != null) {
                    Duration d = duration(field, n);
                    if (d != null) {
                        apply(field, () -> use.accept(d));
                    }
                }
            }

            private Duration duration(String field, JsonNode n) {
                if (n.isTextual()) {
                    try {
                        return parseDuration(n.textValue());
                    } catch (IllegalArgumentException e) {
                        report(field, e.getMessage());
                        return null;
                    }
                }
                if (n.isIntegralNumber() && n.bigIntegerValue().signum() == 0) {
                    return Duration.ZERO;
                }
                boolean negative = n.isNumber() && n.doubleValue() < 0;
                report(field, render(n) + " is not a duration: " + (negative ? "durations can't be negative" : DURATION_HINT));
                return null;
            }

            private void apply(String field, Runnable setting) {
                try {
                    setting.run();
                } catch (IllegalArgumentException e) {
                    report(field, strip(e.getMessage()));
                }
            }

            private <T> T catching(String field, Supplier<T> make) {
                try {
                    return make.get();
                } catch (IllegalArgumentException e) {
                    report(field, strip(e.getMessage()));
                    return null;
                }
            }

            /** Drops the builder's "rule 'x': " prefix: the rule is already named. */
            private String strip(String message) {
                if (message == null) {
                    return "invalid";
                }
                for (String prefix : List.of("rule '" + builderName + "': ", "rule '" + builderName + "' ")) {
                    if (message.startsWith(prefix)) {
                        return message.substring(prefix.length());
                    }
                }
                return message;
            }
        }
    }
}
