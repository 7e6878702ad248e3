package io.iperf3j.session.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.Role;
import io.iperf3j.Transport;
import io.iperf3j.session.internal.result.IperfOutputs;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.plan.PlanFile;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Jazzer targets over what the session reads from hosts and users: every iperf output
 * format and the YAML plan. In every build they run in regression mode over the seeds in
 * {@code src/test/resources/io/iperf3j/session/fuzz/OutputParserFuzzTestInputs/<method>/}
 * (the real captures); a long run: {@code JAZZER_FUZZ=1 mvn test -pl session
 * -Dtest='OutputParserFuzzTest#iperfOutput' -Djazzer.max_duration=10m}. The property: no
 * exception but the documented one, and no sample with negative bytes.
 */
class OutputParserFuzzTest {
    @FuzzTest(maxDuration = "1m")
    void iperfOutput(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        for (Role role : Role.values()) {
            TestResult.ParsedOutput p = IperfOutputs.parse(text, role, Transport.TCP);
            for (IntervalMetrics s : p.intervals()) {
                // iperf3's JSON too: core's reader takes 2^64 - 1 as -1 and a negative count as absent (D2)
                if (s.transferredBytes() < 0) {
                    throw new IllegalStateException("negative bytes from " + p.format() + ": " + s);
                }
            }
        }
    }

    @FuzzTest(maxDuration = "1m")
    void plan(byte[] data) {
        try {
            PlanFile.parse(new String(data, StandardCharsets.UTF_8), Path.of("/plans"));
        } catch (IperfConfigurationError e) {
            // the documented answer to a bad plan
        }
    }
}
