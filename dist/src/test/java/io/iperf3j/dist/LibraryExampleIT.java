package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.Iperf3Process;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/examples/LibraryExample.java run as the file says, with the library's jars (core, native and
 * jackson-core) on the class path: it runs, prints numbers (no {@code OptionalDouble[...]}),
 * and with the documented flag the JDK prints no warning.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LibraryExampleIT {
    @Test
    void theExampleRunsAsWrittenWithoutWarnings() {
        Path example = Path.of(System.getProperty("iperf3j.root"), "docs/examples/LibraryExample.java");
        assertThat(example).isRegularFile();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (Iperf3Process p = Iperf3Process.start(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", libraryClassPath(), example.toString()))) {
            assertThat(p.waitFor(Duration.ofSeconds(90))).as(p.stderr()).isZero();
            assertThat(p.stderr()).isEmpty();
            assertThat(p.stdout()).containsPattern("(?m)^\\d+\\.\\d\\d Gbit/s received$")
                    .containsPattern("(?m)^0\\.0-\\d\\.\\d s \\d+\\.\\d\\d Gbit/s rtt (\\d+\\.\\d{3} ms|n/a)$")
                    .doesNotContain("Optional").endsWith("cancelled: true\n");
        }
    }

    /** iperf3j-core and its two dependencies (iperf3j-native, jackson-core), as a user's build would put them. */
    private static String libraryClassPath() {
        List<String> entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("/core/target/classes") || e.matches(".*/iperf3j-core-[^/]*[0-9T](\\.jar)?$")
                        || e.contains("/native/target/classes") || e.matches(".*/iperf3j-native-[^/]*[0-9T](\\.jar)?$")
                        || e.contains("/jackson-core-"))
                .filter(e -> !e.endsWith("test-classes") && !e.endsWith("-tests.jar"))
                .toList();
        assertThat(entries).as("core, native and jackson-core on the test class path").hasSize(3);
        return entries.stream().collect(Collectors.joining(File.pathSeparator));
    }
}
