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
        StreamSampler.IntervalTimes first = s.interval(11_000_500);
        assertThat(first.start()).isZero();
        assertThat(first.end()).isCloseTo(1.0005, within(1e-12));
        assertThat(first.duration()).isEqualTo(1.0005f);
        assertThat(s.endInterval(11_000_500)).as("the first interval").isTrue();
        StreamSampler.IntervalTimes second = s.interval(12_000_000);
        assertThat(second.start()).isCloseTo(1.0005, within(1e-12));
        assertThat(second.end()).isEqualTo(2.0);
        assertThat(second.duration()).isEqualTo((float) 0.9995);
        assertThat(s.endInterval(12_000_000)).isFalse();
    }

    @Test
    void afterTheOmitPeriodTheClockRestartsAndTheOpenIntervalPrintsItsDistance() {
        StreamSampler s = new StreamSampler();
        s.start(0, 0);
        s.endInterval(1_500_000);          // the last omitted interval ended at 1.5 s
        s.restartClock(2_000_000);         // -O 2 ends at 2 s, inside the next interval
        StreamSampler.IntervalTimes t = s.interval(3_000_000);
        assertThat(t.start()).as("|interval start - new start|").isEqualTo(0.5);
        assertThat(t.end()).isEqualTo(1.0);
        assertThat(t.duration()).isEqualTo(1.5f);
        assertThat(s.endInterval(3_000_000)).as("not first: only start() makes an interval first").isFalse();
    }

    @Test
    void retransmitsAndPacketCountersAreDifferencesToo() {
        StreamSampler s = new StreamSampler();
        s.baseRetransmits(7);
        assertThat(s.retransmitsSince(10)).isEqualTo(3);
        assertThat(s.retransmitsSince(10)).isZero();
        assertThat(s.packetsSince(100, 4, 1)).containsExactly(100, 4, 1);
        assertThat(s.packetsSince(250, 5, 1)).containsExactly(150, 1, 0);
    }

    @Test
    void secondsSplitWholeAndFractionAsIperf3() {
        assertThat(StreamSampler.seconds(2_500_000)).isEqualTo(2.5);
        assertThat(StreamSampler.seconds(999_999)).isEqualTo(0.999999);
    }
}
