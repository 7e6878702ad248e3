package io.iperf3j.internal.why;

import io.iperf3j.Cause;
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
 * reasons). The first rule that holds names the cause.
 */
public final class WhyRules {
    /** Below this the chronos (jiffies) and the thread figures are too coarse, and slow start is most of the test. */
    static final double MIN_SECONDS = 1.0;
    /** A rate at or above this share of {@code -b}/{@code --fq-rate} is the pacing's. */
    static final double PACED = 0.85;
    /** A thread that ran or waited to run this share of the wall time had no CPU to spare. */
    static final double CPU_BUSY = 0.85;
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
     * In the lab's pinned-sender runs the wait is 1.0-1.2 times the empty time; a sender that sleeps by choice (-b)
     * waits 0.02-0.14 times it.
     */
    static final double WAIT_EXPLAINS_IDLE = 0.8;
    /** With {@link #WAIT_EXPLAINS_IDLE}: twice the most any sender of the lab's other cases waited (0.11). */
    static final double CPU_WAIT_FLOOR = 0.2;
    /** Without a thread's figures (a real iperf3 peer): its process CPU, percent of one core. */
    static final double CPU_PROCESS_PERCENT = 90;
    /**
     * The rate's BDP filled at least this share of the receiver's window: the window is what bounds it. The receiver's
     * rate includes the last RTT's drain, so a window-bound test reads 0.75-0.9 in the lab; a path-bound one under 0.25.
     */
    static final double WINDOW_FULL = 0.6;
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
     * A real iperf3 sender's congestion window at the end of the test at most this many times the rate's BDP: the data
     * in flight filled it (BBR keeps about twice the BDP it measures; a sender held by its buffer leaves more room).
     */
    static final double CWND_FILLED = 2.4;
    /**
     * A real iperf3 sender's retransmits at least this share of the segments: the path dropped (the lab's path runs
     * 0.55-4.7 %). A sender starved of CPU on a clean path retransmits too, its tail-loss probes firing while it
     * waits (the lab's loopback runs, -R against 3.21: 10-48 retransmits, 0.03-0.19 %).
     */
    static final double LOSSES = 0.003;
    /** The receiver's window stopped it at least this share of its busy time. */
    static final double RWND_SHARE = 0.5;
    /** The socket had data queued less than this share of the test: the application did not send more. */
    static final double APP_IDLE = 0.5;
    /** UDP: loss at or above this share. */
    static final double UDP_LOSS = 0.01;
    /**
     * UDP: the receiving socket's kernel dropped at least this share of the datagrams lost: its full buffer, not the
     * path, lost them (the socket's drop counter and the sequence numbers' gaps count the same datagrams).
     */
    static final double SOCKET_DROPS_EXPLAIN = 0.5;

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
        return f.transport() == Transport.UDP ? udp(f) : tcp(f, report);
    }

    private static Why.Verdict tcp(WhyFigures f, Optional<SenderReport> report) {
        Optional<Why.Verdict> paced = paced(f);
        if (paced.isPresent()) {
            return paced.get();
        }
        Optional<Why.Verdict> cpu = cpu(f);
        if (cpu.isPresent()) {
            return cpu.get();
        }
        if (windowFull(f)) {
            long w = f.receiverWindowBytes().getAsLong();
            long need = bufferFor(4 * w);
            return v(Cause.RECEIVER_WINDOW, f, String.format(Locale.ROOT,
                    "the rate's BDP (%s) filled %.0f %% of the window the receiver granted (%s)",
                    Units.bytes(f.bdpBytes().getAsLong()), 100.0 * f.bdpBytes().getAsLong() / w, Units.bytes(w)),
                    "raise net.ipv4.tcp_rmem's max and net.core.rmem_max to at least " + Units.bytes(need)
                            + " on the receiver, or use -w " + Units.flag(need) + ": a window of " + Units.bytes(w)
                            + " carries at most " + Units.rate(w * 8e6 / f.rttMicros().getAsLong()) + " over "
                            + Units.millis(f.rttMicros().getAsLong()));
        }
        if (f.busyShare().isEmpty() && report.isPresent()) {
            return fromReport(f, report.get());
        }
        if (f.busyShare().isEmpty()) {
            return nd(f, "the path or the sender's buffer: the sender's TCP_INFO counters were not seen ("
                    + String.join("; ", f.unseen()) + ")");
        }
        double sndbuf = f.sndbufLimitedShare().orElse(0);
        double rwnd = f.rwndLimitedShare().orElse(0);
        boolean bufferFull = f.senderBufferBytes().isPresent() && f.bdpBytes().isPresent()
                && f.bdpBytes().getAsLong() >= SNDBUF_FULL * f.senderBufferBytes().getAsLong()
                && sndbuf >= SNDBUF_SHARE_WHEN_FULL;
        if ((sndbuf >= SNDBUF_SHARE || bufferFull) && sndbuf >= rwnd) {
            long b = f.senderBufferBytes().orElse(0);
            long need = bufferFor(2 * Math.max(b, f.bdpBytes().orElse(0)));
            return v(Cause.SENDER_BUFFER, f, String.format(Locale.ROOT,
                    "its send buffer stopped the sender %.0f %% of its busy time%s", 100 * sndbuf, bufferFull
                            ? String.format(Locale.ROOT, ", and the rate's BDP (%s) is %.0f %% of the buffer (%s)",
                            Units.bytes(f.bdpBytes().getAsLong()),
                            100.0 * f.bdpBytes().getAsLong() / f.senderBufferBytes().getAsLong(),
                            Units.bytes(f.senderBufferBytes().getAsLong())) : ""),
                    "raise net.ipv4.tcp_wmem's max and net.core.wmem_max to at least " + Units.bytes(need)
                            + " on the sender, or use -w " + Units.flag(need)
                            + (b > 0 ? " (its buffer was " + Units.bytes(b) + ")" : ""));
        }
        if (rwnd >= RWND_SHARE) {
            long w = f.receiverWindowBytes().orElse(0);
            long need = bufferFor(4 * Math.max(w, f.bdpBytes().orElse(0)));
            return v(Cause.RECEIVER_WINDOW, f, String.format(Locale.ROOT,
                    "the receiver's window stopped the sender %.0f %% of its busy time", 100 * rwnd),
                    "raise net.ipv4.tcp_rmem's max and net.core.rmem_max to at least " + Units.bytes(need)
                            + " on the receiver, or use -w " + Units.flag(need)
                            + "; if it is already large, the receiving application reads too slowly");
        }
        if (f.busyShare().getAsDouble() < APP_IDLE) {
            return v(Cause.PACING, f, String.format(Locale.ROOT,
                    "the socket had data to send only %.0f %% of the test", 100 * f.busyShare().getAsDouble()),
                    "the application sent less than the path carries: send more (no -b, a larger -l)");
        }
        return v(Cause.PATH, f, String.format(Locale.ROOT,
                "the congestion window held the sender %.0f %% of its busy time",
                100 * f.cwndLimitedShare().orElse(1 - sndbuf - rwnd)),
                "nothing on either host: the path carried what its congestion window allowed (its capacity, its"
                        + " queue and its loss); a faster or cleaner path, or another congestion control (-C)");
    }

    /**
     * The sender is a real iperf3 whose returned output is all there is of it: per interval its retransmits and
     * congestion window. The path is named when both show it held the sender: retransmits of at least {@link #LOSSES}
     * of the segments (the sender reached what the path carries and it dropped; under BBR often in slow start only;
     * a starved sender's tail-loss probes stay far below), a congestion window below the window the
     * receiver granted, and at the end a window the data in flight filled (at most {@link #CWND_FILLED} times the
     * rate's BDP: BBR keeps about twice the BDP it measures). In the lab's path case (-R against 3.21) 572-1476
     * retransmits and a last window 1.3-1.9 times the BDP; in the sender's-buffer case none and 2.9-3.0 times. Anything
     * else is not determined: the sender's buffer, its CPU and the application are what that output cannot show.
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
        boolean filled = f.bdpBytes().isPresent() && lastCwnd > 0
                && lastCwnd <= CWND_FILLED * f.bdpBytes().getAsLong();
        if (losses && belowWindow && filled) {
            return v(Cause.PATH, f, seen + String.format(Locale.ROOT, ", %s at the end for a BDP of %s: losses on"
                            + " the path held its congestion window (its send buffer and CPU were not seen)",
                    Units.bytes(lastCwnd), Units.bytes(f.bdpBytes().getAsLong())),
                    "nothing on either host that the figures show: the path carried what its congestion window"
                            + " allowed (its capacity, its queue and its loss); a faster or cleaner path, or another"
                            + " congestion control (-C)");
        }
        return nd(f, "the sender's buffer, its CPU or the application: " + seen + (losses ? "" : "; too few"
                + " losses to say the path was full (a stalled sender's tail-loss probes retransmit too)") + (filled || lastCwnd == 0 ? "" : String.format(Locale.ROOT,
                "; its congestion window (%s at the end) had room the data in flight (%s) did not fill",
                Units.bytes(lastCwnd), f.bdpBytes().isPresent() ? Units.bytes(f.bdpBytes().getAsLong()) : "?"))
                + "; the sender's chronos, send buffer and thread were not seen");
    }

    private static Why.Verdict udp(WhyFigures f) {
        double lost = f.lostShare().orElse(0);
        long target = f.targetBitsPerSecond();
        // what the sender sent: the received rate with the lost datagrams put back (a sender that kept to -b on a
        // lossy path or into a full buffer was not short of CPU)
        double sent = f.bitsPerSecond() / Math.max(0.01, 1 - lost);
        if (target > 0 && sent < PACED * target && busy(f.senderRunShare(), f.senderWaitShare(),
                f.senderCpuPercent())) {
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
            if (!bufferDropped && busy(f.receiverRunShare(), f.receiverWaitShare(), f.receiverCpuPercent())) {
                return cpuVerdict(Cause.RECEIVER_CPU, f, f.receiverRunShare(), f.receiverWaitShare(),
                        f.receiverCpuPercent(), "receiving");
            }
            if (f.droppedShare().isEmpty()) {
                return v(Cause.PATH, f, String.format(Locale.ROOT, "%.2f %% of the datagrams were lost", 100 * lost),
                        "lost on the path or in the receiver's socket buffer (not told apart: the receiving socket's"
                                + " drop counter was not seen): lower -b to what the path carries, or raise"
                                + " net.core.rmem_max and use -w on the receiver to rule the buffer out");
            }
            double dropped = Math.min(lost, f.droppedShare().getAsDouble());
            if (bufferDropped) {
                long b = f.receiverBufferBytes().orElse(0);
                long need = bufferFor(4 * b);
                return v(Cause.RECEIVER_BUFFER, f, String.format(Locale.ROOT,
                        "%.2f %% of the datagrams were lost and the receiver's socket dropped %.2f %% itself, its"
                                + " buffer full%s", 100 * lost, 100 * f.droppedShare().getAsDouble(), readerWaited
                                ? String.format(Locale.ROOT, " (its reading thread also waited %.0f %% of the test"
                                + " for a CPU)", 100 * f.receiverWaitShare().getAsDouble()) : ""),
                        "raise net.core.rmem_max to at least " + Units.bytes(need) + " on the receiver and use -w "
                                + Units.flag(need) + (b > 0 ? " (its buffer was " + Units.bytes(b) + ")" : "")
                                + (readerWaited ? ", give the receiver an idle core (-A on the server)" : "")
                                + ", or lower -b");
            }
            return v(Cause.PATH, f, String.format(Locale.ROOT,
                    "%.2f %% of the datagrams were lost on the path (the receiver's socket dropped %.2f %%)",
                    100 * lost, 100 * dropped),
                    "lower -b to what the path carries, or find where the path drops (a link, a queue, a policer)");
        }
        if (target > 0 && f.bitsPerSecond() >= PACED * target) {
            return v(Cause.PACING, f, "the rate asked for with -b (" + Units.rate(target) + ") was reached",
                    "raise -b to find what the path carries");
        }
        return nd(f, "the sender sent less than -b asked while its thread was not busy and nothing was lost");
    }

    private static Optional<Why.Verdict> paced(WhyFigures f) {
        long target = f.targetBitsPerSecond();
        if (target > 0 && f.bitsPerSecond() >= PACED * target) {
            return Optional.of(v(Cause.PACING, f, String.format(Locale.ROOT,
                    "%.0f %% of the rate asked for with -b (%s)", 100 * f.bitsPerSecond() / target,
                    Units.rate(target)), "raise -b (or -b 0) to measure what the path carries"));
        }
        long fq = f.fqRateBitsPerSecond();
        if (fq > 0 && f.bitsPerSecond() >= PACED * fq) {
            return Optional.of(v(Cause.PACING, f, String.format(Locale.ROOT,
                    "%.0f %% of the rate asked for with --fq-rate (%s)", 100 * f.bitsPerSecond() / fq,
                    Units.rate(fq)), "raise or drop --fq-rate to measure what the path carries"));
        }
        return Optional.empty();
    }

    private static Optional<Why.Verdict> cpu(WhyFigures f) {
        double s = share(f.senderRunShare(), f.senderWaitShare(), f.senderCpuPercent());
        double r = share(f.receiverRunShare(), f.receiverWaitShare(), f.receiverCpuPercent());
        boolean udp = f.transport() == Transport.UDP;
        // A long wait to run counts only with its effect: a sender that left its socket empty part of the test (UDP:
        // the rule's caller checks the rate), a receiver whose window closed because it read too slowly. On a busy
        // machine every wake-up waits, and a receiver 40 % in wait can still keep up with a slower path.
        boolean senderShort = s >= CPU_BUSY || senderWaitShowed(f, udp);
        boolean receiverShort = r >= CPU_BUSY || f.receiverWaitShare().orElse(0) >= CPU_WAIT
                && (udp || f.rwndLimitedShare().orElse(0) >= WINDOW_CLOSED);
        if (senderShort && (!receiverShort || senderHeldMore(f, udp, s, r))) {
            return Optional.of(cpuVerdict(Cause.SENDER_CPU, f, f.senderRunShare(), f.senderWaitShare(),
                    f.senderCpuPercent(), "sending"));
        }
        if (receiverShort) {
            return Optional.of(cpuVerdict(Cause.RECEIVER_CPU, f, f.receiverRunShare(), f.receiverWaitShare(),
                    f.receiverCpuPercent(), "receiving"));
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
     * ({@code rwnd-limited x busy}). On the lab's loaded machine the receiver of a pinned sender waited 62-66 % to run
     * too, more than the sender, yet its window held the sender 17-26 % of the test against the empty socket's 29-44 %.
     * Without the sender's chronos (UDP, a real iperf3 sender) the larger run + wait.
     */
    private static boolean senderHeldMore(WhyFigures f, boolean udp, double s, double r) {
        if (udp || f.busyShare().isEmpty()) {
            return s >= r;
        }
        double busy = f.busyShare().getAsDouble();
        return 1 - busy >= f.rwndLimitedShare().orElse(0) * busy;
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
        String side = c == Cause.SENDER_CPU ? "sender" : "receiver";
        if (run.isEmpty()) {
            return v(c, f, String.format(Locale.ROOT, "the %s's process used %.0f %% of a core", side,
                    processPercent.getAsDouble()), "give the " + side + " a faster or idle core (-A), or spread"
                    + " the test over cores with -P");
        }
        double r = run.getAsDouble();
        double w = wait.orElse(0);
        String why = String.format(Locale.ROOT, "the %s thread ran %.0f %% of the time and waited %.0f %% for a CPU",
                verb, 100 * r, 100 * w);
        String remedy = w >= r / 2
                ? "the " + verb + " thread waited for its core: move it to an idle core (-A"
                + (c == Cause.RECEIVER_CPU ? " on the server" : "") + ") or lower the other load on that core"
                : "the " + verb + " thread used a whole core: spread the test over cores with -P, or send with -Z";
        return v(c, f, why, remedy);
    }

    private static boolean windowFull(WhyFigures f) {
        return f.receiverWindowBytes().isPresent() && f.receiverWindowBytes().getAsLong() > 0
                && f.bdpBytes().isPresent() && f.rttMicros().isPresent()
                && f.bdpBytes().getAsLong() >= WINDOW_FULL * f.receiverWindowBytes().getAsLong();
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
        return new Why.Verdict(Cause.NOT_DETERMINED, f, reason, Optional.empty());
    }

    private static Why.Verdict v(Cause c, WhyFigures f, String reason, String remedy) {
        return new Why.Verdict(c, f, reason, Optional.of(remedy));
    }
}
