package io.iperf3j.internal.output;

import io.iperf3j.RttFigures;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.stats.LatencyRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The text and JSON of {@code --latency}, from figures. */
class LatencyReportTest {
    private static LatencyRecord measured() {
        LatencyRecord r = new LatencyRecord(10);
        r.idle = new RttFigures(200, 0, 38, 52, 61, 93, 200);
        r.loaded = new RttFigures(795, 2, 81_000, 101_530, 103_880, 104_950, 106_100);
        r.tail = new RttFigures(98, 1, 40, 55, 70, 90, 120);
        r.idleSeconds = 2.0;
        r.tailSeconds = 1.0;
        return r;
    }

    /** The ratio 101,530 / 52 is exactly 1952.5: glibc's %.0f rounds the tie to even, 1952 (String.format wrote 1953). */
    @Test
    void blockHasOneLinePerPhaseAndTheVerdict() {
        List<String> lines = LatencyReport.lines(measured());
        assertThat(lines).containsExactly(
                "- - - - - - - - - - - - - - - - - - - - - - - - -",
                "Latency (round trip of a UDP probe every 10 ms, in ms):",
                "               min       p50       p90       p99       max   count  lost",
                "idle         0.038     0.052     0.061     0.093     0.200     200     0",
                "loaded       81.00     101.5     103.9     105.0     106.1     795     2",
                "tail         0.040     0.055     0.070     0.090     0.120      98     1",
                "Latency under load: +101.5 ms (p50 0.052 ms idle, 101.5 ms loaded: 1952x)");
    }

    @Test
    void verdictSaysWhenThereIsNothingToCompare() {
        LatencyRecord r = new LatencyRecord(10);
        r.idle = new RttFigures(0, 3, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        r.loaded = new RttFigures(5, 0, 1, 2, 3, 4, 5);
        assertThat(LatencyReport.verdict(r)).isEqualTo("Latency under load: not enough answered probes (idle 0, loaded 5)");
        LatencyRecord smaller = new LatencyRecord(10);
        smaller.idle = new RttFigures(5, 0, 1, 200, 3, 4, 5);
        smaller.loaded = new RttFigures(5, 0, 1, 150, 3, 4, 5);
        assertThat(LatencyReport.verdict(smaller)).isEqualTo("Latency under load: -0.050 ms (p50 0.200 ms idle, 0.150 ms loaded: 0.75x)");
    }

    @Test
    void unavailableIsOneLineAndAnErrorKey() {
        LatencyRecord r = new LatencyRecord(20);
        r.unavailable = "no answer";
        assertThat(LatencyReport.lines(r)).endsWith("Latency: not measured - no answer");
        assertThat(LatencyReport.json(r)).isEqualTo(new JsonObject().put("interval_ms", 20).put("error", "no answer"));
    }

    @Test
    void jsonKeys() {
        JsonObject o = LatencyReport.json(measured());
        assertThat(o.keys()).containsExactly("interval_ms", "idle_seconds", "tail_seconds", "idle", "loaded", "tail",
                "added_p50_us", "p50_ratio");
        assertThat(o.getObject("loaded").keys()).containsExactly("count", "lost", "min_us", "p50_us", "p90_us", "p99_us", "max_us");
        assertThat(o.getDouble("added_p50_us")).isEqualTo(101_478.0);
        assertThat(LatencyReport.json(RttFigures.NONE).keys()).containsExactly("count", "lost");
    }

    @Test
    void phasesCarryTheirDistributionAndIntervalsDoNot() {
        List<Double> cdf = List.of(81_000.0, 82_000.0, 90_000.0, 95_000.0, 99_000.0, 101_530.0, 102_000.0, 103_880.0,
                104_000.0, 104_950.0, 105_500.0, 106_100.0);
        LatencyRecord r = measured();
        r.loaded = new RttFigures(795, 2, 81_000, 101_530, 103_880, 104_950, 106_100, cdf);
        JsonObject o = LatencyReport.json(r);
        // the key list of end.latency is unchanged; the phase gains "cdf" last, its other keys as before
        assertThat(o.keys()).containsExactly("interval_ms", "idle_seconds", "tail_seconds", "idle", "loaded", "tail",
                "added_p50_us", "p50_ratio");
        assertThat(o.getObject("loaded").keys()).containsExactly("count", "lost", "min_us", "p50_us", "p90_us", "p99_us",
                "max_us", "cdf");
        List<?> written = (List<?>) o.getObject("loaded").get("cdf");
        assertThat(written).hasSize(RttFigures.CDF_PERCENTILES.size());
        for (int i = 0; i < written.size(); i++) {
            assertThat(written.get(i)).isEqualTo(List.of(RttFigures.CDF_PERCENTILES.get(i), cdf.get(i)));
        }
        assertThat(written.getFirst()).isEqualTo(List.of(0.0, 81_000.0));
        assertThat(written.getLast()).isEqualTo(List.of(100.0, 106_100.0));
        // figures without a distribution (the idle phase here) and interval objects have no "cdf"
        assertThat(o.getObject("idle").has("cdf")).isFalse();
        assertThat(LatencyReport.json(r.loaded).has("cdf")).isFalse();
        assertThat(LatencyReport.phase(new RttFigures(0, 3, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN)).keys())
                .containsExactly("count", "lost");
        // as printed: pairs of numbers, integral values without a fraction as cJSON prints them
        assertThat(io.iperf3j.internal.json.CJsonWriter.standard().compact(o)).contains(
                "\"cdf\":[[0,81000],[1,82000],[5,90000],", "[99.9,105500],[100,106100]]");
    }

    @Test
    void intervalColumn() {
        assertThat(LatencyReport.column(null)).isEmpty();
        assertThat(LatencyReport.column(new RttFigures(100, 0, 1, 101_530, 2, 104_950, 3))).isEqualTo("  101.5/105.0 ms");
        assertThat(LatencyReport.column(new RttFigures(0, 4, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN)))
                .isEqualTo("  - (4 lost)");
        assertThat(LatencyReport.column(new RttFigures(9, 1, 1, 52, 2, 930, 3))).isEqualTo("  0.052/0.930 ms (1 lost)");
        // glibc's %.2f: 1.005 ms is just under the tie (String.format wrote "1.01"), 1.125 ms is a tie, to even
        assertThat(LatencyReport.column(new RttFigures(9, 0, 1, 1005, 2, 1125, 3))).isEqualTo("  1.00/1.12 ms");
    }
}
