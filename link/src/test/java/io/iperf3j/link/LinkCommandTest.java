package io.iperf3j.link;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iperf3j link -s} and {@code -c ... -J} through {@link LinkCommand#run}, on loopback. */
@Timeout(60)
class LinkCommandTest {
    @Test
    void reliableClientAgainstServerReportsFiguresThatAddUp() throws Exception {
        ByteArrayOutputStream serverOut = new ByteArrayOutputStream();
        PrintStream so = new PrintStream(serverOut, true, StandardCharsets.UTF_8);
        CompletableFuture<Runnable> stop = new CompletableFuture<>();
        CompletableFuture<Integer> server = CompletableFuture.supplyAsync(
                () -> LinkCommand.run(List.of("-s", "-B", "127.0.0.1", "-p", "0"), so, so, null, stop::complete));
        int port = -1;
        for (int i = 0; i < 200 && port < 0; i++) {
            Matcher m = Pattern.compile("listening on (\\d+)").matcher(serverOut.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            }
            Thread.sleep(20);
        }
        assertThat(port).as("server output: %s", serverOut).isPositive();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LinkCommand.run(List.of("-c", "127.0.0.1", "-p", String.valueOf(port), "-r", "2000", "-l", "100",
                "--ordered", "-t", "2", "-i", "0.5", "-J"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String json = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as("stderr: %s", err).isZero();

        List<Map<String, Double>> intervals = new ArrayList<>();
        Map<String, Double> end = new HashMap<>();
        Map<String, Double> link = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            String section = null;
            Map<String, Double> current = null;
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && depth == 1) {
                    section = p.currentName();
                } else if (t == JsonToken.START_OBJECT) {
                    depth++;
                    if ("intervals".equals(section) && depth == 2) {
                        current = new HashMap<>();
                        intervals.add(current);
                    } else if ("end".equals(section) && depth == 2) {
                        current = end;
                    } else if (depth == 3 && "end".equals(section)) {
                        current = link;
                    }
                } else if (t == JsonToken.END_OBJECT) {
                    depth--;
                    if (depth == 2 && "end".equals(section)) {
                        current = end;
                    }
                } else if (t.isNumeric() && current != null) {
                    current.put(p.currentName(), p.getDoubleValue());
                }
            }
        }
        assertThat(intervals).as(json).hasSizeGreaterThanOrEqualTo(4);
        double sentSum = intervals.stream().mapToDouble(m -> m.get("sent")).sum();
        double receivedSum = intervals.stream().mapToDouble(m -> m.get("received")).sum();
        assertThat(end.get("sent")).as("2 s at 2000/s").isBetween(3600.0, 4100.0);
        assertThat(sentSum).as("intervals add up to the total").isEqualTo(end.get("sent"));
        assertThat(end.get("received")).as("ordered on loopback: every message").isEqualTo(end.get("sent"));
        assertThat(receivedSum).isEqualTo(end.get("received"));
        assertThat(end.get("lost")).isZero();
        assertThat(intervals).allSatisfy(i -> assertThat(i.get("lost")).as("reliable: nothing given up").isZero());
        assertThat(intervals.getLast().get("in_flight")).isZero();
        assertThat(end.get("in_flight")).isZero();
        assertThat(intervals.stream().mapToDouble(m -> m.get("resent")).sum()).isEqualTo(end.get("resent"));
        assertThat(end.get("reordered")).isZero();
        assertThat(end.get("rtt_samples")).as("pings every 10 ms").isGreaterThan(100);
        assertThat(end.get("rtt_p99_us")).isGreaterThanOrEqualTo(end.get("rtt_p50_us")).isPositive();
        // Against the link's own counters: every message went out once, none is still unacked.
        assertThat(link.get("out_messages")).isGreaterThanOrEqualTo(end.get("sent"));
        assertThat(link.get("pending_acks")).isZero();
        assertThat(link.get("rtt_samples")).isGreaterThanOrEqualTo(end.get("rtt_samples"));
        assertThat(server).as("a server without -t runs until stopped").isNotDone();
        stop.get().run();
        assertThat(server.get()).isZero();
        String serverText = serverOut.toString(StandardCharsets.UTF_8);
        assertThat(serverText).as(serverText).containsPattern("\\[127\\.0\\.0\\.1:\\d+] " + end.get("received").longValue()
                + " messages received, 0 lost, 0 late, 0 reordered, 0 duplicates\n")
                .endsWith("Link server done: 1 client, " + end.get("received").longValue() + " messages received, 0 lost, 0 late,"
                        + " 0 reordered, 0 duplicates\n");
    }

    @Test
    void badArgumentsAreRefusedWithAMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(LinkCommand.run(List.of("-c", "127.0.0.1", "-l", "5000"), System.out, e)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("size must be " + LinkCommand.DATA_OVERHEAD + "..1400");
        assertThat(LinkCommand.run(List.of("-s", "-c", "x"), System.out, e)).isEqualTo(1);
    }
}
