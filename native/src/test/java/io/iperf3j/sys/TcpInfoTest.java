package io.iperf3j.sys;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TcpInfoTest {

    private static final long PUSH = 8L * 1024 * 1024;

    /**
     * Every field from its offset in Linux's {@code struct tcp_info} (include/uapi/linux/tcp.h),
     * in native byte order, and the later fields absent from a shorter struct (an older kernel).
     */
    @Test
    void eachFieldComesFromItsOffset() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(TcpInfo.REQUEST_SIZE);
            for (int off = 0; off < 5; off++) {
                s.set(JAVA_BYTE, off, (byte) (0xF0 + off));  // state .. backoff: unsigned bytes
            }
            for (int off = 8; off < 104; off += 4) {
                s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, off, 0x8000_0000 + off); // above 2^31: unsigned
            }
            s.set(JAVA_BYTE, 7, (byte) 0xF9); // tcpi_delivery_rate_app_limited:1 is bit 0 (the rest: other fields)
            for (int off : new int[] {104, 120, 128, 160, 168, 176, 184, 200, 208}) {
                s.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, off, 1_000_000_000_000L + off);
            }
            for (int off : new int[] {144, 220, 228, 232}) {
                s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, off, 5000 + off);
            }
            s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 148, -1); // tcpi_min_rtt ~0U: no sample yet

            TcpInfo t = TcpInfo.parse(s, 236).orElseThrow();
            assertThat(new int[] {t.state(), t.caState(), t.retransmits(), t.probes(), t.backoff()})
                    .containsExactly(0xF0, 0xF1, 0xF2, 0xF3, 0xF4);
            long u = 0x8000_0000L;
            assertThat(new long[] {t.rtoMicros(), t.sndMss(), t.rcvMss(), t.unacked(), t.sacked(), t.lost(),
                    t.retrans(), t.pmtu(), t.rcvSsthresh(), t.rttMicros(), t.rttVarMicros(), t.sndSsthresh(),
                    t.sndCwnd(), t.advMss(), t.reordering(), t.rcvRttMicros(), t.rcvSpace(), t.totalRetrans()})
                    .containsExactly(u + 8, u + 16, u + 20, u + 24, u + 28, u + 32, u + 36, u + 60, u + 64, u + 68,
                            u + 72, u + 76, u + 80, u + 84, u + 88, u + 92, u + 96, u + 100);
            assertThat(t.pacingRate()).hasValue(1_000_000_000_104L);
            assertThat(t.bytesAcked()).hasValue(1_000_000_000_120L);
            assertThat(t.bytesReceived()).hasValue(1_000_000_000_128L);
            assertThat(t.deliveryRate()).hasValue(1_000_000_000_160L);
            assertThat(t.bytesSent()).hasValue(1_000_000_000_200L);
            assertThat(t.bytesRetrans()).hasValue(1_000_000_000_208L);
            assertThat(t.busyTimeMicros()).hasValue(1_000_000_000_168L);
            assertThat(t.rwndLimitedMicros()).hasValue(1_000_000_000_176L);
            assertThat(t.sndbufLimitedMicros()).hasValue(1_000_000_000_184L);
            assertThat(t.deliveryRateAppLimited()).isTrue();
            assertThat(t.notsentBytes()).hasValue(5144);
            assertThat(t.reordSeen()).hasValue(5220);
            assertThat(t.sndWnd()).isEqualTo(5228);
            assertThat(t.rcvWnd()).hasValue(5232);
            assertThat(t.minRttMicros()).isEmpty();
            assertThat(t.length()).isEqualTo(236);

            TcpInfo old = TcpInfo.parse(s, TcpInfo.MIN_LENGTH).orElseThrow(); // a 2.6-era kernel's 104 bytes
            assertThat(old.totalRetrans()).isEqualTo(u + 100);
            assertThat(old.sndWnd()).isZero();
            assertThat(old.pacingRate()).isEmpty();
            assertThat(old.rcvWnd()).isEmpty();
            assertThat(old.busyTimeMicros()).isEmpty();
            assertThat(old.sndbufLimitedMicros()).isEmpty();
            s.set(JAVA_BYTE, 7, (byte) 0xFE);
            assertThat(TcpInfo.parse(s, 236).orElseThrow().deliveryRateAppLimited()).isFalse();
            assertThat(TcpInfo.parse(s, TcpInfo.MIN_LENGTH - 1)).isEmpty();
        }
    }

    @Test
    void senderStatisticsAfterABulkTransfer() throws Exception {
        try (Loopback lo = Loopback.ipv4()) {
            NativeSocket sender = NativeSocket.of(lo.client).orElseThrow();
            NativeSocket receiver = NativeSocket.of(lo.accepted).orElseThrow();
            TcpInfo before = sender.tcpInfo().orElseThrow();

            lo.push(PUSH);

            TcpInfo t = sender.tcpInfo().orElseThrow();
            assertThat(t.length()).isGreaterThanOrEqualTo(232);
            assertThat(t.state()).isEqualTo(TcpInfo.STATE_ESTABLISHED);
            assertThat(t.rttMicros()).isPositive();
            assertThat(t.rttVarMicros()).isNotNegative();
            assertThat(t.sndMss()).isPositive();
            assertThat(t.sndCwnd()).isPositive();
            assertThat(t.sndCwndBytes()).isEqualTo(t.sndCwnd() * t.sndMss());
            assertThat(t.pmtu()).isPositive();
            assertThat(t.sndWnd()).isPositive();
            assertThat(t.totalRetrans()).isGreaterThanOrEqualTo(before.totalRetrans()).isNotNegative();
            assertThat(t.bytesAcked()).isPresent();
            assertThat(t.bytesAcked().getAsLong()).isGreaterThanOrEqualTo(PUSH);
            assertThat(t.bytesSent()).isPresent();
            assertThat(t.bytesSent().getAsLong()).isGreaterThanOrEqualTo(PUSH);
            assertThat(t.minRttMicros()).isPresent();
            assertThat(t.deliveryRate()).isPresent();
            // the chronos: a sender that pushed 8 MiB was busy, and its limited parts are parts of that
            assertThat(t.busyTimeMicros().orElseThrow()).isGreaterThanOrEqualTo(
                    t.rwndLimitedMicros().orElseThrow() + t.sndbufLimitedMicros().orElseThrow());

            TcpInfo r = receiver.tcpInfo().orElseThrow();
            assertThat(r.bytesReceived()).isPresent();
            assertThat(r.bytesReceived().getAsLong()).isGreaterThanOrEqualTo(PUSH);
        }
    }

    private static final Pattern MSS = Pattern.compile("(?<![a-z_])mss:(\\d+)");
    private static final Pattern CWND = Pattern.compile("(?<![a-z_])cwnd:(\\d+)");
    private static final Pattern RTT = Pattern.compile("(?<![a-z_])rtt:([0-9.]+)/([0-9.]+)");
    private static final Pattern PMTU = Pattern.compile("(?<![a-z_])pmtu:(\\d+)");

    @Test
    void agreesWithSs() throws Exception {
        try (Loopback lo = Loopback.ipv4()) {
            NativeSocket sender = NativeSocket.of(lo.client).orElseThrow();
            lo.push(PUSH);
            // let the last ACKs arrive so the sender is quiescent
            for (int i = 0; i < 100 && sender.sendQueueBytes().orElse(0) > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(sender.sendQueueBytes()).hasValue(0);
            assertThat(sender.unsentBytes()).hasValue(0);

            TcpInfo t1 = sender.tcpInfo().orElseThrow();
            String ss = ss((InetSocketAddress) lo.client.getLocalAddress());
            TcpInfo t2 = sender.tcpInfo().orElseThrow();

            assertThat(ss).as("ss output").contains(lo.client.getLocalAddress().toString().substring(1));
            assertThat(group(MSS, ss)).isEqualTo(t1.sndMss());
            assertThat(group(PMTU, ss)).isEqualTo(t1.pmtu());
            long ssCwnd = group(CWND, ss);
            assertThat(ssCwnd).isBetween(Math.min(t1.sndCwnd(), t2.sndCwnd()), Math.max(t1.sndCwnd(), t2.sndCwnd()));
            Matcher m = RTT.matcher(ss);
            assertThat(m.find()).isTrue();
            double ssRttMicros = Double.parseDouble(m.group(1)) * 1000;
            assertThat(ssRttMicros).isCloseTo(t1.rttMicros(), within(Math.max(20.0, t1.rttMicros() * 0.5)));
        }
    }

    private static long group(Pattern p, String s) {
        Matcher m = p.matcher(s);
        assertThat(m.find()).as("%s in %s", p, s).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String ss(InetSocketAddress local) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-tinH", "src",
                local.getAddress().getHostAddress() + ":" + local.getPort())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void parsesShortAndFullStructs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(TcpInfo.REQUEST_SIZE);
            s.set(JAVA_BYTE, 0, (byte) 1);
            s.set(JAVA_BYTE, 2, (byte) 3);
            s.set(JAVA_INT, 16, 1448);
            s.set(JAVA_INT, 60, 1500);
            s.set(JAVA_INT, 68, 12345);
            s.set(JAVA_INT, 72, 678);
            s.set(JAVA_INT, 80, 10);
            s.set(JAVA_INT, 100, 0xFFFF_FFFE); // u32 above Integer.MAX_VALUE
            s.set(JAVA_INT, 148, 0xFFFF_FFFF); // min_rtt "no sample"
            s.set(JAVA_INT, 228, 65535);

            assertThat(TcpInfo.parse(s, 103)).isEmpty();

            TcpInfo old = TcpInfo.parse(s, 104).orElseThrow();
            assertThat(old.state()).isEqualTo(1);
            assertThat(old.retransmits()).isEqualTo(3);
            assertThat(old.sndMss()).isEqualTo(1448);
            assertThat(old.pmtu()).isEqualTo(1500);
            assertThat(old.rttMicros()).isEqualTo(12345);
            assertThat(old.rttVarMicros()).isEqualTo(678);
            assertThat(old.sndCwndBytes()).isEqualTo(14480);
            assertThat(old.totalRetrans()).isEqualTo(0xFFFF_FFFEL);
            assertThat(old.sndWnd()).isZero();
            assertThat(old.pacingRate()).isEmpty();
            assertThat(old.bytesAcked()).isEmpty();
            assertThat(old.minRttMicros()).isEmpty();

            TcpInfo mid = TcpInfo.parse(s, 192).orElseThrow(); // Linux 4.9-ish
            assertThat(mid.bytesAcked()).isPresent();
            assertThat(mid.deliveryRate()).isPresent();
            assertThat(mid.minRttMicros()).isEmpty(); // ~0U means no sample
            assertThat(mid.bytesSent()).isEmpty();
            assertThat(mid.sndWnd()).isZero();

            TcpInfo full = TcpInfo.parse(s, 232).orElseThrow();
            assertThat(full.sndWnd()).isEqualTo(65535);
            assertThat(full.bytesRetrans()).isPresent();
            assertThat(full.rcvWnd()).isEmpty();
            assertThat(TcpInfo.parse(s, 240).orElseThrow().rcvWnd()).isPresent();

            // heap memory and odd lengths are tolerated too
            byte[] heap = s.asSlice(0, 150).toArray(JAVA_BYTE);
            TcpInfo fromHeap = TcpInfo.parse(MemorySegment.ofArray(heap), heap.length).orElseThrow();
            assertThat(fromHeap.notsentBytes()).isPresent();
            assertThat(fromHeap.minRttMicros()).isEmpty();
            assertThat(fromHeap.sndMss()).isEqualTo(1448);
        }
    }
}
