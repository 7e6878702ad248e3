package io.iperf3j.sys;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** The msg_control decoder over hand-made buffers laid out as Linux writes them (LP64, little-endian). */
class AncillaryDataTest {
    private static final long T = 1_795_000_000L * 1_000_000_000L + 123_456_789L;

    /** One cmsghdr with its data, padded to 8 bytes (CMSG_SPACE). */
    private static byte[] cmsg(int level, int type, byte[] data) {
        int len = 16 + data.length;
        ByteBuffer b = ByteBuffer.allocate((len + 7) & ~7).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(len).putInt(level).putInt(type).put(data);
        return b.array();
    }

    private static byte[] timespec(long sec, long nsec) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(sec).putLong(nsec).array();
    }

    private static byte[] gro(int size) {
        return cmsg(17, 104, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(size).array());
    }

    private static byte[] stamp(long sec, long nsec) {
        return cmsg(1, 35, timespec(sec, nsec));
    }

    private static MemorySegment join(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return MemorySegment.ofArray(out.toByteArray());
    }

    @Test
    void readsTheTimestampAndTheSegmentSizeInEitherOrder() {
        for (MemorySegment m : new MemorySegment[] {join(stamp(1_795_000_000L, 123_456_789L), gro(1460)),
                join(gro(1460), stamp(1_795_000_000L, 123_456_789L))}) {
            assertThat(m.byteSize()).isEqualTo(AncillaryData.SPACE_INT + AncillaryData.SPACE_TIMESPEC);
            assertThat(AncillaryData.receiveTimeNanos(m, 0, m.byteSize())).isEqualTo(T);
            assertThat(AncillaryData.groSegmentSize(m, 0, m.byteSize())).isEqualTo(1460);
        }
    }

    @Test
    void absentValuesAreReportedAsAbsent() {
        MemorySegment onlyGro = join(gro(1000));
        assertThat(AncillaryData.receiveTimeNanos(onlyGro, 0, onlyGro.byteSize())).isEqualTo(AncillaryData.NO_TIME);
        MemorySegment onlyStamp = join(stamp(5, 6));
        assertThat(AncillaryData.groSegmentSize(onlyStamp, 0, onlyStamp.byteSize())).isZero();
        assertThat(AncillaryData.receiveTimeNanos(onlyStamp, 0, 0)).isEqualTo(AncillaryData.NO_TIME);
        assertThat(AncillaryData.receiveTimeNanos(onlyStamp, 0, onlyStamp.byteSize())).isEqualTo(5_000_000_006L);
    }

    @Test
    void theAnnouncedLengthBoundsTheWalk() {
        MemorySegment m = join(gro(1460), stamp(7, 8));
        // The kernel's msg_controllen says the second message is not there (MSG_CTRUNC): it is not read.
        assertThat(AncillaryData.receiveTimeNanos(m, 0, AncillaryData.SPACE_INT)).isEqualTo(AncillaryData.NO_TIME);
        assertThat(AncillaryData.groSegmentSize(m, 0, AncillaryData.SPACE_INT)).isEqualTo(1460);
        // A length beyond the buffer is cut to the buffer, never read past it.
        assertThat(AncillaryData.receiveTimeNanos(m, 0, Long.MAX_VALUE)).isEqualTo(7_000_000_008L);
        // A slot at an offset: the walk starts there.
        MemorySegment two = join(stamp(1, 1), stamp(2, 2));
        assertThat(AncillaryData.receiveTimeNanos(two, AncillaryData.SPACE_TIMESPEC, AncillaryData.SPACE_TIMESPEC))
                .isEqualTo(2_000_000_002L);
    }

    @Test
    void malformedHeadersAndValuesAreRefusedNotThrown() {
        // cmsg_len shorter than a header: the walk ends (glibc's CMSG_NXTHDR).
        byte[] shortLen = stamp(1, 1);
        shortLen[0] = 8;
        assertThat(AncillaryData.receiveTimeNanos(MemorySegment.ofArray(shortLen), 0, shortLen.length))
                .isEqualTo(AncillaryData.NO_TIME);
        // cmsg_len past the end.
        byte[] longLen = stamp(1, 1);
        longLen[1] = 0x10;
        assertThat(AncillaryData.receiveTimeNanos(MemorySegment.ofArray(longLen), 0, longLen.length))
                .isEqualTo(AncillaryData.NO_TIME);
        // A timestamp message too short for a timespec.
        MemorySegment tiny = join(cmsg(1, 35, new byte[8]));
        assertThat(AncillaryData.receiveTimeNanos(tiny, 0, tiny.byteSize())).isEqualTo(AncillaryData.NO_TIME);
        // tv_nsec out of range, negative or huge seconds.
        for (MemorySegment m : new MemorySegment[] {join(stamp(1, 1_000_000_000L)), join(stamp(1, -1)),
                join(stamp(-1, 0)), join(stamp(Long.MAX_VALUE / 1_000_000_000L, 0))}) {
            assertThat(AncillaryData.receiveTimeNanos(m, 0, m.byteSize())).isEqualTo(AncillaryData.NO_TIME);
        }
        // A zero or oversized segment size means "not coalesced".
        MemorySegment zero = join(gro(0));
        assertThat(AncillaryData.groSegmentSize(zero, 0, zero.byteSize())).isZero();
        MemorySegment big = join(gro(70_000));
        assertThat(AncillaryData.groSegmentSize(big, 0, big.byteSize())).isZero();
        // Offsets outside the buffer.
        assertThat(AncillaryData.receiveTimeNanos(zero, zero.byteSize() + 1, 8)).isEqualTo(AncillaryData.NO_TIME);
        assertThat(AncillaryData.receiveTimeNanos(zero, -1, 8)).isEqualTo(AncillaryData.NO_TIME);
    }

    /** SCM_TIMESTAMPING: three timespecs, software first. */
    private static byte[] timestamping(long sec, long nsec) {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN).putLong(sec).putLong(nsec);
        return cmsg(1, 37, b.array());
    }

    /** An error-queue message: struct sock_extended_err of a time stamp with key {@code key}. */
    private static byte[] errQueue(int level, int type, int origin, int key) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(42).put((byte) origin).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0).putInt(key);
        return cmsg(level, type, b.array());
    }

    @Test
    void readsTimestampingAndTheErrorQueueKey() {
        MemorySegment rx = join(timestamping(1_795_000_000L, 123_456_789L));
        assertThat(AncillaryData.timestampingNanos(rx, 0, rx.byteSize())).isEqualTo(T);
        assertThat(AncillaryData.errQueueKey(rx, 0, rx.byteSize())).isEqualTo(-1);
        // the pair link's error queue returns: IPv6 first (a dual-stack socket), then the stamp
        MemorySegment tx6 = join(errQueue(41, 25, 4, 0xFFFF_FFFE), timestamping(1_795_000_000L, 123_456_789L));
        assertThat(AncillaryData.errQueueKey(tx6, 0, tx6.byteSize())).isEqualTo(0xFFFF_FFFEL);
        assertThat(AncillaryData.timestampingNanos(tx6, 0, tx6.byteSize())).isEqualTo(T);
        MemorySegment tx4 = join(timestamping(1, 2), errQueue(0, 11, 4, 7));
        assertThat(AncillaryData.errQueueKey(tx4, 0, tx4.byteSize())).isEqualTo(7);
        // not a time stamp (an ICMP error: origin 2), no software stamp, or cut short: absent
        MemorySegment icmp = join(errQueue(0, 11, 2, 7));
        assertThat(AncillaryData.errQueueKey(icmp, 0, icmp.byteSize())).isEqualTo(-1);
        MemorySegment zero = join(timestamping(0, 0));
        assertThat(AncillaryData.timestampingNanos(zero, 0, zero.byteSize())).isEqualTo(AncillaryData.NO_TIME);
        assertThat(AncillaryData.timestampingNanos(tx6, 0, 40)).isEqualTo(AncillaryData.NO_TIME);
        assertThat(AncillaryData.errQueueKey(tx6, 0, 24)).isEqualTo(-1);
    }
}
