package io.iperf3j.internal.engine.udp;

import io.iperf3j.internal.udp.UdpHeader;
import io.iperf3j.internal.udp.UdpReceiverStats;
import io.iperf3j.sys.AncillaryData;
import io.iperf3j.sys.DatagramBatch;
import io.iperf3j.sys.KernelClock;
import io.iperf3j.sys.NativeSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * iperf3's jitter over the batched receive path (issue 27, B1 of docs/design/one-native-layer.md):
 * the one {@link KernelClock} gives the same arrivals, and so bit for bit the same
 * {@link UdpReceiverStats#jitter()}, as the {@code ArrivalClock} it replaced (copied below as the
 * oracle), unless the wall clock is stepped: then the oracle kept the stale offset for up to a
 * second and every transit moved by the step, while the new clock corrects it at the first
 * shifted datagram. 10^5 synthetic datagrams, 20 µs apart, 50-65 µs in transit, read in batches
 * of 8 through {@link UdpStream#accountBatch} on scripted clocks.
 */
@Timeout(60)
class JitterParityTest {
    private static final int N = 100_000;
    private static final int BATCH = 8;
    private static final int SIZE = 64;
    private static final long SPACING_NANOS = 20_000;
    private static final long EPOCH = 1_795_000_000L * 1_000_000_000L;
    private static final int STEP_AT = 60_000; // 1.2 s into the test

    @BeforeAll
    static void needsNative() {
        assumeTrue(NativeSocket.available(), "no FFM");
    }

    /** The monotonic clock is the simulation's time; real time is it plus an offset a step moves. */
    static final class SimClocks implements KernelClock.Clocks {
        long now;
        long offset = EPOCH;

        @Override
        public long monotonicNanos() {
            return now;
        }

        @Override
        public long realtimeNanos() {
            return now + offset;
        }
    }

    /** The oracle: core's ArrivalClock before issue 27 (refresh once a second, no step detection), on SimClocks. */
    static final class OldArrivalClock {
        static final long REFRESH_NANOS = 1_000_000_000L;
        private final SimClocks clocks;
        private long offsetNanos;
        private long measuredAt;
        private boolean measured;

        OldArrivalClock(SimClocks clocks) {
            this.clocks = clocks;
        }

        void refresh(long nowNanos) {
            if (!measured || nowNanos - measuredAt >= REFRESH_NANOS) {
                long before = clocks.monotonicNanos();
                long wall = clocks.realtimeNanos();
                long after = clocks.monotonicNanos();
                offsetNanos = wall - (before + (after - before) / 2);
                measuredAt = nowNanos;
                measured = true;
            }
        }

        long arrivalMicros(long realtimeNanos, long fallbackMicros) {
            if (realtimeNanos == AncillaryData.NO_TIME) {
                return fallbackMicros;
            }
            return Math.floorDiv(realtimeNanos - offsetNanos, 1000L);
        }
    }

    /** Result of one run: the final jitter and the largest seen after any batch, in seconds. */
    record Run(double jitter, double maxJitter, long packets) {
    }

    /**
     * Runs the synthetic stream; {@code stepNanos} is added to real time when datagram
     * {@link #STEP_AT} arrives (0: no step); {@code oracle}: through the old clock's arithmetic.
     */
    private static Run run(long stepNanos, boolean oracle) throws Exception {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ByteBuffer buf = ByteBuffer.allocateDirect(BATCH * SIZE);
            ByteBuffer le = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            DatagramBatch batch = DatagramBatch.of(NativeSocket.of(ch).orElseThrow(), buf, SIZE).orElseThrow();
            assertThat(batch.enableReceiveTimestamps()).isTrue();
            SimClocks clocks = new SimClocks();
            clocks.now = 5_000_000_000L;
            long start = clocks.now;
            KernelClock clock = oracle ? null : new KernelClock(clocks);
            OldArrivalClock old = oracle ? new OldArrivalClock(clocks) : null;
            UdpReceiverStats stats = new UdpReceiverStats();
            UdpStream.Tally tally = new UdpStream.Tally();
            long rng = 42;
            double max = 0;
            long[] sent = new long[BATCH];
            long[] stamp = new long[BATCH];
            for (int base = 0; base < N; base += BATCH) {
                long lastArrival = 0;
                for (int i = 0; i < BATCH; i++) {
                    int seq = base + i;
                    long sentNanos = start + seq * SPACING_NANOS;
                    rng = rng * 6364136223846793005L + 1442695040888963407L;
                    long transit = 50_000 + ((rng >>> 33) % 15_000); // 50-65 µs: no reordering
                    long arrival = sentNanos + transit;
                    clocks.now = arrival;
                    if (seq == STEP_AT) {
                        clocks.offset += stepNanos;
                    }
                    sent[i] = sentNanos / 1000;
                    stamp[i] = clocks.realtimeNanos(); // the kernel's receive stamp
                    UdpHeader.write(buf, i * SIZE, sent[i], seq + 1, false);
                    batch.setLength(i, SIZE);
                    batch.setReceiveTime(i, stamp[i]);
                    lastArrival = arrival;
                }
                long now = lastArrival + 7_000; // read 7 µs after the last one arrived
                clocks.now = now;
                if (oracle) {
                    old.refresh(now);
                    for (int i = 0; i < BATCH; i++) {
                        stats.onPacket(base + i + 1, sent[i], old.arrivalMicros(stamp[i], now / 1000));
                    }
                } else {
                    UdpStream.accountBatch(batch, le, BATCH, SIZE, false, false, UdpHeader.size(false), stats, now, clock,
                            tally);
                    assertThat(tally.reads).isEqualTo(BATCH);
                }
                max = Math.max(max, stats.jitter());
            }
            return new Run(stats.jitter(), max, stats.packetCount());
        }
    }

    @Test
    void withoutAStepTheJitterIsBitIdentical() throws Exception {
        Run now = run(0, false);
        Run before = run(0, true);
        assertThat(now.packets()).isEqualTo(N);
        assertThat(now.jitter()).isEqualTo(before.jitter());
        assertThat(now.maxJitter()).isEqualTo(before.maxJitter());
        assertThat(now.maxJitter()).isLessThan(20e-6); // transits vary by 15 µs at most
    }

    @Test
    void aClockStepNoLongerShowsAsJitter() throws Exception {
        Run still = run(0, false);
        for (long step : new long[] {1_000_000_000L, -1_000_000_000L}) {
            Run now = run(step, false);
            Run before = run(step, true);
            assertThat(now.jitter()).as("step %d ns", step).isEqualTo(still.jitter());
            assertThat(now.maxJitter()).as("step %d ns", step).isEqualTo(still.maxJitter());
            // the oracle kept the old offset until its next refresh: a 1 s jump in transit, J += 1 s / 16,
            // seen at the batch's end, 7 datagrams later: 62.5 ms × (15/16)^7 ≈ 40 ms
            assertThat(before.maxJitter()).as("oracle, step %d ns", step).isGreaterThan(0.03)
                    .isGreaterThan(1000 * still.maxJitter());
        }
    }
}
