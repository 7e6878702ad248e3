package io.iperf3j.internal.engine.udp;

import io.iperf3j.internal.stats.StreamRecord;

/**
 * A stream that counts datagrams (UDP). Its worker keeps the packet, loss,
 * out-of-order and jitter figures; the test thread copies them into the stream's
 * record when it samples.
 */
public interface PacketCounters {
    /**
     * Copies the current packet figures into the record (packet count, errors, out
     * of order, jitter).
     *
     * @return for a receiving stream, the byte total that goes with exactly these
     *         figures (take it instead of the live counter); -1 for a sending stream
     */
    long publishTo(StreamRecord record);

    /** iperf3 zeroes the running jitter when the omit period ends. */
    void resetJitter();
}
