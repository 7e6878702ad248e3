package io.iperf3j.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Garbage in: {@code iperf3j report} exits 1 with a message naming the input, and writes nothing. */
@Timeout(60)
class ReportBadInputTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private Run report(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReportCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void rejected(Path input, String why) throws Exception {
        Path html = dir.resolve("out-" + input.getFileName() + ".html");
        Run r = report(input.toString(), "-o", html.toString());
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("iperf3j report: error - " + input).contains(why).contains("nothing written");
        assertThat(html).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void aPrometheusServerThatIsNotThereIsNamedWithWhy() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path html = dir.resolve("prom.html");
        Run r = report("prometheus+http://127.0.0.1:" + port, "--since", "1h", "-o", html.toString());
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("iperf3j report: error - prometheus+http://127.0.0.1:" + port + ": connection refused")
                .contains("nothing written");
        assertThat(html).doesNotExist();
    }

    @Test
    void prometheusOptionsWithoutAPrometheusInputOrWithABadRangeAreRefused() throws Exception {
        Path html = dir.resolve("prom.html");
        Run r = report(Inputs.reference("tcp.json").toString(), "--since", "1h", "-o", html.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("--since, --from, --to and --match choose what a prometheus+http:// input reads; there is none");
        r = report("prometheus+http://127.0.0.1:9", "--since", "1h", "--from", "0", "-o", html.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("iperf3j report: error - give --since or --from, not both");
        r = report("prometheus+http://127.0.0.1:9", "--match", "job=x", "-o", html.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("prometheus+http://127.0.0.1:9: --match takes label matchers in braces");
        assertThat(html).doesNotExist();
    }

    /** {@code --stale-after} (issue 69): not a duration, no history among the inputs, or with --compare: refused, nothing written. */
    @Test
    void aStaleSpanThatIsNoDurationOrHasNoHistoryIsRefused() throws Exception {
        Path html = dir.resolve("stale.html");
        Run r = report(Inputs.reference("tcp.json").toString(), "--stale-after", "6x", "-o", html.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("iperf3j report: error - --stale-after 6x: not a duration such as 30m, 6h or 7d");
        r = report(Inputs.reference("tcp.json").toString(), "--stale-after", "0s", "-o", html.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("--stale-after 0s: not in 1s .. 3660d");
        r = report(Inputs.reference("tcp.json").toString(), "--stale-after", "6h", "-o", html.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("iperf3j report: error - --stale-after 6h goes with a scheduled session's history; none of the inputs is one")
                .contains("nothing written");
        assertThat(html).doesNotExist();
        r = report("--compare", Inputs.reference("tcp.json").toString(), Inputs.reference("tcp.json").toString(), "--stale-after", "6h");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--stale-after does not go with --compare");
    }

    /**
     * {@code --compare prometheus+http://…} (issue 66): a server that is not there, a missing or bad {@code --offset}, two
     * servers, range options with files: exit 2 and the reason in words; {@code --offset} without {@code --compare} is the
     * report's usage error (1).
     */
    @Test
    void comparingAPrometheusRangeSaysWhatIsWrongAndExits2() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String server = "prometheus+http://127.0.0.1:" + port;
        Run r = report("--compare", server, "--since", "1h", "--offset", "7d", "--fail-below", "10");
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("iperf3j report: error - " + server + ": connection refused\n");
        r = report("--compare", server, "--fail-below", "10");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("iperf3j report: error - --compare " + server + " needs --offset DURATION: the baseline is"
                + " the same range that much earlier (--offset 7d: a week)\n");
        r = report("--compare", server, "--offset", "a week");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("iperf3j report: error - --offset a week: not a duration such as 30m, 6h or 7d (or 0)\n");
        r = report("--compare", server, "--offset", "7d", "--since", "1h", "--from", "0");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("give --since or --from, not both");
        r = report("--compare", server, server, "--offset", "7d");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("takes one server (its range against the same range --offset earlier); 2 inputs given");
        String tcp = Inputs.reference("tcp.json").toString();
        r = report("--compare", tcp, tcp, "--offset", "7d");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--since, --from, --to, --match and --offset go with --compare prometheus+http://HOST:PORT;"
                + " these inputs are files");
        r = report(server, "--offset", "7d", "-o", dir.resolve("x.html").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("--offset goes with --compare");
    }

    @Test
    void iperfTextOutputIsNotJson() throws Exception {
        // issue 57: what it is and how to get the JSON, not only "not valid JSON"
        rejected(Inputs.reference("tcp.txt"), "not iperf3 JSON output (it looks like iperf3's text output): run iperf3"
                + " (or iperf3j) with -J or --json-stream and save its stdout, e.g. iperf3 -c HOST -J > run.json");
        rejected(Files.writeString(dir.resolve("notes.txt"), "my notes\n"), "not valid JSON at line 1, column");
    }

    @Test
    void emptyFile() throws Exception {
        rejected(Files.createFile(dir.resolve("empty.json")), "empty file");
    }

    @Test
    void jsonThatIsNotIperf() throws Exception {
        rejected(Files.writeString(dir.resolve("other.json"), "{\"name\": \"x\", \"values\": [1, 2]}"),
                "not an iperf3 -J or --json-stream output (no start, intervals, end or error)");
        rejected(Files.writeString(dir.resolve("array.json"), "[1, 2, 3]"), "does not start with a JSON object");
    }

    @Test
    void truncatedDocument() throws Exception {
        String whole = Files.readString(Inputs.reference("tcp.json"));
        rejected(Files.writeString(dir.resolve("cut.json"), whole.substring(0, whole.length() / 2)), "not valid JSON at line");
    }

    @Test
    void intervalsThatAreNotIntervals() throws Exception {
        rejected(Files.writeString(dir.resolve("bad-intervals.json"), "{\"start\": {}, \"intervals\": [1, 2]}"),
                "interval 1 is not a JSON object");
        rejected(Files.writeString(dir.resolve("no-sum.json"), "{\"start\": {}, \"intervals\": [{\"streams\": []}]}"),
                "interval 1 has no \"sum\" object");
    }

    @Test
    void binaryBytes() throws Exception {
        byte[] bytes = new byte[4096];
        new Random(14).nextBytes(bytes);
        rejected(Files.write(dir.resolve("random.bin"), bytes), "not");
    }

    @Test
    void jsonStreamWithABrokenLine() throws Exception {
        List<String> lines = Files.readAllLines(Inputs.resource("runs/ours_tcp_stream.jsonl"));
        String broken = lines.get(0) + "\n" + lines.get(1).substring(0, 20) + "\n";
        rejected(Files.writeString(dir.resolve("broken.jsonl"), broken), "not valid JSON at line");
    }

    @Test
    void missingInputAndDirectoryWithoutTests() throws Exception {
        rejected(dir.resolve("nope.json"), "no such file or directory");
        rejected(Files.createDirectory(dir.resolve("not-a-session")), "without tests.jsonl");
    }

    @Test
    void sessionWithAGarbageLine() throws Exception {
        Path s = Files.createDirectory(dir.resolve("session"));
        Files.writeString(s.resolve("tests.jsonl"), "{\"id\": \"t1\", \"status\": \"ok\"}\nnot json\n");
        rejected(s, "line 2 is not valid JSON");
    }

    @Test
    void sessionWhoseLastLineIsBeingWrittenIsReadWithoutIt() throws Exception {
        // a report of a plan that is still running: the session's last line may be read half written
        Path s = Files.createDirectory(dir.resolve("running"));
        Files.writeString(s.resolve("tests.jsonl"), "{\"id\": \"t1\", \"status\": \"ok\"}\n{\"id\": \"t2\", \"sta");
        Path html = dir.resolve("running.html");
        Run r = report(s.toString(), "-o", html.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readString(html)).contains("t1").doesNotContain("\"t2\"");
    }

    @Test
    void oneBadInputAmongGoodOnesWritesNothingAndKeepsAnOldReport() throws Exception {
        Path html = dir.resolve("kept.html");
        Files.writeString(html, "old report");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{");
        Run r = report(Inputs.reference("tcp.json").toString(), bad.toString(), "-o", html.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(bad.toString());
        assertThat(Files.readString(html)).isEqualTo("old report");
    }

    @Test
    void argumentsAreChecked() {
        Run noOutput = report(Inputs.reference("tcp.json").toString());
        assertThat(noOutput.status()).isEqualTo(1);
        assertThat(noOutput.err()).contains("Missing required option: '--output=FILE'");
        Run noInput = report("-o", dir.resolve("x.html").toString());
        assertThat(noInput.status()).isEqualTo(1);
        assertThat(noInput.err()).contains("INPUT");
        Run help = report("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("iperf3j report").contains("--output");
    }
}
