package io.iperf3j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real iperf3 3.12 the interop and fidelity tests compare against. Tests that
 * need it call {@link #require()}: without it they FAIL (never skip) with a message
 * saying how to install it, because a green run without the peer would prove nothing.
 */
public final class Iperf3Binary {
    /** Where Debian's package installs it; CI's {@code .ci/run} installs the package. */
    public static final Path PATH = Path.of("/usr/bin/iperf3");

    private static volatile String checkedVersion;

    private Iperf3Binary() {
    }

    /** Fails the calling test unless {@code /usr/bin/iperf3} is iperf 3.12. */
    public static void require() {
        assertThat(Files.isExecutable(PATH))
                .as("%s is missing: install iperf3 3.12 (`apt-get install iperf3`; CI's .ci/run does this)", PATH)
                .isTrue();
        if (checkedVersion == null) {
            checkedVersion = version();
        }
        assertThat(checkedVersion)
                .as("these tests compare against iperf3 3.12 (Debian 12's package)")
                .startsWith("iperf 3.12 ");
    }

    private static String version() {
        try {
            Process p = new ProcessBuilder(PATH.toString(), "-v").redirectErrorStream(true).start();
            try {
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    return "iperf3 -v did not finish";
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            return "iperf3 -v failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
