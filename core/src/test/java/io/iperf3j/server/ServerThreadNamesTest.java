package io.iperf3j.server;

import io.iperf3j.internal.engine.server.ServerLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bug 7 of docs/design/server-session-split.md: tests that run at the same time have
 * threads of different names (they were all "iperf3j-server-testN" until one finished).
 */
@Timeout(30)
class ServerThreadNamesTest {
    private static List<String> testThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("iperf3j-server-test")).toList();
    }

    @Test
    void concurrentTestsHaveThreadsOfTheirOwnName() throws Exception {
        try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--max-concurrent", "3");
             RawPeer _ = RawPeer.atParameters(server.port());
             RawPeer _ = RawPeer.atParameters(server.port());
             RawPeer _ = RawPeer.atParameters(server.port())) {
            List<String> names = testThreads();
            assertThat(names).as("one thread per waiting test").hasSize(3);
            assertThat(names).as("names told apart").doesNotHaveDuplicates();
        }
    }
}
