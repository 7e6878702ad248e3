package io.iperf3j.server;

import io.iperf3j.internal.engine.server.ServerLimits;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code --max-per-client 2} with real clients from distinct loopback addresses ({@code -B
 * 127.0.0.N}; Linux routes all of 127/8 to lo): a third test from one address is refused with
 * iperf3's busy text and a log line naming the limit, while another address starts at once.
 */
@Tag("peer")
class PerClientLimitTest {
    private static final String BUSY = "iperf3: error - the server is busy running a test. try again later";

    @Test
    void theThirdTestFromOneAddressIsBusyWhileAnotherAddressStartsAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--max-per-client", "2")) {
                List<Iperf3Process> clients = new ArrayList<>();
                try {
                    clients.add(server.iperf3Client(Iperf3Binary.V3_12, "-B", "127.0.0.2", "-t", "3"));
                    clients.add(server.iperf3Client(Iperf3Binary.V3_21, "-B", "127.0.0.2", "-t", "3"));
                    server.await(() -> server.logLines().stream()
                            .filter(l -> l.contains("event=start client=127.0.0.2:")).count() == 2,
                            Duration.ofSeconds(15), "two tests from 127.0.0.2 started");
                    for (Iperf3Binary v : Iperf3Binary.values()) {
                        try (Iperf3Process third = server.iperf3Client(v, "-B", "127.0.0.2", "-t", "1")) {
                            assertThat(third.waitFor(Duration.ofSeconds(10))).as("%s: exit status (-1: still running)", v)
                                    .isPositive();
                            assertThat(third.stdout() + third.stderr()).as(v.label).contains(BUSY);
                        }
                    }
                    server.awaitLogLine(Duration.ofSeconds(5), "event=busy", "client=127.0.0.2:",
                            "reason=max-per-client limit=2 prefix=127.0.0.2/32");
                    try (Iperf3Process other = server.iperf3Client(Iperf3Binary.V3_12, "-B", "127.0.0.3", "-t", "1")) {
                        server.awaitLogLine(Duration.ofSeconds(15), "event=start client=127.0.0.3:");
                        assertThat(server.logLines().stream().filter(l -> l.contains("event=end client=127.0.0.2:")))
                                .as("127.0.0.3 started while 127.0.0.2's two tests still ran").isEmpty();
                        assertThat(other.waitFor(Duration.ofSeconds(20))).as(other.stderr()).isZero();
                        assertThat(other.stdout()).contains("iperf Done.");
                    }
                    for (Iperf3Process c : clients) {
                        assertThat(c.waitFor(Duration.ofSeconds(20))).as(c.stdout() + c.stderr()).isZero();
                        assertThat(c.stdout()).contains("iperf Done.");
                    }
                    assertThat(server.logLines()).filteredOn(l -> l.contains("event=busy")).hasSize(2);
                } finally {
                    for (Iperf3Process c : clients) {
                        c.close();
                    }
                }
            }
        });
    }

    @Test
    void withAQueueTheThirdTestFromOneAddressWaitsWhileAnotherAddressStartsAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--max-per-client", "2", "--queue", "4")) {
                List<Iperf3Process> clients = new ArrayList<>();
                try {
                    clients.add(server.iperf3Client(Iperf3Binary.V3_12, "-B", "127.0.0.2", "-t", "3"));
                    clients.add(server.iperf3Client(Iperf3Binary.V3_21, "-B", "127.0.0.2", "-t", "3"));
                    server.await(() -> server.logLines().stream()
                            .filter(l -> l.contains("event=start client=127.0.0.2:")).count() == 2,
                            Duration.ofSeconds(15), "two tests from 127.0.0.2 started");
                    clients.add(server.iperf3Client(Iperf3Binary.V3_12, "-B", "127.0.0.2", "-t", "1"));
                    server.awaitLogLine(Duration.ofSeconds(10), "event=queued client=127.0.0.2:", "prefix=127.0.0.2/32");
                    clients.add(server.iperf3Client(Iperf3Binary.V3_21, "-B", "127.0.0.3", "-t", "1"));
                    String other = server.awaitLogLine(Duration.ofSeconds(15), "event=start client=127.0.0.3:");
                    assertThat(other).as("not queued").doesNotContain("waited=");
                    assertThat(server.logLines().stream().filter(l -> l.contains("event=start client=127.0.0.2:")))
                            .as("127.0.0.3 started before the queued third test from 127.0.0.2").hasSize(2);
                    for (Iperf3Process c : clients) {
                        assertThat(c.waitFor(Duration.ofSeconds(30))).as(c.stdout() + c.stderr()).isZero();
                        assertThat(c.stdout()).contains("iperf Done.");
                    }
                    server.awaitLogLine(Duration.ofSeconds(5), "event=start client=127.0.0.2:", "waited=");
                    assertThat(server.logLines()).filteredOn(l -> l.contains("event=busy")).isEmpty();
                } finally {
                    for (Iperf3Process c : clients) {
                        c.close();
                    }
                }
            }
        });
    }
}
