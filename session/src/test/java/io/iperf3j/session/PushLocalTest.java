package io.iperf3j.session;

import io.iperf3j.session.internal.output.RunRecord;
import io.iperf3j.session.internal.output.TestsFile;
import io.iperf3j.session.internal.result.RunFigures;
import java.time.Instant;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.internal.output.ResultPush;
import io.iperf3j.testing.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.iperf3j.session.internal.connect.LocalConnection;
import io.iperf3j.session.internal.output.PlanOutputDirectory;
import io.iperf3j.session.internal.run.PlanExecution;

/**
 * Results pushed to a real Pushgateway (Debian's) while a plan of real iperf3 tests on loopback runs
 * (issue 37): one group per test, under {@code tests.jsonl}'s labels; a gateway down for the middle
 * third of the plan still gets every result; a hung gateway never holds the plan.
 */
@Tag("peer")
@Tag("tool")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PushLocalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERIES = Pattern.compile("^(\\w+)\\{(.*)\\} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * Host ids of this JVM's own: a session kills the processes it marked with a host's id before it
     * starts another on that host, so two test JVMs with the same ids on one machine kill each other's
     * servers.
     */
    private static final String TAG = Long.toString(ProcessHandle.current().pid(), 36);
    private static final String A = "pa" + TAG;
    private static final String B = "pb" + TAG;

    @TempDir
    Path dir;

    private static Node host(String id, Node.Role role) {
        return Node.of(id, "127.0.0.1", role, Node.Access.local(), IperfKind.IPERF3);
    }

    private static List<Node> pair() {
        return List.of(host(A, Node.Role.TRAFFIC_PC), host(B, Node.Role.NODE));
    }

    /** The case: a pair's unpaced test and its -b 20M test, on the same pair and direction, each under its own key. */
    @Test
    void twoTestsOnOnePairAreTwoGroupsLabelledAsInTestsJsonl() throws Exception {
        try (Pushgateway gw = Pushgateway.start(dir, FreePorts.next())) {
            int port = FreePorts.next();
            Plan plan = Plan.builder(pair())
                    .test("plain", A, B, Plan.Direction.UP, TestSpec.tcp(1).withPort(port), 1)
                    .test("paced", A, B, Plan.Direction.UP, TestSpec.tcp(1).withArgs(List.of("-b", "20M")).withPort(port), 1).build();
            List<String> warnings = new CopyOnWriteArrayList<>();
            ResultPush push = new ResultPush(gw.url(), "session_test", warnings::add);
            PlanOutputDirectory files = new PlanOutputDirectory(dir.resolve("out"));
            List<TestResult> results = new PlanExecution(plan, files.rawDirectory(), push).run();
            TestsFile tests = TestsFile.once(files.directory());
            assertThat(results).hasSize(2).allMatch(TestResult::ok);
            assertThat(push.finish(Duration.ofSeconds(10))).containsExactly(
                    "Pushgateway " + gw.url() + " (job session_test): all 2 result(s) pushed (2 requests)");
            assertThat(warnings).isEmpty();

            String metrics = gw.metrics();
            for (TestResult r : results) {
                JsonNode line = JSON.readTree(tests.line(new RunRecord.Ran(r, 1, Instant.EPOCH, Instant.EPOCH,
                        RunFigures.of(1, r, 0))));
                Map<String, String> labels = labelsOf(metrics, "iperf3j_session_received_bytes", r.id());
                for (String key : List.of("id", "sender", "receiver", "direction", "protocol", "kind", "repeat")) {
                    assertThat(labels.get(key)).as(key).isEqualTo(line.get(key).asText());
                }
                assertThat(labels.get("job")).isEqualTo("session_test");
                assertThat(value(metrics, "iperf3j_session_received_bytes", r.id())).isEqualTo(line.get("received_bytes").asDouble())
                        .isPositive();
                assertThat(value(metrics, "iperf3j_session_test_success", r.id())).isEqualTo(1.0);
            }
            assertThat(labelsOf(metrics, "iperf3j_session_received_bytes", "paced_" + A + "-" + B)).containsEntry("kind", "tcp -b 20M");
            // the paced test kept its own figure: 20 Mbit/s for 1 s, not the unpaced one's gigabits
            assertThat(value(metrics, "iperf3j_session_received_bits_per_second", "paced_" + A + "-" + B)).isBetween(15e6, 25e6);
            assertThat(value(metrics, "iperf3j_session_received_bits_per_second", "plain_" + A + "-" + B)).isGreaterThan(100e6);
        }
    }

    /**
     * The gateway is stopped when the plan's second of six results is in and started again after the
     * fourth (the same port, what it held kept in its persistence file): every result is in it at the
     * end, each under its own key, with the receiver's bytes, and the summary says all were pushed.
     */
    @Test
    void aGatewayDownForTheMiddleThirdOfThePlanGetsEveryResultAtTheEnd() throws Exception {
        try (Pushgateway gw = Pushgateway.start(dir, FreePorts.next())) {
            Plan plan = Plan.builder(pair()).pairs("loop", List.of(List.of(A, B)), Plan.Direction.BOTH,
                    TestSpec.tcp(1).withPort(FreePorts.next()), 3).build();
            List<String> warnings = new CopyOnWriteArrayList<>();
            ResultPush push = new ResultPush(gw.url(), "session_outage", warnings::add);
            AtomicInteger n = new AtomicInteger();
            List<TestResult> results = new PlanExecution(plan, dir, r -> {
                push.accept(r);
                try {
                    switch (n.incrementAndGet()) {
                        case 2 -> gw.stop();
                        case 4 -> gw.startAgain();
                        default -> { }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).run();
            assertThat(results).hasSize(6).allMatch(TestResult::ok);
            assertThat(push.finish(ResultPush.FLUSH_TIMEOUT)).singleElement().asString()
                    .startsWith("Pushgateway " + gw.url() + " (job session_outage): all 6 result(s) pushed (")
                    .as("the failed requests counted too").doesNotEndWith("(6 requests)");
            assertThat(String.join("\n", warnings)).as("the outage is said once, and the return")
                    .contains("; results are held").contains("answers again");

            String metrics = gw.metrics();
            for (TestResult r : results) {
                assertThat(value(metrics, "iperf3j_session_received_bytes", r.id()))
                        .isEqualTo((double) ((TestResult.Outcome.Completed) r.outcome()).receivedBytes());
            }
            assertThat(metrics.lines().filter(l -> l.startsWith("iperf3j_session_received_bytes{"))).hasSize(6);
        }
    }

    /**
     * A gateway that accepts connections and never answers: the plan hands each result over without
     * waiting for it (a push that waited would take the 5-s request timeout per result), and at the
     * end every result is named as not pushed. Whether the plan's wall time stays within 10 % is
     * measured in bench/session-push.sh, not asserted here (timing limits belong to benchmarks).
     */
    @Test
    void aHungGatewayNeverHoldsThePlanAndWhatWasNotPushedIsNamed() throws Exception {
        ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        held.add(hung.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed at the end
                }
            });
            Plan plan = Plan.builder(pair()).pairs("hang", List.of(List.of(A, B)), Plan.Direction.UP,
                    TestSpec.tcp(1).withPort(FreePorts.next()), 3).build();
            ResultPush push = new ResultPush("http://127.0.0.1:" + hung.getLocalPort(), "session_hung", w -> { });
            List<TestResult> results = new PlanExecution(plan, dir, push::accept).run();
            assertThat(results).hasSize(3).allMatch(TestResult::ok);
            assertThat(push.waiting()).as("all three still waiting: the gateway answered nothing").isEqualTo(3);
            assertThat(held).as("the push thread did try the gateway").isNotEmpty();

            List<String> lines = push.finish(Duration.ofSeconds(1));
            String summary = String.join("\n", lines);
            assertThat(lines.get(0)).matches(".*\\(job session_hung\\): 0 of 3 result\\(s\\) pushed \\([0-9]+ requests?\\); NOT PUSHED: 3");
            for (TestResult r : results) {
                assertThat(summary).contains(r.id());
            }
            hung.close();
            acceptor.join(5000);
            for (Socket s : held) {
                s.close();
            }
        } finally {
            hung.close();
        }
    }

    /** The labels of {@code metric}'s series whose {@code id} is {@code id}. */
    private static Map<String, String> labelsOf(String metrics, String metric, String id) {
        for (String line : metrics.lines().toList()) {
            Matcher m = SERIES.matcher(line);
            if (m.matches() && m.group(1).equals(metric)) {
                Map<String, String> labels = labels(m.group(2));
                if (id.equals(labels.get("id"))) {
                    return labels;
                }
            }
        }
        throw new AssertionError("no " + metric + " with id=\"" + id + "\" in\n" + metrics);
    }

    private static double value(String metrics, String metric, String id) {
        List<Double> found = new ArrayList<>();
        for (String line : metrics.lines().toList()) {
            Matcher m = SERIES.matcher(line);
            if (m.matches() && m.group(1).equals(metric) && id.equals(labels(m.group(2)).get("id"))) {
                found.add(Double.parseDouble(m.group(3)));
            }
        }
        assertThat(found).as(metric + " of " + id).hasSize(1);
        return found.getFirst();
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }
}
