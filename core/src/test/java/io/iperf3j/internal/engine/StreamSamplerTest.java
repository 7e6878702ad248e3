package io.iperf3j.internal.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StreamSamplerTest {
    @Test
    void eachSampleReportsTheBytesSinceTheLastOne() {
        StreamSampler s = new StreamSampler();
        s.start(1_000_000, 500); // bytes counted before TEST_START do not count
        assertThat(s.bytesSince(1500)).isEqualTo(1000);
        assertThat(s.bytesSince(1500)).isZero();
        assertThat(s.bytesSince(4000)).isEqualTo(2500);
    }

    @Test
    void intervalTimesCountFromTheStreamStartAsIperf3PrintsThem() {
        StreamSampler s = new StreamSampler();
        s.start(10_000_000, 0);
        assertThat(s.intervalStart()).isZero();
        assertThat(s.intervalEnd(11_000_500)).isCloseTo(1.0005, within(1e-12));
        assertThat(s.intervalDuration(11_000_500)).isEqualTo(1.0005f);
        assertThat(s.endInterval(11_000_500)).as("the first interval").isTrue();
        assertThat(s.intervalStart()).isCloseTo(1.0005, within(1e-12));
        assertThat(s.intervalEnd(12_000_000)).isEqualTo(2.0);
        assertThat(s.intervalDuration(12_000_000)).isEqualTo((float) 0.9995);
        assertThat(s.endInterval(12_000_000)).isFalse();
    }

    @Test
    void afterTheOmitPeriodTheClockRestartsAndTheOpenIntervalPrintsItsDistance() {
        StreamSampler s = new StreamSampler();
        s.start(0, 0);
        s.endInterval(1_500_000);          // the last omitted interval ended at 1.5 s
        s.restartClock(2_000_000);         // -O 2 ends at 2 s, inside the next interval
        assertThat(s.intervalStart()).as("|interval start - new start|").isEqualTo(0.5);
        assertThat(s.intervalEnd(3_000_000)).isEqualTo(1.0);
        assertThat(s.intervalDuration(3_000_000)).isEqualTo(1.5f);
        assertThat(s.endInterval(3_000_000)).as("not first: only start() makes an interval first").isFalse();
    }

    @Test
    void retransmitsAndPacketCountersAreDifferencesToo() {
        StreamSampler s = new StreamSampler();
        s.baseRetransmits(7);
        assertThat(s.retransmitsSince(10)).isEqualTo(3);
        assertThat(s.retransmitsSince(10)).isZero();
        assertThat(new long[] {s.packetsSince(100), s.lostSince(4), s.outOfOrderSince(1)}).containsExactly(100, 4, 1);
        assertThat(new long[] {s.packetsSince(250), s.lostSince(5), s.outOfOrderSince(1)}).containsExactly(150, 1, 0);
    }

    @Test
    void secondsSplitWholeAndFractionAsIperf3() {
        assertThat(StreamSampler.seconds(2_500_000)).isEqualTo(2.5);
        assertThat(StreamSampler.seconds(999_999)).isEqualTo(0.999999);
    }
}
