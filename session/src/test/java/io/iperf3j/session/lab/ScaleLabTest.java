package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.run.PlanExecution;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.TestSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fleet scale: a mesh over 8 namespace hosts, one {@code --bidir} test per pair (28 tests) run in
 * parallel, at least 7 rounds' worth; the time goes to {@code target/session-lab/scale.txt} (no
 * timing limit here: the machine is shared). Sequential plans are SessionLabTest's; this test ran
 * the same 28 tests sequentially too, 100 s of the suite that showed nothing more.
 */
@Tag("tool")
@Tag("root")
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class ScaleLabTest {
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void eightHostMeshRunsInSevenParallelRounds() throws Exception {
        Path work = Path.of("target", "session-lab").toAbsolutePath();
        Files.createDirectories(work);
        try (NetnsLab lab = NetnsLab.create(8, Files.createTempDirectory(work, "scale"))) {
            List<Node> nodes = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                nodes.add(lab.node(i, "n" + i, i == 1 ? Node.Role.TRAFFIC_PC : Node.Role.NODE, IperfKind.IPERF3, Map.of(), lab.key()));
                ids.add("n" + i);
            }
            Plan plan = Plan.builder(nodes).parallel(true).mesh("scale", ids, Plan.Direction.BIDIR, TestSpec.tcp(1), 1).build();
            PlanExecution runner = new PlanExecution(plan, Files.createTempDirectory(work, "scale-run"), r -> { });
            int rounds = runner.schedule().size();
            assertThat(rounds).isEqualTo(7);
            for (List<io.iperf3j.session.Plan.Test> round : runner.schedule()) {
                assertThat(round).hasSize(4);
            }
            long t0 = System.nanoTime();
            List<TestResult> results = runner.run();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(results).hasSize(28).allSatisfy(r -> assertThat(r.ok()).as("%s", r.outcome()).isTrue());
            Set<String> pairs = new HashSet<>();
            for (TestResult r : results) {
                pairs.add(r.sender().compareTo(r.receiver()) < 0 ? r.sender() + "-" + r.receiver() : r.receiver() + "-" + r.sender());
            }
            assertThat(pairs).hasSize(28);
            String report = "parallel: at least " + rounds + " rounds, " + results.size() + " tests, " + millis + " ms\n";
            Files.writeString(work.resolve("scale.txt"), report);
            for (int i = 1; i <= 8; i++) {
                assertThat(lab.iperfProcesses(i)).isEmpty();
            }
        }
    }
}
