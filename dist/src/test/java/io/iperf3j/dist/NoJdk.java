package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.Iperf3Process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a command as on a machine with no Java: in a private mount namespace whose
 * {@code /usr/lib/jvm} (every JDK here, and what {@code /usr/bin/java} points to) is an empty
 * tmpfs, with an environment holding only {@code PATH=/usr/sbin:/usr/bin:/sbin:/bin},
 * {@code LC_ALL=C} and {@code HOME} (no {@code JAVA_HOME}). The namespace lives as long as the
 * command; the host's mounts are untouched. Needs root and util-linux's {@code unshare}.
 */
final class NoJdk {
    private static final String SCRIPT =
            "mount -t tmpfs -o size=1m,mode=755 iperf3j-nojdk /usr/lib/jvm || exit 97; "
                    + "exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C HOME=/root \"$@\"";

    private NoJdk() {
    }

    /** The command line that runs {@code command} with no JDK reachable. */
    static List<String> wrap(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private",
                "/bin/sh", "-c", SCRIPT, "sh"));
        cmd.addAll(command);
        return cmd;
    }

    /** Starts {@code command} with no JDK reachable. */
    static Iperf3Process start(List<String> command) {
        return Iperf3Process.start(wrap(command));
    }

    /** Fails unless the wrapper really hides every JDK (and works here: root, unshare). */
    static void requireJdkHidden() {
        assertThat(Files.isExecutable(Path.of("/usr/bin/unshare")))
                .as("/usr/bin/unshare is missing: install util-linux").isTrue();
        try (Iperf3Process probe = start(List.of("/bin/sh", "-c",
                "if command -v java >/dev/null && java -version 2>/dev/null; then echo JAVA-RUNS; fi;"
                        + " ls -A /usr/lib/jvm | wc -l; echo \"JAVA_HOME=${JAVA_HOME:-}\""))) {
            int status = probe.waitFor(Duration.ofSeconds(20));
            assertThat(status).as("no-JDK wrapper (needs root to mount): %s", probe.stderr()).isZero();
            assertThat(probe.stdout()).doesNotContain("JAVA-RUNS").startsWith("0\n").contains("JAVA_HOME=\n");
        }
    }
}
