package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Process;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iperf3j session --push.url} as a process against a gateway that accepts connections and
 * never answers (issue 37): the test still passes (exit 0: a push is never a test's failure), stdout
 * tells the plan's own time and the results still waiting, the flush ends after its 10 s, and
 * summary.txt names the result that was not pushed and why. The pushes' success against a real
 * Pushgateway is session's PushLocalTest.
 */
@Tag("peer")
@Tag("tool")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionPushCliTest {
    /** Host ids of this JVM's own (a session kills the processes it marked with a host's id first). */
    private static final String TAG = Long.toString(ProcessHandle.current().pid(), 36);

    @TempDir
    Path dir;

    @Test
    void aHungGatewayIsNamedInTheSummaryAndTheTestStillPasses() throws Exception {
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        held.add(hung.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed at the end
                }
            });
            Path plan = dir.resolve("plan.yaml");
            Files.writeString(plan, """
                    hosts:
                      - {id: left%1$s, address: 127.0.0.1, iperf: iperf3}
                      - {id: right%1$s, address: 127.0.0.1, iperf: iperf3}
                    tests:
                      - {name: hang, pairs: [[left%1$s, right%1$s]], duration: 1, port: %2$d}
                    """.formatted(TAG, FreePorts.next()));
            Path out = dir.resolve("out");
            String url = "http://127.0.0.1:" + hung.getLocalPort();
            Iperf3Process p = CommandProcess.start(List.of("session", plan.toString(), "-o", out.toString(), "--push.url", url));
            int status = p.waitFor(Duration.ofSeconds(90));
            String stdout = p.stdout();
            assertThat(status).as("%s%s", stdout, p.stderr()).isZero();
            assertThat(stdout).containsPattern("plan ran 1 test\\(s\\) in \\d+\\.\\d s; 1 result\\(s\\) still on their way to the"
                    + " Pushgateway \\(waiting while it takes them, at most 10 s without one\\)");
            assertThat(p.stderr()).contains("warning: Pushgateway " + url + ": no answer within 5s (timeout); results are held");

            List<String> summary = Files.readAllLines(out.resolve("summary.txt"));
            assertThat(summary.get(summary.size() - 3)).matches(java.util.regex.Pattern.quote("Pushgateway " + url
                    + " (job iperf3j_session): 0 of 1 result(s) pushed (") + "[0-9]+ requests?\\); NOT PUSHED: 1");
            assertThat(summary.subList(summary.size() - 2, summary.size())).containsExactly(
                    "  1 no answer within 5s (timeout) (no progress in the last 10 s of the flush):",
                    "    hang_left" + TAG + "-right" + TAG);
            assertThat(stdout).endsWith(String.join("\n", summary) + "\n");
            assertThat(held).as("the gateway was tried").isNotEmpty();
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
