package io.iperf3j.internal.udp;

import java.nio.ByteBuffer;

/**
 * The header iperf3 puts at the start of every UDP datagram ({@code iperf_udp_send}),
 * all big-endian: seconds (u32) and microseconds (u32) of the sender's monotonic
 * clock, then the sequence number, 32 bits by default or 64 bits with
 * {@code --udp-counters-64bit}. Sequence numbers start at 1.
 *
 * <p>Reads and writes are absolute, so the buffer's position and limit are left
 * alone and nothing is allocated: a stream writes the header in place into its one
 * reused buffer.
 */
public final class UdpHeader {
    /** Header size with 32-bit sequence numbers. */
    public static final int SIZE_32 = 12;
    /** Header size with 64-bit sequence numbers. */
    public static final int SIZE_64 = 16;
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private UdpHeader() {
    }

    /** The header size for the counter width. */
    public static int size(boolean counters64) {
        return counters64 ? SIZE_64 : SIZE_32;
    }

    /**
     * Writes a header at index 0.
     *
     * @param sentMicros the send time in microseconds of a monotonic clock
     *        ({@code System.nanoTime() / 1000} is CLOCK_MONOTONIC on Linux, the clock
     *        iperf3 uses); seconds are truncated to 32 bits as in C
     * @param sequence the datagram's sequence number (1, 2, ...)
     */
    public static void write(ByteBuffer b, long sentMicros, long sequence, boolean counters64) {
        write(b, 0, sentMicros, sequence, counters64);
    }

    /** Writes a header at {@code offset} (a datagram's slot in a batch buffer). */
    public static void write(ByteBuffer b, int offset, long sentMicros, long sequence, boolean counters64) {
        b.putInt(offset, (int) (sentMicros / MICROS_PER_SECOND));
        b.putInt(offset + 4, (int) (sentMicros % MICROS_PER_SECOND));
        if (counters64) {
            b.putLong(offset + 8, sequence);
        } else {
            b.putInt(offset + 8, (int) sequence);
        }
    }

    /** The send time in microseconds: the unsigned seconds field × 10^6 + the unsigned microseconds field. */
    public static long sentMicros(ByteBuffer b) {
        return sentMicros(b, 0);
    }

    /** {@link #sentMicros(ByteBuffer)} of the header at {@code offset}. */
    public static long sentMicros(ByteBuffer b, int offset) {
        long sec = Integer.toUnsignedLong(b.getInt(offset));
        long usec = Integer.toUnsignedLong(b.getInt(offset + 4));
        return sec * MICROS_PER_SECOND + usec;
    }

    /**
     * The sequence number, read with the width the receiver was told in the
     * parameters (never guessed from the packet): unsigned 32 bits, or 64 bits.
     */
    public static long sequence(ByteBuffer b, boolean counters64) {
        return sequence(b, 0, counters64);
    }

    /** {@link #sequence(ByteBuffer, boolean)} of the header at {@code offset}. */
    public static long sequence(ByteBuffer b, int offset, boolean counters64) {
        return counters64 ? b.getLong(offset + 8) : Integer.toUnsignedLong(b.getInt(offset + 8));
    }
}
