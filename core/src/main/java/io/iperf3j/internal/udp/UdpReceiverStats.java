package io.iperf3j.internal.udp;

/**
 * What an iperf3 3.12 UDP receiver computes per datagram ({@code iperf_udp_recv}):
 *
 * <ul>
 * <li>{@code packetCount} is the <em>highest</em> sequence number seen, not the
 *     number of datagrams received;</li>
 * <li>a sequence number above {@code packetCount + 1} adds the gap to
 *     {@code cntError} (lost);</li>
 * <li>one at or below {@code packetCount} (reordered or duplicated) counts as out
 *     of order and takes one off {@code cntError} if that is positive;</li>
 * <li>jitter after RFC 1889: {@code transit = |arrival - sent|} in seconds, the
 *     first datagram initialises the previous transit,
 *     {@code jitter += (|transit - prevTransit| - jitter) / 16}.</li>
 * </ul>
 *
 * <p>Not thread-safe: owned by the stream's receiving thread.
 */
public final class UdpReceiverStats {
    private long packetCount;
    private long cntError;
    private long outOfOrder;
    private double jitter;
    private double prevTransit;
    /** The |arrival - sent| of the previous datagram, µs (-1 before the first). */
    private long prevDiff = -1;
    private boolean first = true;

    /**
     * Accounts one datagram.
     *
     * @param sequence the header's sequence number (unsigned; compared as unsigned)
     * @param sentMicros the header's send time in microseconds
     * @param arrivalMicros the arrival time in microseconds of the receiver's monotonic clock
     */
    public void onPacket(long sequence, long sentMicros, long arrivalMicros) {
        long next = packetCount + 1;
        if (Long.compareUnsigned(sequence, next) >= 0) {
            if (sequence != next) {
                cntError += sequence - next;
            }
            packetCount = sequence;
        } else {
            outOfOrder++;
            if (cntError > 0) {
                cntError--;
            }
        }
        // iperf_time_diff gives |arrival - sent| as secs and usecs; iperf_time_in_secs
        // turns that into secs + usecs / 1e6. Doing the same gives the same doubles.
        long diff = Math.abs(arrivalMicros - sentMicros);
        if (diff == prevDiff && !first) {
            // Same transit as the previous datagram (a batch shares its stamps): d = 0, so
            // the update below reduces to this, bit for bit, without the conversions.
            jitter += (0.0 - jitter) / 16.0;
            return;
        }
        prevDiff = diff;
        double transit = diff / 1_000_000 + (diff % 1_000_000) / 1e6;
        if (first) {
            prevTransit = transit;
            first = false;
        }
        double d = transit - prevTransit;
        if (d < 0) {
            d = -d;
        }
        prevTransit = transit;
        jitter += (d - jitter) / 16.0;
    }

    /**
     * The omit period ended: iperf3 zeroes the jitter and, because it also zeroes the
     * received byte count, treats the next datagram as the first again.
     */
    public void restartJitter() {
        jitter = 0;
        first = true;
    }

    /** The highest sequence number seen (iperf3's receiver {@code packet_count}). */
    public long packetCount() {
        return packetCount;
    }

    /** Datagrams counted as lost ({@code cnt_error}). */
    public long cntError() {
        return cntError;
    }

    /** Datagrams that arrived at or below the highest sequence number seen. */
    public long outOfOrder() {
        return outOfOrder;
    }

    /** The running jitter in seconds. */
    public double jitter() {
        return jitter;
    }
}
