package io.iperf3j.bench;

import io.iperf3j.internal.udp.UdpHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The per-datagram header work: the sender writes one header per datagram of a
 * batch (32 slots of 1460 B in one direct buffer, as {@code UdpStream} does), the
 * receiver reads sequence number and send time back.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UdpHeaderBench {
    static final int SLOTS = 32;
    static final int SIZE = 1460;

    @Param({"false", "true"})
    boolean counters64;

    ByteBuffer batch;
    long sequence;

    @Setup
    public void setup() {
        batch = ByteBuffer.allocateDirect(SLOTS * SIZE);
        for (int i = 0; i < SLOTS; i++) {
            UdpHeader.write(batch, i * SIZE, 1_234_567_890_123L, i + 1, counters64);
        }
    }

    /** Headers of one batch of 32 datagrams (per-datagram cost = score / 32). */
    @Benchmark
    public long encodeBatch() {
        long micros = System.nanoTime() / 1000;
        long s = sequence;
        for (int i = 0; i < SLOTS; i++) {
            UdpHeader.write(batch, i * SIZE, micros, ++s, counters64);
        }
        sequence = s;
        return s;
    }

    /** Sequence number and send time of each datagram of a batch of 32. */
    @Benchmark
    public long decodeBatch() {
        long acc = 0;
        for (int i = 0; i < SLOTS; i++) {
            acc += UdpHeader.sequence(batch, i * SIZE, counters64) ^ UdpHeader.sentMicros(batch, i * SIZE);
        }
        return acc;
    }

    /** One header, for comparison with iperf3's per-datagram path. */
    @Benchmark
    public ByteBuffer encodeOne() {
        UdpHeader.write(batch, 0, System.nanoTime() / 1000, ++sequence, counters64);
        return batch;
    }
}
