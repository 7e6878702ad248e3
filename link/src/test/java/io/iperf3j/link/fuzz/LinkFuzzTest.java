package io.iperf3j.link.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests of the link's decoder (see {@link FuzzTargets}), as core's ControlReaderFuzzTest:
 * regression mode in every build over the seeds in
 * {@code src/test/resources/io/iperf3j/link/fuzz/LinkFuzzTestInputs/<method>/}; a long run with
 * {@code JAZZER_FUZZ=1 mvn -B test -pl link -Dtest='LinkFuzzTest#datagram' -Djazzer.max_duration=10m}.
 */
class LinkFuzzTest {
    @FuzzTest(maxDuration = "1m")
    void datagram(byte[] data) {
        FuzzTargets.datagram(data);
    }

    @FuzzTest(maxDuration = "1m")
    void probeRequest(byte[] data) {
        FuzzTargets.probeRequest(data);
    }

    @FuzzTest(maxDuration = "1m")
    void connection(byte[] data) {
        FuzzTargets.connection(data);
    }
}
