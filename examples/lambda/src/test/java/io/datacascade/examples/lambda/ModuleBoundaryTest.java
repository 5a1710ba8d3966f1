package io.datacascade.examples.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The handler uses the published API of DataCascade's modules only, like any application would. */
class ModuleBoundaryTest {

    @Test
    void shouldNotImportInternalPackagesOfDataCascade() throws IOException {
        Path sources = Path.of("src/main/java");
        assertThat(sources).isDirectory();
        try (Stream<Path> files = Files.walk(sources)) {
            List<String> offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readAllLines(f).stream()
                            .anyMatch(line -> line.startsWith("import") && line.matches("import (static )?io\\.datacascade\\..*\\.internal\\..*"));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).map(Path::toString).toList();
            assertThat(offenders).as("files importing io.datacascade.*.internal").isEmpty();
        }
    }
}
