package io.iperf3j.report.internal;

import java.util.Arrays;

/**
 * One scheduled test's history (its {@code tests.jsonl} lines, in the files' order) as at most
 * {@code maxPoints} points. Each point stands for {@link #width()} consecutive lines of the test (1 until
 * the test has more lines than points; then neighbouring points are merged two by two and the width
 * doubles, so memory stays bounded however long the history). A point holds: its first and last run,
 * the end time of its last line, how many of its lines were ok, failed and skipped, and the means of the
 * figures: the received and sent rates over its ok and failed runs (a failed run counts as 0, never a
 * gap), retransmits, RTT, loss and jitter over the runs that gave them. A point of skipped runs only has
 * no rates (null); its skipped count says why.
 *
 * <p>Not thread-safe: filled by the one thread that reads the history.
 */
public final class HistorySeries {
    /** The figures kept as means, in the model's key order. */
    static final String[] FIGURES = {"received_bits_per_second", "sent_bits_per_second", "retransmits", "rtt_seconds",
            "loss_percent", "jitter_seconds"};
    private static final int RECEIVED = 0;
    private static final int SENT = 1;

    private final String id;
    private final String sender;
    private final String receiver;
    private final String direction;
    private final String protocol;
    private final String kind;
    private int maxPoints;
    private int width = 1;
    private int points;
    private long[] firstRun;
    private long[] lastRun;
    private double[] time;
    private int[] ok;
    private int[] failed;
    private int[] skipped;
    private final double[][] sum = new double[FIGURES.length][];
    private final int[][] count = new int[FIGURES.length][];
    private long okTotal;
    private long failedTotal;
    private long skippedTotal;
    private String lastStatus;
    private String lastError;
    private long lastErrorRun;
    /** The run and end time of the test's latest result (its last ok or failed line; a skipped line is none). */
    private long lastResultRun;
    private double lastResultTime = Double.NaN;
    /** The runs a rotating test's cycle takes ({@code rotation_runs}), 0 when its lines do not say (a test of every run). */
    private int cycleRuns;
    /** The verdicts ({@code --why}) of the test's last ok run that had any: each direction's cause and headline. */
    private java.util.List<Why> lastWhy = java.util.List.of();
    private long lastWhyRun;

    /**
     * What held one direction of a run's data back (the session's {@code tests.jsonl} {@code why}).
     *
     * @param from the node that sent that data
     * @param to the node that received it
     * @param cause iperf3j's cause key ({@code receiver_window}, …)
     * @param headline its words
     */
    public record Why(String from, String to, String cause, String headline) {
    }

    HistorySeries(String id, String sender, String receiver, String direction, String protocol, String kind, int maxPoints) {
        if (maxPoints < 2 || maxPoints % 2 != 0) {
            throw new IllegalArgumentException("maxPoints must be even and at least 2: " + maxPoints);
        }
        this.id = id;
        this.sender = sender;
        this.receiver = receiver;
        this.direction = direction;
        this.protocol = protocol;
        this.kind = kind;
        this.maxPoints = maxPoints;
        int start = Math.min(maxPoints, 16);
        firstRun = new long[start];
        lastRun = new long[start];
        time = new double[start];
        ok = new int[start];
        failed = new int[start];
        skipped = new int[start];
        for (int f = 0; f < FIGURES.length; f++) {
            sum[f] = new double[start];
            count[f] = new int[start];
        }
    }

    /**
     * Adds one line of the test.
     *
     * @param status "ok", "failed" or "skipped" (anything else counts as failed)
     * @param figures the line's figures in {@link #FIGURES} order, NaN where absent
     * @param endSeconds the line's end time (unix seconds), NaN when the line has none
     */
    void add(long run, String status, String error, double[] figures, double endSeconds) {
        add(run, status, error, figures, endSeconds, java.util.List.of());
    }

    /** As {@link #add(long, String, String, double[], double)}, with the run's verdicts ({@code why}; none when it had none). */
    void add(long run, String status, String error, double[] figures, double endSeconds, java.util.List<Why> why) {
        if ("ok".equals(status) && !why.isEmpty()) {
            lastWhy = java.util.List.copyOf(why);
            lastWhyRun = run;
        }
        int at = points - 1;
        if (points == 0 || lines(at) >= width) {
            if (points == maxPoints) {
                halve();
            }
            at = points++;
            grow();
            firstRun[at] = run;
            time[at] = Double.NaN;
        }
        lastRun[at] = run;
        if (!Double.isNaN(endSeconds)) {
            time[at] = endSeconds;
        }
        lastStatus = status;
        if (!"skipped".equals(status)) {
            lastResultRun = run;
            lastResultTime = endSeconds;
        }
        switch (status) {
            case "ok" -> {
                ok[at]++;
                okTotal++;
                for (int f = 0; f < FIGURES.length; f++) {
                    if (Double.isFinite(figures[f])) {
                        sum[f][at] += figures[f];
                        count[f][at]++;
                    }
                }
            }
            case "skipped" -> {
                skipped[at]++;
                skippedTotal++;
            }
            default -> {
                failed[at]++;
                failedTotal++;
                // a failed run moved nothing: its rates are 0 (as the session's metrics say), its other figures absent
                count[RECEIVED][at]++;
                count[SENT][at]++;
                lastError = error;
                lastErrorRun = run;
            }
        }
    }

    /**
     * Sets the totals and the last status from a source that counts every run, where the points miss some
     * (Prometheus's session counters: runs between two samples are not drawn, but counted).
     *
     * @param lastStatus the last run's status, or null to keep the last point's
     */
    void counted(long ok, long failed, long skipped, String lastStatus) {
        okTotal = ok;
        failedTotal = failed;
        skippedTotal = skipped;
        if (lastStatus != null) {
            this.lastStatus = lastStatus;
        }
    }

    /**
     * Lowers the most points this test keeps (a history of many tests shares one budget of points, {@link
     * HistoryReader}): its points are merged two by two until they fit, as when a test outgrows its points.
     *
     * @param max even and at least 2, at most the present limit
     */
    void limitPoints(int max) {
        if (max < 2 || max % 2 != 0 || max > maxPoints) {
            throw new IllegalArgumentException("points limit must be even, at least 2 and at most " + maxPoints + ": " + max);
        }
        while (points > max) {
            halve();
        }
        maxPoints = max;
        if (ok.length > max) {
            resize(max);
        }
    }

    /** Sets the runs a rotating test's cycle takes ({@code rotation_runs} of its lines; the largest seen is kept). */
    void cycle(int runs) {
        cycleRuns = Math.max(cycleRuns, runs);
    }

    private int lines(int i) {
        return ok[i] + failed[i] + skipped[i];
    }

    private void grow() {
        if (points <= ok.length) {
            return;
        }
        resize(Math.min(maxPoints, ok.length * 2));
    }

    private void resize(int n) {
        firstRun = Arrays.copyOf(firstRun, n);
        lastRun = Arrays.copyOf(lastRun, n);
        time = Arrays.copyOf(time, n);
        ok = Arrays.copyOf(ok, n);
        failed = Arrays.copyOf(failed, n);
        skipped = Arrays.copyOf(skipped, n);
        for (int f = 0; f < FIGURES.length; f++) {
            sum[f] = Arrays.copyOf(sum[f], n);
            count[f] = Arrays.copyOf(count[f], n);
        }
    }

    /**
     * Merges points two by two, doubling the width. With an odd number of points (only when the limit is lowered) the
     * last stays alone: it then holds fewer lines than the width, as the newest point may, and takes the next lines.
     */
    private void halve() {
        int pairs = points / 2;
        for (int i = 0; i < pairs; i++) {
            merge(i, 2 * i, 2 * i + 1);
        }
        int kept = pairs;
        if (points % 2 != 0) {
            merge(kept, points - 1, -1);
            kept++;
        }
        for (int i = kept; i < points; i++) {
            ok[i] = failed[i] = skipped[i] = 0;
            for (int f = 0; f < FIGURES.length; f++) {
                sum[f][i] = 0;
                count[f][i] = 0;
            }
        }
        points = kept;
        width *= 2;
    }

    /** Point {@code i} becomes points {@code a} and {@code b} together ({@code b} -1: {@code a} alone); i is at most a. */
    private void merge(int i, int a, int b) {
        int last = b < 0 ? a : b;
        firstRun[i] = firstRun[a];
        lastRun[i] = lastRun[last];
        time[i] = Double.isNaN(time[last]) ? time[a] : time[last];
        ok[i] = ok[a] + (b < 0 ? 0 : ok[b]);
        failed[i] = failed[a] + (b < 0 ? 0 : failed[b]);
        skipped[i] = skipped[a] + (b < 0 ? 0 : skipped[b]);
        for (int f = 0; f < FIGURES.length; f++) {
            sum[f][i] = sum[f][a] + (b < 0 ? 0 : sum[f][b]);
            count[f][i] = count[f][a] + (b < 0 ? 0 : count[f][b]);
        }
    }

    public String id() {
        return id;
    }

    public String sender() {
        return sender;
    }

    public String receiver() {
        return receiver;
    }

    public String direction() {
        return direction;
    }

    public String protocol() {
        return protocol;
    }

    public String kind() {
        return kind;
    }

    /** How many consecutive lines (runs) a full point stands for: 1, 2, 4 … */
    public int width() {
        return width;
    }

    public int points() {
        return points;
    }

    public long firstRun(int i) {
        return firstRun[i];
    }

    public long lastRun(int i) {
        return lastRun[i];
    }

    /** The end time (unix seconds) of the point's last line that had one, NaN when none had. */
    public double time(int i) {
        return time[i];
    }

    public int ok(int i) {
        return ok[i];
    }

    public int failed(int i) {
        return failed[i];
    }

    public int skipped(int i) {
        return skipped[i];
    }

    /** The mean of figure {@code f} ({@link #FIGURES}) over the point's runs that gave it, NaN when none did. */
    public double mean(int f, int i) {
        return count[f][i] == 0 ? Double.NaN : sum[f][i] / count[f][i];
    }

    public long okTotal() {
        return okTotal;
    }

    public long failedTotal() {
        return failedTotal;
    }

    public long skippedTotal() {
        return skippedTotal;
    }

    /** The status of the test's last line. */
    public String lastStatus() {
        return lastStatus;
    }

    /** The verdicts of the test's last ok run that had any ({@code --why}), none when no run had one. */
    public java.util.List<Why> lastWhy() {
        return lastWhy;
    }

    /** The run of {@link #lastWhy()}, 0 when none. */
    public long lastWhyRun() {
        return lastWhyRun;
    }

    /** The error of the test's last failed run, or null. */
    public String lastError() {
        return lastError;
    }

    /** The run of {@link #lastError()}, 0 when none failed. */
    public long lastErrorRun() {
        return lastErrorRun;
    }

    /** The run of the test's latest result (its last ok or failed line), 0 when it has none (only skipped lines). */
    public long lastResultRun() {
        return lastResultRun;
    }

    /** The end time (unix seconds) of the test's latest result, NaN when it has none or its line had no time. */
    public double lastResultTime() {
        return lastResultTime;
    }

    /** The runs a rotating test's cycle takes ({@code rotation_runs}), 0 when its lines do not say. */
    public int cycleRuns() {
        return cycleRuns;
    }

    /** The most points kept (lowered by {@link #limitPoints} in a history of many tests). */
    public int maxPoints() {
        return maxPoints;
    }
}
