package io.iperf3j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests over the server's input decoders (the auth token's RSA block among them) (see {@link FuzzTargets}).
 *
 * <p>In every build ({@code mvn verify}, {@code ./run-tests}) they run in Jazzer's
 * regression mode: each seed in
 * {@code src/test/resources/io/iperf3j/fuzz/ControlReaderFuzzTestInputs/<method>/}
 * (valid messages from real iperf3 3.12 captures and one input per CVE class) and
 * the empty input. {@link FuzzSmokeTest} adds a bounded, seeded random run.
 *
 * <p>A long fuzzing run, one target at a time (Jazzer fuzzes one per JVM), for
 * example ten minutes:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B test -pl core -Dtest='ControlReaderFuzzTest#controlReader' -Djazzer.max_duration=10m
 * </pre>
 *
 * or {@code ./fuzz controlReader 10m} ({@code ./fuzz} alone runs every target for a
 * minute each). New interesting inputs go to {@code core/.cifuzz-corpus/}; a
 * finding is written as a crash file next to the seeds and becomes a regression
 * case from then on.
 */
class ControlReaderFuzzTest {
    @FuzzTest(maxDuration = "1m")
    void controlReader(byte[] data) {
        FuzzTargets.controlReader(data);
    }

    @FuzzTest(maxDuration = "1m")
    void parameters(byte[] data) {
        FuzzTargets.parameters(data);
    }

    @FuzzTest(maxDuration = "1m")
    void parametersStructured(byte[] data) {
        FuzzTargets.parametersStructured(data);
    }

    @FuzzTest(maxDuration = "1m")
    void udpDatagrams(byte[] data) {
        FuzzTargets.udpDatagrams(data);
    }

    @FuzzTest(maxDuration = "1m")
    void ancillaryData(byte[] data) {
        FuzzTargets.ancillaryData(data);
    }

    @FuzzTest(maxDuration = "1m")
    void qdiscMessages(byte[] data) {
        FuzzTargets.qdiscMessages(data);
    }

    @FuzzTest(maxDuration = "1m")
    void iperfJson(byte[] data) {
        FuzzTargets.iperfJson(data);
    }

    @FuzzTest(maxDuration = "1m")
    void tokenBlock(byte[] data) {
        FuzzTargets.tokenBlock(data);
    }
}
