package io.iperf3j.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** "unable to write metrics file PATH: REASON" names the path once. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FileFailureReasonTest {
    private static final Path TARGET = Path.of("/var/lib/metrics/iperf3.prom");

    @Test
    void theTargetsPathIsNotRepeatedAnotherFileIsNamed() {
        assertThat(CliMetrics.reason(new AccessDeniedException(TARGET.toString()), TARGET)).isEqualTo("permission denied");
        assertThat(CliMetrics.reason(new NoSuchFileException(TARGET.toString()), TARGET)).isEqualTo("no such file or directory");
        assertThat(CliMetrics.reason(new AccessDeniedException("/var/lib/metrics/.iperf3.prom.tmp-7-1"), TARGET))
                .isEqualTo("permission denied (/var/lib/metrics/.iperf3.prom.tmp-7-1)");
        assertThat(CliMetrics.reason(new IOException("No space left on device"), TARGET)).isEqualTo("No space left on device");
    }

    /** Issue 38: no Java class name reaches the message, whatever the exception. */
    @Test
    void noClassNameEver() {
        assertThat(CliMetrics.reason(new java.nio.file.NotDirectoryException(TARGET.toString()), TARGET)).isEqualTo("not a directory");
        assertThat(CliMetrics.reason(new java.nio.file.FileAlreadyExistsException(TARGET.toString()), TARGET)).isEqualTo("file exists");
        assertThat(CliMetrics.reason(new java.nio.file.FileSystemLoopException(TARGET.toString()), TARGET))
                .isEqualTo("input/output error");
        assertThat(CliMetrics.reason(new IOException(), TARGET)).isEqualTo("input/output error");
    }
}
