package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command run as a process to its end, as a user runs it: its exit status and what it wrote (stdout and stderr
 * together). It must end within two minutes.
 *
 * @param status its exit status
 * @param said what it wrote
 */
record ProcessRun(int status, String said) {
    static ProcessRun of(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s did not end: %s", cmd, said).isTrue();
            return new ProcessRun(p.exitValue(), said);
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Runs {@code cmd} to its end within {@code seconds}, its output in {@code log}: it must exit 0. Returns what it wrote.
     */
    static String toEnd(List<String> cmd, java.nio.file.Path log, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("%s did not end: %s", cmd, java.nio.file.Files.readString(log)).isTrue();
            assertThat(p.exitValue()).as("%s: %s", cmd, java.nio.file.Files.readString(log)).isZero();
            return java.nio.file.Files.readString(log);
        } finally {
            p.destroyForcibly();
        }
    }
}
