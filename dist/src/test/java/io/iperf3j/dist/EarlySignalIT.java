package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 46 item 3: a session stopped a test while its iperf3j was starting, and read "exited with status
 * 143: Runtime.exit(143) logging failed: Cannot invoke "java.lang.Module.getClassLoader()" because
 * "&lt;parameter1&gt;" is null". The JDK's own TERM/INT handler, installed before java.base is defined,
 * ran its Runtime.exit logging in that window. As a user runs it ({@code iperf3j -s} from the image and
 * from the launcher): TERM at many moments of the start-up, and every run ends, without that text or
 * any other on stderr, with 143 (TERM before the launcher's {@code env} holds it: the shell's default), or 0: a
 * server stopped, as iperf3 3.21's once its options are read, whether it serves yet or not (issue 66: a TERM held
 * until iperf3j's handlers were in, then with no handler of the command's own yet, exited 1, and a {@code podman stop}
 * in a container's first second showed {@code Exited (1)}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class EarlySignalIT {
    private static final int RUNS = 60;

    @ParameterizedTest
    @EnumSource(Installation.class)
    void termWhileStartingEndsWithAPlainStatus(Installation installation) throws InterruptedException {
        installation.start(List.of("--version")).close(); // prepared (a launcher's first build) before the clock matters
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long delayMs = (i * 37L) % 400; // spread over the JVM's start-up, which takes 100-300 ms here
            try (Iperf3Process p = installation.start(List.of("-s", "-p", Integer.toString(FreePorts.next())))) {
                Thread.sleep(delayMs);
                p.signal("TERM");
                int status = p.waitFor(Duration.ofSeconds(20));
                assertThat(status).as("run %d, TERM after %d ms: status (-1: still running); stderr %s", i, delayMs,
                        p.stderr()).isIn(0, 143);
                assertThat(p.stderr()).as("run %d, TERM after %d ms", i, delayMs)
                        .doesNotContain("logging failed").doesNotContain("java.lang").doesNotContain("Exception");
                if (p.stderr().isEmpty() || p.stderr().equals("iperf3j: interrupt - the server has terminated\n")) {
                    seen.add(status + (p.stdout().contains("Server listening") ? " listening" : " starting"));
                } else {
                    assertThat(p.stderr()).as("run %d, TERM after %d ms: only iperf3's words", i, delayMs).isEmpty();
                }
            }
        }
        assertThat(seen).as("TERM came during start-up in some runs").anyMatch(s -> s.endsWith("starting"));
    }
}
