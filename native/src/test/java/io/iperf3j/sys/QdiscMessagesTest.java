package io.iperf3j.sys;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The qdisc-dump decoder over a dump captured from a real kernel (qdisc-dump-tbf.hex) and over
 * hand-made messages laid out as the kernel writes them (host order: these tests assume little-endian).
 */
class QdiscMessagesTest {
    private static final int SEQ = 0x6b0adabd;
    /** Where the captured dump's first datagram ends. */
    private static final int FIRST_DATAGRAM = 484;

    static byte[] captured() throws IOException {
        try (InputStream in = QdiscMessagesTest.class.getResourceAsStream("qdisc-dump-tbf.hex")) {
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.startsWith("#")) {
                    hex.append(line.strip());
                }
            }
            return HexFormat.of().parseHex(hex);
        }
    }

    private static ByteBuffer wrap(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    @Test
    void theCapturedDumpGivesTheShapersRootQdisc() throws Exception {
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        QdiscMessages.Reply r = QdiscMessages.parse(wrap(captured()), SEQ, 3);
        assertThat(r.done()).isTrue();
        assertThat(r.errno()).isZero();
        assertThat(r.messages()).isEqualTo(4); // lo, qb, qa, NLMSG_DONE
        QdiscStats q = r.root().orElseThrow();
        assertThat(q).isEqualTo(new QdiscStats(3, "tbf", 712, 10, 0, 0, 0, 0, 0, OptionalLong.of(500_000_000L)));
    }

    @Test
    void anInterfaceWithoutAShaperHasItsDefaultQdiscAndNoRate() throws Exception {
        for (int ifindex : new int[] {1, 2}) {
            QdiscStats q = QdiscMessages.parse(wrap(captured()), SEQ, ifindex).root().orElseThrow();
            assertThat(q.kind()).isEqualTo("noqueue");
            assertThat(q.rateBitsPerSecond()).isEmpty();
            assertThat(q.bytes()).isZero();
        }
    }

    @Test
    void anUnknownInterfaceIsAbsentAndTheDumpEnds() throws Exception {
        QdiscMessages.Reply r = QdiscMessages.parse(wrap(captured()), SEQ, 7);
        assertThat(r.root()).isEmpty();
        assertThat(r.done()).isTrue();
    }

    @Test
    void theFirstDatagramAloneHasTheQdiscButNotTheEnd() throws Exception {
        byte[] first = java.util.Arrays.copyOf(captured(), FIRST_DATAGRAM);
        QdiscMessages.Reply r = QdiscMessages.parse(wrap(first), SEQ, 3);
        assertThat(r.root()).isPresent();
        assertThat(r.done()).isFalse();
        assertThat(r.messages()).isEqualTo(3);
    }

    @Test
    void theBuffersPositionAndLimitBoundTheRead() throws Exception {
        byte[] dump = captured();
        byte[] padded = new byte[dump.length + 10];
        System.arraycopy(dump, 0, padded, 5, dump.length);
        ByteBuffer b = wrap(padded).position(5).limit(5 + dump.length);
        assertThat(QdiscMessages.parse(b, SEQ, 3).root()).isPresent();
        assertThat(b.position()).isEqualTo(5);
    }

    @Test
    void anotherSequenceNumberIsRefused() throws Exception {
        assertThatThrownBy(() -> QdiscMessages.parse(wrap(captured()), SEQ + 1, 3))
                .isInstanceOf(MalformedNetlinkException.class).hasMessageContaining("sequence");
    }

    @Test
    void everyTruncationAndByteChangeIsDecodedOrRefusedAsMalformed() throws Exception {
        byte[] dump = captured();
        for (int n = 0; n <= dump.length; n++) {
            parseOrRefuse(java.util.Arrays.copyOf(dump, n));
        }
        for (int i = 0; i < dump.length; i++) {
            for (int v : new int[] {0, 1, 3, 0x7F, 0x80, 0xFF}) {
                byte[] changed = dump.clone();
                changed[i] = (byte) v;
                parseOrRefuse(changed);
            }
        }
    }

    private static void parseOrRefuse(byte[] b) {
        try {
            QdiscMessages.parse(wrap(b), SEQ, 3);
        } catch (MalformedNetlinkException e) {
            // the documented refusal
        }
    }

    @Test
    void theRequestIsTheOneTcSends() {
        ByteBuffer r = QdiscMessages.request(SEQ, 3);
        assertThat(r.remaining()).isEqualTo(QdiscMessages.REQUEST_LENGTH);
        assertThat(HexFormat.of().formatHex(r.array())).isEqualTo(
                "24000000" + "2600" + "0103" + "bdda0a6b" + "00000000" // nlmsghdr
                        + "00000000" + "03000000" + "00000000" + "00000000" + "00000000"); // tcmsg
        assertThatThrownBy(() -> QdiscMessages.request(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // hand-made messages

    /** An rtattr with its data, padded to 4. */
    static byte[] attr(int type, byte[] data) {
        int len = 4 + data.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) len).putShort((short) type).put(data);
        return b.array();
    }

    static byte[] join(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] le(int size, long... values) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            if (size == values.length * 8) {
                b.putLong(v);
            } else {
                b.putInt((int) v);
            }
        }
        return b.array();
    }

    /** An nlmsghdr of {@code type} with seq {@link #SEQ} around {@code payload}. */
    static byte[] message(int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(16 + payload.length).putShort((short) type).putShort((short) 2).putInt(SEQ).putInt(4242).put(payload);
        return b.array();
    }

    static byte[] qdisc(int ifindex, int parent, byte[]... attrs) {
        ByteBuffer t = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        t.putInt(0).putInt(ifindex).putInt(0x10000).putInt(parent).putInt(1);
        return message(36, join(t.array(), join(attrs)));
    }

    static byte[] kind(String k) {
        return attr(1, (k + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    /** TCA_STATS2 with BASIC (16 bytes, padded as the kernel pads it) and QUEUE. */
    static byte[] stats2(long bytes, int packets, int qlen, int backlog, int drops, int requeues, int overlimits) {
        byte[] basic = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(bytes).putInt(packets).array();
        return attr(7, join(attr(1, basic), attr(3, le(20, qlen, backlog, drops, requeues, overlimits))));
    }

    static byte[] tbfRate(long bytesPerSecond, long rate64) {
        ByteBuffer qopt = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        qopt.putLong(0).putInt((int) bytesPerSecond);
        byte[] options = attr(1, qopt.array());
        if (rate64 >= 0) {
            options = join(options, attr(4, le(8, rate64)));
        }
        return attr(2 | 0x8000, options); // NLA_F_NESTED, which the decoder ignores
    }

    static byte[] done() {
        return message(3, le(4, 0));
    }

    @Test
    void countersComeFromStats2AndSkipOtherRootsAndNonRootQdiscs() throws Exception {
        byte[] dump = join(
                qdisc(5, 0xFFFFFFF1, kind("ingress"), stats2(1, 1, 0, 0, 0, 0, 0)),
                qdisc(4, -1, kind("fq_codel"), stats2(2, 2, 0, 0, 0, 0, 0)),
                qdisc(5, 0x10001, kind("pfifo"), stats2(3, 3, 0, 0, 0, 0, 0)),
                qdisc(5, -1, kind("tbf"), tbfRate(1_250_000, -1),
                        stats2(0x1_0000_0000L, 0xFFFF_FFFF, 7, 9000, 11, 2, 13)),
                done());
        QdiscStats q = QdiscMessages.parse(wrap(dump), SEQ, 5).root().orElseThrow();
        assertThat(q).isEqualTo(new QdiscStats(5, "tbf", 0x1_0000_0000L, 0xFFFF_FFFFL, 11, 13, 2, 9000, 7,
                OptionalLong.of(10_000_000L)));
    }

    @Test
    void aRateAbove32BitsComesFromRate64() throws Exception {
        byte[] dump = join(qdisc(5, -1, kind("tbf"), tbfRate(0xFFFF_FFFFL, 5_000_000_000L), stats2(0, 0, 0, 0, 0, 0, 0)));
        assertThat(QdiscMessages.parse(wrap(dump), SEQ, 5).root().orElseThrow().rateBitsPerSecond())
                .hasValue(40_000_000_000L);
    }

    @Test
    void fqGivesItsMaxrateWhenSetAndOtherKindsNoRate() throws Exception {
        byte[] fq = join(qdisc(5, -1, kind("fq"), attr(2, attr(7, le(4, 125_000))), stats2(0, 0, 0, 0, 0, 0, 0)));
        assertThat(QdiscMessages.parse(wrap(fq), SEQ, 5).root().orElseThrow().rateBitsPerSecond()).hasValue(1_000_000L);
        byte[] unlimited = join(qdisc(5, -1, kind("fq"), attr(2, attr(7, le(4, -1))), stats2(0, 0, 0, 0, 0, 0, 0)));
        assertThat(QdiscMessages.parse(wrap(unlimited), SEQ, 5).root().orElseThrow().rateBitsPerSecond()).isEmpty();
        byte[] htb = join(qdisc(5, -1, kind("htb"), attr(2, attr(1, new byte[36])), stats2(0, 0, 0, 0, 0, 0, 0)));
        assertThat(QdiscMessages.parse(wrap(htb), SEQ, 5).root().orElseThrow().rateBitsPerSecond()).isEmpty();
    }

    @Test
    void withoutStats2TheOldTcStatsIsRead() throws Exception {
        // struct tc_stats: u64 bytes; u32 packets, drops, overlimits, bps, pps, qlen, backlog (40 with padding)
        ByteBuffer s = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        s.putLong(1000).putInt(10).putInt(3).putInt(4).putInt(0).putInt(0).putInt(5).putInt(600);
        byte[] dump = join(qdisc(5, -1, kind("pfifo_fast"), attr(3, s.array())), done());
        assertThat(QdiscMessages.parse(wrap(dump), SEQ, 5).root().orElseThrow())
                .isEqualTo(new QdiscStats(5, "pfifo_fast", 1000, 10, 3, 4, 0, 600, 5, OptionalLong.empty()));
    }

    @Test
    void aPacketCountPast32BitsComesFromPkt64() throws Exception {
        byte[] basic = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(9).putInt(1).array();
        byte[] stats = attr(7, join(attr(1, basic), attr(8, le(8, 0x1_0000_0001L)), attr(3, new byte[20])));
        byte[] dump = join(qdisc(5, -1, kind("mq"), stats));
        assertThat(QdiscMessages.parse(wrap(dump), SEQ, 5).root().orElseThrow().packets()).isEqualTo(0x1_0000_0001L);
    }

    @Test
    void anErrorEndsTheDumpWithItsErrno() throws Exception {
        QdiscMessages.Reply r = QdiscMessages.parse(wrap(message(2, join(le(4, -1), new byte[16]))), SEQ, 5);
        assertThat(r.done()).isTrue();
        assertThat(r.errno()).isEqualTo(1);
        assertThat(r.root()).isEmpty();
    }

    @Test
    void brokenQdiscsAreRefused() {
        byte[] noKind = qdisc(5, -1, stats2(0, 0, 0, 0, 0, 0, 0));
        byte[] noStats = qdisc(5, -1, kind("tbf"));
        byte[] unterminated = qdisc(5, -1, attr(1, "tbf".getBytes(StandardCharsets.US_ASCII)), stats2(0, 0, 0, 0, 0, 0, 0));
        byte[] control = qdisc(5, -1, kind("t\nf"), stats2(0, 0, 0, 0, 0, 0, 0));
        byte[] longKind = qdisc(5, -1, kind("a".repeat(16)), stats2(0, 0, 0, 0, 0, 0, 0));
        byte[] shortBasic = qdisc(5, -1, kind("tbf"), attr(7, attr(1, new byte[8])));
        byte[] hugeBytes = qdisc(5, -1, kind("tbf"), stats2(-1, 0, 0, 0, 0, 0, 0));
        byte[] hugeRate = qdisc(5, -1, kind("tbf"), tbfRate(0, Long.MAX_VALUE / 4), stats2(0, 0, 0, 0, 0, 0, 0));
        byte[] attrPastEnd = qdisc(5, -1, kind("tbf"), new byte[] {(byte) 0xF0, 0, 1, 0});
        byte[] positiveError = message(2, le(4, 5));
        for (byte[] b : new byte[][] {noKind, noStats, unterminated, control, longKind, shortBasic, hugeBytes, hugeRate,
                attrPastEnd, positiveError}) {
            assertThatThrownBy(() -> QdiscMessages.parse(wrap(b), SEQ, 5)).isInstanceOf(MalformedNetlinkException.class);
        }
        // the same qdiscs on another interface are skipped, not read
        for (byte[] b : new byte[][] {noKind, noStats, unterminated, control, longKind, shortBasic}) {
            assertThat(catchParse(b, 6)).isTrue();
        }
    }

    private static boolean catchParse(byte[] b, int ifindex) {
        try {
            return QdiscMessages.parse(wrap(b), SEQ, ifindex).root().isEmpty();
        } catch (MalformedNetlinkException e) {
            return false;
        }
    }
}
