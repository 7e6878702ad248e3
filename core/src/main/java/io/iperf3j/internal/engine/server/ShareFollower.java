package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.TestSession;
import java.util.concurrent.TimeUnit;

/**
 * {@code --total-rate} for one running test, once a second whatever the server's {@code -i}: the
 * bytes its streams moved in that second set its measured demand ({@link RateShares#measured}),
 * and a UDP upload is policed against its allocation ({@link UploadPolice}). Both used to run on
 * the server's stats intervals, so a server started with {@code -i 0} divided by asked demand only
 * and never policed, and one with {@code -i 0.1} recomputed every share ten times a second.
 *
 * <p>The byte counts are the streams' live counters (what the workers have counted), read by the
 * test thread; the last tick's totals are kept here. Test thread only.
 */
final class ShareFollower {
    /** How often the test's rate is measured. */
    static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final RateShares rates;
    private final RateShares.Member member;
    /** Made for a UDP test whose server receives; else null. */
    private final UploadPolice police;
    private long due = TestSession.NEVER;
    private long tickStart;
    private long sent;
    private long received;
    /** The test's streams the server receives on, known once they are all set up. */
    private int receivingStreams;

    /** @param policeUploads whether the test is UDP and the server receives on it (an upload the server cannot slow) */
    ShareFollower(RateShares rates, RateShares.Member member, boolean policeUploads) {
        this.rates = rates;
        this.member = member;
        this.police = policeUploads ? new UploadPolice(TICK_NANOS / 1e9) : null;
    }

    /**
     * The test runs from {@code now} ({@link System#nanoTime()}), with these byte totals so far and
     * {@code receivingStreams} of its streams received by the server.
     */
    void start(long now, long sentTotal, long receivedTotal, int receivingStreams) {
        this.receivingStreams = receivingStreams;
        tickStart = now;
        sent = sentTotal;
        received = receivedTotal;
        due = now + TICK_NANOS;
    }

    /** When the next measurement is due, or {@link TestSession#NEVER} before {@link #start}. */
    long due() {
        return due;
    }

    /**
     * The second that ends at {@code now}: its rate moves the test's demand, and a UDP upload's
     * received bytes are held to what its allocation (its share per stream, now) allowed its
     * receiving streams.
     *
     * @return true when a UDP upload has been over its share for a whole window: the test must end
     */
    boolean tick(long now, long sentTotal, long receivedTotal) {
        double seconds = (now - tickStart) / 1e9;
        long movedSent = sentTotal - sent;
        long movedReceived = receivedTotal - received;
        tickStart = now;
        sent = sentTotal;
        received = receivedTotal;
        due = now + TICK_NANOS;
        if (seconds <= 0) {
            return false;
        }
        rates.measured(member, (movedSent + movedReceived) * 8 / seconds);
        if (police == null || receivingStreams == 0) {
            return false;
        }
        double allowed = (double) member.share.streamBitsPerSecond() * receivingStreams / 8 * seconds;
        return police.exceededAfter(movedReceived, allowed);
    }
}
