package io.iperf3j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class MetricsStreamTest {

    private static MetricEvent event(long bytes) {
        return new MetricEvent.Interval(new IntervalMetrics(Role.CLIENT, Direction.SENDER, Transport.TCP, 0, 0, 1, 1,
                bytes, bytes * 8, 1, false, OptionalInt.empty(), OptionalLong.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalDouble.empty()));
    }

    private static long bytes(MetricEvent e) {
        return ((MetricEvent.Interval) e).sample().transferredBytes();
    }

    @Test
    void tellsEmptyTimeoutAndClosedApart() throws Exception {
        MetricsStream s = new MetricsStream(8);
        assertThat(s.tryRecv()).isInstanceOf(MetricsStream.Poll.Empty.class);
        assertThat(s.recv(Duration.ofMillis(20))).isInstanceOf(MetricsStream.Poll.Timeout.class);
        s.offer(event(1));
        assertThat(s.recv(Duration.ofMillis(20))).isInstanceOfSatisfying(MetricsStream.Poll.Event.class,
                p -> assertThat(bytes(p.event())).isEqualTo(1));
        s.offer(event(2));
        s.close();
        // Closed, but the last event is still delivered first.
        assertThat(s.tryRecv()).isInstanceOf(MetricsStream.Poll.Event.class);
        assertThat(s.tryRecv()).isInstanceOf(MetricsStream.Poll.Closed.class);
        assertThat(s.recv(Duration.ofMillis(20))).isInstanceOf(MetricsStream.Poll.Closed.class);
        assertThat(s.recv()).isEmpty();
    }

    @Test
    void fullQueueDropsOldestAndCountsDrops() {
        MetricsStream s = new MetricsStream(3);
        for (int i = 1; i <= 10; i++) {
            s.offer(event(i)); // never blocks
        }
        s.close();
        List<Long> got = new ArrayList<>();
        for (MetricEvent e : s) {
            got.add(bytes(e));
        }
        assertThat(got).containsExactly(8L, 9L, 10L);
        assertThat(s.droppedEvents()).isEqualTo(7);
    }

    @Test
    void blockingReceiveWakesOnOfferAndIterationEndsOnClose() throws Exception {
        MetricsStream s = new MetricsStream(16);
        Thread producer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 5; i++) {
                s.offer(event(i));
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
            s.close();
        });
        long n = 0;
        for (MetricEvent e : s) {
            assertThat(bytes(e)).isEqualTo(n++);
        }
        producer.join();
        assertThat(n).isEqualTo(5);
        assertThat(s.isClosed()).isTrue();
    }

    @Test
    void openedStreamIsFedByItsOwnerAndRefusesEventsAfterClose() {
        MetricsStream s = MetricsStream.open(2);
        assertThat(s.capacity()).isEqualTo(2);
        assertThat(s.offer(event(1))).isTrue();
        assertThat(s.offer(event(2))).isTrue();
        assertThat(s.offer(event(3))).isTrue(); // full: the oldest goes
        assertThat(s.droppedEvents()).isEqualTo(1);
        s.close();
        s.close();
        assertThat(s.offer(event(4))).isFalse();
        List<Long> got = new ArrayList<>();
        s.forEach(e -> got.add(bytes(e)));
        assertThat(got).containsExactly(2L, 3L);
        assertThat(s.droppedEvents()).isEqualTo(1);
    }

    @Test
    void openRefusesANonPositiveCapacityAndOfferANullEvent() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetricsStream.open(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetricsStream.open(1).offer(null))
                .isInstanceOf(NullPointerException.class);
    }
}
