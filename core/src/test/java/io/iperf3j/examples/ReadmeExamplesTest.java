package io.iperf3j.examples;

import io.iperf3j.IntervalMetrics;
import io.iperf3j.IperfClient;
import io.iperf3j.IperfCommand;
import io.iperf3j.IperfResult;
import io.iperf3j.MetricEvent;
import io.iperf3j.MetricsMode;
import io.iperf3j.RunningIperf;
import io.iperf3j.ServerEvent;
import io.iperf3j.WindowMetrics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of the README's "Use it from Java" section, verbatim between the
 * {@code // README:} markers, so the README never shows code that does not work.
 */
@Tag("slow")
@Timeout(60)
class ReadmeExamplesTest {

    @Test
    void examples() throws Exception {
        // README: server
        RunningIperf server = IperfCommand.server().port(0).longLived().spawn();
        int port = server.localPort().orElseThrow();
        // README: end

        // README: run
        IperfResult r = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(2)).run();
        r.summary().ifPresent(s -> System.out.printf("%.2f Gbit/s received%n", s.received().bitsPerSecond() / 1e9));
        String json = r.jsonText();               // what iperf3 -J prints
        Map<String, Object> doc = r.json();       // the same as maps and lists
        // README: end
        assertThat(r.succeeded()).isTrue();
        assertThat(json).startsWith("{\n\t\"start\":");
        assertThat(doc).containsKeys("start", "intervals", "end");

        // README: live
        RunningIperf run = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(60))
                .spawn(MetricsMode.interval());
        for (MetricEvent e : run.metrics()) {          // ends when the run ends
            if (e instanceof MetricEvent.Interval(IntervalMetrics m)) {
                System.out.printf("%.1f-%.1f s %.2f Gbit/s rtt %.3f ms%n", m.startSeconds(), m.endSeconds(),
                        m.bandwidthBitsPerSecond() / 1e9, m.tcpRttSeconds().orElse(Double.NaN) * 1e3);
                if (m.endSeconds() >= 2) {
                    run.cancel();                      // stops the test for real; the loop then ends
                }
            }
        }
        IperfResult cancelled = run.await();           // cancelled() == true, with the summary so far
        // README: end
        assertThat(cancelled.cancelled()).isTrue();

        // README: windows
        RunningIperf windowed = IperfCommand.client("127.0.0.1").port(port).duration(Duration.ofSeconds(3))
                .args("-i", "0.5").spawn(MetricsMode.window(Duration.ofSeconds(1)));
        for (MetricEvent e : windowed.metrics()) {
            if (e instanceof MetricEvent.Window(WindowMetrics w)) {
                System.out.printf("%d samples, mean %.2f Gbit/s, max %.2f%n", w.samples(),
                        w.bandwidthBitsPerSecond().mean() / 1e9, w.bandwidthBitsPerSecond().max() / 1e9);
            }
        }
        // README: end
        assertThat(windowed.await().succeeded()).isTrue();

        // README: client
        IperfClient client = new IperfClient("127.0.0.1", port);
        CompletableFuture<Map<String, Object>> done = new CompletableFuture<>();
        client.run(result -> {                      // called once, on the test's thread
            System.out.println(result.containsKey("error") ? result.get("error") : result.get("end"));
            done.complete(result);
        });
        // README: end
        assertThat(done.get(30, TimeUnit.SECONDS)).containsKey("end");

        // README: events
        Queue<ServerEvent> events = new ConcurrentLinkedQueue<>();
        RunningIperf shared = IperfCommand.server().port(0).longLived().args("--max-concurrent", "4", "--queue", "16")
                .serverEvents(events::add)    // accepted, queued, started, each interval, ended, refused
                .spawn();
        // README: end
        IperfCommand.client("127.0.0.1").port(shared.localPort().orElseThrow()).duration(Duration.ofSeconds(1)).run();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (events.stream().noneMatch(ServerEvent.Ended.class::isInstance) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(events).first().isInstanceOf(ServerEvent.Accepted.class);
        assertThat(events).last().isInstanceOfSatisfying(ServerEvent.Ended.class,
                e -> assertThat(e.result()).isEqualTo(ServerEvent.Result.OK));
        shared.cancel();

        // README: stop
        server.cancel();
        // README: end
        assertThat(server.isDone()).isTrue();
    }
}
