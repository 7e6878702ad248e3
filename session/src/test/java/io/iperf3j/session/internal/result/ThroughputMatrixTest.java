package io.iperf3j.session.internal.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import io.iperf3j.session.SessionException.IperfError;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.TestSpec;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ThroughputMatrixTest {
    private static final TestSpec TCP = TestSpec.tcp(3);
    private static final TestSpec UDP_BIDIR = new TestSpec(Transport.UDP, 3, List.of("-b", "50M"), TestSpec.DEFAULT_PORT,
            Optional.empty(), true, Optional.empty());

    /** The case the issue saw: two TCP repeats and a UDP bidir test of the same pair gave one cell no test measured. */
    @Test
    void aCellHoldsOneKindOfTestAndBothHalvesOfABidirTestArePlaced() {
        ThroughputMatrix m = ThroughputMatrix.of(List.of(
                ok("t1", "a", "b", TCP, 1, 9_000e6, OptionalDouble.empty()),
                ok("t1", "a", "b", TCP, 2, 11_000e6, OptionalDouble.empty()),
                ok("u1", "a", "b", UDP_BIDIR, 1, 50e6, OptionalDouble.of(49e6))), List.of("a", "b"));

        assertThat(m.tables()).extracting(ThroughputMatrix.Table::kind).containsExactly("tcp", "udp bidir -b 50M");
        ThroughputMatrix.Table tcp = m.tables().get(0);
        assertThat(tcp.cell("a", "b")).isEqualTo("10000.0"); // the two repeats, and only they
        assertThat(tcp.cell("b", "a")).isEqualTo("-");
        ThroughputMatrix.Table udp = m.tables().get(1);
        assertThat(udp.cell("a", "b")).isEqualTo("50.0");
        assertThat(udp.cell("b", "a")).isEqualTo("49.0");
        assertThat(m.ok()).isEqualTo(3);
        assertThat(m.text()).contains("tcp: 2 tests").contains("udp bidir -b 50M: 1 test (each placed twice");
        assertThat(m.text()).doesNotContain("8880"); // (9000 + 11000 + 50) / 3 - 5, the old mixed cell
    }

    @Test
    void aFailedRepeatMarksItsCellAndAFailedBidirTestFailsBothHalves() {
        ThroughputMatrix m = ThroughputMatrix.of(List.of(
                ok("t1", "a", "b", TCP, 1, 900e6, OptionalDouble.empty()),
                failed("t1", "a", "b", TCP, 2),
                failed("u1", "b", "c", UDP_BIDIR, 1)), List.of());
        assertThat(m.tables().get(0).cell("a", "b")).isEqualTo("900.0*");
        assertThat(m.tables().get(1).cell("b", "c")).isEqualTo("FAIL");
        assertThat(m.tables().get(1).cell("c", "b")).isEqualTo("FAIL");
        assertThat(m.failed()).isEqualTo(2);
        assertThat(m.failures()).hasSize(2).allMatch(f -> f.contains("IperfError: refused"));
        assertThat(m.csv()).startsWith("sender\\receiver,a,b,c,kind\n").contains("a,,900.0*,-,tcp\n")
                .contains("c,-,FAIL,,udp bidir -b 50M\n");
        assertThat(m.markdown()).contains("### tcp: 2 tests").contains("| a |  | 900.0* |");
    }

    /**
     * Issue 37: a 48-host mesh (2 256 tests) was a matrix 592 columns wide. Now every line of the text
     * but the failures' own fits in 100 columns: the lowest pairs and a line per host (min / median /
     * max as sender and as receiver), while the CSV keeps every cell.
     */
    @Test
    void aFleetsTextIsItsLowestPairsAndALinePerHostAndTheCsvKeepsEveryCell() {
        List<String> hosts = new java.util.ArrayList<>();
        for (int i = 1; i <= 48; i++) {
            hosts.add(String.format("fl%02d", i));
        }
        List<TestResult> results = new java.util.ArrayList<>();
        for (String from : hosts) {
            for (String to : hosts) {
                if (from.equals(to)) {
                    continue;
                }
                String id = "mesh_" + from + "-" + to;
                if (to.equals("fl22")) {
                    results.add(failed(id, from, to, TCP, 1));           // fl22 unreachable as a receiver
                } else if (from.equals("fl07")) {
                    results.add(ok(id, from, to, TCP, 1, 45e6 + hosts.indexOf(to) * 1e5, OptionalDouble.empty())); // a slow sender
                } else {
                    results.add(ok(id, from, to, TCP, 1, 9_000e6 + hosts.indexOf(from) * 1e6 + hosts.indexOf(to) * 1e3,
                            OptionalDouble.empty()));
                }
            }
        }
        ThroughputMatrix m = ThroughputMatrix.of(results, hosts);
        String text = m.text();

        List<String> lines = text.lines().toList();
        assertThat(lines.stream().filter(l -> !l.startsWith("FAILED ")))
                .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(ThroughputMatrix.TEXT_WIDTH));
        assertThat(text).doesNotContain("sender\\receiver").contains("tcp: 2256 tests")
                .contains("48 hosts, 2256 pairs: too wide to print; every cell is in summary.csv");
        // the ten lowest pairs, lowest first: fl07's, to fl01, fl02, ... (fl22's column failed, not low)
        int at = lines.indexOf("lowest received Mbit/s (10 of 2209 measured pairs):");
        assertThat(at).isPositive();
        assertThat(lines.subList(at + 1, at + 11)).containsExactly(
                "  fl07 -> fl01    45.0", "  fl07 -> fl02    45.1", "  fl07 -> fl03    45.2", "  fl07 -> fl04    45.3",
                "  fl07 -> fl05    45.4", "  fl07 -> fl06    45.5", "  fl07 -> fl08    45.7", "  fl07 -> fl09    45.8",
                "  fl07 -> fl10    45.9", "  fl07 -> fl11    46.0");
        // per host: every host once; fl07 slow as a sender only, fl22 never measured as a receiver
        for (String h : hosts) {
            assertThat(lines.stream().filter(l -> l.matches("  " + h + " +(\\d|- ).*"))).as(h).hasSize(1);
        }
        String fl07 = lines.stream().filter(l -> l.matches("  fl07 +(\\d|- ).*")).findFirst().orElseThrow();
        // fl07 sends to 46 measured receivers (not itself, fl22 failed): indexes 0..47 but 6 and 21 -> median of 46
        assertThat(fl07).matches("  fl07  45\\.0 / 47\\.[45] / 49\\.7 +9\\d{3}\\.\\d / 9\\d{3}\\.\\d / 9\\d{3}\\.\\d +1 pair failed");
        String fl22 = lines.stream().filter(l -> l.matches("  fl22 +(\\d|- ).*")).findFirst().orElseThrow();
        assertThat(fl22).matches("  fl22  9021\\.0 / 9021\\.0 / 9021\\.0 +- +47 pairs failed");
        assertThat(lines.stream().filter(l -> l.startsWith("FAILED mesh_"))).hasSize(47);
        assertThat(text).contains("2209 ok, 47 failed");

        // the CSV: every host's row and column, every cell as the matrix has it
        List<String> csv = m.csv().lines().toList();
        assertThat(csv).hasSize(49);
        assertThat(csv.getFirst().split(",")).hasSize(50);
        assertThat(csv).contains("fl22," + String.join(",", hosts.stream().map(h -> h.equals("fl22") ? ""
                : String.format(java.util.Locale.ROOT, "%.1f", (9_000e6 + 21e6 + hosts.indexOf(h) * 1e3) / 1e6)).toList()) + ",tcp");
        assertThat(csv.get(7)).startsWith("fl07,45.0,45.1,").contains(",FAIL,");
    }

    /** Seven hosts with short names still fit: the matrix as it always was. */
    @Test
    void aSmallPlanKeepsItsMatrix() {
        List<TestResult> results = new java.util.ArrayList<>();
        List<String> hosts = List.of("a", "b", "c", "d", "e", "f", "g");
        for (String from : hosts) {
            for (String to : hosts) {
                if (!from.equals(to)) {
                    results.add(ok(from + to, from, to, TCP, 1, 940e6, OptionalDouble.empty()));
                }
            }
        }
        String text = ThroughputMatrix.of(results, hosts).text();
        assertThat(text).contains("sender\\receiver a           b").doesNotContain("too wide");
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(ThroughputMatrix.TEXT_WIDTH));
        results.add(ok("ha", "h", "a", TCP, 1, 120_000e6, OptionalDouble.empty())); // 120 Gbit/s: a wider figure
        String digest = ThroughputMatrix.of(results, List.of()).text();
        assertThat(digest).as("an eighth host is too wide").contains("8 hosts, 43 pairs");
        assertThat(digest.lines()).as("columns stay apart")
                .contains("  h     120000.0 / 120000.0 / 120000.0 -", "  a     940.0 / 940.0 / 940.0         940.0 / 940.0 / 120000.0");
    }

    @Test
    void argumentsCannotTurnATestAroundBehindThePlan() {
        for (String arg : List.of("-R", "--reverse", "--bidir")) {
            assertThatThrownBy(() -> TCP.withArgs(List.of("-P", "2", arg)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(arg + " is set by the direction");
        }
    }

    /**
     * What held each test back ({@code --why}) is a letter after the cell's rate, with its legend, and a section after the
     * counts: the directions per cause, each fixable one with its change, the reasons a verdict was not determined.
     * The CSV keeps rates only.
     */
    @Test
    void aLongLineIsBrokenAtSpacesWithTheRestIndented() {
        assertThat(ThroughputMatrix.wrapped("short line", 100)).isEqualTo("short line\n");
        assertThat(ThroughputMatrix.wrapped("", 100)).isEqualTo("\n");
        assertThat(ThroughputMatrix.wrapped("aaaa bbbb cccc dddd", 9)).isEqualTo("aaaa bbbb\n  cccc\n  dddd\n");
        assertThat(ThroughputMatrix.wrapped("aaaaaaaaaaaa bb", 9)).isEqualTo("aaaaaaaaaaaa\n  bb\n");
    }

    @Test
    void theCauseIsALetterInEachCellAndTheFixableOnesAreListed() {
        TestSpec bidir = new TestSpec(Transport.TCP, 3, List.of(), TestSpec.DEFAULT_PORT, Optional.empty(), true, Optional.empty());
        TestResult.Verdict window = new TestResult.Verdict(true, io.iperf3j.Cause.RECEIVER_WINDOW, "limited by the receiver's window",
                "the BDP filled 75 % of the window", Optional.of("raise net.ipv4.tcp_rmem's max to 4.0 MiB on the receiver"));
        TestResult.Verdict path = new TestResult.Verdict(false, io.iperf3j.Cause.PATH, "limited by the path (congestion window)", "r",
                Optional.empty());
        TestResult.Verdict unknown = TestResult.Verdict.notDetermined(true, "the client is iperf3, which gives no verdict");
        List<TestResult> results = List.of(
                withWhy(ok("w_a-b", "a", "b", bidir, 1, 40e6, OptionalDouble.of(90e6)), window, path),
                withWhy(ok("u_b-c", "b", "c", TCP, 1, 20e6, OptionalDouble.empty()), unknown),
                withWhy(ok("m_c-a", "c", "a", TCP, 1, 20e6, OptionalDouble.empty()), new TestResult.Verdict(true, path.cause(),
                        path.headline(), path.reason(), path.remedy())),
                withWhy(ok("m_c-a", "c", "a", TCP, 2, 20e6, OptionalDouble.empty()), window));
        ThroughputMatrix m = ThroughputMatrix.of(results, List.of("a", "b", "c"));
        ThroughputMatrix.Table t = m.tables().get(0);
        assertThat(t.cell("a", "b")).isEqualTo("40.0 W");
        assertThat(t.cell("b", "a")).as("the reverse half's own verdict").isEqualTo("90.0 P");
        assertThat(m.tables().get(1).cell("b", "c")).isEqualTo("20.0 ?");
        assertThat(m.tables().get(1).cell("c", "a")).as("repeats that differ").isEqualTo("20.0 ~");
        String text = m.text();
        assertThat(text.lines()).as("a summary fits a terminal, its legend too")
                .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(ThroughputMatrix.TEXT_WIDTH));
        // the lines under the counts are broken at 100 columns (a later line indented by two), joined here
        assertThat(text.replace("\n  ", " ")).contains("P path, W receiver's window", "D receiver's socket buffer", "? not determined, ~ repeats differ")
                .contains("What held each direction of data back (iperf3j --why): the path (congestion window) 2, "
                        + "the receiver's window 2, not determined 1")
                .contains("a -> b (w_a-b): limited by the receiver's window; change: raise net.ipv4.tcp_rmem's max to 4.0 MiB on the receiver")
                .contains("not determined (1): the client is iperf3, which gives no verdict")
                .doesNotContain("b -> a (w_a-b)");
        assertThat(m.csv()).doesNotContain(" W", " P").contains("40.0");
        assertThat(m.markdown()).contains("| 40.0 W |", "- a -> b (w_a-b): limited by the receiver's window");
        assertThat(ThroughputMatrix.of(List.of(ok("x", "a", "b", TCP, 1, 1e6, OptionalDouble.empty())), List.of()).text())
                .as("no verdicts, no legend").doesNotContain("limited by", "What held");
    }

    /** What a run keeps of each result gives the same summaries, and keeps none of its outputs' intervals. */
    @Test
    void aKeptResultGivesTheSameSummariesWithoutItsIntervals() throws java.io.IOException {
        String text;
        try (java.io.InputStream in = ThroughputMatrixTest.class.getResourceAsStream("/io/iperf3j/golden/iperf3j_client_tcp.json")) {
            assertThat(in).isNotNull();
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        TestResult.ParsedOutput client = IperfOutputs.parse(text, io.iperf3j.Role.CLIENT, Transport.TCP);
        assertThat(client.intervals()).isNotEmpty();
        TestResult.Verdict why = new TestResult.Verdict(true, io.iperf3j.Cause.PATH, "limited by the path", "losses", Optional.empty());
        TestResult full = new TestResult("t1", "a", "b", "up", TCP, 1, new TestResult.Outcome.Completed(9e8, 8.9e8, 1_000_000),
                Optional.of(Path.of("raw/t1.json")), Optional.empty(), Optional.of(client), Optional.of(client), List.of("a warning"),
                Duration.ofSeconds(3), List.of(why));
        List<TestResult> fulls = List.of(full, failed("t2", "b", "a", TCP, 1));
        List<TestResult> kept = fulls.stream().map(ThroughputMatrix::kept).toList();

        assertThat(kept.get(0).clientParsed()).isEmpty();
        assertThat(kept.get(0).serverParsed()).isEmpty();
        assertThat(kept.get(0).warnings()).isEmpty();
        assertThat(kept.get(0).why()).containsExactly(why);
        ThroughputMatrix a = ThroughputMatrix.of(fulls, List.of("a", "b"));
        ThroughputMatrix b = ThroughputMatrix.of(kept, List.of("a", "b"));
        assertThat(b.text()).isEqualTo(a.text()).contains("890.0 P", "the path (congestion window) 1");
        assertThat(b.csv()).isEqualTo(a.csv());
        assertThat(b.markdown()).isEqualTo(a.markdown());
    }

    private static TestResult withWhy(TestResult r, TestResult.Verdict... why) {
        return new TestResult(r.id(), r.sender(), r.receiver(), r.direction(), r.spec(), r.repeat(), r.outcome(), r.clientOutput(),
                r.serverOutput(), r.clientParsed(), r.serverParsed(), r.warnings(), r.elapsed(), List.of(why));
    }

    private static TestResult ok(String id, String from, String to, TestSpec spec, int repeat, double bps, OptionalDouble reverse) {
        return result(id, from, to, spec, repeat, new TestResult.Outcome.Completed(bps * 1.01, bps, (long) (bps / 8 * 3), reverse));
    }

    private static TestResult failed(String id, String from, String to, TestSpec spec, int repeat) {
        return result(id, from, to, spec, repeat, new TestResult.Outcome.Failed(new IperfError("refused")));
    }

    private static TestResult result(String id, String from, String to, TestSpec spec, int repeat, TestResult.Outcome outcome) {
        return new TestResult(id, from, to, spec.bidir() ? "bidir" : "up", spec, repeat, outcome, Optional.<Path>empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Duration.ofSeconds(3));
    }
}
