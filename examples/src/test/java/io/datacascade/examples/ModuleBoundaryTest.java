package io.datacascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The adapters and the examples use core's published API only, like any third-party plug-in
 * would: nothing outside core imports {@code io.datacascade.core.internal}, and the examples import
 * no module's {@code internal} package. (Benchmarks and the jcstress tests reach into the ring on
 * purpose and are not checked.)
 */
class ModuleBoundaryTest {
    private static final List<String> CHECKED = List.of("datacascade-kafka", "datacascade-dynamodb", "datacascade-websocket", "examples",
            "examples/csv-plugin", "examples/lambda");

    private static final java.util.regex.Pattern INTERNAL_IMPORT =
            java.util.regex.Pattern.compile("(?m)^import (static )?io\\.datacascade\\.[\\w.]*\\.internal\\.");

    @Test
    void shouldNotImportCoreInternalsOutsideCore() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (String module : CHECKED) {
            Path sources = root.resolve(module).resolve("src/main/java");
            assertThat(sources).as("sources of %s", module).isDirectory();
            try (Stream<Path> files = Files.walk(sources)) {
                List<String> offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                    try {
                        String text = Files.readString(f);
                        return text.contains("io.datacascade.core.internal")
                                || module.startsWith("examples") && INTERNAL_IMPORT.matcher(text).find();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).map(Path::toString).toList();
                assertThat(offenders).as("files of %s importing io.datacascade.core.internal", module).isEmpty();
            }
        }
    }
}
