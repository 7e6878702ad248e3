package io.iperf3j.report.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iperf3j.report.internal.InputFormatException;
import io.iperf3j.report.internal.InputSource;
import io.iperf3j.report.internal.RunReader;

import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz test of the report's input reader: any bytes give a run or an
 * {@link InputFormatException} (the clear error {@code iperf3j report} prints), never another
 * exception. Runs its seeds (ReportInputFuzzTestInputs/runReader/: small -J and --json-stream
 * documents) in every build; fuzz for ten minutes with
 * {@code JAZZER_FUZZ=1 mvn -B test -pl report -Dtest='ReportInputFuzzTest#runReader' -Djazzer.max_duration=10m}.
 */
class ReportInputFuzzTest {
    @FuzzTest(maxDuration = "1m")
    void runReader(byte[] data) {
        try {
            RunReader.read(new InputSource.TextSource("fuzz", new String(data, StandardCharsets.UTF_8)), "fuzz");
        } catch (InputFormatException expected) {
            // a clear error: what garbage must give
        }
    }
}
