package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.internal.plan.PlanFileTest;
import io.iperf3j.session.lab.IperfJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iperf3j session PLAN} as a process of the built jar, given a plan with four different mistakes
 * ({@link PlanFileTest#FOUR_MISTAKES}): all four on stderr at once, each with its line and column, exit 2,
 * nothing written (issue 46, item 11).
 */
@Tag("slow")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class PlanMistakesProcessTest {
    @TempDir
    Path dir;

    @Test
    void aPlanWithFourMistakesIsRefusedWithAllFour() throws Exception {
        String iperf3j = IperfJar.command();
        Path plan = Files.writeString(dir.resolve("plan.yaml"), PlanFileTest.FOUR_MISTAKES);
        List<String> session = new ArrayList<>(List.of(iperf3j.split(" ")));
        session.addAll(List.of("session", plan.toString(), "-o", dir.resolve("out").toString()));
        ProcessRun run = ProcessRun.of(session);
        String said = run.said();
        assertThat(run.status()).as(said).isEqualTo(2);
        assertThat(said).isEqualTo("iperf3j session: " + plan + ": " + PlanFileTest.FOUR_MISTAKES_SAID + "\n");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
