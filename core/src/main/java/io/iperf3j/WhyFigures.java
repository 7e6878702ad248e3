package io.iperf3j;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The figures a {@link Why.Verdict} is decided from and shown with (docs/design/why.md): one direction of a test,
 * or one stream of it. Shares are fractions (0..1); a figure one side could not see is empty, and {@link #unseen()}
 * says what was not seen and why.
 *
 * @param transport TCP or UDP
 * @param seconds the receiver's measured duration
 * @param bitsPerSecond what the receiver received, bits/s
 * @param targetBitsPerSecond {@code -b} (per stream times streams), 0 when none (TCP's default)
 * @param fqRateBitsPerSecond {@code --fq-rate}, 0 when none
 * @param busyShare TCP sender: {@code tcpi_busy_time} / the test's duration (time data was queued or in flight)
 * @param rwndLimitedShare TCP sender: {@code tcpi_rwnd_limited} / {@code tcpi_busy_time}
 * @param sndbufLimitedShare TCP sender: {@code tcpi_sndbuf_limited} / {@code tcpi_busy_time}
 * @param cwndLimitedShare TCP sender: what is left of the busy time (the congestion window's)
 * @param senderRunShare the sending thread's time on a CPU / wall time ({@code /proc/thread-self/schedstat})
 * @param senderWaitShare the sending thread's time waiting on a run queue / wall time
 * @param receiverRunShare the receiving thread's time on a CPU / wall time
 * @param receiverWaitShare the receiving thread's time waiting on a run queue / wall time
 * @param senderCpuPercent the sending process's CPU, percent of one core (iperf3's {@code cpu_util_total})
 * @param receiverCpuPercent the receiving process's CPU, percent of one core
 * @param rttMicros the path's RTT: the sender's {@code tcpi_min_rtt} (else its smoothed RTT; a receiver's
 *        {@code tcpi_rcv_rtt} when only the receiver was seen)
 * @param bdpBytes {@link #bitsPerSecond} × {@link #rttMicros} / 8: the window this rate needed on this path
 * @param receiverWindowBytes the largest window the receiver advertised ({@code tcpi_snd_wnd} at the sender, or the
 *        receiver's own {@code tcpi_rcv_wnd})
 * @param congestionWindowBytes the sender's largest congestion window
 * @param senderBufferBytes the sender's send buffer ({@code SO_SNDBUF}) at the end
 * @param lostShare UDP: datagrams lost / datagrams sent
 * @param droppedShare UDP: datagrams the receiving socket's kernel dropped (its buffer full: the socket's
 *        {@code SK_MEMINFO_DROPS}, /proc/net/udp's {@code drops}) / datagrams sent; empty when the receiver was not seen
 * @param receiverBufferBytes the receiving socket's buffer ({@code SO_RCVBUF}) at the end (TCP: autotuned)
 * @param unseen what one side could not see, in words (e.g. the sender's TCP_INFO of a real iperf3 server)
 * @param srttMicros TCP: the round trip the data in flight took (the sender's smoothed RTT, the mean of its interval
 *        samples; queues and the receiver's delays in it), else the receiver's estimate, at most what the window
 *        granted allows at the rate received (the window over the rate): what a window is held against
 * @param receiverBufferCeilingBytes TCP: the most the receive buffer could grow to ({@code -w}'s size, else
 *        {@code net.ipv4.tcp_rmem}'s max on the receiver)
 * @param senderBufferCeilingBytes TCP: the most the send buffer could grow to ({@code -w}'s size, else
 *        {@code net.ipv4.tcp_wmem}'s max on the sender)
 * @param sendBlockedShare UDP: the share of the test the sender waited for room in its full socket buffer (its
 *        datagrams queued on their way out of its host)
 * @param retransmitShare TCP: the sender's retransmitted segments / the segments the receiver got
 * @param sides which side sent, the streams and each side's cores: what a remedy may name
 * @param senderShaperBitsPerSecond the rate a shaper on the sender's own egress interface lets out (its root qdisc: a
 *        {@code tbf}'s rate, an {@code fq}'s maxrate), read over rtnetlink; empty without one or unseen
 * @param senderShaperOverlimits how often that qdisc held a packet back during the test (tbf: out of tokens)
 */
public record WhyFigures(Transport transport, double seconds, double bitsPerSecond, long targetBitsPerSecond,
                         long fqRateBitsPerSecond, OptionalDouble busyShare, OptionalDouble rwndLimitedShare,
                         OptionalDouble sndbufLimitedShare, OptionalDouble cwndLimitedShare,
                         OptionalDouble senderRunShare, OptionalDouble senderWaitShare,
                         OptionalDouble receiverRunShare, OptionalDouble receiverWaitShare,
                         OptionalDouble senderCpuPercent, OptionalDouble receiverCpuPercent, OptionalLong rttMicros,
                         OptionalLong bdpBytes, OptionalLong receiverWindowBytes, OptionalLong congestionWindowBytes,
                         OptionalLong senderBufferBytes, OptionalDouble lostShare, OptionalDouble droppedShare,
                         OptionalLong receiverBufferBytes, List<String> unseen, OptionalLong srttMicros,
                         OptionalLong receiverBufferCeilingBytes, OptionalLong senderBufferCeilingBytes,
                         OptionalDouble sendBlockedShare, OptionalDouble retransmitShare, Sides sides,
                         OptionalLong senderShaperBitsPerSecond, OptionalLong senderShaperOverlimits) {
    /** Copies {@code unseen}. */
    public WhyFigures {
        unseen = List.copyOf(unseen);
    }

    /**
     * The test's sides as a remedy needs them.
     *
     * @param senderIsClient whether the client sent this data (else the server did)
     * @param streams the streams of this direction ({@code -P})
     * @param senderCores the CPUs the sending process may use; 0 when not known (a real iperf3)
     * @param receiverCores the CPUs the receiving process may use; 0 when not known
     * @param zeroCopy whether the sender already sent with {@code -Z}
     * @param local whether both ends are on one host (a loopback address, or the host's own address on both ends):
     *        there is no path between them, only the host's CPUs and memory
     */
    public record Sides(boolean senderIsClient, int streams, int senderCores, int receiverCores, boolean zeroCopy,
                        boolean local) {
        /** A forward test's single stream, cores not known. */
        public static final Sides UNKNOWN = new Sides(true, 1, 0, 0, false, false);

        /** Two hosts (or not known to be one). */
        public Sides(boolean senderIsClient, int streams, int senderCores, int receiverCores, boolean zeroCopy) {
            this(senderIsClient, streams, senderCores, receiverCores, zeroCopy, false);
        }

        /** "the client" or "the server": the host that sends this data. */
        public String sender() {
            return senderIsClient ? "the client" : "the server";
        }

        /** "the client" or "the server": the host that receives it. */
        public String receiver() {
            return senderIsClient ? "the server" : "the client";
        }
    }

    /** The figures without issue 56's (as read from an older document). */
    public WhyFigures(Transport transport, double seconds, double bitsPerSecond, long targetBitsPerSecond,
                      long fqRateBitsPerSecond, OptionalDouble busyShare, OptionalDouble rwndLimitedShare,
                      OptionalDouble sndbufLimitedShare, OptionalDouble cwndLimitedShare,
                      OptionalDouble senderRunShare, OptionalDouble senderWaitShare,
                      OptionalDouble receiverRunShare, OptionalDouble receiverWaitShare,
                      OptionalDouble senderCpuPercent, OptionalDouble receiverCpuPercent, OptionalLong rttMicros,
                      OptionalLong bdpBytes, OptionalLong receiverWindowBytes, OptionalLong congestionWindowBytes,
                      OptionalLong senderBufferBytes, OptionalDouble lostShare, OptionalDouble droppedShare,
                      OptionalLong receiverBufferBytes, List<String> unseen) {
        this(transport, seconds, bitsPerSecond, targetBitsPerSecond, fqRateBitsPerSecond, busyShare,
                rwndLimitedShare, sndbufLimitedShare, cwndLimitedShare, senderRunShare, senderWaitShare,
                receiverRunShare, receiverWaitShare, senderCpuPercent, receiverCpuPercent, rttMicros, bdpBytes,
                receiverWindowBytes, congestionWindowBytes, senderBufferBytes, lostShare, droppedShare,
                receiverBufferBytes, unseen, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), Sides.UNKNOWN, OptionalLong.empty(), OptionalLong.empty());
    }

    /** The figures without the receiving socket's drops and buffer (as before they were read). */
    public WhyFigures(Transport transport, double seconds, double bitsPerSecond, long targetBitsPerSecond,
                      long fqRateBitsPerSecond, OptionalDouble busyShare, OptionalDouble rwndLimitedShare,
                      OptionalDouble sndbufLimitedShare, OptionalDouble cwndLimitedShare,
                      OptionalDouble senderRunShare, OptionalDouble senderWaitShare,
                      OptionalDouble receiverRunShare, OptionalDouble receiverWaitShare,
                      OptionalDouble senderCpuPercent, OptionalDouble receiverCpuPercent, OptionalLong rttMicros,
                      OptionalLong bdpBytes, OptionalLong receiverWindowBytes, OptionalLong congestionWindowBytes,
                      OptionalLong senderBufferBytes, OptionalDouble lostShare, List<String> unseen) {
        this(transport, seconds, bitsPerSecond, targetBitsPerSecond, fqRateBitsPerSecond, busyShare,
                rwndLimitedShare, sndbufLimitedShare, cwndLimitedShare, senderRunShare, senderWaitShare,
                receiverRunShare, receiverWaitShare, senderCpuPercent, receiverCpuPercent, rttMicros, bdpBytes,
                receiverWindowBytes, congestionWindowBytes, senderBufferBytes, lostShare, OptionalDouble.empty(),
                OptionalLong.empty(), unseen);
    }
}
