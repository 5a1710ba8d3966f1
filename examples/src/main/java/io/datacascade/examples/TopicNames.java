package io.datacascade.examples;

import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Kafka's rule for topic names, checked before anything starts so a typo is a usage error. */
final class TopicNames {
    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private TopicNames() {
    }

    /** Throws a usage error naming {@code option} unless {@code name} is a legal topic name. */
    static void check(CommandSpec spec, String option, String name) {
        if (name == null || !LEGAL.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new ParameterException(spec.commandLine(),
                    option + " must be a Kafka topic name (1 to 249 of [A-Za-z0-9._-]), was '" + name + "'");
        }
    }
}
