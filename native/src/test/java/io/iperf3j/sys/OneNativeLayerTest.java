package io.iperf3j.sys;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tree has one native layer (issue 27): no Java source outside this module binds a native
 * function, looks up a symbol, captures errno or reinterprets native memory.
 */
class OneNativeLayerTest {
    private static final Pattern FFM =
            Pattern.compile("downcallHandle|Linker\\.nativeLinker|SymbolLookup|captureCallState|reinterpret\\(");

    @Test
    void onlyTheNativeModuleUsesFfm() throws IOException {
        Path root = Path.of(System.getProperty("iperf3j.root", "..")).toAbsolutePath().normalize();
        assertThat(root.resolve("native/pom.xml")).isRegularFile();
        try (Stream<Path> files = Files.walk(root)) {
            List<String> outside = files
                    .filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p))
                    .map(root::relativize)
                    .filter(p -> !p.startsWith("native") && !p.toString().contains("/target/")
                            && !p.startsWith("target") && !p.getName(0).toString().startsWith("."))
                    .filter(p -> FFM.matcher(read(root.resolve(p))).find())
                    .map(Path::toString)
                    .sorted()
                    .toList();
            assertThat(outside).as("FFM outside native/").isEmpty();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
