package io.iperf3j;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.ReaderAgreement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code -J} or {@code --json-stream} document among iperf3 3.12's reference captures is one complete run
 * that {@link IperfJsonReader} reads in agreement with an independent reading ({@link ReaderAgreement}), so every
 * captured shape passes the reader. A document is any file whose first non-blank character is <code>{</code>, so a
 * capture added later is read without a list to update. The captures are read from {@code shared/} beside the
 * clone when it is there (as CI places it), else from the copy on the test class path, which holds the same files.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReferenceCapturesReadTest {
    private static final String REFERENCE = "reference/iperf3-3.12";

    /** {@code shared/reference/iperf3-3.12} beside the clone, else the class path's copy. */
    static Path folder() {
        // Surefire runs in the module's folder: core/ -> the clone -> its parent, where shared/ is.
        Path shared = Path.of("").toAbsolutePath().getParent().resolveSibling("shared").resolve(REFERENCE);
        if (Files.isDirectory(shared)) {
            return shared;
        }
        URL copy = ReferenceCapturesReadTest.class.getResource("/" + REFERENCE);
        assertThat(copy).as("the reference captures on the test class path").isNotNull();
        try {
            return Path.of(copy.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> documents() {
        try (Stream<Path> files = Files.list(folder())) {
            return files.filter(Files::isRegularFile).filter(ReferenceCapturesReadTest::isJson).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isJson(Path file) {
        return text(file).stripLeading().startsWith("{");
    }

    private static String text(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Named<Path>> named() {
        return documents().stream().map(p -> Named.of(p.getFileName().toString(), p));
    }

    @Test
    void theCapturesAreFound() {
        // 20 -J documents when this test was written; fewer means the folder was not found whole.
        assertThat(documents()).as("JSON documents in %s", folder()).hasSizeGreaterThanOrEqualTo(20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("named")
    void everyDocumentIsOneCompleteRunTheReaderAgreesWith(Path file) {
        ReaderAgreement.requireOneAgreeingRun(text(file), file.toString());
    }
}
