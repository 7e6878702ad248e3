package io.iperf3j.session.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AgentPlan}: a file or a URL read again before each run; a changed version taken with a line saying what changed, an
 * unchanged one kept without a word; a version that does not parse, lost this host, runs longer than the period, moves this
 * host's port or changes the schedule refused with a line naming why, the old version kept; a URL asked with its ETag (a
 * 304 costs no parse), one that is down kept with a warning; a URL's plan that names a command of this host refused at once.
 */
class AgentPlanTest {
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private static String plan(String extraTest, int duration, String every) {
        return """
                hosts:
                  - {id: a, address: 203.0.113.1}
                  - {id: b, address: 203.0.113.2}
                schedule: {every: %s}
                tests:
                  - {name: m, mesh: [a, b], duration: %d}
                %s""".formatted(every, duration, extraTest);
    }

    private static final String V1 = plan("", 1, "30s");
    private static final String V2 = plan("  - {name: u, pairs: [[a, b]], protocol: udp, duration: 1}\n", 1, "30s");

    private static AgentPlan open(String where) throws IperfConfigurationError {
        return AgentPlan.open(where, Optional.of("a"), List.of(), MARGIN);
    }

    @Test
    void aFileIsTakenWhenItChangedAndKeptWhenItDidNot(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("plan.yaml"), V1);
        List<String> notes = new ArrayList<>();
        try (AgentPlan p = open(f.toString())) {
            AgentPlan.Version v1 = p.current();
            assertThat(v1.id()).isEqualTo(AgentPlan.id(V1.getBytes(StandardCharsets.UTF_8))).matches("sha256:[0-9a-f]{12}");
            assertThat(p.forRun(7, Instant.now(), notes::add)).isSameAs(v1);
            assertThat(notes).isEmpty();
            Files.writeString(f, V2);
            AgentPlan.Version v2 = p.forRun(8, Instant.now(), notes::add);
            assertThat(v2.id()).isNotEqualTo(v1.id()).isEqualTo(AgentPlan.id(V2.getBytes(StandardCharsets.UTF_8)));
            assertThat(v2.plan().tests()).hasSize(3);
            assertThat(p.current()).isSameAs(v2);
            assertThat(notes).containsExactly("[run 8] plan " + f + " read again: version " + v2.id()
                    + ", 3 test(s) on 2 host(s) (1 test(s) added)");
        }
    }

    @Test
    void aBadVersionIsRefusedNamingWhyAndTheOldOneKept(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("plan.yaml"), V1);
        List<String> notes = new ArrayList<>();
        try (AgentPlan p = open(f.toString())) {
            AgentPlan.Version v1 = p.current();
            String[][] bad = {
                {"hosts: [\n", "plan is not valid YAML"},
                {V1.replace("id: a,", "id: z,").replace("[a, b]", "[z, b]"), "--host-id a is not a host of the plan (its hosts: z, b)"},
                {plan("", 20, "30s"), "longer than every 30s: the runs would overlap"},
                {plan("", 1, "1m"), "its schedule is not the plan running's: restart the agent to take it"},
                {V1.replace("duration: 1}", "duration: 1, port: 5300}"),
                    "host a receives on port 5300 in it, 5201 in the plan running: restart the agent to take it"},
            };
            long run = 10;
            for (String[] b : bad) {
                Files.writeString(f, b[0]);
                notes.clear();
                assertThat(p.forRun(run, Instant.now(), notes::add)).as(b[1]).isSameAs(v1);
                assertThat(notes).as(b[1]).singleElement().asString()
                        .startsWith("warning: [run " + run + "] plan " + f + " version " + AgentPlan.id(b[0].getBytes(StandardCharsets.UTF_8))
                                + " not taken: ")
                        .contains(b[1])
                        .contains("; the agent goes on with version " + v1.id() + " (read at ").endsWith(")");
                // said once: the same reason at the next run is quiet
                notes.clear();
                assertThat(p.forRun(run + 1, Instant.now(), notes::add)).isSameAs(v1);
                assertThat(notes).isEmpty();
                run += 2;
            }
            Files.delete(f);
            notes.clear();
            assertThat(p.forRun(run, Instant.now(), notes::add)).isSameAs(v1);
            assertThat(notes).singleElement().asString().startsWith("warning: [run " + run + "] plan " + f + " not read: ")
                    .contains("No such file or directory");
            // a good version again is taken
            Files.writeString(f, V2);
            notes.clear();
            assertThat(p.forRun(run + 1, Instant.now(), notes::add).plan().tests()).hasSize(3);
            assertThat(notes).singleElement().asString().startsWith("[run " + (run + 1) + "] plan " + f + " read again");
        }
    }

    @Test
    void aUrlIsAskedWithItsETagAndADownServerKeepsTheVersion() throws Exception {
        AtomicReference<String> served = new AtomicReference<>(V1);
        AtomicInteger bodies = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/plan.yaml", x -> {
            String body = served.get();
            String etag = "\"" + AgentPlan.id(body.getBytes(StandardCharsets.UTF_8)).substring(7) + "\"";
            x.getResponseHeaders().add("ETag", etag);
            if (etag.equals(x.getRequestHeaders().getFirst("If-None-Match"))) {
                x.sendResponseHeaders(304, -1);
                x.close();
                return;
            }
            bodies.incrementAndGet();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/plan.yaml";
        List<String> notes = new ArrayList<>();
        try (AgentPlan p = open(url)) {
            AgentPlan.Version v1 = p.current();
            assertThat(v1.id()).isEqualTo(AgentPlan.id(V1.getBytes(StandardCharsets.UTF_8)));
            assertThat(p.forRun(3, Instant.now(), notes::add)).isSameAs(v1);
            assertThat(bodies).as("the second read was a 304").hasValue(1);
            served.set(V2);
            AgentPlan.Version v2 = p.forRun(4, Instant.now(), notes::add);
            assertThat(v2.plan().tests()).hasSize(3);
            assertThat(notes).singleElement().asString().startsWith("[run 4] plan " + url + " read again: version " + v2.id()
                    + " (ETag \"");
            server.stop(0);
            notes.clear();
            assertThat(p.forRun(5, Instant.now(), notes::add)).isSameAs(v2);
            assertThat(notes).singleElement().asString().startsWith("warning: [run 5] plan " + url + " not read: " + url
                    + ": cannot connect").contains("; the agent goes on with version " + v2.id() + " (read at ");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aUrlsPlanThatNamesAProgramOrALoginOfThisHostIsRefused() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/plan.yaml", x -> {
            byte[] b = V1.replace("{id: b, address: 203.0.113.2}",
                    "{id: b, address: 203.0.113.2, commands: {iperf3j: /tmp/x}, connection: {type: ssh, identity: /root/.ssh/id_ed25519}}")
                    .getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/plan.yaml";
        try {
            assertThatThrownBy(() -> open(url)).isInstanceOf(IperfConfigurationError.class)
                    .hasMessage(url + ": a plan read from a URL names no program, file or login of this host; refused: "
                            + "plan.hosts[1] (b).commands, plan.hosts[1] (b).connection");
        } finally {
            server.stop(0);
        }
    }
}
