package io.iperf3j.internal.udp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The header iperf3 puts at the start of every UDP datagram ({@code iperf_udp_send}),
 * all big-endian: seconds (u32) and microseconds (u32) of the sender's monotonic
 * clock, then the sequence number, 32 bits by default or 64 bits with
 * {@code --udp-counters-64bit}. Sequence numbers start at 1.
 *
 * <p>Reads and writes are absolute, so the buffer's position and limit are left
 * alone and nothing is allocated: a stream writes the header in place into its one
 * reused buffer.
 *
 * <p>The batched paths ({@link #writeBatch}, {@link #sequenceLe}, {@link #sentMicrosLe})
 * take a {@link ByteOrder#LITTLE_ENDIAN} view of the buffer and swap bytes with shifts of
 * their own: the JVM runs them C1-compiled (the launcher's {@code -XX:TieredStopAtLevel=1}),
 * where a big-endian {@code putInt} is a call chain with a byte swap per access and the
 * division into seconds and microseconds a runtime call; in a {@code --gsro} sender's
 * profile the header writing was 11 % of the samples. Each batch divides once, and each
 * datagram takes two little-endian stores.
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

    /**
     * Writes the headers of {@code count} datagrams at offsets 0, {@code stride},
     * 2 × {@code stride}, ... of {@code le}: all with send time {@code sentMicros}, sequence
     * numbers {@code sequence + 1} onwards. The bytes are exactly those of {@link #write}.
     *
     * @param le the batch buffer in {@link ByteOrder#LITTLE_ENDIAN} order (a view of it)
     * @return the last sequence number written
     */
    public static long writeBatch(ByteBuffer le, int count, int stride, long sentMicros, long sequence,
                                  boolean counters64) {
        if (le.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("writeBatch needs a little-endian view of the buffer");
        }
        // bytes 0-7 on the wire: seconds then microseconds, big-endian, stored as one little-endian long
        long sec = (sentMicros / MICROS_PER_SECOND) & 0xffff_ffffL; // truncated to 32 bits, as in C
        long usec = (sentMicros % MICROS_PER_SECOND) & 0xffff_ffffL; // the low 32 bits, as write() stores them
        long time = swap(sec << 32 | usec);
        long seq = sequence;
        int off = 0;
        for (int i = 0; i < count; i++) {
            seq++;
            le.putLong(off, time);
            if (counters64) {
                le.putLong(off + 8, swap(seq));
            } else {
                le.putInt(off + 8, swap((int) seq));
            }
            off += stride;
        }
        return seq;
    }

    /** {@link #sequence(ByteBuffer, int, boolean)} through a little-endian view ({@link #writeBatch}). */
    public static long sequenceLe(ByteBuffer le, int offset, boolean counters64) {
        if (counters64) {
            return swap(le.getLong(offset + 8));
        }
        return swap(le.getInt(offset + 8)) & 0xffff_ffffL;
    }

    /** {@link #sentMicros(ByteBuffer, int)} through a little-endian view ({@link #writeBatch}). */
    public static long sentMicrosLe(ByteBuffer le, int offset) {
        long time = swap(le.getLong(offset)); // seconds in the high half, microseconds in the low
        return (time >>> 32) * MICROS_PER_SECOND + (time & 0xffff_ffffL);
    }

    /** {@link Integer#reverseBytes} as plain shifts, which C1 compiles in line (it calls reverseBytes). */
    private static int swap(int v) {
        return v << 24 | (v & 0xff00) << 8 | (v >>> 8) & 0xff00 | v >>> 24;
    }

    /** {@link Long#reverseBytes} from two {@link #swap(int)}s: a big-endian 64-bit field read or written little-endian. */
    private static long swap(long v) {
        return (swap((int) v) & 0xffff_ffffL) << 32 | (swap((int) (v >>> 32)) & 0xffff_ffffL);
    }
}
