package io.iperf3j.internal.engine;

import io.iperf3j.sys.MonotonicSleep;

import java.util.function.BooleanSupplier;

/**
 * When a paced ({@code -b}) stream may send its next block or datagram: the one
 * schedule of TCP and UDP streams.
 *
 * <p>iperf3 lets a stream send while {@code bytes_sent * 8 / elapsed < rate}. 3.12
 * re-checked that on a timer every {@code --pacing-timer} µs (1000 by default), so a
 * stream sent in bursts of a millisecond's worth; iperf3 3.18+ on Linux ignores the
 * timer and, after each datagram, sleeps ({@code clock_nanosleep}) until the next one is
 * due, so datagrams leave evenly spaced. This class follows 3.18+: the next datagram is
 * due at {@code start + bytesSent / rate} and the stream sleeps until exactly then.
 * Bursts matter on a real path: a millisecond's burst queues behind a shaper or a
 * slower link, and every datagram of it then shows a different transit time, which the
 * receiver reports as jitter (bench/jitter-netns.sh). Because the due time follows from
 * the total sent so far, a thread that wakes late (a sleep has tens of microseconds of
 * slack) simply finds several datagrams due and sends them at once, so the average rate
 * stays exact at any packet rate, while at low rates the thread sleeps and costs nothing.
 *
 * <p>TCP blocks follow the same schedule, but a block may leave up to {@code --pacing-timer}
 * (1000 µs by default, at most {@link #MAX_EARLY_NANOS}) before it is due: {@link #awaitTurn}
 * sends every block due within that window and then sleeps at least that long, so a 5 Gbit/s
 * stream of 128 KiB blocks wakes about 1000 times a second instead of 4800. That is iperf3
 * 3.12's rule (a check every {@code --pacing-timer} µs, sending while under the rate): a TCP
 * write only fills the socket's buffer, and TCP's own window decides when its segments leave,
 * so a millisecond's blocks at once changes no figure, while each wake-up saved is a sleep, a
 * timer and two context switches on the sender and one wake-up fewer of the receiver
 * (docs/design/cpu-per-bit.md: -b 5G pairs 0.108 to 0.086 CPU s per Gbit). {@code
 * --pacing-timer 0} restores one wake-up per block. UDP keeps the exact spacing above.
 *
 * <p>With a burst of N ({@code -b R/N}) the check is made only every N datagrams.
 * UDP streams call {@link #checkDue} and {@link #waitNanos} from their send loops
 * (which spin or park as the data path wants); TCP streams, which have no pacing
 * grid either, wait in {@link #awaitTurn}. Not thread-safe: owned by the sending
 * thread.
 *
 * <p>On a server with {@code --total-rate} a pacer also follows its test's {@link RateShare}
 * (made even without {@code -b}, and for a TCP receiver, which waits before reading each
 * block so that TCP's flow control slows the client): each check reads the share's volatile
 * rate, runs at {@code min(-b, share)}, and re-anchors the schedule when the share changed.
 * Without a share a check costs one null test more than before.
 */
public final class Pacer {
    /**
     * With a {@link RateShare}: the most a stream may be behind its schedule. A stream held
     * back elsewhere (a slow client, a sender that had not started) would otherwise gather
     * credit and later burst over its share, taking it from the other tests.
     */
    static final long MAX_CREDIT_NANOS = 50_000_000L;
    /** The stream's own {@code -b} rate in bits per second; 0 for none (only with a share). */
    private final long ownRate;
    private final int burst;
    /** The server's {@code --total-rate} share, or null: then nothing below changes the schedule. */
    private final RateShare share;
    /** The share's rate the schedule follows now. */
    private long shareSeen;
    /** 8e9 / the rate; 0 for no limit (a share not set yet and no {@code -b}). */
    private double nanosPerByte;
    private long startNanos;
    /** The bytes sent when the schedule was last anchored; 0 without a share. */
    private long bytesAtStart;
    private int sinceCheck;
    /** How early {@link #awaitTurn} lets a block go: the TCP pacing timer; 0 for exactly on time. */
    private final long earlyNanos;
    /** The largest {@code --pacing-timer} honoured: a peer's value cannot buy a longer burst. */
    static final long MAX_EARLY_NANOS = 10_000_000L;
    /** How the sending thread sleeps until a block is due: made once, used by that thread only. */
    private final MonotonicSleep sleep = MonotonicSleep.create();

    /**
     * @param bitsPerSecond the per-stream rate, &gt; 0
     * @param burst datagrams per burst; 0 or 1 for none
     */
    public Pacer(long bitsPerSecond, int burst) {
        this(bitsPerSecond, burst, null);
    }

    /**
     * A pacer that also follows a server's {@code --total-rate} share: it runs at
     * {@code min(bitsPerSecond, share)}, and re-anchors its schedule when the share changes.
     *
     * @param bitsPerSecond the stream's own {@code -b} rate, or 0 for none
     * @param share the test's share, or null for a plain {@code -b} pacer
     */
    public Pacer(long bitsPerSecond, int burst, RateShare share) {
        this(bitsPerSecond, burst, share, 0);
    }

    /**
     * A TCP stream's pacer: as {@link #Pacer(long, int, RateShare)}, and {@link #awaitTurn}
     * lets a block go up to {@code pacingTimerMicros} before it is due.
     *
     * @param pacingTimerMicros {@code --pacing-timer} in µs (iperf3's default 1000); 0 for
     *     every block on time; above {@link #MAX_EARLY_NANOS} it is that
     */
    public Pacer(long bitsPerSecond, int burst, RateShare share, long pacingTimerMicros) {
        if (pacingTimerMicros < 0) {
            throw new IllegalArgumentException("pacing timer must not be negative: " + pacingTimerMicros);
        }
        this.earlyNanos = Math.min(MAX_EARLY_NANOS / 1000, pacingTimerMicros) * 1000L; // capped before it can overflow
        if (bitsPerSecond < 0 || (bitsPerSecond == 0 && share == null)) {
            throw new IllegalArgumentException("rate must be positive: " + bitsPerSecond);
        }
        this.ownRate = bitsPerSecond;
        this.burst = Math.max(1, burst);
        this.share = share;
        this.shareSeen = share == null ? 0 : share.streamBitsPerSecond();
        this.nanosPerByte = nanosPerByte(ownRate, shareSeen);
    }

    /** 8e9 / min of the two rates, a 0 rate meaning "no limit"; 0 when neither limits. */
    private static double nanosPerByte(long own, long shared) {
        long rate = own == 0 ? shared : shared == 0 ? own : Math.min(own, shared);
        return rate == 0 ? 0 : 8e9 / rate;
    }

    /** The schedule starts now (the stream's first datagram is due at once). */
    public void start(long nowNanos) {
        startNanos = nowNanos;
        bytesAtStart = 0;
        sinceCheck = 0;
        if (share != null) {
            shareSeen = share.streamBitsPerSecond();
            nanosPerByte = nanosPerByte(ownRate, shareSeen);
        }
    }

    /**
     * Called once before each datagram; false while a burst is still going (send
     * without checking), true when the rate has to be checked with {@link #waitNanos}.
     */
    public boolean checkDue() {
        if (++sinceCheck >= burst) {
            sinceCheck = 0;
            return true;
        }
        return false;
    }

    /**
     * How many units of {@code unitBytes} the rate lets go in one millisecond, at least 1:
     * the largest burst a segmentation-offload sender sends at once (see BatchedUdpSender).
     * It follows the rate of the last {@link #waitNanos}, so a changed share changes the burst.
     */
    public int perMillisecond(int unitBytes) {
        double perMs = 1e6 / (nanosPerByte * Math.max(1, unitBytes));
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, perMs));
    }

    /**
     * How long to wait before the next datagram, given the bytes sent since
     * {@link #start}; 0 or less means send now. Call again after waiting: a wake-up
     * before the time returns the rest.
     */
    public long waitNanos(long bytesSent, long nowNanos) {
        if (share != null) {
            follow(bytesSent, nowNanos);
        }
        long due = startNanos + (long) ((bytesSent - bytesAtStart) * nanosPerByte);
        return Math.max(0, due - nowNanos);
    }

    /**
     * The share's side of a check: when the share's rate changed, the schedule is re-anchored
     * at the point the next byte was due (not earlier than now), so the new rate holds exactly
     * from there on, with neither a burst nor a pause for what went before; a stream more than
     * {@link #MAX_CREDIT_NANOS} behind is moved up to that bound.
     */
    private void follow(long bytesSent, long nowNanos) {
        long rate = share.streamBitsPerSecond();
        long due = startNanos + (long) ((bytesSent - bytesAtStart) * nanosPerByte);
        if (rate != shareSeen) {
            shareSeen = rate;
            nanosPerByte = nanosPerByte(ownRate, rate);
            startNanos = Math.max(nowNanos, due);
            bytesAtStart = bytesSent;
        } else if (nowNanos - due > MAX_CREDIT_NANOS) {
            startNanos = nowNanos - MAX_CREDIT_NANOS;
            bytesAtStart = bytesSent;
        }
    }

    /** The rate the schedule follows now, in bits per second; 0 for no limit. */
    public long currentRate() {
        return nanosPerByte == 0 ? 0 : Math.round(8e9 / nanosPerByte);
    }

    /**
     * Sleeps {@code wait} ns from {@code now} (a {@link #waitNanos} answer): a short wait in one
     * {@code clock_nanosleep} to the deadline, as iperf3 3.18+ sleeps (a timed park costs two
     * system calls), a longer one parked for at most {@code maxPark}, which
     * {@link DataStream#wakeWorker} ends at once; so a stop request is seen within
     * {@link MonotonicSleep#SHORT_NANOS} or at once. The caller checks again after it returns.
     */
    public void sleep(long wait, long now, long maxPark) {
        sleep.until(now + wait, now, maxPark);
    }

    /**
     * Waits (asleep, never spinning) until a block may be sent, given the bytes sent
     * since {@link #start}: the TCP streams' use of the schedule. A block due within the
     * pacing timer goes at once; so does one within a burst.
     *
     * @return false if {@code stop} became true while waiting
     */
    public boolean awaitTurn(long bytesSent, BooleanSupplier stop) {
        if (!checkDue()) {
            return true;
        }
        while (true) {
            long now = System.nanoTime();
            long wait = waitNanos(bytesSent, now);
            if (wait <= earlyNanos) {
                return true;
            }
            if (stop.getAsBoolean()) {
                return false;
            }
            // Parks last at most 100 ms at a time so that a stop request is seen promptly.
            sleep(wait, now, 100_000_000L);
        }
    }
}
