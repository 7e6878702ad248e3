package io.iperf3j.session.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer of an output's local copy ({@link RemoteIperf#localCopy}): what {@code Files.newBufferedWriter} wrote, with its
 * buffer whole from the start (issue 69), on a virtual thread as a test's copy runs.
 */
class RemoteIperfLocalCopyTest {
    @TempDir
    Path dir;

    /** Writes {@code lines} to {@code file} as the copies do (a line, then a newline), on a virtual thread. */
    private static void copyOnAVirtualThread(Path file, List<String> lines) throws Exception {
        Throwable[] failed = {null};
        Thread t = Thread.ofVirtual().start(() -> {
            try (BufferedWriter w = RemoteIperf.localCopy(file)) {
                for (String line : lines) {
                    w.write(line);
                    w.newLine();
                }
            } catch (IOException | RuntimeException e) {
                failed[0] = e;
            }
        });
        t.join();
        if (failed[0] instanceof Exception e) {
            throw e;
        }
    }

    @Test
    void anOutputOfManyBuffersIsWrittenWholeAndInOrder() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            lines.add("{\"interval\": " + i + ", \"bits_per_second\": 5.0e7, \"note\": \"é ✓\"}");
        }
        Path file = dir.resolve("out.json");
        Files.writeString(file, "an earlier, longer output that the copy replaces entirely ".repeat(5000));
        copyOnAVirtualThread(file, lines);
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).isEqualTo(lines);
    }

    @Test
    void aLinkAtTheCopysNameIsRefusedAndItsTargetLeftAlone() throws Exception {
        Path target = dir.resolve("elsewhere");
        Files.writeString(target, "kept");
        Path link = Files.createSymbolicLink(dir.resolve("out.json"), target);
        assertThatThrownBy(() -> copyOnAVirtualThread(link, List.of("x"))).isInstanceOf(IOException.class);
        assertThat(Files.readString(target)).isEqualTo("kept");
    }

    @Test
    void textUtf8CannotHoldIsAnErrorNotAReplacement() throws Exception {
        Path file = dir.resolve("out.json");
        assertThatThrownBy(() -> copyOnAVirtualThread(file, List.of("a lone surrogate: \uD800")))
                .isInstanceOf(java.nio.charset.CharacterCodingException.class);
    }
}
