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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 2, "memory": a 10-second single-stream test runs in a 64 MiB heap. The fat jar
 * runs as a child process with {@code -Xmx64m} (and {@code -XX:+ExitOnOutOfMemoryError},
 * so an OutOfMemoryError in any thread ends it with a failure instead of going
 * unnoticed) as the client against {@code iperf3 -s -1}; both must succeed and agree on
 * the bytes received.
 */
class MemoryLimitIT {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tenSecondTestRunsInA64MiBHeap() {
        Iperf3Binary.require();
        int port = FreePorts.next();
        try (Iperf3Process server = Iperf3Process.iperf3(List.of("-s", "-1", "-p", Integer.toString(port), "-J"))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(10))).as("iperf3 server listens").isTrue();
            try (Iperf3Process client = JarProcess.start(List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"),
                    List.of("-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "10", "-J"))) {
                int status = client.waitFor(Duration.ofSeconds(40));
                String context = client + "\nstdout:\n" + client.stdout() + "\nstderr:\n" + client.stderr();
                assertThat(status).as("iperf3j exit status with -Xmx64m\n%s", context).isZero();
                assertThat(client.stderr()).as(context).doesNotContain("OutOfMemoryError").isEmpty();
                JsonObject doc = JsonPaths.parse(client.stdout());
                assertThat(doc.has("error")).as(context).isFalse();
                assertThat(JsonPaths.longAt(doc, "start.test_start.duration")).isEqualTo(10);
                assertThat(JsonPaths.arrayAt(doc, "intervals")).as("one report per second").hasSizeBetween(10, 11);
                long received = JsonPaths.longAt(doc, "end.sum_received.bytes");
                assertThat(received).isPositive();

                assertThat(server.waitFor(Duration.ofSeconds(10))).as("iperf3 server exit status").isZero();
                JsonObject serverDoc = JsonPaths.parse(server.stdout());
                assertThat(JsonPaths.longAt(serverDoc, "end.sum_received.bytes")).isEqualTo(received);
            }
        }
    }
}
