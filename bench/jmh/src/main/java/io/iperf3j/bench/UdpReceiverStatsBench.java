package io.iperf3j.bench;

import io.iperf3j.internal.udp.UdpHeader;
import io.iperf3j.internal.udp.UdpReceiverStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The receiver's statistics ({@code iperf_udp_recv}: loss, out-of-order, RFC 1889
 * jitter): per datagram, and per received batch as the batched receiver runs it
 * (decode 32 headers, one arrival time, 32 updates).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UdpReceiverStatsBench {
    static final int SLOTS = 32;
    static final int SIZE = 1460;

    UdpReceiverStats stats;
    ByteBuffer batch;
    long sequence;
    long sent;

    @Setup
    public void setup() {
        stats = new UdpReceiverStats();
        batch = ByteBuffer.allocateDirect(SLOTS * SIZE);
    }

    /** In-order datagrams with a little transit variation. */
    @Benchmark
    public double onPacketInOrder() {
        long s = ++sequence;
        sent += 12;
        stats.onPacket(s, sent, sent + 20 + (s & 7));
        return stats.jitter();
    }

    /** Every 50th datagram lost, every 97th reordered. */
    @Benchmark
    public long onPacketLossAndReorder() {
        long s = ++sequence;
        if (s % 50 == 0) {
            s = ++sequence;
        }
        if (s % 97 == 0) {
            s -= 2;
        }
        sent += 12;
        stats.onPacket(s, sent, sent + 25);
        return stats.cntError();
    }

    /** A received batch of 32: header decode plus statistics, one arrival time (score / 32 per datagram). */
    @Benchmark
    public long receiveBatch() {
        long seq = sequence;
        long micros = sent;
        for (int i = 0; i < SLOTS; i++) {
            UdpHeader.write(batch, i * SIZE, micros, ++seq, false); // what the sender put there
        }
        sequence = seq;
        sent += 400;
        long arrival = sent + 30;
        for (int i = 0; i < SLOTS; i++) {
            int off = i * SIZE;
            stats.onPacket(UdpHeader.sequence(batch, off, false), UdpHeader.sentMicros(batch, off), arrival);
        }
        return stats.packetCount();
    }
}
