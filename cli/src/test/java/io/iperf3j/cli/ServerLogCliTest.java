package io.iperf3j.cli;

import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.testing.Async;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --server-log} through the command: the lines go to standard error (or the
 * {@code --logfile}), with the {@code --timestamps} prefix, and never into the
 * {@code -J} document on standard output; without the option the server's output
 * is iperf3's alone.
 */
@Tag("peer")
@Timeout(60)
class ServerLogCliTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs {@code iperf3j -s -1 -p PORT args} in this JVM and one real iperf3 client test against it. */
    private int serveOneTest(String... args) throws Exception {
        int port = FreePorts.next();
        List<String> all = new ArrayList<>(List.of("-s", "-1", "-p", Integer.toString(port)));
        all.addAll(List.of(args));
        Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        CompletableFuture<Integer> serving = Async.async(() -> main.run(all.toArray(String[]::new)));
        Process client = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            Thread.sleep(50);
            client = new ProcessBuilder(Iperf3Binary.PATH.toString(), "-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1")
                    .redirectErrorStream(true).start();
            String text = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
            if (client.exitValue() == 0) {
                break;
            }
            assertThat(text).as("only 'not listening yet' is retried").contains("Connection refused");
        }
        return serving.get(20, TimeUnit.SECONDS);
    }

    @Test
    void jsonOnStandardOutputLogLinesOnStandardError() throws Exception {
        assertThat(serveOneTest("-J", "--server-log")).isZero();
        String stdout = out.toString(StandardCharsets.UTF_8);
        PeerJson.parseObject(stdout.getBytes(StandardCharsets.UTF_8)); // one clean document
        assertThat(stdout).doesNotContain("iperf3j-server");
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
                .anyMatch(l -> l.startsWith("iperf3j-server: test=1 event=start client=127.0.0.1:") && l.contains("proto=TCP"))
                .anyMatch(l -> l.startsWith("iperf3j-server: test=1 event=end ") && l.contains("result=ok")
                        && l.matches(".* received=[1-9][0-9]* .*"));
    }

    @Test
    void logFileTakesTheLinesWithTimestamps() throws Exception {
        Path log = dir.resolve("server.log");
        assertThat(serveOneTest("--server-log", "--logfile", log.toString(), "--timestamps=%Y-%m-%d %H:%M:%S ")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).anyMatch(l -> l.contains("Server listening on"));
        assertThat(lines).anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d iperf3j-server: test=1 event=end .*result=ok"));
    }

    @Test
    void withoutTheOptionTheOutputIsIperf3sAlone() throws Exception {
        assertThat(serveOneTest()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("iperf3j-server").contains("Server listening on");
    }
}
