package io.iperf3j.interop.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.interop.matrix.CellRun.Outcome;
import io.iperf3j.interop.matrix.CellRun.Verdict;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.NetnsPair;
import io.iperf3j.testing.PeerRun.Peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The interop matrix as a product (issue 10): peers {iperf3 3.12, iperf3 3.21, iperf3j}
 * in both roles (real against real left out) × {TCP, UDP} × {forward, -R, --bidir} ×
 * {-t, -n, -k} × {-P 1, -P 3}, once on loopback with UDP at 2 Gbit/s a stream (which
 * loses datagrams there) and once across two network namespaces with 5 % of UDP
 * datagrams dropped at random by nft. Every cell has a hard deadline (expected duration
 * + 10 s, the server 5 s more) and must end with exit 0, no error in either JSON, and
 * both documents agreeing by iperf3's rules ({@link Agreement}). The cells run a few at
 * a time (they only need to end and agree, so sharing the CPU cannot turn one red
 * unless something hangs); the table goes to the output and to
 * {@code target/interop-matrix.md}.
 */
@Tag("peer")
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(1500)
class InteropMatrixTest {
    /** Cells at once: each is two processes; the loopback UDP cells saturate a core each. */
    private static final int PARALLEL = Integer.getInteger("iperf3j.matrix.parallel", 3);

    private static final List<Peer[]> PAIRS = List.of(
            new Peer[] {Peer.IPERF3J, Peer.IPERF3J},
            new Peer[] {Peer.IPERF3J, Peer.IPERF3},
            new Peer[] {Peer.IPERF3J, Peer.IPERF3_21},
            new Peer[] {Peer.IPERF3, Peer.IPERF3J},
            new Peer[] {Peer.IPERF3_21, Peer.IPERF3J});

    private ExecutorService pool;
    private NetnsPair pair;
    private final List<CompletableFuture<Outcome>> all = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        Iperf3Binary.V3_12.requireThis();
        Iperf3Binary.V3_21.requireThis();
        pool = Executors.newFixedThreadPool(PARALLEL);
        pair = NetnsPair.create();
        pair.dropUdpInBoth(5);
    }

    @AfterAll
    void stop() throws IOException {
        pool.shutdownNow();
        try {
            writeTable();
        } finally {
            if (pair != null) {
                pair.close();
            }
        }
    }

    static List<Cell> product(Cell.Network network) {
        List<Cell> cells = new ArrayList<>();
        for (Peer[] p : PAIRS) {
            for (boolean udp : new boolean[] {false, true}) {
                for (Cell.Direction d : Cell.Direction.values()) {
                    for (Cell.End e : Cell.End.values()) {
                        for (int streams : new int[] {1, 3}) {
                            cells.add(new Cell(network, p[0], p[1], udp, d, e, streams));
                        }
                    }
                }
            }
        }
        return cells;
    }

    @TestFactory
    Stream<DynamicTest> loopback() {
        return submitAll(product(Cell.Network.LOOPBACK), null);
    }

    @TestFactory
    Stream<DynamicTest> acrossNamespacesWithLoss() throws IOException {
        long before = pair.dropped(pair.nsA) + pair.dropped(pair.nsB);
        List<Cell> cells = product(Cell.Network.NETNS_LOSS);
        Stream<DynamicTest> tests = submitAll(cells, pair);
        // After the cells: the drop rule really dropped datagrams (loss was certain, not hoped for).
        DynamicTest lossHappened = DynamicTest.dynamicTest("netns: nft dropped UDP datagrams during the matrix", () -> {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            long after = pair.dropped(pair.nsA) + pair.dropped(pair.nsB);
            boolean anyUdp = cells.stream().anyMatch(c -> c.udp() && selected(List.of(c)).size() == 1);
            assertThat(after - before).as("datagrams nft dropped").isGreaterThan(anyUdp ? 100 : -1);
        });
        return Stream.concat(tests, Stream.of(lossHappened));
    }

    /** {@code -Diperf3j.matrix.only=A,B}: only the cells whose name contains A or B (for working on a few). */
    private static List<Cell> selected(List<Cell> cells) {
        String only = System.getProperty("iperf3j.matrix.only", "");
        if (only.isBlank()) {
            return cells;
        }
        List<String> parts = List.of(only.split(","));
        return cells.stream().filter(c -> parts.stream().anyMatch(p -> c.name().contains(p))).toList();
    }

    private Stream<DynamicTest> submitAll(List<Cell> product, NetnsPair where) {
        List<Cell> cells = selected(product);
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (Cell c : cells) {
            CompletableFuture<Outcome> f = CompletableFuture.supplyAsync(() -> CellRun.run(c, where), pool);
            futures.add(f);
        }
        synchronized (all) {
            all.addAll(futures);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            CompletableFuture<Outcome> f = futures.get(i);
            tests.add(DynamicTest.dynamicTest(cells.get(i).name(), () -> {
                Outcome o = f.join();
                assertThat(o.verdict()).as("%s: %s\n%s", o.cell().name(), o.reasons(), o.detail()).isEqualTo(Verdict.PASS);
            }));
        }
        return tests.stream();
    }

    private void writeTable() throws IOException {
        List<Outcome> done = new ArrayList<>();
        synchronized (all) {
            for (CompletableFuture<Outcome> f : all) {
                if (f.isDone() && !f.isCompletedExceptionally()) {
                    done.add(f.join());
                }
            }
        }
        StringBuilder md = new StringBuilder("| network | client | server | flags | result | seconds | reasons |\n"
                + "| --- | --- | --- | --- | --- | --- | --- |\n");
        int pass = 0;
        double total = 0;
        for (Outcome o : done) {
            Cell c = o.cell();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.1f | %s |%n", c.network().label,
                    c.client().label, c.server().label, c.flagsText(), o.verdict(), o.seconds(),
                    String.join("; ", o.reasons()).replace("|", "/")));
            if (o.verdict() == Verdict.PASS) {
                pass++;
            }
            total += o.seconds();
        }
        String summary = String.format(Locale.ROOT, "interop matrix: %d cells, %d pass, %d red; %.0f s of cell time on %d workers%n",
                done.size(), pass, done.size() - pass, total, PARALLEL);
        Path out = Path.of("target", "interop-matrix.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, summary + "\n" + md);
        System.out.print(summary);
        if (pass != done.size()) {
            System.out.print(md);
        }
    }
}
