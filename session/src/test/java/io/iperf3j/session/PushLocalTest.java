package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.iperf3j.session.internal.ResultPush;
import io.iperf3j.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Results pushed to a real Pushgateway (Debian's) while a plan runs, one group per pair. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PushLocalTest {
    private static final Path PUSHGATEWAY = Path.of("/usr/bin/prometheus-pushgateway");

    @TempDir
    Path dir;

    @Test
    void eachPairLandsInItsOwnGroup() throws Exception {
        if (!Files.isExecutable(PUSHGATEWAY)) {
            fail("install prometheus-pushgateway (apt-get install prometheus-pushgateway; .ci/run does this)");
        }
        int port = FreePorts.next();
        Process gw = new ProcessBuilder(PUSHGATEWAY.toString(), "--web.listen-address=127.0.0.1:" + port, "--persistence.file=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("gw.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + port + "/-/ready");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline || !gw.isAlive()) {
                    fail("pushgateway did not start: " + Files.readString(dir.resolve("gw.log")));
                }
                Thread.sleep(100);
            }
            Node a = Node.of("pa", "127.0.0.1", NodeRole.TRAFFIC_PC, new LocalConnection(), IperfKind.IPERF3);
            Node b = Node.of("pb", "127.0.0.1", NodeRole.NODE, new LocalConnection(), IperfKind.IPERF3);
            Plan plan = Plan.builder(List.of(a, b)).pairs("push", List.of(List.of("pa", "pb")), "both",
                    TestSpec.tcp(1).withPort(FreePorts.next()), 1).build();
            List<String> warnings = new ArrayList<>();
            List<TestResult> results = new PlanRunner(plan, dir, new ResultPush("http://127.0.0.1:" + port, "session_test",
                    warnings::add)).run();
            assertThat(results).hasSize(2).allMatch(TestResult::ok);
            assertThat(warnings).isEmpty();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (TestResult r : results) {
                long bytes = ((TestOutcome.Completed) r.outcome()).receivedBytes();
                String labels = "direction=\"" + r.direction() + "\",instance=\"\",job=\"session_test\",protocol=\"tcp\",receiver=\""
                        + r.receiver() + "\",sender=\"" + r.sender() + "\"";
                String prefix = "iperf3j_session_received_bytes{" + labels + "} ";
                String line = metrics.lines().filter(l -> l.startsWith(prefix)).findFirst()
                        .orElseThrow(() -> new AssertionError("no " + prefix + " in\n" + metrics));
                assertThat(Double.parseDouble(line.substring(prefix.length()))).isEqualTo((double) bytes);
                assertThat(metrics).contains("iperf3j_session_test_ok{" + labels + "} 1");
            }
        } finally {
            gw.destroy();
            gw.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
