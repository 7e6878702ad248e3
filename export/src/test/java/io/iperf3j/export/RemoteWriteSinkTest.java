package io.iperf3j.export;

import com.sun.net.httpserver.HttpServer;
import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.MetricEvent;
import io.iperf3j.Role;
import io.iperf3j.export.internal.prompb.TimeSeries;
import io.iperf3j.export.internal.prompb.WriteRequest;
import io.iperf3j.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RemoteWriteSink} against a local receiver that answers as told: samples at their intervals'
 * ends in few requests, an outage retried and reported once, a refusal counted with its words, and
 * a receiver that is down costing at most {@link RemoteWriteSink#FLUSH_WAIT} at the end.
 */
@Timeout(60)
class RemoteWriteSinkTest {
    private HttpServer server;
    private final List<WriteRequest> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    /** A receiver answering {@code statuses} in turn (the last one from then on), with {@code body}. */
    private RemoteWriteConfig receiver(String body, int... statuses) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/write", ex -> {
            byte[] compressed = ex.getRequestBody().readAllBytes();
            int call = calls.getAndIncrement();
            int status = statuses[Math.min(call, statuses.length - 1)];
            if (status / 100 == 2) {
                received.add(WriteRequest.parseFrom(RemoteWriteWireTest.unsnappy(compressed)));
            }
            byte[] b = status / 100 == 2 ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        server.start();
        return RemoteWriteConfig.builder("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write")
                .label("job", "iperf3").label("host", "a").build();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static List<MetricEvent> fiveIntervals() {
        List<MetricEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, i, 1000L * (i + 1), i)));
        }
        return events;
    }

    @Test
    void everyIntervalIsWrittenAtItsEndWithTheCountersInOneRequest() throws Exception {
        RemoteWriteConfig config = receiver("", 204);
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        RemoteWriteSink sink = RemoteWriteSink.start(config, new PrometheusEncoder(), warnings::add);
        List<MetricEvent> events = fiveIntervals();
        events.forEach(sink::accept);
        sink.close();

        assertThat(warnings).isEmpty();
        assertThat(calls.get()).as("five intervals handed in at once: one request").isEqualTo(1);
        Map<String, TreeMap<Long, Double>> series = new TreeMap<>();
        for (WriteRequest r : received) {
            for (TimeSeries ts : r.getTimeseriesList()) {
                StringBuilder key = new StringBuilder();
                ts.getLabelsList().forEach(l -> key.append(l.getName()).append('=').append(l.getValue()).append(','));
                ts.getSamplesList().forEach(s -> series.computeIfAbsent(key.toString(), k -> new TreeMap<>())
                        .put(s.getTimestamp(), s.getValue()));
            }
        }
        TreeMap<Long, Double> bytes = series.get("__name__=iperf3_transferred_bytes,host=a,job=iperf3,");
        assertThat(bytes).as(series.keySet().toString()).isNotNull();
        TreeMap<Long, Double> expected = new TreeMap<>();
        for (MetricEvent e : events) {
            IntervalMetrics m = ((MetricEvent.Interval) e).sample();
            expected.put(Math.round(m.timestampUnixSeconds() * 1000), (double) m.transferredBytes());
        }
        assertThat(bytes).isEqualTo(expected);
        assertThat(series.get("__name__=iperf3_run_transferred_bytes_total,host=a,job=iperf3,").lastEntry().getValue())
                .isEqualTo(15000.0);
        assertThat(series.get("__name__=iperf3_bandwidth_bytes_per_second,host=a,job=iperf3,").firstEntry().getValue())
                .isEqualTo(1000.0);
        long samples = series.values().stream().mapToLong(Map::size).sum();
        assertThat(sink.samples()).isEqualTo(samples);
        assertThat(sink.written()).isEqualTo(samples);
        assertThat(sink.summary()).isEqualTo("remote-write " + config.shownEndpoint() + ": " + samples + " of " + samples
                + " samples written (1 request)");
    }

    @Test
    void anOutageIsRetriedUntilTheReceiverAnswersAndReportedOnce() throws Exception {
        RemoteWriteConfig config = receiver("overloaded", 503, 503, 204);
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        RemoteWriteSink sink = RemoteWriteSink.start(config, new PrometheusEncoder(), warnings::add);
        fiveIntervals().forEach(sink::accept);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sink.written() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        sink.close();
        assertThat(calls.get()).isEqualTo(3);
        assertThat(sink.written()).isEqualTo(sink.samples()).isPositive();
        assertThat(sink.summary()).endsWith(" samples written (3 requests)");
        assertThat(warnings).containsExactly(
                "remote-write " + config.shownEndpoint() + ": HTTP 503: overloaded; samples are held (at most 4096 events) and retried",
                "remote-write " + config.shownEndpoint() + " answers again; sending what was held");
    }

    @Test
    void aRefusalDropsThatRequestAndTheSummarySaysWhy() throws Exception {
        RemoteWriteConfig config = receiver("out of order sample\n", 400);
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        RemoteWriteSink sink = RemoteWriteSink.start(config, new PrometheusEncoder(), warnings::add);
        fiveIntervals().forEach(sink::accept);
        sink.close();
        long n = sink.samples();
        assertThat(n).isPositive();
        assertThat(sink.refused()).isEqualTo(n);
        assertThat(sink.summary()).isEqualTo("remote-write " + config.shownEndpoint() + ": 0 of " + n
                + " samples written (1 request); not written: " + n + " refused (HTTP 400: out of order sample)");
        assertThat(warnings).containsExactly("remote-write " + config.shownEndpoint() + " refused " + n
                + " samples (HTTP 400: out of order sample); later refusals are counted, not repeated");
    }

    @Test
    void aReceiverThatIsDownCostsAtMostTheFlushWaitAtTheEnd() throws Exception {
        RemoteWriteConfig config = RemoteWriteConfig.builder("http://127.0.0.1:" + FreePorts.next() + "/api/v1/write").build();
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        RemoteWriteSink sink = RemoteWriteSink.start(config, new PrometheusEncoder(), warnings::add);
        fiveIntervals().forEach(sink::accept);
        Thread.sleep(1500); // the batch window, then the first attempts
        long t0 = System.nanoTime();
        sink.close();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isLessThan(RemoteWriteSink.FLUSH_WAIT.plusSeconds(2));
        long n = sink.samples();
        assertThat(sink.written()).isZero();
        assertThat(sink.unsent()).isEqualTo(n).isPositive();
        assertThat(sink.requests()).isGreaterThan(3);
        assertThat(sink.summary()).isEqualTo("remote-write " + config.shownEndpoint() + ": 0 of " + n + " samples written ("
                + sink.requests() + " requests); not written: " + n + " not sent by the end (connection refused)");
        assertThat(warnings).hasSize(1).allSatisfy(w -> assertThat(w).endsWith(": connection refused; samples are held"
                + " (at most 4096 events) and retried"));
    }
}
