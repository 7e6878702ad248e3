package io.iperf3j.export.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.export.RealTools;

import io.iperf3j.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code iperf3j exporter}'s command line (picocli), its default address and its log of failed probes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExporterCommandTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @Test
    void listensOnLoopbackUnlessToldOtherwise() {
        assertThat(new ExporterCommand.Options().listen).isEqualTo("127.0.0.1:9579");
        assertThat(ExporterCommand.address(ExporterCommand.DEFAULT_LISTEN).getAddress().isLoopbackAddress()).isTrue();
        assertThat(ExporterCommand.address(":9579").getAddress().isAnyLocalAddress()).isTrue();
        assertThat(ExporterCommand.usage()).contains("default 127.0.0.1:9579; :9579 = every interface")
                .contains("iperf3_exporter's --web.listen-address too").doesNotContain(", --web.listen-address");
        ExporterCommand.Options aliased = new ExporterCommand.Options();
        new picocli.CommandLine(aliased).parseArgs("--web.listen-address", ":1", "--iperf3.timeout=2s");
        assertThat(aliased.listen).isEqualTo(":1");
        assertThat(aliased.timeout).isEqualTo("2s");
    }

    @Test
    void badArgumentsExitOneWithTheReasonAndTheUsage() {
        assertThat(ExporterCommand.run(List.of("--bogus"), out, err, r -> { })).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo("iperf3j exporter: Unknown option: '--bogus'\n\n"
                + "Usage: iperf3j exporter [options]\nTry `iperf3j exporter --help' for more information.\n");
        errBytes.reset();
        assertThat(ExporterCommand.run(List.of("--timeout"), out, err, r -> { })).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).as("the name given (plan bug 9)")
                .startsWith("iperf3j exporter: Missing required parameter for option '--timeout' (DURATION)");
        errBytes.reset();
        assertThat(ExporterCommand.run(List.of("--iperf3.timeout"), out, err, r -> { })).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8))
                .startsWith("iperf3j exporter: Missing required parameter for option '--iperf3.timeout' (DURATION)");
        errBytes.reset();
        assertThat(ExporterCommand.run(List.of("--iperf3.timeout=0s"), out, err, r -> { })).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).startsWith("iperf3j exporter: parameter error - --timeout must be greater than zero\n\nUsage: ");
        assertThat(ExporterCommand.run(List.of("--help"), out, err, r -> { })).isZero();
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).startsWith("Usage: iperf3j exporter");
    }

    @Test
    void aFailedProbeIsLoggedWithItsReason() throws Exception {
        Started e = start("; loopback only: --listen :\\d+ serves every interface");
        int closed = FreePorts.next();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port()
                    + "/probe?target=127.0.0.1:" + closed)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).contains("iperf3_up{").startsWith("# iperf3j probe failed: ");
        } finally {
            e.stop();
        }
        assertThat(errBytes.toString(StandardCharsets.UTF_8))
                .startsWith("iperf3j exporter: probe of target=127.0.0.1:" + closed + " port=" + closed + " failed: ")
                .containsIgnoringCase("connect");
    }

    /**
     * A {@code /probe} whose target holds line ends, a NEL, U+2028 and a terminal escape: the failed
     * probe is still one log line, with those characters escaped, and nothing it carries starts a line.
     */
    @Test
    void aTargetCannotForgeALogLine() throws Exception {
        Started e = start("");
        int closed = FreePorts.next();
        String forged = "no-such-host.invalid%0Aiperf3j+exporter+-+forged%0D%0Aiperf3j%C2%85nel%E2%80%A8ls%1B%5B2J";
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port()
                    + "/probe?target=" + forged + "&port=" + closed)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("# iperf3j probe failed: ");
            assertThat(r.body().lines().filter(l -> l.contains("forged")))
                    .as("the answer's comment line and labels hold the target, each on one line")
                    .allMatch(l -> l.startsWith("# iperf3j probe failed: ") || l.startsWith("iperf3_"));
        } finally {
            e.stop();
        }
        String log = errBytes.toString(StandardCharsets.UTF_8);
        assertThat(log.split("\n", -1)).as(log).hasSize(2); // one line and its line end
        assertThat(log).startsWith("iperf3j exporter: probe of target=no-such-host.invalid\\niperf3j exporter - forged"
                        + "\\r\\niperf3j\\x{0085}nel\\x{2028}ls\\x1b[2J port=" + closed + " failed: ")
                .doesNotContain("\r", "\u0085", "\u2028", "\u001b");
    }

    /** An exporter run in this JVM, listening on a port of its choosing. */
    private record Started(int port, AtomicReference<Runnable> stopper, CompletableFuture<Integer> status) {
        /** Stops it; its status must be 0. */
        void stop() throws Exception {
            while (stopper.get() == null) {
                Thread.sleep(5);
            }
            stopper.get().run();
            assertThat(status.get(20, TimeUnit.SECONDS)).isZero();
        }
    }

    /** Starts the exporter on 127.0.0.1 and waits for its "listening on" line (with {@code after} after the port). */
    private Started start(String after) throws Exception {
        AtomicReference<Runnable> stop = new AtomicReference<>();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> ExporterCommand.run(
                List.of("--web.listen-address=127.0.0.1:0", "--timeout", "5s"), out, err, stop::set));
        Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) .*" + after).matcher("");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!m.reset(outBytes.toString(StandardCharsets.UTF_8)).find()) {
            assertThat(System.nanoTime()).as("the exporter did not start: %s", errBytes).isLessThan(deadline);
            Thread.sleep(10);
        }
        return new Started(Integer.parseInt(m.group(1)), stop, status);
    }
}
