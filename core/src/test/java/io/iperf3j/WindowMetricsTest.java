package io.iperf3j;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WindowMetricsTest {

    private static IntervalMetrics tcp(double start, double duration, long bytes, long retrans, double rttSec,
                                       double cwnd, boolean omitted, double ts) {
        return new IntervalMetrics(Role.CLIENT, Direction.SENDER, Transport.TCP, ts, start, start + duration, duration,
                bytes, bytes * 8 / duration, 1, omitted, OptionalInt.empty(),
                OptionalLong.of(retrans), OptionalDouble.of(rttSec), OptionalDouble.of(rttSec / 10),
                OptionalDouble.of(cwnd), OptionalDouble.empty(), OptionalDouble.of(65535),
                OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalDouble.empty());
    }

    private static IntervalMetrics udpReceiver(double start, double duration, long bytes, long packets, long lost,
                                               double jitter) {
        return new IntervalMetrics(Role.SERVER, Direction.RECEIVER, Transport.UDP, 100, start, start + duration,
                duration, bytes, bytes * 8 / duration, 2, false, OptionalInt.empty(),
                OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalLong.of(packets), OptionalLong.of(lost), OptionalLong.of(1), OptionalDouble.of(jitter));
    }

    @Test
    void emptyListHasNoWindow() {
        assertThat(WindowMetrics.aggregateWindow(List.of())).isEmpty();
    }

    @Test
    void countersAreSummedGaugesSummarisedBandwidthTimeWeighted() {
        // 1 s at 1000 B (8000 bit/s) then 3 s at 9000 B (24000 bit/s):
        // time-weighted mean = (1000 + 9000) * 8 / 4 = 20000 bit/s, not the plain mean 16000.
        WindowMetrics w = WindowMetrics.aggregateWindow(List.of(
                tcp(0, 1, 1000, 2, 0.010, 100, true, 1000.5),
                tcp(1, 3, 9000, 3, 0.030, 300, false, 1003.5))).orElseThrow();

        assertThat(w.samples()).isEqualTo(2);
        assertThat(w.durationSeconds()).isEqualTo(4.0);
        assertThat(w.transferredBytes()).isEqualTo(10_000);
        assertThat(w.omittedIntervals()).isEqualTo(1);
        assertThat(w.startSeconds()).isEqualTo(0.0);
        assertThat(w.endSeconds()).isEqualTo(4.0);
        assertThat(w.timestampUnixSeconds()).isEqualTo(1003.5); // from the last sample
        assertThat(w.bandwidthBitsPerSecond().mean()).isCloseTo(20_000.0, within(1e-9));
        assertThat(w.bandwidthBitsPerSecond().min()).isCloseTo(8_000.0, within(1e-9));
        assertThat(w.bandwidthBitsPerSecond().max()).isCloseTo(24_000.0, within(1e-9));
        assertThat(w.tcpRetransmits()).hasValue(5);
        assertThat(w.tcpRttSeconds()).hasValueSatisfying(g -> {
            assertThat(g.samples()).isEqualTo(2);
            assertThat(g.mean()).isCloseTo(0.020, within(1e-12));
            assertThat(g.min()).isCloseTo(0.010, within(1e-12));
            assertThat(g.max()).isCloseTo(0.030, within(1e-12));
        });
        assertThat(w.tcpSndCwndBytes()).hasValueSatisfying(g -> assertThat(g.mean()).isEqualTo(200.0));
        assertThat(w.tcpPmtuBytes()).hasValueSatisfying(g -> assertThat(g.max()).isEqualTo(65535.0));
        // No sample had these: absent, not zero.
        assertThat(w.tcpSndWndBytes()).isEmpty();
        assertThat(w.udpPackets()).isEmpty();
        assertThat(w.udpJitterSeconds()).isEmpty();
        assertThat(w.role()).isEqualTo(Role.CLIENT);
        assertThat(w.direction()).isEqualTo(Direction.SENDER);
        assertThat(w.transport()).isEqualTo(Transport.TCP);
    }

    @Test
    void udpCountersAndJitter() {
        WindowMetrics w = WindowMetrics.aggregateWindow(List.of(
                udpReceiver(0, 0.5, 500, 10, 1, 0.001),
                udpReceiver(0.5, 0.5, 700, 14, 0, 0.003),
                udpReceiver(1.0, 1.0, 0, 0, 0, 0.002))).orElseThrow();
        assertThat(w.udpPackets()).hasValue(24);
        assertThat(w.udpLostPackets()).hasValue(1);
        assertThat(w.udpOutOfOrderPackets()).hasValue(3);
        assertThat(w.udpJitterSeconds()).hasValueSatisfying(g -> {
            assertThat(g.mean()).isCloseTo(0.002, within(1e-12));
            assertThat(g.min()).isCloseTo(0.001, within(1e-12));
            assertThat(g.max()).isCloseTo(0.003, within(1e-12));
        });
        // (500 + 700 + 0) * 8 / 2.0 s
        assertThat(w.bandwidthBitsPerSecond().mean()).isCloseTo(4800.0, within(1e-9));
        assertThat(w.bandwidthBitsPerSecond().min()).isEqualTo(0.0);
        assertThat(w.streamCount()).isEqualTo(2);
        assertThat(w.tcpRetransmits()).isEmpty();
    }

    @Test
    void nonFiniteAndNegativeInputsDoNotPoisonTheWindow() {
        IntervalMetrics bad = new IntervalMetrics(Role.CLIENT, Direction.SENDER, Transport.TCP, 1, 0, 0, Double.NaN,
                -5, Double.POSITIVE_INFINITY, 1, false, OptionalInt.empty(), OptionalLong.of(-3),
                OptionalDouble.of(Double.NaN), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalDouble.empty());
        WindowMetrics w = WindowMetrics.aggregateWindow(List.of(bad, tcp(0, 2, 1000, 1, 0.004, 10, false, 2))).orElseThrow();
        assertThat(w.durationSeconds()).isEqualTo(2.0);
        assertThat(w.transferredBytes()).isEqualTo(1000);
        assertThat(w.tcpRetransmits()).hasValue(1);
        assertThat(w.tcpRttSeconds()).hasValueSatisfying(g -> assertThat(g.samples()).isEqualTo(1));
        assertThat(w.bandwidthBitsPerSecond().samples()).isEqualTo(1);
        assertThat(w.bandwidthBitsPerSecond().mean()).isCloseTo(4000.0, within(1e-9));
    }

    @Test
    void metricsModeRejectsZeroWindow() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetricsMode.window(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetricsMode.window(java.time.Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MetricsMode.window(java.time.Duration.ofSeconds(2)).window()).hasValue(java.time.Duration.ofSeconds(2));
    }
}
