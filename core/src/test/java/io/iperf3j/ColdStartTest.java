package io.iperf3j;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IperfClient#run} returns at once even as the first call of a JVM (issue 16):
 * the one-time set-up (option parsing, FFM linker, uname, the engine's classes) happens
 * on the test's own thread, not the caller's.
 *
 * <p>This is a time limit in a unit test, which the project otherwise keeps in
 * benchmarks: here the time is the contract itself ("returns at once", DL-7450), not a
 * performance figure. Before the fix the cold call took 400-770 ms on an idle machine,
 * after it 1-5 ms; the bound of 50 ms is the one the issue sets. A descheduled child on a
 * busy machine can still miss it once, so the child runs up to three times and the
 * best run counts: work on the caller's thread shows in every run, a scheduling hiccup
 * in one.
 */
@Timeout(120)
class ColdStartTest {
    private static final Pattern LINE = Pattern.compile(
            Pattern.quote(ColdClientProbe.PREFIX) + " construct_us=(\\d+) run_us=(\\d+) callback_ms=(\\d+) keys=(.*)");
    private static final long LIMIT_MICROS = 50_000;
    private static final int ATTEMPTS = 3;

    private RunningIperf server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null && !server.isDone()) {
            server.cancel();
        }
    }

    @Test
    void firstRunOfAFreshJvmReturnsWithinFiftyMilliseconds() throws Exception {
        server = IperfCommand.server().port(0).longLived().spawn();
        int port = server.localPort().orElseThrow(() -> new AssertionError("server did not listen"));
        List<String> runs = new ArrayList<>();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < ATTEMPTS && best >= LIMIT_MICROS; i++) {
            Matcher m = probe(port);
            long runMicros = Long.parseLong(m.group(2));
            runs.add(m.group(0));
            // The callback came with iperf3's document: the test really ran, off the caller's thread.
            assertThat(m.group(4)).as("result keys of %s", m.group(0)).contains("start", "intervals", "end");
            best = Math.min(best, runMicros);
        }
        assertThat(best).as("cold IperfClient.run() in microseconds, runs: %s", runs).isLessThan(LIMIT_MICROS);
    }

    /** Runs {@link ColdClientProbe} in a JVM of its own and returns its result line. */
    private static Matcher probe(int port) throws IOException, InterruptedException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ColdClientProbe.class.getName(), Integer.toString(port));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the probe JVM did not end within 60 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("probe exit status; output:%n%s", out).isZero();
            for (String line : out.split("\n")) {
                Matcher m = LINE.matcher(line.strip());
                if (m.matches()) {
                    return m;
                }
            }
            throw new AssertionError("no result line from the probe:\n" + out);
        } finally {
            p.destroyForcibly();
        }
    }
}
