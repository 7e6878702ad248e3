package io.iperf3j.internal.why;

import io.iperf3j.Cause;
import io.iperf3j.Confidence;
import io.iperf3j.Transport;
import io.iperf3j.Why;
import io.iperf3j.WhyFigures;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The decision: figures in, verdict out, nothing else read (docs/design/why.md has the order and the thresholds'
 * reasons). The first rule that holds names the cause, with a confidence from its margins.
 *
 * <p>A limit is judged by what it would allow at the round trip the data took, not by thresholds of one path: a
 * window or a buffer carries at most its size per round trip, so the data in flight ({@code rate x smoothed RTT})
 * against the window granted says whether the window was full at any RTT, from a veth pair's tens of microseconds to a
 * long path's hundreds of milliseconds. A buffer is the cause only when it could not grow: it reached its ceiling
 * ({@code -w}'s size, or the sysctl's max). One below its ceiling was left small by autotuning because the reader or
 * the writer was slow, and raising the ceiling lifts nothing: the lab's intervention runs (bench/why_lab.py) hold
 * every rule to that.
 */
public final class WhyRules {
    /** Below this the chronos (jiffies) and the thread figures are too coarse, and slow start is most of the test. */
    static final double MIN_SECONDS = 1.0;
    /** A rate at or above this share of {@code -b}/{@code --fq-rate} is the pacing's. */
    static final double PACED = 0.85;
    /** A thread that ran or waited to run this share of the wall time had no CPU to spare. */
    static final double CPU_BUSY = 0.85;
    /** Past this share of the wall time a CPU verdict is clear. */
    static final double CPU_CLEAR = 0.95;
    /**
     * A thread that waited on a run queue this share of the wall time was short of CPU whatever it ran: pinned to a
     * core that a busier process of higher priority holds, it runs little and waits much, and sleeps in between
     * on a socket its bursts filled.
     */
    static final double CPU_WAIT = 0.4;
    /** With {@link #CPU_WAIT}: a sender that kept its socket busy less than this share of the test. */
    static final double SOCKET_KEPT_BUSY = 0.9;
    /** With {@link #CPU_WAIT}: a receiver whose window stopped the sender at least this share of its busy time. */
    static final double WINDOW_CLOSED = 0.1;
    /**
     * A sender whose socket sat empty part of the test and that waited to run at least this share of that empty time
     * (and {@link #CPU_WAIT_FLOOR} of the test): the socket was empty because its thread could not run to refill it.
     */
    static final double WAIT_EXPLAINS_IDLE = 0.8;
    /** With {@link #WAIT_EXPLAINS_IDLE}: twice the most any sender of the lab's other cases waited (0.11). */
    static final double CPU_WAIT_FLOOR = 0.2;
    /** Without a thread's figures (a real iperf3 peer): its process CPU, percent of one core. */
    static final double CPU_PROCESS_PERCENT = 90;
    /** A buffer at least this share of its ceiling could not grow further. */
    static final double AT_CEILING = 0.9;
    /**
     * The data in flight (rate x smoothed RTT) filled at least this share of the window the receiver granted: the
     * window is what bounds the rate. On the LAN the window-bound runs read 0.7-1.0 with the smoothed RTT (a tenth
     * with the smallest RTT, which leaves out the receiver's own delays); on the long path 0.75-0.9.
     */
    static final double WINDOW_FULL = 0.6;
    /** A congestion window at least this many times the window granted had room the window did not give. */
    static final double CWND_ROOM = 2;
    /** The receiver's window stopped the sender at least this share of its busy time (with a capped buffer). */
    static final double RWND_WITH_CEILING = 0.3;
    /** The receiver's window stopped it at least this share of its busy time (a window not capped, or not seen). */
    static final double RWND_SHARE = 0.5;
    /** The sender's buffer stopped it at least this share of its busy time. */
    static final double SNDBUF_SHARE = 0.3;
    /**
     * The rate's BDP is at least this share of the send buffer: the data in flight fills what the buffer holds (about
     * half of {@code SO_SNDBUF} is payload, the rest the kernel's per-packet overhead).
     */
    static final double SNDBUF_FULL = 0.4;
    /** With {@link #SNDBUF_FULL}, a buffer that stopped the sender at least this share of its busy time. */
    static final double SNDBUF_SHARE_WHEN_FULL = 0.1;
    /**
     * A real iperf3 sender's retransmits at least this share of the segments: the path dropped (the lab's path runs
     * 0.55-4.7 %, on the LAN's 1 Gbit/s tbf 10-16 %). A sender starved of CPU on a clean path retransmits too, its
     * tail-loss probes firing while it waits (the lab's loopback runs, -R against 3.21: 10-48 retransmits,
     * 0.03-0.19 %; the LAN's pinned 3.21 sender 0.14-0.31 %, which 0.3 % named the path once in 10).
     */
    static final double LOSSES = 0.005;
    /**
     * A real iperf3 sender's congestion window at the end of the test at most this many times the rate's BDP: the data
     * in flight filled it (BBR keeps about twice the BDP it measures; a sender held by its buffer leaves more room).
     */
    static final double CWND_FILLED = 2.4;
    /**
     * A real iperf3 sender's retransmits at least this share of the segments: losses no starved sender makes (its
     * tail-loss probes: under 0.2 %), so the path without the window test.
     */
    static final double HEAVY_LOSSES = 0.01;
    /** The congestion window's share of the busy time past the next cause's by less than this: a close verdict. */
    static final double CLOSE_MARGIN = 0.1;
    /** The socket had data queued less than this share of the test: the application did not send more. */
    static final double APP_IDLE = 0.5;
    /** UDP: loss at or above this share. */
    static final double UDP_LOSS = 0.01;
    /**
     * UDP: the receiving socket's kernel dropped at least this share of the datagrams lost: its full buffer, not the
     * path, lost them (the socket's drop counter and the sequence numbers' gaps count the same datagrams).
     */
    static final double SOCKET_DROPS_EXPLAIN = 0.5;
    /**
     * UDP: a sender that sent under {@link #PACED} of {@code -b} and waited for room in its full socket buffer at least
     * this share of the test: its own host held the datagrams (its interface's queue, a shaper on it).
     */
    static final double SEND_BLOCKED = 0.2;
    /**
     * UDP, the receiver's drops not seen: a receive buffer that holds less than this many milliseconds of the rate sent
     * (a scheduler's tick) loses what arrives while its reader waits for a CPU.
     */
    static final double BUFFER_MILLIS = 1.0;
    /** The rate sent reached at least this share of a shaper on the sender's own interface: the shaper held it. */
    static final double SHAPER_REACHED = 0.85;

    private WhyRules() {
    }

    /** The verdict for {@code f}. */
    public static Why.Verdict decide(WhyFigures f) {
        return decide(f, Optional.empty());
    }

    /** The verdict for {@code f}, with a real iperf3 sender's returned output where its probe is missing. */
    public static Why.Verdict decide(WhyFigures f, Optional<SenderReport> report) {
        if (f.seconds() < MIN_SECONDS) {
            return nd(f, String.format(Locale.ROOT, "the test was too short (%.2f s; %.0f s at least)", f.seconds(),
                    MIN_SECONDS));
        }
        if (f.bitsPerSecond() <= 0) {
            return nd(f, "no data arrived (a peer that sent nothing of its own)");
        }
        Why.Verdict v = f.transport() == Transport.UDP ? udp(f) : tcp(f, report);
        return f.sides().local() ? oneHost(f, v) : v;
    }

    /**
     * Both ends on one host: there is no path to fill, so a path verdict names what the figures show held the data
     * instead. A shaper on the sender's own interface stays (a qdisc the user set, which the figures saw hold
     * packets); a UDP loss with the receiving socket's drops not seen is its buffer's (nothing else between two
     * sockets of one host drops); anything else is the host's CPU: the side that wanted a CPU more, close when the
     * other wanted it nearly as much. On loopback the receiver's TCP work runs in the sending thread (its
     * {@code write} delivers the segments), so both threads' run + wait are the two halves of one machine's work.
     */
    private static Why.Verdict oneHost(WhyFigures f, Why.Verdict v) {
        if (v.cause() != Cause.PATH && v.closeTo().filter(c -> c == Cause.PATH).isEmpty()) {
            return v;
        }
        if (v.cause() == Cause.PATH && f.senderShaperBitsPerSecond().isPresent()
                && f.senderShaperOverlimits().orElse(0) > 0) {
            return v;
        }
        if (v.cause() != Cause.PATH) {
            // a close second cause of "path": the first stands alone
            return new Why.Verdict(v.cause(), Confidence.LIKELY, Optional.empty(), f, v.reason(), v.remedy());
        }
        String onOneHost = "both ends are on this host, with no path between them";
        if (f.transport() == Transport.UDP && f.droppedShare().isEmpty() && f.lostShare().orElse(0) >= UDP_LOSS) {
            return v(Cause.RECEIVER_BUFFER, Confidence.LIKELY, Optional.empty(), f, String.format(Locale.ROOT,
                    "%.2f %% of the datagrams were lost and %s: the receiving socket's buffer dropped them (its drop"
                            + " counter was not seen)", 100 * f.lostShare().getAsDouble(), onOneHost),
                    largerUdpBuffer(f, f.receiverBufferBytes().orElse(0)));
        }
        double s = share(f.senderRunShare(), f.senderWaitShare(), processLoad(f, true));
        double r = share(f.receiverRunShare(), f.receiverWaitShare(), processLoad(f, false));
        if (s == 0 && r == 0) {
            return nd(f, "the host's CPU or memory: " + onOneHost + ", and neither side's CPU was seen");
        }
        boolean sender = s >= r;
        Cause c = sender ? Cause.SENDER_CPU : Cause.RECEIVER_CPU;
        boolean close = Math.abs(s - r) < CLOSE_MARGIN;
        String why = String.format(Locale.ROOT, "%s: what held the data was this host's CPU; the sending side wanted a"
                + " CPU %.0f %% of the time, the receiving side %.0f %% (on one host the receiver's TCP work runs in"
                + " the sending thread)", onOneHost, 100 * s, 100 * r);
        return v(c, close ? Confidence.CLOSE : Confidence.LIKELY, close ? Optional.of(sender ? Cause.RECEIVER_CPU
                        : Cause.SENDER_CPU) : Optional.empty(), f, why,
                "nothing on a path: a test within one host measures its CPUs and memory; to measure a path, run the"
                        + " server on another host" + (f.sides().senderCores() > 1 || f.sides().receiverCores() > 1
                        ? ", or give each side a core of its own here (-A N,M on the client)" : ""));
    }

    private static Why.Verdict tcp(WhyFigures f, Optional<SenderReport> report) {
        Optional<Why.Verdict> paced = paced(f);
        if (paced.isPresent()) {
            return paced.get();
        }
        Optional<Why.Verdict> shaped = localShaper(f, f.bitsPerSecond());
        if (shaped.isPresent()) {
            return shaped.get();
        }
        // A buffer that could not grow, and was full, comes before the CPUs: a small window or buffer costs a wake-up
        // per few segments, so its side looks busy (the LAN's 32 KiB tcp_rmem: the reader ran 68-89 %), and lifting
        // it lifted the rate 3 times where lifting the CPU would not have.
        Optional<Why.Verdict> window = cappedWindow(f);
        if (window.isPresent()) {
            return window.get();
        }
        Optional<Why.Verdict> buffer = cappedSendBuffer(f);
        if (buffer.isPresent()) {
            return buffer.get();
        }
        if (windowFull(f) && f.receiverBufferCeilingBytes().isEmpty()) {
            // full, with its ceiling not seen (a real iperf3 receiver): likely, or close to its CPU when that was busy
            double r = share(f.receiverRunShare(), f.receiverWaitShare(), processLoad(f, false));
            boolean busyToo = r >= CPU_BUSY;
            return receiverWindow(f, String.format(Locale.ROOT,
                    "the data in flight (%s) filled %.0f %% of the window the receiver granted (%s)%s",
                    Units.bytes(inFlight(f).getAsLong()), 100 * windowFill(f), Units.bytes(
                            f.receiverWindowBytes().getAsLong()), busyToo ? "; its process was busy too, and its"
                            + " buffer's ceiling was not seen (an iperf3j receiver shows it): close" : ""),
                    busyToo ? Confidence.CLOSE : Confidence.LIKELY,
                    busyToo ? Optional.of(Cause.RECEIVER_CPU) : Optional.empty());
        }
        Optional<Why.Verdict> cpu = cpu(f);
        if (cpu.isPresent()) {
            return cpu.get();
        }
        if (f.busyShare().isEmpty() && report.isPresent()) {
            return fromReport(f, report.get());
        }
        if (f.busyShare().isEmpty()) {
            return nd(f, "the path or the sender's buffer: the sender's TCP_INFO counters were not seen ("
                    + String.join("; ", f.unseen()) + "); an iperf3j server would show them");
        }
        double sndbuf = f.sndbufLimitedShare().orElse(0);
        double rwnd = f.rwndLimitedShare().orElse(0);
        boolean bufferFull = f.senderBufferBytes().isPresent() && f.bdpBytes().isPresent()
                && f.bdpBytes().getAsLong() >= SNDBUF_FULL * f.senderBufferBytes().getAsLong()
                && sndbuf >= SNDBUF_SHARE_WHEN_FULL;
        if ((sndbuf >= SNDBUF_SHARE || bufferFull) && sndbuf >= rwnd
                && !belowCeiling(f.senderBufferBytes(), f.senderBufferCeilingBytes())) {
            return senderBuffer(f, String.format(Locale.ROOT, "its send buffer stopped the sender %.0f %% of its busy"
                    + " time%s", 100 * sndbuf, bufferFull ? String.format(Locale.ROOT,
                    ", and the rate's BDP (%s) is %.0f %% of the buffer (%s)", Units.bytes(f.bdpBytes().getAsLong()),
                    100.0 * f.bdpBytes().getAsLong() / f.senderBufferBytes().getAsLong(),
                    Units.bytes(f.senderBufferBytes().getAsLong())) : ""),
                    f.senderBufferCeilingBytes().isPresent() && sndbuf >= SNDBUF_SHARE ? Confidence.CLEAR
                            : Confidence.LIKELY);
        }
        if (rwnd >= RWND_SHARE && !belowCeiling(f.receiverBufferBytes(), f.receiverBufferCeilingBytes())) {
            return receiverWindow(f, String.format(Locale.ROOT,
                    "the receiver's window stopped the sender %.0f %% of its busy time", 100 * rwnd),
                    Confidence.LIKELY);
        }
        if (rwnd >= RWND_SHARE) {
            // the window closed, yet the buffer behind it could have grown: the reader did not empty it
            return v(Cause.RECEIVER_CPU, Confidence.LIKELY, Optional.empty(), f, String.format(Locale.ROOT,
                    "the receiver's window stopped the sender %.0f %% of its busy time while its buffer (%s) was"
                            + " below its ceiling (%s): the receiving application read too slowly", 100 * rwnd,
                    Units.bytes(f.receiverBufferBytes().getAsLong()),
                    Units.bytes(f.receiverBufferCeilingBytes().getAsLong())),
                    "on the receiver (" + f.sides().receiver() + "): its reading thread did not keep up: "
                            + coreOfItsOwn(f, false));
        }
        if (f.busyShare().getAsDouble() < APP_IDLE) {
            return v(Cause.PACING, f.busyShare().getAsDouble() < APP_IDLE / 2 ? Confidence.CLEAR : Confidence.LIKELY,
                    Optional.empty(), f, String.format(Locale.ROOT, "the socket had data to send only %.0f %% of the"
                            + " test", 100 * f.busyShare().getAsDouble()),
                    "the application sent less than the path carries: send more (no -b, a larger -l)");
        }
        return path(f, sndbuf, rwnd);
    }

    /** The congestion window's verdict, close when the window or the buffer held the sender nearly as long. */
    private static Why.Verdict path(WhyFigures f, double sndbuf, double rwnd) {
        double cwnd = f.cwndLimitedShare().orElse(1 - sndbuf - rwnd);
        Cause second = rwnd >= sndbuf ? Cause.RECEIVER_WINDOW : Cause.SENDER_BUFFER;
        double secondShare = Math.max(rwnd, sndbuf);
        String reason = String.format(Locale.ROOT, "the congestion window held the sender %.0f %% of its busy time",
                100 * cwnd);
        String remedy = "nothing on either host: the path carried what its congestion window allowed (its capacity,"
                + " its queue and its loss); a faster or cleaner path, or another congestion control (-C)";
        if (cwnd - secondShare < CLOSE_MARGIN) {
            return v(Cause.PATH, Confidence.CLOSE, Optional.of(second), f, reason + String.format(Locale.ROOT,
                    ", %s %.0f %%: close; lifting %s would tell", second.words(), 100 * secondShare,
                    second == Cause.RECEIVER_WINDOW ? "the receiver's window (-w)" : "the sender's buffer (-w)"),
                    remedy);
        }
        double losses = f.retransmitShare().orElse(0);
        Confidence c = losses >= LOSSES || cwnd >= 0.9 && secondShare < 0.05 ? Confidence.CLEAR : Confidence.LIKELY;
        return v(Cause.PATH, c, Optional.empty(), f, reason + (f.retransmitShare().isPresent() ? String.format(
                Locale.ROOT, ", with %.2f %% of the segments retransmitted", 100 * losses) : ""), remedy);
    }

    /**
     * The receiver's window, when its buffer could not grow: it reached its ceiling, and the window was full (the data
     * in flight filled it) or closed the sender's way part of its busy time.
     */
    private static Optional<Why.Verdict> cappedWindow(WhyFigures f) {
        if (!atCeiling(f.receiverBufferBytes(), f.receiverBufferCeilingBytes()) || f.receiverWindowBytes().isEmpty()) {
            return Optional.empty();
        }
        double fill = windowFill(f);
        double rwnd = f.rwndLimitedShare().orElse(0);
        long w = f.receiverWindowBytes().getAsLong();
        long cwnd = f.congestionWindowBytes().orElse(0);
        // the sender's congestion window had room for twice the window granted: the window, not the congestion
        // window, held the data in flight (the evidence when the receiver's RTT estimate is too short to fill it: -R
        // against 3.21 on the LAN, tcpi_rcv_rtt 10 us, a 238 KiB congestion window against a 28 KiB window)
        boolean cwndRoom = w > 0 && cwnd >= CWND_ROOM * w;
        if (fill < WINDOW_FULL && rwnd < RWND_WITH_CEILING && !cwndRoom) {
            return Optional.empty();
        }
        String held = fill >= WINDOW_FULL
                ? String.format(Locale.ROOT, "the data in flight (%s) filled %.0f %% of the window it granted (%s)",
                Units.bytes(inFlight(f).getAsLong()), 100 * fill, Units.bytes(w))
                : rwnd >= RWND_WITH_CEILING
                ? String.format(Locale.ROOT, "its window stopped the sender %.0f %% of its busy time", 100 * rwnd)
                : String.format(Locale.ROOT, "the sender's congestion window (%s) was %.0f times the window it granted"
                + " (%s): the window held the data in flight", Units.bytes(cwnd), (double) cwnd / w, Units.bytes(w));
        String why = String.format(Locale.ROOT, "its receive buffer reached its ceiling (%s) and %s",
                Units.bytes(f.receiverBufferCeilingBytes().getAsLong()), held);
        double run = share(f.receiverRunShare(), f.receiverWaitShare(), processLoad(f, false));
        if (run >= CPU_BUSY) {
            why += String.format(Locale.ROOT, "; its reader was busy too (%.0f %% of the time: a small window costs a"
                    + " wake-up every few segments)", 100 * run);
        }
        boolean clear = (fill >= 0.75 || rwnd >= RWND_SHARE) && run < CPU_BUSY;
        return Optional.of(receiverWindow(f, why, clear ? Confidence.CLEAR : Confidence.LIKELY));
    }

    /**
     * The sender's buffer, when it could not grow and was full: at its ceiling, with its chrono saying it stopped the
     * sender, or the data in flight filling it while the chrono says it stopped it a little. A socket that merely ran
     * empty is not enough: on the veth LAN a 16 KiB {@code tcp_wmem} left the socket empty a third of the test, and
     * raising it to 64 MiB made the test slower (0.32-0.46 times the rate: a larger buffer only queues more).
     */
    private static Optional<Why.Verdict> cappedSendBuffer(WhyFigures f) {
        if (!atCeiling(f.senderBufferBytes(), f.senderBufferCeilingBytes()) || f.busyShare().isEmpty()) {
            return Optional.empty();
        }
        long buf = f.senderBufferBytes().getAsLong();
        double sndbuf = f.sndbufLimitedShare().orElse(0);
        OptionalLong flight = inFlight(f);
        boolean full = flight.isPresent() && flight.getAsLong() >= SNDBUF_FULL * buf && sndbuf >= SNDBUF_SHARE_WHEN_FULL;
        if (!(sndbuf >= SNDBUF_SHARE || full) || sndbuf < f.rwndLimitedShare().orElse(0)) {
            return drained(f, buf, flight);
        }
        String why = String.format(Locale.ROOT, "its send buffer reached its ceiling (%s) and stopped the sender %.0f %%"
                + " of its busy time", Units.bytes(f.senderBufferCeilingBytes().getAsLong()), 100 * sndbuf)
                + (full ? String.format(Locale.ROOT, ", with the data in flight (%s) at %.0f %% of it",
                Units.bytes(flight.getAsLong()), 100.0 * flight.getAsLong() / buf) : "");
        return Optional.of(senderBuffer(f, why, sndbuf >= SNDBUF_SHARE ? Confidence.CLEAR : Confidence.LIKELY));
    }

    /**
     * A send buffer at its ceiling that held less than the data in flight, so the socket ran empty while the sending
     * thread slept in it: the kernel wakes the writer once half the buffer is free, and on a fast path a few KiB drain
     * before the thread is back to refill them. Its chrono says nothing there (on the veth LAN a 16 KiB
     * {@code tcp_wmem} left the socket empty 25-38 % of the test with a send-buffer-limited share of 0-0.6 %), so the
     * evidence is the three figures together: the buffer at its ceiling, the socket empty at least a tenth of the test,
     * and the thread neither busy nor starved (it ran more than it waited, and wanted a CPU less than
     * {@link #CPU_BUSY} of the time). Lifting the buffer to the default's 4 MiB lifted the rate 1.4-2 times, with
     * either sender (issue 67); a sender starved of CPU waits more than it runs (the lab's pinned senders: 0.25-0.73
     * waiting, 0.04-0.24 running).
     */
    private static Optional<Why.Verdict> drained(WhyFigures f, long buf, OptionalLong flight) {
        double busy = f.busyShare().getAsDouble();
        if (busy >= SOCKET_KEPT_BUSY || flight.isEmpty() || flight.getAsLong() < buf || f.senderRunShare().isEmpty()
                || f.rwndLimitedShare().orElse(0) >= WINDOW_CLOSED) {
            return Optional.empty();
        }
        double run = f.senderRunShare().getAsDouble();
        double wait = f.senderWaitShare().orElse(0);
        if (run + wait >= CPU_BUSY || wait >= CPU_WAIT || wait >= run) {
            return Optional.empty();
        }
        return Optional.of(senderBuffer(f, String.format(Locale.ROOT, "its send buffer reached its ceiling (%s), which"
                        + " holds less than the data in flight at this rate (%s), and the socket ran empty %.0f %% of the"
                        + " test while the sending thread waited on it, not for a CPU (it ran %.0f %% and waited %.0f %%"
                        + " to run)", Units.bytes(f.senderBufferCeilingBytes().getAsLong()),
                Units.bytes(flight.getAsLong()), 100 * (1 - busy), 100 * run, 100 * wait), Confidence.LIKELY));
    }

    private static Why.Verdict receiverWindow(WhyFigures f, String why, Confidence c) {
        return receiverWindow(f, why, c, Optional.empty());
    }

    private static Why.Verdict receiverWindow(WhyFigures f, String why, Confidence c, Optional<Cause> closeTo) {
        long w = f.receiverWindowBytes().orElse(0);
        long need = bufferFor(4 * Math.max(Math.max(w, f.receiverBufferBytes().orElse(0)), inFlight(f).orElse(0)));
        OptionalLong rtt = roundTrip(f);
        return v(Cause.RECEIVER_WINDOW, c, closeTo, f, why, "on the receiver (" + f.sides().receiver()
                + "): raise net.ipv4.tcp_rmem's max to at least " + Units.bytes(need) + ", or run the test with -w "
                + Units.flag(need) + " (net.core.rmem_max must allow it)" + (w > 0 && rtt.isPresent()
                ? ": a window of " + Units.bytes(w) + " carries at most " + Units.rate(w * 8e6 / rtt.getAsLong())
                + " over " + Units.rtt(rtt.getAsLong()) : ""));
    }

    private static Why.Verdict senderBuffer(WhyFigures f, String why, Confidence c) {
        long b = f.senderBufferBytes().orElse(0);
        long need = bufferFor(2 * Math.max(b, inFlight(f).orElse(0)));
        return v(Cause.SENDER_BUFFER, c, Optional.empty(), f, why, "on the sender (" + f.sides().sender()
                + "): raise net.ipv4.tcp_wmem's max to at least " + Units.bytes(need) + ", or run the test with -w "
                + Units.flag(need) + " (net.core.wmem_max must allow it)"
                + (b > 0 ? "; its buffer was " + Units.bytes(b) : ""));
    }

    /**
     * The sender is a real iperf3 whose returned output is all there is of it: per interval its retransmits and
     * congestion window. The path is named when the losses show the sender reached what the path carries (at least
     * {@link #LOSSES} of the segments; a starved sender's tail-loss probes stay far below), its congestion window stayed
     * below the window the receiver granted, and this side (the receiver) shows no limit of its own: likely, since the
     * sender's buffer and CPU were not seen. Anything else is not determined, naming what would tell.
     */
    private static Why.Verdict fromReport(WhyFigures f, SenderReport r) {
        List<SenderReport.Interval> full = r.full();
        List<SenderReport.Interval> after = full.size() > 1 ? full.subList(1, full.size()) : List.of();
        long lossy = after.stream().mapToLong(SenderReport.Interval::retransmits).sum();
        long lastCwnd = full.isEmpty() ? 0 : full.getLast().cwnd();
        OptionalLong window = f.receiverWindowBytes();
        OptionalLong cwnd = r.cwndMax();
        String seen = String.format(Locale.ROOT, "the server's output showed %d retransmits (%s of the segments, %d"
                + " after the first interval), a congestion window of at most %s%s", r.retransmits(),
                r.segments() > 0 ? String.format(Locale.ROOT, "%.2f %%", 100.0 * r.retransmits() / r.segments())
                        : "a share not known", lossy,
                cwnd.isPresent() ? Units.bytes(cwnd.getAsLong()) : "?",
                window.isPresent() ? " against a window granted of " + Units.bytes(window.getAsLong()) : "");
        boolean losses = r.segments() > 0 && r.retransmits() >= LOSSES * r.segments();
        boolean belowWindow = cwnd.isPresent() && (window.isEmpty() || cwnd.getAsLong() < window.getAsLong());
        boolean senderIdle = processLoad(f, true).orElse(0) < CPU_PROCESS_PERCENT;
        boolean filled = f.bdpBytes().isPresent() && lastCwnd > 0
                && lastCwnd <= CWND_FILLED * f.bdpBytes().getAsLong();
        // heavy losses need no filled window: the long path's tbf made 3.21 retransmit 8-13 % of its segments, and
        // BBR's window at the end of such a run can read 2.9 times the BDP (2 of 10 runs said "not determined")
        boolean heavy = r.segments() > 0 && r.retransmits() >= HEAVY_LOSSES * r.segments();
        if (losses && belowWindow && (filled || heavy) && senderIdle) {
            return v(Cause.PATH, Confidence.LIKELY, Optional.empty(), f, seen + String.format(Locale.ROOT,
                            "%s, and the receiver's window was not full: losses on the path held its congestion window"
                                    + " (its send buffer and CPU were not seen)", f.senderCpuPercent().isPresent()
                                    ? String.format(Locale.ROOT, ", its process used %.0f %% of a core",
                                    f.senderCpuPercent().getAsDouble()) : ""),
                    "nothing on either host that the figures show: the path carried what its congestion window"
                            + " allowed (its capacity, its queue and its loss); a faster or cleaner path, or another"
                            + " congestion control (-C)");
        }
        return nd(f, "the sender's buffer, its CPU, its own host or the application: " + seen + (losses ? "" : "; too few"
                + " losses to say the path was full (a stalled sender's tail-loss probes retransmit too)")
                + (senderIdle ? "" : "; the server's process was busy") + (filled || lastCwnd == 0 ? ""
                : String.format(Locale.ROOT, "; its congestion window (%s at the end) had room the data in flight (%s)"
                + " did not fill", Units.bytes(lastCwnd), f.bdpBytes().isPresent()
                ? Units.bytes(f.bdpBytes().getAsLong()) : "?"))
                + "; its chronos, send buffer, thread and host were not seen: an iperf3j server would show them (or"
                + " on the server its tcp_wmem, its top, and tc -s qdisc for a shaper on its interface)");
    }

    private static Why.Verdict udp(WhyFigures f) {
        double lost = f.lostShare().orElse(0);
        long target = f.targetBitsPerSecond();
        // what the sender sent: the received rate with the lost datagrams put back (a sender that kept to -b on a
        // lossy path or into a full buffer was not short of CPU)
        double sent = f.bitsPerSecond() / Math.max(0.01, 1 - lost);
        double blocked = f.sendBlockedShare().orElse(0);
        Optional<Why.Verdict> shaped = localShaper(f, sent);
        if (shaped.isPresent() && (target == 0 || sent < PACED * target)) {
            return shaped.get();
        }
        if (target > 0 && sent < PACED * target && blocked >= SEND_BLOCKED) {
            // its own host: the socket stayed full because the datagrams queued on their way out
            return v(Cause.PATH, blocked >= 0.5 ? Confidence.CLEAR : Confidence.LIKELY, Optional.empty(), f,
                    String.format(Locale.ROOT, "the sender sent %s of the %s asked and waited %.0f %% of the test for"
                                    + " room in its socket buffer: its own host held the datagrams (a queue or a"
                                    + " shaper on its interface)", Units.rate(sent), Units.rate(target), 100 * blocked),
                    "on the sender (" + f.sides().sender() + "): its interface's queue let out less than -b (see tc"
                            + " -s qdisc on its interface toward the receiver: a shaper, or a slower link); lift the"
                            + " shaper, or lower -b to what it lets out");
        }
        // Both a sender that fell short of -b and a loss: the larger shortfall of the rate received is the cause (at
        // -b 2G with an 8 KiB receive buffer the sender, short of CPU, sent 1.4 Gbit/s and the buffer lost 90 % of
        // that: lifting the buffer lifted the rate 11 times)
        boolean lossLarger = lost >= UDP_LOSS && lost * sent >= target - sent;
        if (target > 0 && sent < PACED * target && !lossLarger && busy(f.senderRunShare(), f.senderWaitShare(),
                processLoad(f, true))) {
            if (f.senderRunShare().isEmpty()) {
                // a real iperf3 sender: only its process CPU is seen, and a shaper on its own interface spins a UDP
                // sender in the kernel as a slow CPU would (the LAN lab's tbf on 3.21's host: 100 % of a core, and
                // lifting the shaper doubled the rate): not told apart
                return nd(f, String.format(Locale.ROOT, "the sender's CPU or its own host: the sender sent %s of the"
                                + " %s asked, its process using %.0f %% of a core; its thread and its interface's qdisc"
                                + " were not seen (a shaper there spins a sender in the kernel too: tc -s qdisc on %s,"
                                + " or an iperf3j sender, would tell)", Units.rate(sent), Units.rate(target),
                        f.senderCpuPercent().getAsDouble(), f.sides().sender()));
            }
            return cpuVerdict(Cause.SENDER_CPU, f, f.senderRunShare(), f.senderWaitShare(), f.senderCpuPercent(),
                    "sending");
        }
        if (lost >= UDP_LOSS) {
            // The socket's own drops name its buffer: a larger one keeps what arrives while the reader is busy or
            // waits for a CPU, and its CPU share says little (with a small buffer it polls while data keeps coming).
            // A reader that also waited for a CPU is said, with its own remedy.
            boolean bufferDropped = f.droppedShare().isPresent()
                    && Math.min(lost, f.droppedShare().getAsDouble()) >= SOCKET_DROPS_EXPLAIN * lost;
            boolean readerWaited = f.receiverWaitShare().orElse(0) >= CPU_WAIT;
            if (!bufferDropped && busy(f.receiverRunShare(), f.receiverWaitShare(), processLoad(f, false))) {
                return cpuVerdict(Cause.RECEIVER_CPU, f, f.receiverRunShare(), f.receiverWaitShare(),
                        f.receiverCpuPercent(), "receiving");
            }
            OptionalLong rb = f.receiverBufferBytes();
            if (f.droppedShare().isEmpty() && rb.isPresent() && rb.getAsLong() * 8e3 / sent < BUFFER_MILLIS) {
                // a buffer that holds less than a scheduler's tick of the data: any wait of its reader loses the rest
                return v(Cause.RECEIVER_BUFFER, Confidence.LIKELY, Optional.empty(), f, String.format(Locale.ROOT,
                        "%.2f %% of the datagrams were lost, and the receiver's socket buffer (%s, from -w) holds %.2f"
                                + " ms of them at this rate: a reader that waits longer for a CPU loses the rest (its"
                                + " drop counter was not seen: an iperf3j receiver reads it)", 100 * lost,
                        Units.bytes(rb.getAsLong()), rb.getAsLong() * 8e3 / sent),
                        largerUdpBuffer(f, rb.getAsLong()));
            }
            if (f.droppedShare().isEmpty()) {
                return v(Cause.PATH, Confidence.CLOSE, Optional.of(Cause.RECEIVER_BUFFER), f, String.format(
                        Locale.ROOT, "%.2f %% of the datagrams were lost, on the path or in the receiver's socket"
                                + " buffer: not told apart, the receiving socket's drop counter was not seen (an"
                                + " iperf3j receiver reads it; on a real iperf3 server, nstat's UdpRcvbufErrors there"
                                + " counts them)", 100 * lost),
                        "lower -b to what the path carries, or on the receiver (" + f.sides().receiver() + ") raise"
                                + " net.core.rmem_max and run the test with -w 4M to rule the buffer out");
            }
            double dropped = Math.min(lost, f.droppedShare().getAsDouble());
            if (bufferDropped) {
                long b = f.receiverBufferBytes().orElse(0);
                long need = bufferFor(4 * b);
                return v(Cause.RECEIVER_BUFFER, dropped >= 0.9 * lost ? Confidence.CLEAR : Confidence.LIKELY,
                        Optional.empty(), f, String.format(Locale.ROOT,
                        "%.2f %% of the datagrams were lost and the receiver's socket dropped %.2f %% itself, its"
                                + " buffer full%s", 100 * lost, 100 * f.droppedShare().getAsDouble(), readerWaited
                                ? String.format(Locale.ROOT, " (its reading thread also waited %.0f %% of the test"
                                + " for a CPU)", 100 * f.receiverWaitShare().getAsDouble()) : ""),
                        "on the receiver (" + f.sides().receiver() + "): raise net.core.rmem_max to at least "
                                + Units.bytes(need) + " and run the test with -w " + Units.flag(need)
                                + (b > 0 ? " (its buffer was " + Units.bytes(b) + ")" : "")
                                + (readerWaited ? "; its reader waited for its core: " + coreOfItsOwn(f, false) : "")
                                + "; or lower -b");
            }
            return v(Cause.PATH, dropped <= 0.1 * lost ? Confidence.CLEAR : Confidence.LIKELY, Optional.empty(), f,
                    String.format(Locale.ROOT,
                    "%.2f %% of the datagrams were lost on the path (the receiver's socket dropped %.2f %%)",
                    100 * lost, 100 * dropped),
                    "lower -b to what the path carries, or find where the path drops (a link, a queue, a policer)");
        }
        if (target > 0 && f.bitsPerSecond() >= PACED * target) {
            return v(Cause.PACING, Confidence.CLEAR, Optional.empty(), f, "the rate asked for with -b ("
                    + Units.rate(target) + ") was reached", "raise -b to find what the path carries");
        }
        if (f.senderShaperBitsPerSecond().isPresent() && f.senderShaperOverlimits().orElse(0) > 0) {
            return shaperRunLate(f, sent);
        }
        return nd(f, "the sender sent less than -b asked while its thread was not busy and nothing was lost"
                + (f.sendBlockedShare().isEmpty() ? "; its own host was not seen: a shaper on its interface (tc -s"
                + " qdisc on " + f.sides().sender() + ") or its wait for room in its socket buffer, which an iperf3j"
                + " sender reads" : ""));
    }

    /** A UDP receiver's remedy: a buffer four times {@code buffer} (at least 1 MiB) through rmem_max and -w, or a lower -b. */
    private static String largerUdpBuffer(WhyFigures f, long buffer) {
        long need = bufferFor(4 * buffer);
        return "on the receiver (" + f.sides().receiver() + "): raise net.core.rmem_max to at least " + Units.bytes(need)
                + " and run the test with -w " + Units.flag(need) + ", or lower -b";
    }

    /**
     * A shaper on the sender's own egress interface (its root qdisc's rate, read over rtnetlink) that the rate sent
     * reached: the sender's host let out no more. On a veth LAN such a shaper holds a UDP sender without a loss and
     * keeps its thread busy in the kernel, so it looks like the sender's CPU (the lab's 500 Mbit/s tbf: 480 Mbit/s
     * sent of -b 1G, the thread running 80 %); lifting the shaper doubled the rate.
     */
    private static Optional<Why.Verdict> localShaper(WhyFigures f, double sent) {
        if (f.senderShaperBitsPerSecond().isEmpty()) {
            return Optional.empty();
        }
        long shaper = f.senderShaperBitsPerSecond().getAsLong();
        if (sent < SHAPER_REACHED * shaper) {
            return Optional.empty();
        }
        long held = f.senderShaperOverlimits().orElse(0);
        return Optional.of(v(Cause.PATH, held > 0 ? Confidence.CLEAR : Confidence.LIKELY, Optional.empty(), f,
                String.format(Locale.ROOT, "the sender's own interface shapes what leaves it to %s (its root qdisc), and"
                                + " the test sent %s%s", Units.rate(shaper), Units.rate(sent), held > 0
                                ? String.format(Locale.ROOT, "; the qdisc held packets back %d times", held) : ""),
                shaperRemedy(f, shaper)));
    }

    /**
     * A shaper on the sender's own interface that held packets back (so they queued in it) while the sender was
     * neither busy nor short of room, and let out less than its rate: the datagrams waited in that queue, so it was
     * the limit, slower than its rate because its host ran it late (a tbf lets out what its tokens allow when its
     * timer fires, and a host whose CPU is taken away fires it late: CI's 300 Mbit/s tbf let out 228, 137 049 times
     * holding packets back, the sender's thread running 9 %). Not for TCP: its bursts meet a shaper they do not
     * fill.
     */
    private static Why.Verdict shaperRunLate(WhyFigures f, double sent) {
        long shaper = f.senderShaperBitsPerSecond().getAsLong();
        return v(Cause.PATH, Confidence.LIKELY, Optional.empty(), f, String.format(Locale.ROOT,
                        "the sender's own interface shapes what leaves it to %s (its root qdisc) and held packets back %d"
                                + " times, so the datagrams queued there, while the sender's thread was not busy; the"
                                + " test got %s out of it, less than its rate (a busy host runs a shaper's timer late)",
                        Units.rate(shaper), f.senderShaperOverlimits().getAsLong(), Units.rate(sent)),
                shaperRemedy(f, shaper));
    }

    /** What lifts a shaper on the sender's own interface: {@link #localShaper}'s and {@link #shaperRunLate}'s remedy. */
    private static String shaperRemedy(WhyFigures f, long shaper) {
        return "on the sender (" + f.sides().sender() + "): its interface's qdisc lets out " + Units.rate(shaper)
                + " (see tc -s qdisc on it): raise or remove that shaper to measure the path"
                + (f.targetBitsPerSecond() > shaper ? ", or lower -b to " + Units.rate(shaper) : "");
    }

    private static Optional<Why.Verdict> paced(WhyFigures f) {
        long target = f.targetBitsPerSecond();
        if (target > 0 && f.bitsPerSecond() >= PACED * target) {
            return Optional.of(v(Cause.PACING, Confidence.CLEAR, Optional.empty(), f, String.format(Locale.ROOT,
                    "%.0f %% of the rate asked for with -b (%s)", 100 * f.bitsPerSecond() / target,
                    Units.rate(target)), "raise -b (or -b 0) to measure what the path carries"));
        }
        long fq = f.fqRateBitsPerSecond();
        if (fq > 0 && f.bitsPerSecond() >= PACED * fq) {
            return Optional.of(v(Cause.PACING, Confidence.CLEAR, Optional.empty(), f, String.format(Locale.ROOT,
                    "%.0f %% of the rate asked for with --fq-rate (%s)", 100 * f.bitsPerSecond() / fq,
                    Units.rate(fq)), "raise or drop --fq-rate to measure what the path carries"));
        }
        return Optional.empty();
    }

    private static Optional<Why.Verdict> cpu(WhyFigures f) {
        double s = share(f.senderRunShare(), f.senderWaitShare(), processLoad(f, true));
        double r = share(f.receiverRunShare(), f.receiverWaitShare(), processLoad(f, false));
        boolean udp = f.transport() == Transport.UDP;
        // A long wait to run counts only with its effect: a sender that left its socket empty part of the test (UDP:
        // the rule's caller checks the rate), a receiver whose window closed because it read too slowly. On a busy
        // machine every wake-up waits, and a receiver 40 % in wait can still keep up with a slower path.
        boolean senderShort = s >= CPU_BUSY || senderWaitShowed(f, udp);
        boolean receiverShort = r >= CPU_BUSY || f.receiverWaitShare().orElse(0) >= CPU_WAIT
                && (udp || f.rwndLimitedShare().orElse(0) >= WINDOW_CLOSED);
        if (senderShort && (!receiverShort || senderHeldMore(f, udp, s, r))) {
            return Optional.of(cpuVerdict(Cause.SENDER_CPU, f, f.senderRunShare(), f.senderWaitShare(),
                    f.senderCpuPercent(), "sending", receiverShort ? Optional.of(Cause.RECEIVER_CPU)
                            : Optional.empty(), s, r));
        }
        if (receiverShort) {
            return Optional.of(cpuVerdict(Cause.RECEIVER_CPU, f, f.receiverRunShare(), f.receiverWaitShare(),
                    f.receiverCpuPercent(), "receiving", senderShort ? Optional.of(Cause.SENDER_CPU)
                            : Optional.empty(), r, s));
        }
        return Optional.empty();
    }

    /**
     * A sender's wait to run that showed: {@link #CPU_WAIT} of the test with its socket not kept busy, or a wait that
     * covers the time its socket sat empty ({@link #WAIT_EXPLAINS_IDLE}); UDP: the wait alone (the caller checks the
     * rate).
     */
    private static boolean senderWaitShowed(WhyFigures f, boolean udp) {
        double wait = f.senderWaitShare().orElse(0);
        if (udp) {
            return wait >= CPU_WAIT;
        }
        double busy = f.busyShare().orElse(1);
        if (busy >= SOCKET_KEPT_BUSY) {
            return false;
        }
        return wait >= CPU_WAIT || wait >= CPU_WAIT_FLOOR && wait >= WAIT_EXPLAINS_IDLE * (1 - busy);
    }

    /**
     * Both sides short of CPU: which held the data back more of the test. A sender's thread that could not run left
     * its socket empty ({@code 1 - busy} of the test); a receiver's that could not read closed the window
     * ({@code rwnd-limited x busy}). Without the sender's chronos (UDP, a real iperf3 sender) the larger run + wait.
     */
    private static boolean senderHeldMore(WhyFigures f, boolean udp, double s, double r) {
        if (udp || f.busyShare().isEmpty()) {
            return s >= r;
        }
        double busy = f.busyShare().getAsDouble();
        return 1 - busy >= f.rwndLimitedShare().orElse(0) * busy;
    }

    /**
     * A side's process CPU as a share of what its streams could use: percent of one core over the cores its streams
     * could spread over ({@code min(streams, cores)}; a side's cores not known, the other side's stand in). A real
     * iperf3 3.21 receiver of {@code -P 4} on two cores used 170 % of a core while its window, not its CPU, held the
     * test (lifting the window tripled the rate); read against one core it was "the receiver's CPU".
     */
    private static OptionalDouble processLoad(WhyFigures f, boolean sender) {
        OptionalDouble percent = sender ? f.senderCpuPercent() : f.receiverCpuPercent();
        if (percent.isEmpty()) {
            return percent;
        }
        WhyFigures.Sides s = f.sides();
        int cores = sender ? s.senderCores() : s.receiverCores();
        if (cores == 0) {
            cores = sender ? s.receiverCores() : s.senderCores();
        }
        int usable = Math.max(1, Math.min(s.streams(), Math.max(1, cores)));
        return OptionalDouble.of(percent.getAsDouble() / usable);
    }

    /** The share of the time a side wanted a CPU: its thread's run + wait, else its process CPU over 90 % as 1. */
    private static double share(OptionalDouble run, OptionalDouble wait, OptionalDouble processPercent) {
        if (run.isPresent()) {
            return run.getAsDouble() + wait.orElse(0);
        }
        return processPercent.isPresent() && processPercent.getAsDouble() >= CPU_PROCESS_PERCENT ? 1 : 0;
    }

    /** UDP: short of CPU, it ran or waited to run {@link #CPU_BUSY} of the time, or waited {@link #CPU_WAIT} of it. */
    private static boolean busy(OptionalDouble run, OptionalDouble wait, OptionalDouble processPercent) {
        return share(run, wait, processPercent) >= CPU_BUSY || wait.orElse(0) >= CPU_WAIT;
    }

    private static Why.Verdict cpuVerdict(Cause c, WhyFigures f, OptionalDouble run, OptionalDouble wait,
                                          OptionalDouble processPercent, String verb) {
        double mine = share(run, wait, processPercent);
        return cpuVerdict(c, f, run, wait, processPercent, verb, Optional.empty(), mine, 0);
    }

    /**
     * A CPU verdict with a remedy for the side that was short, and only what the run leaves open: a core of its own
     * when the side has more cores than streams, more streams ({@code -P}) when it has cores to spread them over,
     * {@code -Z} for a TCP sender not already using it.
     */
    private static Why.Verdict cpuVerdict(Cause c, WhyFigures f, OptionalDouble run, OptionalDouble wait,
                                          OptionalDouble processPercent, String verb, Optional<Cause> other,
                                          double mine, double theirs) {
        boolean sender = c == Cause.SENDER_CPU;
        WhyFigures.Sides s = f.sides();
        String host = sender ? s.sender() : s.receiver();
        int cores = sender ? s.senderCores() : s.receiverCores();
        Confidence conf = other.isPresent() && mine - theirs < CLOSE_MARGIN ? Confidence.CLOSE
                : run.isEmpty() || mine < CPU_CLEAR && wait.orElse(0) < CPU_WAIT ? Confidence.LIKELY : Confidence.CLEAR;
        Optional<Cause> closeTo = conf == Confidence.CLOSE ? other : Optional.empty();
        String why;
        boolean waited;
        if (run.isEmpty()) {
            why = String.format(Locale.ROOT, "the %s's process used %.0f %% of a core", sender ? "sender" : "receiver",
                    processPercent.getAsDouble());
            waited = false;
        } else {
            double r = run.getAsDouble();
            double w = wait.orElse(0);
            why = String.format(Locale.ROOT, "the %s thread ran %.0f %% of the time and waited %.0f %% for a CPU",
                    verb, 100 * r, 100 * w);
            waited = w >= r / 2;
        }
        if (conf == Confidence.CLOSE) {
            why += String.format(Locale.ROOT, "; the %s side wanted a CPU nearly as much (%.0f %% against %.0f %%)",
                    sender ? "receiving" : "sending", 100 * theirs, 100 * mine);
        }
        StringBuilder remedy = new StringBuilder("on the " + (sender ? "sender" : "receiver") + " (" + host + "): ");
        if (waited) {
            remedy.append("its ").append(verb).append(" thread waited for its core: ").append(coreOfItsOwn(f, sender));
        } else {
            remedy.append("its ").append(verb).append(" thread used a whole core: ");
            StringBuilder ways = new StringBuilder();
            if (cores > s.streams()) {
                ways.append(String.format(Locale.ROOT, "spread the test over its %d cores with -P %d", cores, cores));
            }
            if (sender && f.transport() == Transport.TCP && !s.zeroCopy()) {
                ways.append(ways.isEmpty() ? "" : ", or ").append("send with -Z (zero copy)");
            }
            if (ways.isEmpty()) {
                ways.append(cores > 0 ? String.format(Locale.ROOT, "a faster CPU (its %d core%s already carr%s the"
                        + " %d stream%s)", cores, cores == 1 ? "" : "s", cores == 1 ? "ies" : "y", s.streams(),
                        s.streams() == 1 ? "" : "s") : "a faster CPU, or -P with a core for each stream");
            }
            remedy.append(ways);
        }
        return v(c, conf, closeTo, f, why, remedy.toString());
    }

    /**
     * A side short of CPU for want of its own core: a core of its own ({@code -A} for that side) when it has more cores
     * than the test has streams (or its cores are not known), else less load beside it, saying none is to spare.
     */
    private static String coreOfItsOwn(WhyFigures f, boolean sender) {
        WhyFigures.Sides s = f.sides();
        int cores = sender ? s.senderCores() : s.receiverCores();
        if (cores == 0 || cores > s.streams()) {
            return "give it a core of its own (" + affinity(f, sender) + ") or lower the other load on that core";
        }
        return String.format(Locale.ROOT, "lower the other load on its cores (it has %d for %d stream%s: none to"
                + " spare)", cores, s.streams(), s.streams() == 1 ? "" : "s");
    }

    /** The {@code -A} that pins one side: the client's own core, or the server's through the client's {@code -A n,m}. */
    private static String affinity(WhyFigures f, boolean sender) {
        boolean client = sender == f.sides().senderIsClient();
        return client ? "-A N on the client" : "-A N,M on the client, M the server's core";
    }

    /** The round trip a window is held against: the smoothed RTT the data took, else the smallest seen. */
    private static OptionalLong roundTrip(WhyFigures f) {
        return f.srttMicros().isPresent() ? f.srttMicros() : f.rttMicros();
    }

    /** The data in flight: the rate times {@link #roundTrip}, bytes. */
    private static OptionalLong inFlight(WhyFigures f) {
        OptionalLong rtt = roundTrip(f);
        return rtt.isEmpty() ? OptionalLong.empty() : OptionalLong.of((long) (f.bitsPerSecond() * rtt.getAsLong() / 8e6));
    }

    /** The data in flight over the window the receiver granted; 0 when either is not known. */
    private static double windowFill(WhyFigures f) {
        OptionalLong flight = inFlight(f);
        long w = f.receiverWindowBytes().orElse(0);
        return flight.isEmpty() || w <= 0 ? 0 : (double) flight.getAsLong() / w;
    }

    private static boolean windowFull(WhyFigures f) {
        return windowFill(f) >= WINDOW_FULL;
    }

    /** A buffer seen at its seen ceiling. */
    private static boolean atCeiling(OptionalLong buffer, OptionalLong ceiling) {
        return buffer.isPresent() && ceiling.isPresent() && ceiling.getAsLong() > 0
                && buffer.getAsLong() >= AT_CEILING * ceiling.getAsLong();
    }

    /** A buffer seen below its seen ceiling: it could have grown (false when either is not seen). */
    private static boolean belowCeiling(OptionalLong buffer, OptionalLong ceiling) {
        return buffer.isPresent() && ceiling.isPresent() && !atCeiling(buffer, ceiling);
    }

    /** A buffer size to suggest: the next power of two at or above {@code bytes}, at least 1 MiB. */
    static long bufferFor(long bytes) {
        long b = 1L << 20;
        while (b < bytes) {
            b <<= 1;
        }
        return b;
    }

    private static Why.Verdict nd(WhyFigures f, String reason) {
        return new Why.Verdict(Cause.NOT_DETERMINED, Confidence.CLEAR, Optional.empty(), f, reason, Optional.empty());
    }

    private static Why.Verdict v(Cause c, Confidence conf, Optional<Cause> closeTo, WhyFigures f, String reason,
                                 String remedy) {
        return new Why.Verdict(c, conf, closeTo, f, reason, Optional.of(remedy));
    }
}
