package io.iperf3j.sys;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Decodes the ancillary data ({@code msg_control}) that {@code recvmsg}/{@code recvmmsg}
 * return for a UDP socket: the {@code UDP_GRO} segment size, the kernel's receive
 * time ({@code SO_TIMESTAMPNS}, a {@code struct timespec} of {@code CLOCK_REALTIME}), the
 * software stamp of {@code SO_TIMESTAMPING} and the key of an error-queue time stamp
 * ({@code sock_extended_err}).
 * A pure codec over memory the kernel wrote (or a fuzzer made): it walks the
 * {@code struct cmsghdr}s as glibc's {@code CMSG_FIRSTHDR}/{@code CMSG_NXTHDR} do on
 * LP64 Linux ({@code cmsg_len} a {@code size_t}, headers aligned to 8 bytes) and never
 * reads outside {@code [offset, offset + length)} nor past the segment's end; a
 * malformed header ends the walk (the value is then "absent", never an exception).
 *
 * <p>Why not a library: the JDK exposes no ancillary data of datagram sockets, and the
 * format is a few fields; the FFM calls that fill it are in {@link DatagramBatch} and
 * {@link StampedUdpSocket}.
 *
 * <p>Pure; any thread.
 */
public final class AncillaryData {
    /** {@link #receiveTimeNanos} when the data holds no (valid) timestamp. */
    public static final long NO_TIME = Long.MIN_VALUE;
    /** {@code sizeof(struct cmsghdr)} on LP64 Linux. */
    static final int HEADER = 16;
    /** {@code CMSG_SPACE(sizeof(int))}: room for UDP_GRO's segment size. */
    static final int SPACE_INT = 24;
    /** {@code CMSG_SPACE(sizeof(struct timespec))}: room for SCM_TIMESTAMPNS. */
    static final int SPACE_TIMESPEC = 32;
    /** {@code sizeof(struct sock_extended_err)}: errno, origin, type, code, pad, info, data. */
    private static final int EXTENDED_ERR = 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long MAX_SECONDS = Long.MAX_VALUE / NANOS_PER_SECOND - 1;

    private AncillaryData() {
    }

    /**
     * The {@code UDP_GRO} segment size (1-65535) in the data, or 0 if there is none:
     * then the read holds one datagram.
     */
    public static int groSegmentSize(MemorySegment buf, long offset, long length) {
        long d = find(buf, offset, length, Libc.SOL_UDP, Libc.UDP_GRO, Integer.BYTES);
        if (d < 0) {
            return 0;
        }
        int size = buf.get(JAVA_INT_UNALIGNED, d);
        return size > 0 && size <= 0xFFFF ? size : 0;
    }

    /**
     * The kernel's receive time of the read in nanoseconds since the epoch
     * ({@code CLOCK_REALTIME}), or {@link #NO_TIME} if the data has none or it is out of
     * range (negative, {@code tv_nsec} outside 0-999999999, or too far out for a long).
     */
    public static long receiveTimeNanos(MemorySegment buf, long offset, long length) {
        return timespec(buf, find(buf, offset, length, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 2 * Long.BYTES));
    }

    /** The {@code struct timespec} at {@code d} in ns, or {@link #NO_TIME} (none: {@code d < 0}, or out of range). */
    private static long timespec(MemorySegment buf, long d) {
        if (d < 0) {
            return NO_TIME;
        }
        long sec = buf.get(JAVA_LONG_UNALIGNED, d);
        long nsec = buf.get(JAVA_LONG_UNALIGNED, d + Long.BYTES);
        if (sec < 0 || sec > MAX_SECONDS || nsec < 0 || nsec >= NANOS_PER_SECOND) {
            return NO_TIME;
        }
        return sec * NANOS_PER_SECOND + nsec;
    }

    /**
     * The software time of an {@code SCM_TIMESTAMPING} message ({@code ts[0]} of its three
     * timespecs, {@code CLOCK_REALTIME}) in nanoseconds since the epoch, or {@link #NO_TIME} if
     * there is none, it is zero (no software stamp) or out of range as in {@link #receiveTimeNanos}.
     */
    public static long timestampingNanos(MemorySegment buf, long offset, long length) {
        long t = timespec(buf, find(buf, offset, length, Libc.SOL_SOCKET, Libc.SCM_TIMESTAMPING, 2 * Long.BYTES));
        return t == 0 ? NO_TIME : t;
    }

    /**
     * The key ({@code ee_data}: the socket's count of stamped sends with {@code SOF_OPT_ID}) of an
     * error-queue message that is a time stamp ({@code IP_RECVERR} or {@code IPV6_RECVERR} with
     * {@code ee_origin} {@code SO_EE_ORIGIN_TIMESTAMPING}), 0 to 2^32 - 1, or -1.
     */
    public static long errQueueKey(MemorySegment buf, long offset, long length) {
        long d = find(buf, offset, length, Libc.IPPROTO_IP, Libc.IP_RECVERR, EXTENDED_ERR);
        if (d < 0) {
            d = find(buf, offset, length, Libc.IPPROTO_IPV6, Libc.IPV6_RECVERR, EXTENDED_ERR);
        }
        if (d < 0 || buf.get(JAVA_BYTE, d + 4) != Libc.SO_EE_ORIGIN_TIMESTAMPING) {
            return -1;
        }
        return buf.get(JAVA_INT_UNALIGNED, d + 12) & 0xFFFFFFFFL;
    }

    /**
     * The offset of the data of the first message of {@code level}/{@code type} with at
     * least {@code minData} bytes of data, or -1.
     */
    private static long find(MemorySegment buf, long offset, long length, int level, int type, int minData) {
        long size = buf.byteSize();
        if (offset < 0 || offset > size || length <= 0) {
            return -1;
        }
        long end = offset + Math.min(length, size - offset);
        long at = offset;
        while (end - at >= HEADER) {
            long len = buf.get(JAVA_LONG_UNALIGNED, at);
            if (len < HEADER || len > end - at) {
                return -1; // glibc's CMSG_NXTHDR stops at a header that is too short or runs past the end
            }
            if (buf.get(JAVA_INT_UNALIGNED, at + 8) == level && buf.get(JAVA_INT_UNALIGNED, at + 12) == type) {
                return len - HEADER >= minData ? at + HEADER : -1;
            }
            at += (len + 7) & ~7L; // CMSG_ALIGN; len <= end - at, so no overflow
        }
        return -1;
    }
}
