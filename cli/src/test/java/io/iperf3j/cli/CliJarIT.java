package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.JsonPaths;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The built jar as a process: the exit status a shell sees (System.exit), not only
 * {@link Main#run}'s return value. A short test each way with the real iperf3, and the
 * failures of {@link BadInputTest} once more through the real process.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CliJarIT {
    @BeforeAll
    static void realIperf3IsInstalled() {
        Iperf3Binary.require();
    }

    @Test
    void jarClientAgainstIperf3ServerExitsZero() {
        int port = FreePorts.next();
        try (Iperf3Process server = Iperf3Process.iperf3(List.of("-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(10))).isTrue();
            try (Iperf3Process client = JarProcess.start(List.of(),
                    List.of("-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1"))) {
                assertThat(client.waitFor(Duration.ofSeconds(30))).as("%s\n%s%s", client, client.stdout(),
                        client.stderr()).isZero();
                assertThat(client.stdout()).endsWith("\niperf Done.\n");
                assertThat(client.stderr()).isEmpty();
            }
            assertThat(server.waitFor(Duration.ofSeconds(10))).isZero();
        }
    }

    @Test
    void jarServerAgainstIperf3ClientExitsZeroAfterOneTest() {
        int port = FreePorts.next();
        try (Iperf3Process server = JarProcess.start(List.of(), List.of("-s", "-1", "-p", Integer.toString(port)))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(20))).as("%s\n%s", server, server.stderr())
                    .isTrue();
            try (Iperf3Process client = Iperf3Process.iperf3(
                    List.of("-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1", "-J"))) {
                assertThat(client.waitFor(Duration.ofSeconds(30))).as(client.stdout()).isZero();
                JsonObject doc = JsonPaths.parse(client.stdout());
                assertThat(doc.has("error")).as(client.stdout()).isFalse();
            }
            assertThat(server.waitFor(Duration.ofSeconds(10))).as("%s\n%s%s", server, server.stdout(),
                    server.stderr()).isZero();
            assertThat(server.stdout()).contains("Server listening on " + port).contains("receiver");
        }
    }

    @Test
    void jarFailuresExitOne() {
        String closed = Integer.toString(FreePorts.next());
        try (Iperf3Process p = JarProcess.start(List.of(), List.of("--foo"))) {
            assertThat(p.waitFor(Duration.ofSeconds(20))).isEqualTo(1);
            assertThat(p.stderr()).startsWith("iperf3j: unrecognized option '--foo'\n");
        }
        try (Iperf3Process p = JarProcess.start(List.of(), List.of("-c", "127.0.0.1", "-p", closed))) {
            assertThat(p.waitFor(Duration.ofSeconds(20))).isEqualTo(1);
            assertThat(p.stderr()).isEqualTo("iperf3j: error - unable to connect to server: Connection refused\n");
        }
        try (Iperf3Process p = JarProcess.start(List.of(), List.of("-c", "127.0.0.1", "-p", closed, "-J"))) {
            assertThat(p.waitFor(Duration.ofSeconds(20))).as("3.14+ behaviour, documented in Main").isEqualTo(1);
            assertThat(JsonPaths.parse(p.stdout()).getString("error"))
                    .isEqualTo("unable to connect to server: Connection refused");
        }
    }
}
