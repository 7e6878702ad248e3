package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** .ci/check-quiet-log, which .ci/run applies to its own log after a green suite. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QuietLogCheckIT {
    @TempDir
    Path tmp;

    @Test
    void aGreenLogWithForeignWarningsFailsAndOneWithOnlyIperf3jLinesPasses() throws Exception {
        String green = "\u001b[0m[INFO] Scanning for projects...\n[INFO] Tests run: 5, Failures: 0\n"
                + "iperf3j: error - unable to connect to server\n[INFO] BUILD SUCCESS\n";
        assertThat(check(green)).isZero();
        assertThat(check(green + "WARNING: A Java agent has been loaded dynamically\n")).isEqualTo(1);
        assertThat(check(green + "[WARNING] jackson-core.jar, picocli.jar define 1 overlapping resource:\n")).isEqualTo(1);
        assertThat(check(green + "INFO: [ERROR] something\n")).isEqualTo(1);
        // a failed build is not judged: its errors are the point
        assertThat(check("[ERROR] Tests run: 1, Failures: 1\n[INFO] BUILD FAILURE\n")).isZero();
    }

    private int check(String log) throws Exception {
        Path file = Files.writeString(Files.createTempFile(tmp, "log", ".txt"), log);
        Path script = Path.of(System.getProperty("iperf3j.root"), ".ci", "check-quiet-log");
        Process p = new ProcessBuilder(script.toString(), file.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
